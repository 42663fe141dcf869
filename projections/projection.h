// Projection: turns events of the log into rows of a read model.
//
// A projection is stateless code: everything it knows lives in its rows,
// which it reads and writes through a ViewWriter. The runner feeds it the
// committed log in order and commits its writes together with its checkpoint,
// so each event is applied exactly once to a view, even across crashes.
//
// Bump version() whenever Apply's output changes for the same events: the
// runner then rebuilds the view from position 0 while the old one serves.
#ifndef CRM_PROJECTIONS_PROJECTION_H_
#define CRM_PROJECTIONS_PROJECTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/store/types.h"
#include "projections/view_access.h"

namespace crm::projections {

class Projection {
 public:
  virtual ~Projection() = default;

  // [a-z0-9_.]+, unique within a runner.
  virtual std::string name() const = 0;
  virtual uint32_t version() const = 0;
  // Type prefixes of the events Apply wants; empty means every event.
  virtual std::vector<std::string> event_types() const = 0;

  // Applies one event. An error stops this projection at this event (its
  // checkpoint stays there; the events before it are applied) until the code
  // is fixed and the runner restarted.
  // Must be deterministic: a rebuild must produce the same rows.
  virtual absl::Status Apply(const engine::RecordedEvent& event, ViewWriter& view) = 0;
};

}  // namespace crm::projections

#endif  // CRM_PROJECTIONS_PROJECTION_H_
