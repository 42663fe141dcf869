// `crmctl import followups|payments FILE`: read a sheet, check every row,
// then apply it (or list the problems and write nothing).
#ifndef CRM_CLIENTS_CRMCTL_IMPORT_COMMAND_H_
#define CRM_CLIENTS_CRMCTL_IMPORT_COMMAND_H_

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "clients/import/import_backend.h"

namespace crm::clients {

struct ImportCommandOptions {
  std::string kind;  // "followups" or "payments"
  std::string file;
  std::string encoding = "auto";
  std::optional<int> year;
  std::optional<absl::CivilDay> unpaid_due;
  std::vector<std::string> column_map;  // --map HEADING=FIELD
  std::vector<std::string> intents;     // --intent WORD=INTENT
  std::vector<std::string> reps;        // --rep NAME=ID
  std::vector<std::string> products;    // --product NAME=ID
  bool dry_run = false;
  bool skip_invalid = false;
  bool create_missing = false;
  bool json = false;
  std::string errors_csv;  // write rejected rows here for correction
  std::string actor;
  int64_t now_us = 0;
  bool progress = false;  // draw progress on stderr
};

// Returns the process exit code: 0 imported (or dry run without problems),
// 1 problems found (nothing written unless skip_invalid), 2 usage or file
// errors, 3 the backend failed part-way (re-run to finish).
int RunImport(const ImportCommandOptions& options, ImportBackend& backend, std::FILE* out,
              std::FILE* err);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_IMPORT_COMMAND_H_
