// `crmctl report collection --from --to [--rep] --format xlsx|csv --out FILE`:
// the collection report of the reports view, written for Excel.
#ifndef CRM_CLIENTS_CRMCTL_REPORT_COMMAND_H_
#define CRM_CLIENTS_CRMCTL_REPORT_COMMAND_H_

#include <cstdio>
#include <string>

#include "absl/time/civil_time.h"
#include "engine/domain/command_handler.h"
#include "projections/projection_runner.h"

namespace crm::clients {

struct ReportCommandOptions {
  std::string kind;  // "collection"
  absl::CivilDay from, to;
  std::string rep;     // a rep id or name; empty: everyone
  std::string format;  // "xlsx" or "csv"
  std::string out;
};

// `runner` must run the "reports" projection. Returns the exit code: 0
// written, 2 usage, 3 the view or the file failed.
int RunReport(const ReportCommandOptions& options, engine::EventStore& store,
              projections::ProjectionRunner& runner, engine::domain::CommandHandler& handler,
              std::FILE* out, std::FILE* err);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_REPORT_COMMAND_H_
