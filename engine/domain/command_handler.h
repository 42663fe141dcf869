// CommandHandler: runs the pure deciders against the event store.
//
// For each command: load the target stream's state (from a bounded cache of
// recent states, reading on from the cached revision), decide, and append
// the events with the revision the state was read at. A conflicting append
// (ABORTED: someone else wrote first) re-reads and re-decides, a bounded
// number of times, then returns ABORTED.
//
// Uniqueness (one customer per normalised phone or company name, one order
// per contract number) holds without races: the command's append also
// claims each new value's reservation stream (reservations.h) expecting
// no_stream, all in one atomic multi-stream append. If the value belongs to
// another customer the command fails with ALREADY_EXISTS naming it, unless
// the command allows duplicates (then that value is simply not reserved).
// Values a customer stops using are released; a merge transfers the
// duplicate's reservations to the survivor.
//
// Idempotency: every event carries EventMetadata with the command's
// request_id, and event ids are derived from it (EventId::NameBased). A
// command whose request_id is among the recent ones of its stream
// (kRecentRequestIds, no I/O) or whose first derived event id is in the
// store's id index (one point read, for a retry from long ago) returns
// success again without writing. A command that wrote nothing the first
// time (it was already done) leaves no trace and is simply decided again.
//
// Thread-safety: all methods may be called concurrently; the store
// serialises appends, and the cache is internally locked.
#ifndef CRM_ENGINE_DOMAIN_COMMAND_HANDLER_H_
#define CRM_ENGINE_DOMAIN_COMMAND_HANDLER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/customer_commands.pb.h"
#include "crm/v1/opportunity.pb.h"
#include "crm/v1/order_commands.pb.h"
#include "crm/v1/product.pb.h"
#include "crm/v1/rep.pb.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/customer_state.h"
#include "engine/domain/opportunity_decider.h"
#include "engine/domain/order_state.h"
#include "engine/domain/product_decider.h"
#include "engine/domain/public_pool.h"
#include "engine/domain/rep_decider.h"
#include "engine/store/event_store.h"

namespace crm::engine::domain {

// How many request ids per stream the handler remembers in memory (older
// retries are recognised from the store's event id index).
inline constexpr size_t kRecentRequestIds = 64;

struct CommandHandlerOptions {
  // Folded states kept per aggregate type.
  size_t cache_capacity = 4096;
  // Decide-and-append attempts before giving up with ABORTED.
  int max_attempts = 8;
  // The business time zone.
  absl::TimeZone zone = DefaultBusinessTimeZone();
  // Public-pool rules for ClaimCustomerFromPool.
  v1::PoolRules pool_rules;
  // How to learn a rep's pool load (in production, a projection). If unset
  // while pool_rules set daily_claim_limit or max_owned_customers, claims are
  // refused with FAILED_PRECONDITION rather than silently unlimited.
  std::function<absl::StatusOr<ClaimantLoad>(const std::string& rep_id, absl::CivilDay today)>
      claimant_load;
};

struct CommandResult {
  // The target stream's last revision after the command (kNoRevision if the
  // stream still has no event).
  Revision revision = kNoRevision;
  // Global position of the last event written (kNoPosition if none).
  Position position = kNoPosition;
  // Events written to the target stream by this call.
  size_t events_written = 0;
  // True when nothing was written because the command was already done (the
  // decider returned no event, or the request_id was seen before).
  bool already_done = false;
};

class CommandHandler {
 public:
  // `store` is not owned and must outlive the handler.
  CommandHandler(EventStore* store, CommandHandlerOptions options);
  ~CommandHandler();

  CommandHandler(const CommandHandler&) = delete;
  CommandHandler& operator=(const CommandHandler&) = delete;

  // Customer commands (customer_decider.h), with reservations.
  absl::StatusOr<CommandResult> Execute(const v1::CommandContext& context,
                                        const v1::CustomerCommand& command);
  // Merges two customers in one atomic append (customer_merge.h). The result
  // describes the duplicate's stream.
  absl::StatusOr<CommandResult> Merge(const v1::CommandContext& context,
                                      const v1::MergeCustomers& command);
  // Recycles every customer due at context.now_us (public_pool.h). Reads the
  // whole "customer" category, so it is a batch job. Returns how many
  // customers were recycled; a second run at the same now recycles none.
  absl::StatusOr<size_t> RecyclePool(const v1::CommandContext& context,
                                     const v1::RecyclePool& command);

  // Assigns every customer owned by command.from_rep_id to to_rep_id
  // (refused with FAILED_PRECONDITION if to_rep_id is a deactivated rep).
  // Like RecyclePool, reads the whole "customer" category. Returns how many
  // customers moved; a second run moves none.
  absl::StatusOr<size_t> ReassignCustomers(const v1::CommandContext& context,
                                           const v1::ReassignRepCustomers& command);

  // Order and payment commands; PlaceOrder also checks the customer is live
  // and reserves the contract number. PlaceOrder and AmendOrder read the
  // products their lines name and are refused, writing nothing, if one is
  // not defined (NotFound) or retired (FailedPrecondition; an amendment may
  // keep a product the order already holds), see order_decider.h. The same
  // append asserts those product streams are unchanged since they were read,
  // so an order racing its product's retirement is either committed before
  // it or re-decided after it (and refused); never committed after.
  absl::StatusOr<CommandResult> Execute(const v1::CommandContext& context,
                                        const v1::OrderCommand& command);
  absl::StatusOr<CommandResult> Execute(const v1::CommandContext& context,
                                        const v1::OpportunityCommand& command);
  absl::StatusOr<CommandResult> Execute(const v1::CommandContext& context,
                                        const v1::ProductCommand& command);
  absl::StatusOr<CommandResult> Execute(const v1::CommandContext& context,
                                        const v1::RepCommand& command);
  absl::StatusOr<CommandResult> Execute(const v1::CommandContext& context,
                                        const v1::CreateTeam& command);

  // The current state (through the cache). A missing stream gives a state
  // with exists == false.
  absl::StatusOr<CustomerState> LoadCustomer(const std::string& customer_id);
  absl::StatusOr<OrderState> LoadOrder(const std::string& order_id);
  absl::StatusOr<ProductState> LoadProduct(const std::string& product_id);
  absl::StatusOr<RepState> LoadRep(const std::string& rep_id);
  absl::StatusOr<TeamState> LoadTeam(const std::string& team_id);

  // The customer holding a phone number or company name now, read from the
  // reservation streams: exact and current (read-your-writes), unlike a
  // directory view. The value is normalised first (InvalidArgument naming
  // `phone` / `company_name` if it does not normalise); NotFound if no
  // customer holds it.
  absl::StatusOr<std::string> CustomerHoldingPhone(absl::string_view phone);
  absl::StatusOr<std::string> CustomerHoldingCompanyName(absl::string_view company_name);

  // Rebuilds a customer's state from its stream, bypassing the cache, with
  // only the events committed at or before `as_of_us` (UTC microseconds;
  // INT64_MAX for now). For audit: "what did we know on that day".
  absl::StatusOr<CustomerState> CustomerAsOf(const std::string& customer_id, int64_t as_of_us);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_COMMAND_HANDLER_H_
