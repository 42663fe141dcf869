// The opportunity funnel (销售漏斗): open opportunities by stage with their
// expected and probability-weighted amounts per currency, and the outcomes.
//
// Weighted amount = expected amount × the stage's win probability / 100,
// summed exactly over the stage's opportunities and divided once, rounding
// down to a whole minor unit.
//
// Thread-safety: thread-compatible, like the ViewReader it reads.
#ifndef CRM_PROJECTIONS_REPORTS_OPPORTUNITY_FUNNEL_H_
#define CRM_PROJECTIONS_REPORTS_OPPORTUNITY_FUNNEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/v1/opportunity.pb.h"
#include "projections/view_access.h"

namespace crm::projections::reports {

struct FunnelAmount {
  std::string currency_code;
  int64_t expected = 0;
  int64_t weighted = 0;
  bool operator==(const FunnelAmount&) const = default;
};

struct FunnelStage {
  v1::OpportunityStage stage = v1::OPPORTUNITY_STAGE_UNSPECIFIED;
  int64_t open = 0;
  std::vector<FunnelAmount> amounts;  // by currency code
};

struct OpportunityFunnel {
  // Every stage from qualification to negotiation, in stage order.
  std::vector<FunnelStage> stages;
  int64_t won = 0;
  std::vector<FunnelAmount> won_amounts;  // expected amounts; weighted == expected
  int64_t lost = 0;
};

// Over every opportunity, or only those of `owner_rep_id` when not empty.
absl::StatusOr<OpportunityFunnel> BuildOpportunityFunnel(const ViewReader& reader,
                                                         absl::string_view owner_rep_id = {});

}  // namespace crm::projections::reports

#endif  // CRM_PROJECTIONS_REPORTS_OPPORTUNITY_FUNNEL_H_
