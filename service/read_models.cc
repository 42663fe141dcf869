#include "service/read_models.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "projections/balances/balances_projection.h"
#include "projections/directory/directory_projection.h"
#include "projections/history/history_projection.h"
#include "projections/pipeline/pipeline_projection.h"
#include "projections/reports/reports_projection.h"

namespace crm::service {

absl::StatusOr<std::unique_ptr<ReadModels>> ReadModels::Open(engine::EventStore* store,
                                                             const std::string& views_path,
                                                             absl::TimeZone zone) {
  std::vector<std::unique_ptr<projections::Projection>> all;
  all.push_back(std::make_unique<projections::pipeline::PipelineProjection>(zone));
  all.push_back(std::make_unique<projections::directory::DirectoryProjection>());
  all.push_back(std::make_unique<projections::history::HistoryProjection>());
  all.push_back(std::make_unique<projections::balances::BalancesProjection>(zone));
  all.push_back(std::make_unique<projections::reports::ReportsProjection>(zone));
  projections::RunnerOptions options;
  options.path = views_path;
  absl::StatusOr<std::unique_ptr<projections::ProjectionRunner>> runner =
      projections::ProjectionRunner::Open(store, std::move(all), options);
  if (!runner.ok()) {
    return absl::Status(runner.status().code(),
                        absl::StrCat("views ", views_path, ": ", runner.status().message()));
  }
  return std::unique_ptr<ReadModels>(new ReadModels(*std::move(runner), zone));
}

ReadModels::ReadModels(std::unique_ptr<projections::ProjectionRunner> runner, absl::TimeZone zone)
    : runner_(std::move(runner)),
      zone_(zone),
      pipeline_(std::make_unique<projections::pipeline::PipelineQueries>(runner_.get(), zone)),
      directory_(std::make_unique<projections::directory::DirectoryQueries>(runner_.get())) {}

void ReadModels::AttachHandler(engine::domain::CommandHandler* handler) {
  history_ = std::make_unique<projections::history::HistoryQueries>(runner_.get(), handler);
}

absl::Status ReadModels::WaitFor(absl::string_view projection, std::optional<uint64_t> min_position,
                                 absl::Time deadline) const {
  if (!min_position.has_value()) return absl::OkStatus();
  absl::Status waited = runner_->WaitFor(projection, *min_position, deadline);
  if (!absl::IsDeadlineExceeded(waited)) return waited;
  absl::StatusOr<projections::ProjectionStatus> status = runner_->Status(projection);
  return absl::DeadlineExceededError(
      absl::StrCat("min_position: the ", projection, " view has not reached position ",
                   *min_position, " yet (it has applied every event below ",
                   status.ok() ? status->checkpoint : 0, "); retry, or check the position"));
}

absl::StatusOr<std::unique_ptr<projections::ViewReader>> ReadModels::Reader(
    absl::string_view projection) const {
  return runner_->Reader(projection);
}

}  // namespace crm::service
