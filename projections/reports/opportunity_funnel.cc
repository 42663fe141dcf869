#include "projections/reports/opportunity_funnel.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/domain/money.h"
#include "engine/status_macros.h"
#include "projections/reports/report_rows.pb.h"
#include "projections/reports/reports_keys.h"

namespace crm::projections::reports {
namespace {

// Per currency: expected amount and expected × percent (not yet / 100).
struct Sums {
  int64_t expected = 0;
  int64_t percent_units = 0;
};

absl::Status Add(std::map<std::string, Sums>& sums, const views::OpportunityReportRow& row,
                 int32_t percent) {
  Sums& s = sums[row.expected_amount().currency_code()];
  const int64_t amount = row.expected_amount().minor_units();
  CRM_ASSIGN_OR_RETURN(s.expected,
                       engine::domain::AddMinorUnits("expected_amount", s.expected, amount));
  CRM_ASSIGN_OR_RETURN(int64_t weighted,
                       engine::domain::MultiplyMinorUnits("weighted_amount", amount, percent));
  CRM_ASSIGN_OR_RETURN(s.percent_units,
                       engine::domain::AddMinorUnits("weighted_amount", s.percent_units, weighted));
  return absl::OkStatus();
}

std::vector<FunnelAmount> Amounts(const std::map<std::string, Sums>& sums) {
  std::vector<FunnelAmount> out;
  for (const auto& [currency, s] : sums) {
    out.push_back(FunnelAmount{currency, s.expected, s.percent_units / 100});
  }
  return out;
}

}  // namespace

absl::StatusOr<OpportunityFunnel> BuildOpportunityFunnel(const ViewReader& reader,
                                                         absl::string_view owner_rep_id) {
  std::map<int, std::pair<int64_t, std::map<std::string, Sums>>> by_stage;
  for (int stage = v1::OPPORTUNITY_STAGE_QUALIFICATION; stage <= v1::OPPORTUNITY_STAGE_NEGOTIATION;
       ++stage) {
    by_stage[stage];
  }
  std::map<std::string, Sums> won;
  OpportunityFunnel out;
  absl::Status inner;
  CRM_RETURN_IF_ERROR(
      reader.Scan(keys::kOpportunityPrefix, [&](absl::string_view k, absl::string_view v) {
        views::OpportunityReportRow row;
        if (!row.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
          inner = absl::DataLossError(absl::StrCat("opportunity row ", k, " does not parse"));
          return false;
        }
        if (!owner_rep_id.empty() && row.owner_rep_id() != owner_rep_id) return true;
        if (row.lost()) {
          out.lost += 1;
        } else if (row.won()) {
          out.won += 1;
          inner = Add(won, row, 100);
        } else {
          auto& [open, sums] = by_stage[row.stage()];
          open += 1;
          inner = Add(sums, row, row.win_probability_percent());
        }
        return inner.ok();
      }));
  CRM_RETURN_IF_ERROR(inner);
  for (const auto& [stage, entry] : by_stage) {
    out.stages.push_back(
        FunnelStage{static_cast<v1::OpportunityStage>(stage), entry.first, Amounts(entry.second)});
  }
  out.won_amounts = Amounts(won);
  return out;
}

}  // namespace crm::projections::reports
