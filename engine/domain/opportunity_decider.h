// The opportunity (销售机会) aggregate: state, fold and decider in one unit,
// as it is small. Same result conventions as customer_decider.h.
//
// Stages are ordered (QUALIFICATION < NEEDS_ANALYSIS < PROPOSAL <
// NEGOTIATION); an opportunity may move either way among them until it is
// won or lost, after which it is closed.
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_OPPORTUNITY_DECIDER_H_
#define CRM_ENGINE_DOMAIN_OPPORTUNITY_DECIDER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/opportunity.pb.h"

namespace crm::engine::domain {

// The default win probability of a stage, in percent: 10, 30, 50, 80.
// Returns 0 for OPPORTUNITY_STAGE_UNSPECIFIED.
int DefaultWinProbabilityPercent(v1::OpportunityStage stage);

struct OpportunityState {
  bool exists = false;
  std::string opportunity_id;
  std::string customer_id;
  v1::OpportunityStage stage = v1::OPPORTUNITY_STAGE_UNSPECIFIED;
  int win_probability_percent = 0;
  v1::Money expected_amount;
  v1::Date expected_close_date;
  bool won = false;
  bool lost = false;
  std::string order_id;  // when won
};

void Evolve(OpportunityState& state, const v1::OpportunityEvent& event);

absl::StatusOr<std::vector<v1::OpportunityEvent>> DecideOpportunity(
    const v1::CommandContext& context, const v1::OpportunityCommand& command,
    const OpportunityState& state);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_OPPORTUNITY_DECIDER_H_
