// ProjectionRunner: keeps a set of projections' views up to date with the log.
//
// One runner thread feeds every projection the committed log in order from
// its checkpoint, in batches, and commits each batch's rows together with the
// new checkpoints in one WriteBatch of the views database (view_keys.h): a
// crash anywhere never applies an event twice or skips one. The thread wakes
// on commit. Projections far behind (a rebuild) and those near the head are
// advanced in alternate batches, so a rebuild never stalls live views.
//
// Rebuild: a new generation is built from position 0 beside the active one,
// which keeps serving; when it has caught up it becomes active atomically and
// the old generation is deleted. This happens on request and whenever a
// projection's version differs from the one its active view was built with.
//
// Thread-safety: all methods may be called from any thread.
#ifndef CRM_PROJECTIONS_PROJECTION_RUNNER_H_
#define CRM_PROJECTIONS_PROJECTION_RUNNER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/store/event_store.h"
#include "projections/projection.h"
#include "projections/view_access.h"

namespace rocksdb {
class Env;
}

namespace crm::projections {

struct RunnerOptions {
  // Folder of the views database (created if missing).
  std::string path;
  // Events read from the log per batch.
  size_t batch_events = 2048;
  // The views database's block cache.
  size_t block_cache_bytes = 64 << 20;
  // Memory for recently written rows the runner keeps for queries and its
  // own reads (view_row_cache.h, which says how rows are counted); 0 turns
  // that off.
  size_t recent_row_bytes = 64 << 20;
  // Tests inject an Env; nullptr means the default. Not owned.
  rocksdb::Env* env = nullptr;
};

struct ProjectionStatus {
  std::string name;
  uint32_t version = 0;  // of the active view
  // Every event below this position is in the active view.
  engine::Position checkpoint = 0;
  engine::Position committed = 0;  // the log's committed position when asked
  uint64_t lag_events = 0;
  // Age of the oldest event not yet applied (zero when caught up).
  absl::Duration lag_time = absl::ZeroDuration();
  bool rebuilding = false;
  engine::Position rebuild_checkpoint = 0;
  // Set when Apply failed; the projection is stopped at `checkpoint`.
  absl::Status error;
};

struct VerifyReport {
  engine::Position position = 0;  // both views were compared as of this position
  uint64_t rows_compared = 0;
  // Human-readable, at most 100.
  std::vector<std::string> differences;
  bool ok() const { return differences.empty(); }
};

class ProjectionRunner {
 public:
  // Opens the views database, recovers every projection's generations and
  // checkpoints, schedules rebuilds for changed versions, and starts the
  // runner thread. `store` must outlive the runner.
  static absl::StatusOr<std::unique_ptr<ProjectionRunner>> Open(
      engine::EventStore* store, std::vector<std::unique_ptr<Projection>> projections,
      const RunnerOptions& options);

  virtual ~ProjectionRunner() = default;

  // Blocks until the active view of `name` reflects the event at `position`
  // (read-your-writes: pass the position an append returned), or `deadline`.
  // Errors: NotFound (no such projection), DeadlineExceeded,
  // FailedPrecondition (the projection stopped on an error).
  virtual absl::Status WaitFor(absl::string_view name, engine::Position position,
                               absl::Time deadline) const = 0;

  // A consistent snapshot of the active view of `name`.
  virtual absl::StatusOr<std::unique_ptr<ViewReader>> Reader(absl::string_view name) const = 0;

  virtual absl::StatusOr<ProjectionStatus> Status(absl::string_view name) const = 0;
  virtual std::vector<ProjectionStatus> Statuses() const = 0;

  // Starts rebuilding `name` from position 0; returns at once. A rebuild
  // already running is restarted.
  virtual absl::Status Rebuild(absl::string_view name) = 0;

  // Rebuilds `name` into scratch space up to the active view's checkpoint and
  // compares the two row by row. Blocks; the runner applies no other batch
  // meanwhile.
  virtual absl::StatusOr<VerifyReport> Verify(absl::string_view name) = 0;

  // For tests of Verify: overwrites one row of the active view directly.
  virtual absl::Status TamperForTest(absl::string_view name, absl::string_view key,
                                     absl::string_view value) = 0;
};

}  // namespace crm::projections

#endif  // CRM_PROJECTIONS_PROJECTION_RUNNER_H_
