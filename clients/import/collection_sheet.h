// Reading a sales-rep payment collection sheet (the seed's 销售人员回款情况表:
// 销售人员姓名, 产品名称, 客户名称, 回款日期, 回款金额, 回款状态, optionally 合同金额)
// into a plan of orders and payments.
//
// The documented mapping of 回款状态 (status):
//   已回款 paid     an order of one line (the product × 1 at the amount), one
//                   instalment due on the date, approved, and a payment of
//                   the amount on the date.
//   未回款 unpaid   the same order with its instalment due on the date (the
//                   receivable); no payment. No date → --unpaid-due, or a
//                   problem: a receivable without a due date cannot be aged.
//   部分回款 partial the received amount alone does not say what was owed, so
//                   the row needs 合同金额 (order total, more than the amount):
//                   an order of that total due on the date, and a payment of
//                   the amount. Without it the row is ambiguous: a problem.
// A negative amount is not a payment (a reversal is its own command). A
// total row (合计/总计/total in the rep or customer column) is not imported:
// its amount is checked against the sum of the data rows above it.
//
// Thread-safety: pure functions.
#ifndef CRM_CLIENTS_IMPORT_COLLECTION_SHEET_H_
#define CRM_CLIENTS_IMPORT_COLLECTION_SHEET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "clients/import/column_map.h"
#include "clients/import/csv_reader.h"
#include "clients/import/row_problem.h"

namespace crm::clients {

std::vector<ColumnSpec> CollectionSheetColumns();

enum class CollectionStatus { kPaid, kUnpaid, kPartial };

struct CollectionSheetOptions {
  std::optional<int> year;                   // for dates without a year
  absl::CivilDay today;                      // payments after today are refused
  std::optional<absl::CivilDay> unpaid_due;  // due date of undated unpaid rows
  std::vector<std::string> column_overrides;
};

struct PlannedCollection {
  int line = 0;
  std::string rep_name, product_name, customer_name;
  std::string customer_key;  // normalised company name
  CollectionStatus status = CollectionStatus::kPaid;
  absl::CivilDay due_date;   // the instalment's due date
  int64_t order_amount = 0;  // fen
  int64_t paid_amount = 0;   // fen; 0 for unpaid
  std::optional<absl::CivilDay> paid_on;
};

struct CollectionSheetPlan {
  std::vector<PlannedCollection> rows;
  std::vector<RowProblem> problems;  // in line order
  int rows_read = 0;                 // data rows, the total row excluded
  std::optional<int> total_line;     // the 合计 row, if any
  int64_t rows_sum = 0;              // sum of every parseable amount above it
};

absl::StatusOr<CollectionSheetPlan> PlanCollectionSheet(const std::vector<CsvRow>& rows,
                                                        const CollectionSheetOptions& options);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_COLLECTION_SHEET_H_
