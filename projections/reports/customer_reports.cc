#include "projections/reports/customer_reports.h"

#include <algorithm>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "engine/status_macros.h"
#include "projections/reports/report_rows.pb.h"
#include "projections/reports/reports_keys.h"

namespace crm::projections::reports {
namespace {

// Visits every customer that is not a merged duplicate.
absl::Status ForEachCustomer(const ViewReader& reader,
                             absl::FunctionRef<void(const views::CustomerReportRow&)> visit) {
  absl::Status inner;
  CRM_RETURN_IF_ERROR(
      reader.Scan(keys::kCustomerPrefix, [&](absl::string_view k, absl::string_view v) {
        views::CustomerReportRow row;
        if (!row.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
          inner = absl::DataLossError(absl::StrCat("customer row ", k, " does not parse"));
          return false;
        }
        if (row.merged_into().empty()) visit(row);
        return true;
      }));
  return inner;
}

}  // namespace

absl::StatusOr<std::map<v1::Intent, int64_t>> IntentDistribution(const ViewReader& reader) {
  std::map<v1::Intent, int64_t> out;
  CRM_RETURN_IF_ERROR(ForEachCustomer(reader, [&](const views::CustomerReportRow& r) {
    out[r.follow_ups() == 0 ? v1::INTENT_NOT_CONTACTED : r.latest_intent()] += 1;
  }));
  return out;
}

absl::StatusOr<FollowUpCycle> ComputeFollowUpCycle(const ViewReader& reader, absl::TimeZone zone) {
  std::vector<int64_t> days;
  CRM_RETURN_IF_ERROR(ForEachCustomer(reader, [&](const views::CustomerReportRow& r) {
    if (r.second_follow_up_us() == 0) return;
    days.push_back(engine::domain::CivilDayAt(r.second_follow_up_us(), zone) -
                   engine::domain::CivilDayAt(r.first_follow_up_us(), zone));
  }));
  FollowUpCycle out;
  out.customers = static_cast<int64_t>(days.size());
  if (days.empty()) return out;
  std::sort(days.begin(), days.end());
  int64_t total = 0;
  for (int64_t d : days) total += d;
  out.mean_days = static_cast<double>(total) / static_cast<double>(days.size());
  const size_t mid = days.size() / 2;
  out.median_days = days.size() % 2 == 1 ? static_cast<double>(days[mid])
                                         : static_cast<double>(days[mid - 1] + days[mid]) / 2;
  return out;
}

absl::StatusOr<Conversion> ComputeConversion(const ViewReader& reader) {
  Conversion out;
  CRM_RETURN_IF_ERROR(ForEachCustomer(reader, [&](const views::CustomerReportRow& r) {
    if (r.follow_ups() == 0) return;
    out.contacted += 1;
    if (r.live_orders() > 0) out.converted += 1;
  }));
  return out;
}

}  // namespace crm::projections::reports
