// Customer-level reports of the "reports" projection: intent distribution,
// follow-up cycle (days from the first call to the second, 首电 → 二电) and
// conversion (contacted customers that reached an order).
//
// Every customer counts once: a duplicate merged into another is left out
// and its follow-ups and orders count for the survivor. Days between calls
// are calendar days in the business time zone.
//
// Thread-safety: thread-compatible, like the ViewReader it reads.
#ifndef CRM_PROJECTIONS_REPORTS_CUSTOMER_REPORTS_H_
#define CRM_PROJECTIONS_REPORTS_CUSTOMER_REPORTS_H_

#include <cstdint>
#include <map>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/v1/customer_types.pb.h"
#include "engine/domain/business_calendar.h"
#include "projections/view_access.h"

namespace crm::projections::reports {

// Customers by the intent of their latest follow-up; those never followed
// up count as INTENT_NOT_CONTACTED.
absl::StatusOr<std::map<v1::Intent, int64_t>> IntentDistribution(const ViewReader& reader);

struct FollowUpCycle {
  int64_t customers = 0;  // with at least two follow-ups
  // Over those customers; 0 when there are none. Days are whole, so the
  // mean and median are exact halves at worst; doubles hold them exactly.
  double mean_days = 0;
  double median_days = 0;
};
absl::StatusOr<FollowUpCycle> ComputeFollowUpCycle(
    const ViewReader& reader, absl::TimeZone zone = engine::domain::DefaultBusinessTimeZone());

struct Conversion {
  int64_t contacted = 0;  // customers with at least one follow-up
  int64_t converted = 0;  // of those, with an order that is not cancelled
};
absl::StatusOr<Conversion> ComputeConversion(const ViewReader& reader);

}  // namespace crm::projections::reports

#endif  // CRM_PROJECTIONS_REPORTS_CUSTOMER_REPORTS_H_
