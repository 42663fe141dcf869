// Reading a phone-sales follow-up sheet (the seed's 电话销售跟进表: 序号, 客户公司,
// 客户姓名, 联系电话, 首电日期, 意向, 二电日期, 意向, 业务员) into a plan: which
// customers, which contacts on them, which follow-ups — before anything is
// written, so an import can be checked (--dry-run), refused as a whole, or
// applied, and every row is accounted for: it is either in the plan or in
// `problems`.
//
// The rules (they are the importer's documented behaviour):
//  - A customer is a company: rows whose 客户公司 normalise to the same key
//    (company_name_normalizer.h) are one customer. Each distinct (name,
//    phone) on its rows is a contact.
//  - A row without a company is matched by its normalised phone to a
//    company of the file; failing that, execution matches it against the
//    store (`match_by_phone_only`), and reports it if nothing matches.
//  - The owner is the 业务员 of the customer's first row; each follow-up
//    records the rep of its own row.
//  - First call → one follow-up; second call → a second one. A call needs a
//    date and an intent; a second call dated before the first, a phone
//    already on another company in the file, a date in the future, an
//    unknown intent are problems, never guesses.
//  - The same follow-up entered twice (same customer, call, date, intent,
//    rep) is planned once.
//
// Thread-safety: pure functions.
#ifndef CRM_CLIENTS_IMPORT_FOLLOW_UP_SHEET_H_
#define CRM_CLIENTS_IMPORT_FOLLOW_UP_SHEET_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "clients/import/column_map.h"
#include "clients/import/csv_reader.h"
#include "clients/import/intent_table.h"
#include "clients/import/row_problem.h"
#include "crm/v1/customer_types.pb.h"

namespace crm::clients {

// The headings the importer knows, Chinese and English.
std::vector<ColumnSpec> FollowUpSheetColumns();

struct FollowUpSheetOptions {
  std::optional<int> year;                    // for dates without a year
  absl::CivilDay today;                       // calls after today are refused
  const IntentTable* intents;                 // not owned
  std::vector<std::string> column_overrides;  // --map entries
};

struct PlannedContact {
  std::string name;       // may be empty
  std::string phone;      // as written; may be empty
  std::string phone_key;  // normalised; empty when no phone
  int line = 0;           // first row that names it
};

struct PlannedFollowUp {
  int line = 0;
  int call = 1;  // 1: 首电, 2: 二电
  absl::CivilDay date;
  v1::Intent intent = v1::INTENT_UNSPECIFIED;
  std::string rep_name;
  std::string contact_phone_key;  // who was called, if known
  std::string contact_name;
};

struct PlannedCustomer {
  // Normalised company name, or "phone:<key>" for a row matched by phone.
  std::string key;
  std::string company_name;  // as first written; empty if matched by phone
  bool match_by_phone_only = false;
  std::string owner_rep_name;
  std::vector<PlannedContact> contacts;
  std::vector<PlannedFollowUp> follow_ups;
  std::vector<int> lines;
};

struct FollowUpSheetPlan {
  std::vector<PlannedCustomer> customers;
  std::vector<RowProblem> problems;  // in line order
  int rows_read = 0;                 // data rows (blank rows excluded)
  int rows_planned = 0;              // rows without a problem
  int duplicate_follow_ups = 0;      // entered twice, planned once
};

// InvalidArgument when the header does not fit (nothing else is read then).
// Row-level problems go to plan.problems; a row with any problem contributes
// nothing to the plan.
absl::StatusOr<FollowUpSheetPlan> PlanFollowUpSheet(const std::vector<CsvRow>& rows,
                                                    const FollowUpSheetOptions& options);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_FOLLOW_UP_SHEET_H_
