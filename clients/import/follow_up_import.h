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

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/import/follow_up_sheet.h"
#include "clients/import/import_backend.h"
#include "clients/import/import_options.h"

namespace crm::clients {

// An error return means the backend failed part-way (e.g. crmd went away):
// the message says so, and running the same import again completes it.
absl::StatusOr<ImportReport> ImportFollowUps(const FollowUpSheetPlan& plan, ImportBackend& backend,
                                             const ImportOptions& options);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_FOLLOW_UP_IMPORT_H_
