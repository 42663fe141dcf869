// ReadModels: the projections crmd keeps up to date (pipeline, directory,
// history, balances, reports) in one ProjectionRunner over the server's
// store, with their views in <data_dir>/views, and the query objects the
// query services call.
//
// The views are derived data: deleting the views folder makes crmd rebuild
// them from the log at the next start.
//
// Thread-safety: all methods may be called concurrently.
#ifndef CRM_SERVICE_READ_MODELS_H_
#define CRM_SERVICE_READ_MODELS_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/domain/command_handler.h"
#include "engine/store/event_store.h"
#include "projections/directory/directory_queries.h"
#include "projections/history/history_queries.h"
#include "projections/pipeline/pipeline_queries.h"
#include "projections/projection_runner.h"

namespace crm::service {

class ReadModels {
 public:
  // Opens the views in `views_path` and starts the runner. `store` must
  // outlive the result. Call AttachHandler before serving history queries.
  static absl::StatusOr<std::unique_ptr<ReadModels>> Open(engine::EventStore* store,
                                                          const std::string& views_path,
                                                          absl::TimeZone zone);

  // The command handler that replays a customer's state as of a time (for
  // history). Not owned; must outlive this.
  void AttachHandler(engine::domain::CommandHandler* handler);

  // Waits until `projection` has applied the event at `min_position` (no
  // wait when it is unset), at most until `deadline`. Errors:
  // DeadlineExceeded naming the projection and how far it is,
  // FailedPrecondition when the projection stopped on an error.
  absl::Status WaitFor(absl::string_view projection, std::optional<uint64_t> min_position,
                       absl::Time deadline) const;

  // A consistent snapshot of `projection`'s active view.
  absl::StatusOr<std::unique_ptr<projections::ViewReader>> Reader(
      absl::string_view projection) const;

  const projections::ProjectionRunner& runner() const { return *runner_; }
  const projections::pipeline::PipelineQueries& pipeline() const { return *pipeline_; }
  const projections::directory::DirectoryQueries& directory() const { return *directory_; }
  // REQUIRES: AttachHandler was called.
  const projections::history::HistoryQueries& history() const { return *history_; }
  absl::TimeZone zone() const { return zone_; }

 private:
  ReadModels(std::unique_ptr<projections::ProjectionRunner> runner, absl::TimeZone zone);

  std::unique_ptr<projections::ProjectionRunner> runner_;
  absl::TimeZone zone_;
  std::unique_ptr<projections::pipeline::PipelineQueries> pipeline_;
  std::unique_ptr<projections::directory::DirectoryQueries> directory_;
  std::unique_ptr<projections::history::HistoryQueries> history_;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_READ_MODELS_H_
