// ReportsProjection: the "reports" read model (reports_keys.h). Keeps
//  - every order with its dated payments (shared fold, balances/order_row.h)
//    and an index of payments by the day received: the collection report;
//  - per rep and business day: follow-ups, new customers, orders, amount
//    ordered and collected per currency: per-rep performance over any period;
//  - per customer: name, first two follow-ups, latest intent, live orders:
//    intent distribution, follow-up cycle and conversion.
//
// Later events correct earlier days exactly: an amendment moves the amount
// ordered on the order's day, a cancellation takes the order back out of
// it, a reversal takes money back out of the day the payment was received,
// and a merge takes the duplicate out of its rep's new customers and folds
// its follow-ups and orders into the survivor.
//
// Thread-safety: stateless; Apply is called by the runner's thread only.
#ifndef CRM_PROJECTIONS_REPORTS_REPORTS_PROJECTION_H_
#define CRM_PROJECTIONS_REPORTS_REPORTS_PROJECTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "engine/domain/business_calendar.h"
#include "projections/projection.h"

namespace crm::projections::reports {

inline constexpr char kReportsProjectionName[] = "reports";

class ReportsProjection : public Projection {
 public:
  // `zone` is the business time zone, for the day of an instant.
  explicit ReportsProjection(absl::TimeZone zone = engine::domain::DefaultBusinessTimeZone())
      : zone_(zone) {}

  std::string name() const override { return kReportsProjectionName; }
  uint32_t version() const override { return 1; }
  std::vector<std::string> event_types() const override;
  absl::Status Apply(const engine::RecordedEvent& event, ViewWriter& view) override;

 private:
  absl::Status ApplyOrder(const engine::RecordedEvent& event, ViewWriter& view);
  absl::Status ApplyCustomer(const engine::RecordedEvent& event, ViewWriter& view);
  absl::Status ApplyOpportunity(const engine::RecordedEvent& event, ViewWriter& view);

  absl::TimeZone zone_;
};

}  // namespace crm::projections::reports

#endif  // CRM_PROJECTIONS_REPORTS_REPORTS_PROJECTION_H_
