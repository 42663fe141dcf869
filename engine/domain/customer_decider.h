// The customer decider: turns a customer command and the customer's current
// state into the events that record it. Pure: no clock (the command context
// brings "now"), no I/O, no id generation (ids come in the command).
//
// Results:
//   * events: the command's effect, to append to "customer-<id>";
//   * an empty vector: already done (e.g. tagging with a tag already there):
//     nothing to append, and the command succeeded;
//   * InvalidArgument: a field is malformed (the message names it);
//   * NotFound: the customer (or a contact it names) does not exist;
//   * AlreadyExists: registering an existing id, adding an existing contact;
//   * FailedPrecondition: a business rule refuses, e.g. the customer was
//     merged (the message names the survivor), archived, a pool rule.
//
// Uniqueness of phones and company names across customers is not decided
// here (it needs other streams); see reservations.h and the command handler.
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_CUSTOMER_DECIDER_H_
#define CRM_ENGINE_DOMAIN_CUSTOMER_DECIDER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/customer_commands.pb.h"
#include "crm/v1/customer_events.pb.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/customer_state.h"
#include "engine/domain/public_pool.h"

namespace crm::engine::domain {

// What a customer decision may depend on besides the command and the state.
struct CustomerEnvironment {
  // The business time zone: "today" for claims and pool day counts.
  absl::TimeZone zone = DefaultBusinessTimeZone();
  // The organisation's public-pool rules, applied to ClaimCustomerFromPool.
  v1::PoolRules pool_rules;
  // The claiming rep's load, for ClaimCustomerFromPool.
  ClaimantLoad claimant;
};

// The customer id a command acts on ("" if the oneof is not set).
const std::string& TargetCustomerId(const v1::CustomerCommand& command);

absl::StatusOr<std::vector<v1::CustomerEvent>> DecideCustomer(const v1::CommandContext& context,
                                                              const v1::CustomerCommand& command,
                                                              const CustomerState& state,
                                                              const CustomerEnvironment& env);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_CUSTOMER_DECIDER_H_
