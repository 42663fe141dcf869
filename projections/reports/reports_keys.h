// The rows of the "reports" projection, in sort order (keys are the
// projection's own; the runner adds the generation prefix, view_keys.h):
//
//   "a" customer_id                          -> survivor customer_id (merge)
//   "d" rep_id 0x00 yyyymmdd                 -> views::RepDayRow
//   "o" order_id                             -> views::OrderRow
//   "p" yyyymmdd order_id 0x00 payment_id    -> "" (payments by date received)
//   "u" customer_id                          -> views::CustomerReportRow
//   "y" opportunity_id                       -> views::OpportunityReportRow
//
// Dates are business days written as 8 digits, so key order is date order.
// Ids are [A-Za-z0-9_-], so 0x00 never occurs in one.
// DO NOT CHANGE existing layouts; add key kinds with new leading letters.
#ifndef CRM_PROJECTIONS_REPORTS_REPORTS_KEYS_H_
#define CRM_PROJECTIONS_REPORTS_REPORTS_KEYS_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace crm::projections::reports::keys {

inline constexpr absl::string_view kSep("\0", 1);
inline constexpr absl::string_view kRepDayPrefix = "d";
inline constexpr absl::string_view kPaymentPrefix = "p";
inline constexpr absl::string_view kCustomerPrefix = "u";

inline std::string DayDigits(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}
inline std::string Order(absl::string_view order_id) { return absl::StrCat("o", order_id); }
inline std::string Customer(absl::string_view customer_id) {
  return absl::StrCat("u", customer_id);
}
inline constexpr absl::string_view kOpportunityPrefix = "y";
inline std::string Opportunity(absl::string_view opportunity_id) {
  return absl::StrCat("y", opportunity_id);
}
inline std::string RepDay(absl::string_view rep_id, absl::CivilDay day) {
  return absl::StrCat("d", rep_id, kSep, DayDigits(day));
}
inline std::string Payment(absl::CivilDay paid_on, absl::string_view order_id,
                           absl::string_view payment_id) {
  return absl::StrCat("p", DayDigits(paid_on), order_id, kSep, payment_id);
}

}  // namespace crm::projections::reports::keys

#endif  // CRM_PROJECTIONS_REPORTS_REPORTS_KEYS_H_
