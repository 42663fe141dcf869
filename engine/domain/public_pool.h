// The public-pool (公海) rules: when an owned customer goes back to the pool,
// and who may claim one out of it. The rules are data (v1::PoolRules), so
// each sales organisation sets its own numbers.
//
// Day counts are civil days in the business time zone: a customer last
// followed up at 23:50 has gone one day without follow-up at 00:10.
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_PUBLIC_POOL_H_
#define CRM_ENGINE_DOMAIN_PUBLIC_POOL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "crm/v1/customer_commands.pb.h"
#include "crm/v1/customer_events.pb.h"
#include "engine/domain/customer_state.h"

namespace crm::engine::domain {

// What the claiming rep already has; the command handler looks it up (it is
// not part of one customer's stream).
struct ClaimantLoad {
  // Customers this rep claimed from the pool today (business time zone).
  int claims_today = 0;
  // Customers this rep owns now.
  int owned_customers = 0;
};

// Every count must be >= 0. Returns InvalidArgument naming the field.
absl::Status ValidatePoolRules(absl::string_view prefix, const v1::PoolRules& rules);

// Whether `rep_id` may claim `state` (which is in the pool) at `now_us`.
// Returns FailedPrecondition naming the rule that refuses: the daily claim
// limit, the cap on owned customers, or the reclaim cooldown (with the first
// day the rep may claim again).
absl::Status CheckClaim(const v1::PoolRules& rules, const CustomerState& state,
                        const std::string& rep_id, const ClaimantLoad& load, int64_t now_us,
                        absl::TimeZone zone);

// The recycling event for `state` if it is due at `now_us`: owned, not
// locked, not won, not merged or archived, and no follow-up (or ownership
// change) for at least rules.recycle_after_days days. Deterministic; after
// the event is applied the customer is no longer due, so a second run at the
// same `now_us` yields nothing.
std::optional<v1::CustomerEvent> DecideRecycle(const v1::PoolRules& rules,
                                               const CustomerState& state, int64_t now_us,
                                               absl::TimeZone zone);

// A customer to recycle and its event, in the order the customers were given.
struct Recycling {
  std::string customer_id;
  v1::CustomerEvent event;
};

// RecyclePool over a set of customers: DecideRecycle for each.
std::vector<Recycling> DecideRecyclePool(const v1::PoolRules& rules,
                                         const std::vector<const CustomerState*>& customers,
                                         int64_t now_us, absl::TimeZone zone);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_PUBLIC_POOL_H_
