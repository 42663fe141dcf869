// BalancesProjection: the "balances" read model. Keeps one row per order with
// its current plan and every payment and reversal with its date (and a
// reversal's reason)
// (balances_keys.h), indexed by customer and by rep, so balances, payment
// status and aging can be derived exactly against any as-of date at read
// time (balances_queries.h) — status is never stored.
//
// A customer merged into another (CustomerMergedInto) hands its orders to the
// survivor: the rows and the customer index move in the same batch, and any
// later order for the duplicate is filed under the survivor.
//
// Thread-safety: stateless; Apply is called by the runner's thread only.
#ifndef CRM_PROJECTIONS_BALANCES_BALANCES_PROJECTION_H_
#define CRM_PROJECTIONS_BALANCES_BALANCES_PROJECTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/domain/business_calendar.h"
#include "projections/balances/balances_keys.h"
#include "projections/projection.h"

namespace crm::projections::balances {

inline constexpr char kBalancesProjectionName[] = "balances";

class BalancesProjection : public Projection {
 public:
  // `zone` is the business time zone, for the day an unsigned order was
  // placed or an order was cancelled.
  explicit BalancesProjection(absl::TimeZone zone = engine::domain::DefaultBusinessTimeZone())
      : zone_(zone) {}

  std::string name() const override { return kBalancesProjectionName; }
  // 2: reversals keep their reason, which the order balance lists with
  // its payments; rows of version 1 have none.
  uint32_t version() const override { return 2; }
  std::vector<std::string> event_types() const override;
  absl::Status Apply(const engine::RecordedEvent& event, ViewWriter& view) override;

 private:
  absl::Status ApplyOrder(const engine::RecordedEvent& event, ViewWriter& view);
  absl::Status ApplyMerge(const engine::RecordedEvent& event, ViewWriter& view);

  absl::TimeZone zone_;
};

// The customer `customer_id` now is: itself, or the survivor at the end of
// its chain of merges, read from alias rows (keys::MergeAlias) through `get`,
// a ViewWriter or ViewReader.
template <typename Getter>
absl::StatusOr<std::string> ResolveCustomer(const Getter& get, std::string customer_id) {
  // Merges cannot form a cycle (a merged customer refuses commands), but a
  // corrupt view could; a bound turns that into an error instead of a hang.
  for (int hops = 0; hops < 1000; ++hops) {
    absl::StatusOr<std::optional<std::string>> next = get.Get(keys::MergeAlias(customer_id));
    if (!next.ok()) return next.status();
    if (!next->has_value()) return customer_id;
    customer_id = std::move(**next);
  }
  return absl::DataLossError(
      absl::StrCat("merge aliases of customer ", customer_id, " form a cycle"));
}

}  // namespace crm::projections::balances

#endif  // CRM_PROJECTIONS_BALANCES_BALANCES_PROJECTION_H_
