// `crmctl report collection|aging|performance --from --to [--rep] --format
// xlsx|csv --out FILE` and `crmctl report pipeline [--rep|--team|--pool]
// [--as-of]`: the reports managers read, written for Excel, from a stopped
// store's views (EmbeddedReportSource) or from a running crmd
// (RemoteReportSource, remote_report_source.h).
#ifndef CRM_CLIENTS_CRMCTL_REPORT_COMMAND_H_
#define CRM_CLIENTS_CRMCTL_REPORT_COMMAND_H_

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clients/crmctl/report_source.h"
#include "engine/domain/command_handler.h"
#include "projections/projection_runner.h"

namespace crm::clients {

struct ReportCommandOptions {
  std::string kind;  // collection, aging, performance or pipeline
  // collection, aging (as of `to`), performance.
  absl::CivilDay from, to;
  std::string rep;  // a rep id or name (pipeline: an id); empty: everyone
  // pipeline only: a team, or the public pool, instead of a rep.
  std::string team;
  bool pool = false;
  std::optional<absl::CivilDay> as_of;  // pipeline; unset: today
  std::string format;                   // "xlsx" or "csv"
  std::string out;
};

// InvalidArgument saying what is wrong with the options (kind, format, out,
// dates, scope), before anything is read.
absl::Status CheckReportOptions(const ReportCommandOptions& options);

// Reads the report from `source` and writes it. Returns the exit code: 0
// written, 2 bad options, 3 the source (the view, crmd) or the file failed.
int RunReport(const ReportCommandOptions& options, ReportSource& source, std::FILE* out,
              std::FILE* err);

// The reports of a store folder that crmd does not have open: the views are
// brought up to everything committed before each report is read.
class EmbeddedReportSource : public ReportSource {
 public:
  // `runner` must run the "reports", "balances" and "pipeline" projections;
  // all must outlive this.
  EmbeddedReportSource(engine::EventStore& store, projections::ProjectionRunner& runner,
                       engine::domain::CommandHandler& handler, absl::TimeZone zone)
      : store_(store), runner_(runner), handler_(handler), zone_(zone) {}

  absl::StatusOr<CollectionExport> Collection(absl::CivilDay from, absl::CivilDay to,
                                              const std::string& rep) override;
  absl::StatusOr<AgingExport> Aging(absl::CivilDay as_of, const std::string& rep) override;
  absl::StatusOr<PerformanceExport> Performance(absl::CivilDay from, absl::CivilDay to,
                                                const std::string& rep) override;
  absl::StatusOr<PipelineExport> Pipeline(const PipelineReportScope& scope,
                                          std::optional<absl::CivilDay> as_of) override;

 private:
  absl::StatusOr<std::unique_ptr<projections::ViewReader>> CaughtUpReader(const std::string& view);
  const std::string& RepName(const std::string& id);
  const std::string& CustomerName(const std::string& id);

  engine::EventStore& store_;
  projections::ProjectionRunner& runner_;
  engine::domain::CommandHandler& handler_;
  absl::TimeZone zone_;
  // Names for ids, looked up once each.
  std::map<std::string, std::string> rep_names_, customer_names_;
};

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_REPORT_COMMAND_H_
