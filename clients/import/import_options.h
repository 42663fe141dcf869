// What every import shares: its options and report, the stable ids that
// make re-running an import safe, and the context each command carries.
#ifndef CRM_CLIENTS_IMPORT_IMPORT_OPTIONS_H_
#define CRM_CLIENTS_IMPORT_IMPORT_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "clients/import/row_problem.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/order_events.pb.h"

namespace crm::clients {

struct ImportOptions {
  std::string file_digest;  // e.g. hex SHA-256 of the file's bytes
  std::string actor;        // who imports; in every event's metadata
  int64_t now_us = 0;
  absl::TimeZone zone;
  bool dry_run = false;
  bool skip_invalid = false;
  // Rep name (业务员) -> rep id; names not listed get a stable id derived
  // from the name and are registered if missing.
  absl::flat_hash_map<std::string, std::string> rep_ids;
  // Called after each command with (done, total), from one thread at a time.
  std::function<void(size_t, size_t)> progress;
  // Customers looked up and written at once (each customer's own commands
  // stay in order). 1: one command after another.
  int parallelism = 8;

  // Collection sheets only. Product name -> product id; names not listed
  // get a stable id derived from the name.
  absl::flat_hash_map<std::string, std::string> product_ids;
  // Define products the CRM does not have (at the row's amount as price);
  // without it a missing product is a problem.
  bool create_missing = false;
  // The sheet does not say how money arrived.
  v1::PaymentMethod payment_method = v1::PAYMENT_METHOD_OTHER;
};

struct ImportReport {
  std::vector<RowProblem> problems;  // the plan's and the store's, in line order
  bool wrote = false;                // false: dry run, or refused because of problems
  int rows_imported = 0;
  int reps_registered = 0;
  int customers_registered = 0;
  int customers_matched = 0;  // already in the CRM
  int contacts_added = 0;
  int follow_ups_logged = 0;
  int follow_ups_already_there = 0;
  int products_defined = 0;
  int orders_placed = 0;
  int payments_recorded = 0;
  int orders_already_there = 0;
};

// A stable id "<prefix>-<20 hex>" from `parts`.
std::string StableId(absl::string_view prefix, const std::vector<std::string>& parts);

// The context of one import command: the request id that makes it
// idempotent, the actor, and the file's digest as correlation id.
v1::CommandContext ImportContext(const ImportOptions& options, const std::string& request_id);

// A backend failure part-way through applying: says how to finish (re-run).
absl::Status Interrupted(const absl::Status& cause, absl::string_view what);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_IMPORT_OPTIONS_H_
