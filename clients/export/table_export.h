// Tables written for Excel: a real .xlsx (bold frozen header, autofilter,
// money as numbers in a currency format, dates as dates, widths fitted to
// the text, a total row with SUM formulas over the columns that add up), or
// a CSV with a UTF-8 BOM, which Excel needs to show Chinese text correctly.
// Reports (collection, aging, performance) are built as tables and written
// by these two functions, so every export looks and behaves alike.
#ifndef CRM_CLIENTS_EXPORT_TABLE_EXPORT_H_
#define CRM_CLIENTS_EXPORT_TABLE_EXPORT_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"

namespace crm::clients {

struct Column {
  enum class Kind { kText, kDate, kMoney, kCount };
  std::string heading;
  Kind kind = Kind::kText;
  // Sum this column in the total row (money and count columns).
  bool total = false;
};

// Text, a date, or an integer: minor units for money, a plain count else.
// Empty text is a blank cell.
using Cell = std::variant<std::string, absl::CivilDay, int64_t>;

struct Sheet {
  std::string name;  // made safe for Excel (31 characters, no []:*?/\)
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
  // A line under the table, e.g. the period it covers.
  std::string note;
  // False when the money columns mix currencies: a sum would mean nothing.
  bool total_row = true;
};

// `money_format` is Excel's number format for money columns, e.g.
// "¥#,##0.00" when every amount is in CNY, "#,##0.00" otherwise.
absl::Status WriteXlsx(const std::vector<Sheet>& sheets, const std::string& money_format,
                       const std::string& path);

// One sheet as CSV: money as plain decimals ("12500.00", no separators, so
// Excel reads numbers), dates as YYYY-MM-DD, and a total row.
absl::Status WriteCsv(const Sheet& sheet, const std::string& path);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_EXPORT_TABLE_EXPORT_H_
