// HistoryProjection: every event of a customer's life, on one timeline per
// customer: its own stream's events and those of its orders (payments
// included) and opportunities, each with actor and times from the event's
// metadata, and, for a follow-up, when the call itself happened. Queries:
// history_queries.h.
//
// Keys (rows of projection "history", view_keys.h), in sort order:
//
//   "e/" customer 0x00 position:u64be  -> TimelineRow
//   "s/" stream                        -> customer id   (order-<id>,
//                                                        opportunity-<id>)
//   "x/" survivor 0x00 duplicate       -> ""            merges
//
// An order's or opportunity's first event names its customer; "s/" remembers
// it for the stream's later events (a payment names only its order). A
// timeline is one range scan in log order; a merged duplicate keeps its own
// timeline, and "x/" lets a query fold it into the survivor's.
//
// Thread-safety: Apply is called by the runner thread only.
#ifndef CRM_PROJECTIONS_HISTORY_HISTORY_PROJECTION_H_
#define CRM_PROJECTIONS_HISTORY_HISTORY_PROJECTION_H_

#include <string>
#include <vector>

#include "projections/projection.h"

namespace crm::projections::history {

inline constexpr char kHistoryProjectionName[] = "history";

namespace keys {
std::string TimelinePrefix(absl::string_view customer_id);  // "e/" customer 0x00
std::string Timeline(absl::string_view customer_id, uint64_t position);
std::string StreamOwner(absl::string_view stream);
std::string DuplicatesPrefix(absl::string_view survivor);  // "x/" survivor 0x00
}  // namespace keys

class HistoryProjection : public Projection {
 public:
  std::string name() const override { return kHistoryProjectionName; }
  // 2: summaries in words with grouped money, and TimelineRow.happened_us.
  // 3: a profile change names its fields' new values.
  uint32_t version() const override { return 3; }
  std::vector<std::string> event_types() const override;
  absl::Status Apply(const engine::RecordedEvent& event, ViewWriter& view) override;
};

}  // namespace crm::projections::history

#endif  // CRM_PROJECTIONS_HISTORY_HISTORY_PROJECTION_H_
