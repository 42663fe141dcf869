#include "clients/import/collection_sheet.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/import/sheet_values.h"
#include "engine/domain/company_name_normalizer.h"
#include "engine/domain/text_normalizer.h"

namespace crm::clients {
namespace {

std::string Folded(absl::string_view s) {
  absl::StatusOr<std::string> f = engine::domain::FoldWidth(s);
  std::string out;
  for (char c : f.ok() ? *f : std::string(s)) {
    if (c != ' ') out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool IsTotalLabel(absl::string_view cell) {
  const std::string f = Folded(cell);
  return f == "合计" || f == "总计" || f == "total" || f == "小计合计";
}

std::optional<CollectionStatus> StatusOf(absl::string_view cell) {
  const std::string f = Folded(cell);
  if (f == "已回款" || f == "已付" || f == "已付款" || f == "已收款" || f == "paid") {
    return CollectionStatus::kPaid;
  }
  if (f == "未回款" || f == "未付" || f == "未付款" || f == "未收款" || f == "unpaid") {
    return CollectionStatus::kUnpaid;
  }
  if (f == "部分回款" || f == "部分付款" || f == "部分收款" || f == "partial") {
    return CollectionStatus::kPartial;
  }
  return std::nullopt;
}

std::string Yuan(int64_t fen) {
  return absl::StrFormat("%s%d.%02d", fen < 0 ? "-" : "", std::abs(fen) / 100, std::abs(fen) % 100);
}

}  // namespace

std::vector<ColumnSpec> CollectionSheetColumns() {
  return {
      {"rep", {"销售人员姓名", "销售人员", "业务员", "销售", "rep", "sales rep"}, {}, "", true},
      {"product", {"产品名称", "产品", "product"}, {}, "", true},
      {"customer", {"客户名称", "客户", "客户公司", "customer", "company"}, {}, "", true},
      {"date", {"回款日期", "日期", "收款日期", "payment date", "date"}, {}, "", true},
      {"amount", {"回款金额", "金额", "收款金额", "amount"}, {}, "", true},
      {"status", {"回款状态", "状态", "status"}, {}, "", true},
      {"order_amount", {"合同金额", "订单金额", "order amount", "contract amount"}, {}, "", false},
  };
}

absl::StatusOr<CollectionSheetPlan> PlanCollectionSheet(const std::vector<CsvRow>& rows,
                                                        const CollectionSheetOptions& options) {
  if (rows.empty()) return absl::InvalidArgumentError("the file is empty: no header row");
  absl::StatusOr<ColumnMap> columns =
      MapColumns(rows[0].fields, CollectionSheetColumns(), options.column_overrides);
  if (!columns.ok()) return columns.status();
  const ColumnMap& col = *columns;

  CollectionSheetPlan plan;
  for (size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    bool ok = true;
    auto problem = [&](absl::string_view field, absl::string_view value, absl::string_view why) {
      ok = false;
      std::string column = col.Heading(field);
      if (std::optional<int> i = col.Index(field))
        absl::StrAppend(&column, " (column ", *i + 1, ")");
      plan.problems.push_back(RowProblem{row.line, column, std::string(value), std::string(why)});
    };
    const std::string rep = col.Cell(row.fields, "rep");
    const std::string customer = col.Cell(row.fields, "customer");
    const std::string amount_text = col.Cell(row.fields, "amount");

    if (IsTotalLabel(rep) || IsTotalLabel(customer)) {
      if (plan.total_line.has_value()) {
        problem("rep", rep,
                absl::StrCat("a second total row (the first is line ", *plan.total_line, ")"));
        continue;
      }
      plan.total_line = row.line;
      absl::StatusOr<int64_t> total = ParseAmount(amount_text);
      if (!total.ok()) {
        problem("amount", amount_text, total.status().message());
      } else if (*total != plan.rows_sum) {
        problem("amount", amount_text,
                absl::StrCat("the total row says ", Yuan(*total), " but the rows above sum to ",
                             Yuan(plan.rows_sum), ": a row is missing, extra or mistyped"));
      }
      continue;
    }
    ++plan.rows_read;

    PlannedCollection out;
    out.line = row.line;
    out.rep_name = rep;
    out.customer_name = customer;
    out.product_name = col.Cell(row.fields, "product");
    if (rep.empty()) problem("rep", "", "required: the rep who collects");
    if (out.product_name.empty()) problem("product", "", "required: what was sold");
    if (customer.empty()) {
      problem("customer", "", "required: who pays");
    } else if (absl::StatusOr<std::string> key = engine::domain::NormalizeCompanyName(customer);
               key.ok()) {
      out.customer_key = *key;
    } else {
      problem("customer", customer, key.status().message());
    }

    int64_t amount = 0;
    if (amount_text.empty()) {
      problem("amount", "", "required");
    } else if (absl::StatusOr<int64_t> a = ParseAmount(amount_text); !a.ok()) {
      problem("amount", amount_text, a.status().message());
    } else {
      amount = *a;
      plan.rows_sum += amount;
      if (amount <= 0) {
        problem("amount", amount_text,
                "not a payment: an amount must be positive (a refund or correction is a "
                "payment reversal, recorded in crmd, not a negative row)");
      }
    }

    const std::string status_text = col.Cell(row.fields, "status");
    std::optional<CollectionStatus> status = StatusOf(status_text);
    if (!status.has_value()) {
      problem("status", status_text,
              status_text.empty() ? "required: 已回款, 未回款 or 部分回款"
                                  : "unknown status (use 已回款, 未回款 or 部分回款)");
    } else {
      out.status = *status;
    }

    const std::string date_text = col.Cell(row.fields, "date");
    std::optional<absl::CivilDay> date;
    if (!date_text.empty()) {
      absl::StatusOr<absl::CivilDay> d = ParseSheetDate(date_text, options.year);
      if (!d.ok()) {
        problem("date", date_text, d.status().message());
      } else {
        date = *d;
      }
    }

    if (status.has_value()) {
      switch (*status) {
        case CollectionStatus::kPaid:
          if (date_text.empty()) problem("date", "", "a paid row needs the date it was paid");
          if (date.has_value() && *date > options.today) {
            problem("date", date_text, "a payment cannot be dated after today");
          }
          out.order_amount = amount;
          out.paid_amount = amount;
          out.paid_on = date;
          if (date.has_value()) out.due_date = *date;
          break;
        case CollectionStatus::kUnpaid:
          if (date.has_value()) {
            out.due_date = *date;
          } else if (date_text.empty() && options.unpaid_due.has_value()) {
            out.due_date = *options.unpaid_due;
          } else if (date_text.empty()) {
            problem("date", "",
                    "an unpaid row needs the date it is due (a receivable without one cannot be "
                    "aged): fill it in, or pass --unpaid-due=YYYY-MM-DD");
          }
          out.order_amount = amount;
          break;
        case CollectionStatus::kPartial: {
          const std::string total_text = col.Cell(row.fields, "order_amount");
          if (!col.Index("order_amount").has_value() || total_text.empty()) {
            problem("status", status_text,
                    "ambiguous: a partial payment without the order's total (合同金额) does not "
                    "say what is still owed; add a 合同金额 column");
            break;
          }
          absl::StatusOr<int64_t> total = ParseAmount(total_text);
          if (!total.ok()) {
            problem("order_amount", total_text, total.status().message());
          } else if (*total <= amount) {
            problem("order_amount", total_text,
                    absl::StrCat("a partial payment of ", Yuan(amount),
                                 " needs an order total above it"));
          }
          if (date_text.empty()) problem("date", "", "a partial payment needs its date");
          if (date.has_value() && *date > options.today) {
            problem("date", date_text, "a payment cannot be dated after today");
          }
          out.order_amount = total.ok() ? *total : 0;
          out.paid_amount = amount;
          out.paid_on = date;
          if (date.has_value()) out.due_date = *date;
          break;
        }
      }
    }
    if (ok) plan.rows.push_back(std::move(out));
  }
  std::stable_sort(plan.problems.begin(), plan.problems.end(),
                   [](const RowProblem& a, const RowProblem& b) { return a.line < b.line; });
  return plan;
}

}  // namespace crm::clients
