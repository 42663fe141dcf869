// Per-rep performance over a period: follow-ups logged, new customers,
// orders placed, amount ordered and amount collected (per currency), from
// the per-day rows of the "reports" projection (reports_projection.h says
// how later events correct earlier days).
//
// Thread-safety: thread-compatible, like the ViewReader it reads.
#ifndef CRM_PROJECTIONS_REPORTS_REP_PERFORMANCE_H_
#define CRM_PROJECTIONS_REPORTS_REP_PERFORMANCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "projections/view_access.h"

namespace crm::projections::reports {

enum class Period {
  kWhole,  // one row per rep for the whole range
  kMonth,  // one row per rep and calendar month (clipped to the range)
};

struct MoneyFigures {
  std::string currency_code;
  int64_t ordered = 0;
  int64_t collected = 0;
  bool operator==(const MoneyFigures&) const = default;
};

struct RepPerformanceRow {
  std::string rep_id;
  absl::CivilDay period_start;  // first day of the period inside the range
  absl::CivilDay period_end;    // last day, included
  int64_t follow_ups = 0;
  int64_t new_customers = 0;
  int64_t orders = 0;
  std::vector<MoneyFigures> money;  // by currency code
};

// Rows for every rep with any activity in [from, to], by rep then period;
// periods with no recorded activity are left out. Reps are few, so the result is one
// list rather than pages. InvalidArgument naming `to` if before `from`.
absl::StatusOr<std::vector<RepPerformanceRow>> RepPerformance(const ViewReader& reader,
                                                              absl::CivilDay from,
                                                              absl::CivilDay to, Period period);

}  // namespace crm::projections::reports

#endif  // CRM_PROJECTIONS_REPORTS_REP_PERFORMANCE_H_
