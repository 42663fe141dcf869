// Applying a follow-up sheet plan (follow_up_sheet.h) to the CRM.
//
// Two phases. Resolve reads only: it finds customers already in the CRM (by
// normalised company name, or by phone for rows without a company) and
// checks every contact phone against the customer holding it. Any problem,
// from the plan or from resolving, stops the import before anything is
// written, unless skip_invalid (then the rows with problems are left out).
// Apply then registers what is missing (reps, customers, contacts) and logs
// the follow-ups.
//
// Every id is derived from the content (customer from its normalised
// company name, contact from name and phone, follow-up from customer, call,
// date, intent and rep), and every request id from the file's digest too, so
// running the same import again — after an interruption, say — writes only
// what is not there yet, and the same call in two files is logged once.
//
// Follow-ups carry dates only: they are logged at 00:00 of that date in the
// business time zone (a second call on the same day one second later, to
// keep their order).
#ifndef CRM_CLIENTS_IMPORT_FOLLOW_UP_IMPORT_H_
#define CRM_CLIENTS_IMPORT_FOLLOW_UP_IMPORT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/import/follow_up_sheet.h"
#include "clients/import/import_backend.h"
#include "clients/import/row_problem.h"
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
  // Called after each command with (done, total).
  std::function<void(size_t, size_t)> progress;

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

// An error return means the backend failed part-way (e.g. crmd went away):
// the message says so, and running the same import again completes it.
absl::StatusOr<ImportReport> ImportFollowUps(const FollowUpSheetPlan& plan, ImportBackend& backend,
                                             const ImportOptions& options);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_FOLLOW_UP_IMPORT_H_
