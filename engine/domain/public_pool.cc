#include "engine/domain/public_pool.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "engine/domain/business_calendar.h"

namespace crm::engine::domain {

absl::Status ValidatePoolRules(absl::string_view prefix, const v1::PoolRules& rules) {
  const std::pair<const char*, int32_t> fields[] = {
      {"recycle_after_days", rules.recycle_after_days()},
      {"daily_claim_limit", rules.daily_claim_limit()},
      {"max_owned_customers", rules.max_owned_customers()},
      {"reclaim_cooldown_days", rules.reclaim_cooldown_days()},
  };
  for (const auto& [name, value] : fields) {
    if (value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(prefix, ".", name, ": ", value, " is negative"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckClaim(const v1::PoolRules& rules, const CustomerState& state,
                        const std::string& rep_id, const ClaimantLoad& load, int64_t now_us,
                        absl::TimeZone zone) {
  if (rules.daily_claim_limit() > 0 && load.claims_today >= rules.daily_claim_limit()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "rep ", rep_id, " reached the daily claim limit of ", rules.daily_claim_limit()));
  }
  if (rules.max_owned_customers() > 0 && load.owned_customers >= rules.max_owned_customers()) {
    return absl::FailedPreconditionError(
        absl::StrCat("rep ", rep_id, " already owns ", load.owned_customers,
                     " customers; the cap is ", rules.max_owned_customers()));
  }
  if (rules.reclaim_cooldown_days() > 0 && state.last_lost_owner_rep_id == rep_id) {
    const absl::CivilDay lost = CivilDayAt(state.lost_us, zone);
    const absl::CivilDay allowed = lost + rules.reclaim_cooldown_days();
    if (CivilDayAt(now_us, zone) < allowed) {
      return absl::FailedPreconditionError(absl::StrCat(
          "rep ", rep_id, " lost customer ", state.customer_id, " on ", absl::FormatCivilTime(lost),
          " and may claim it again from ", absl::FormatCivilTime(allowed)));
    }
  }
  return absl::OkStatus();
}

std::optional<v1::CustomerEvent> DecideRecycle(const v1::PoolRules& rules,
                                               const CustomerState& state, int64_t now_us,
                                               absl::TimeZone zone) {
  if (rules.recycle_after_days() <= 0 || !state.exists || state.archived ||
      !state.merged_into.empty() || state.owner_rep_id.empty() || state.locked || state.won) {
    return std::nullopt;
  }
  // A rep who just got a customer has not neglected it yet: the clock runs
  // from the later of the last follow-up and the start of ownership.
  const int64_t last_activity_us = std::max(state.last_follow_up_us, state.owned_since_us);
  const int64_t idle_days = CivilDayAt(now_us, zone) - CivilDayAt(last_activity_us, zone);
  if (idle_days < rules.recycle_after_days()) return std::nullopt;
  v1::CustomerEvent event;
  v1::CustomerRecycledToPool* e = event.mutable_recycled_to_pool();
  e->set_previous_owner_rep_id(state.owner_rep_id);
  e->set_last_activity_us(last_activity_us);
  e->set_days_without_follow_up(rules.recycle_after_days());
  e->set_recycled_us(now_us);
  return event;
}

std::vector<Recycling> DecideRecyclePool(const v1::PoolRules& rules,
                                         const std::vector<const CustomerState*>& customers,
                                         int64_t now_us, absl::TimeZone zone) {
  std::vector<Recycling> out;
  for (const CustomerState* state : customers) {
    if (std::optional<v1::CustomerEvent> e = DecideRecycle(rules, *state, now_us, zone)) {
      out.push_back(Recycling{state->customer_id, *std::move(e)});
    }
  }
  return out;
}

}  // namespace crm::engine::domain
