// crmctl pipeline: the follow-up pipeline (who to call, who is overdue) of a
// rep, a team, everyone or the public pool, read from crmd's PipelineService,
// as a table for people or JSON lines for scripts.
#ifndef CRM_CLIENTS_CRMCTL_PIPELINE_COMMAND_H_
#define CRM_CLIENTS_CRMCTL_PIPELINE_COMMAND_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "clients/crmctl/crmd_call.h"

namespace crm::clients {

struct PipelineCommandOptions {
  // Exactly one of these selects whose customers.
  std::string rep_id;
  std::string team_id;
  bool everyone = false;
  bool pool = false;
  // "", "today", "overdue" or "due" (today or overdue).
  std::string due;
  // YYYY-MM-DD; empty: today in crmd's business time zone.
  std::string as_of;
  // Wait until the view has applied this position (a command's returned
  // position); negative: do not wait.
  int64_t min_position = -1;
  bool json = false;
  // Every page (true) or the first 100 entries.
  bool all = false;
};

// Prints the pipeline to `out`; errors (a bad option, crmd's refusal) to
// `err`. Returns the process exit code: 0, 2 for bad options, 3 when crmd
// refused or could not be reached.
int RunPipeline(const Crmd& crmd, const PipelineCommandOptions& options, FILE* out, FILE* err);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_PIPELINE_COMMAND_H_
