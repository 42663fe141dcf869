#include "clients/crmctl/report_command.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "clients/export/collection_export.h"
#include "clients/export/table_export.h"
#include "projections/balances/balances_projection.h"
#include "projections/balances/balances_queries.h"
#include "projections/reports/collection_report.h"
#include "projections/reports/rep_performance.h"
#include "projections/reports/reports_projection.h"

namespace crm::clients {
namespace {

std::string StatusLabel(const projections::reports::CollectionRow& row) {
  if (row.order_cancelled) return "已取消";
  switch (row.order_status) {
    case engine::domain::PaymentStatus::kPaid:
      return "已回款";
    case engine::domain::PaymentStatus::kPartial:
      return "部分回款";
    case engine::domain::PaymentStatus::kUnpaid:
      return "未回款";
    case engine::domain::PaymentStatus::kOverdue:
      return "逾期";
  }
  return "";
}

// Names for ids, looked up once each.
class Names {
 public:
  explicit Names(engine::domain::CommandHandler& handler) : handler_(handler) {}
  const std::string& Rep(const std::string& id) {
    auto [it, inserted] = reps_.try_emplace(id, id);
    if (inserted) {
      absl::StatusOr<engine::domain::RepState> rep = handler_.LoadRep(id);
      if (rep.ok() && rep->exists && !rep->name.empty()) it->second = rep->name;
    }
    return it->second;
  }
  const std::string& Customer(const std::string& id) {
    auto [it, inserted] = customers_.try_emplace(id, id);
    if (inserted) {
      absl::StatusOr<engine::domain::CustomerState> c = handler_.LoadCustomer(id);
      if (c.ok() && c->exists) {
        const std::string& name = c->profile.company_name().empty() ? c->profile.contact_person()
                                                                    : c->profile.company_name();
        if (!name.empty()) it->second = name;
      }
    }
    return it->second;
  }

 private:
  engine::domain::CommandHandler& handler_;
  absl::flat_hash_map<std::string, std::string> reps_, customers_;
};

std::string MoneyFormat(const std::vector<Sheet>& sheets, int currency_column) {
  std::string only;
  for (const Sheet& sheet : sheets) {
    for (const std::vector<Cell>& row : sheet.rows) {
      const std::string* code = std::get_if<std::string>(&row[currency_column]);
      if (code == nullptr || code->empty()) continue;
      if (!only.empty() && only != *code) return "#,##0.00";
      only = *code;
    }
  }
  return only.empty() || only == "CNY" ? "¥#,##0.00" : "#,##0.00";
}

bool MixedCurrencies(const Sheet& sheet, int currency_column) {
  std::string only;
  for (const std::vector<Cell>& row : sheet.rows) {
    const std::string* code = std::get_if<std::string>(&row[currency_column]);
    if (code == nullptr || code->empty()) continue;
    if (!only.empty() && only != *code) return true;
    only = *code;
  }
  return false;
}

// Receivables aging as of --to, by customer and by rep.
absl::StatusOr<std::vector<Sheet>> AgingSheets(const ReportCommandOptions& o,
                                               const projections::ViewReader& reader,
                                               Names& names) {
  projections::balances::BalancesQueries queries(&reader);
  std::vector<Sheet> sheets;
  for (const bool by_rep : {false, true}) {
    Sheet sheet;
    sheet.name = by_rep ? "按业务员" : "按客户";
    using Kind = Column::Kind;
    sheet.columns = {{by_rep ? "业务员" : "客户名称"},     {"币种"},
                     {"未到期", Kind::kMoney, true},       {"逾期1-30天", Kind::kMoney, true},
                     {"逾期31-60天", Kind::kMoney, true},  {"逾期61-90天", Kind::kMoney, true},
                     {"逾期91-120天", Kind::kMoney, true}, {"逾期120天以上", Kind::kMoney, true},
                     {"合计", Kind::kMoney, true}};
    projections::PageRequest page;
    page.page_size = projections::kMaxPageSize;
    while (true) {
      absl::StatusOr<projections::balances::AgingPage> aging =
          by_rep ? queries.AgingByRep(o.to, page) : queries.AgingByCustomer(o.to, page);
      if (!aging.ok()) return aging.status();
      for (const projections::balances::AgingRow& row : aging->rows) {
        const std::string& name = by_rep ? names.Rep(row.group_id) : names.Customer(row.group_id);
        if (!o.rep.empty() && by_rep && o.rep != row.group_id && o.rep != name) continue;
        // emplace_back with explicit alternatives: GCC 12 warns (falsely)
        // about a variant built from an int64 temporary in push_back.
        std::vector<Cell> cells;
        cells.emplace_back(std::in_place_type<std::string>, name);
        cells.emplace_back(std::in_place_type<std::string>, row.currency_code);
        for (int b = 0; b < projections::balances::kAgingBucketCount; ++b) {
          cells.emplace_back(std::in_place_type<int64_t>, row.aging.outstanding[b]);
        }
        cells.emplace_back(std::in_place_type<int64_t>, row.aging.Total());
        sheet.rows.push_back(std::move(cells));
      }
      if (aging->next_page_token.empty()) break;
      page.page_token = aging->next_page_token;
    }
    sheet.total_row = !MixedCurrencies(sheet, 1);
    sheet.note = absl::StrCat("截至 ", absl::FormatCivilTime(o.to), " (as of)");
    sheets.push_back(std::move(sheet));
  }
  return sheets;
}

// Per rep and month: follow-ups, new customers, orders, amounts.
absl::StatusOr<std::vector<Sheet>> PerformanceSheets(const ReportCommandOptions& o,
                                                     const projections::ViewReader& reader,
                                                     Names& names) {
  absl::StatusOr<std::vector<projections::reports::RepPerformanceRow>> rows =
      projections::reports::RepPerformance(reader, o.from, o.to,
                                           projections::reports::Period::kMonth);
  if (!rows.ok()) return rows.status();
  using Kind = Column::Kind;
  Sheet sheet;
  sheet.name = "业绩";
  sheet.columns = {{"业务员"},
                   {"期间开始", Kind::kDate},
                   {"期间结束", Kind::kDate},
                   {"跟进次数", Kind::kCount, true},
                   {"新客户", Kind::kCount, true},
                   {"订单数", Kind::kCount, true},
                   {"币种"},
                   {"下单金额", Kind::kMoney, true},
                   {"回款金额", Kind::kMoney, true}};
  for (const projections::reports::RepPerformanceRow& row : *rows) {
    const std::string& name = names.Rep(row.rep_id);
    if (!o.rep.empty() && o.rep != row.rep_id && o.rep != name) continue;
    if (row.money.empty()) {
      sheet.rows.push_back({name, row.period_start, row.period_end, row.follow_ups,
                            row.new_customers, row.orders, std::string(), int64_t{0}, int64_t{0}});
    }
    // Counts go on the first currency's row only, so the totals count once.
    bool first = true;
    for (const projections::reports::MoneyFigures& m : row.money) {
      sheet.rows.push_back({name, row.period_start, row.period_end,
                            first ? row.follow_ups : int64_t{0},
                            first ? row.new_customers : int64_t{0}, first ? row.orders : int64_t{0},
                            m.currency_code, m.ordered, m.collected});
      first = false;
    }
  }
  sheet.total_row = !MixedCurrencies(sheet, 6);
  sheet.note =
      absl::StrCat("期间 ", absl::FormatCivilTime(o.from), " 至 ", absl::FormatCivilTime(o.to));
  return std::vector<Sheet>{std::move(sheet)};
}

}  // namespace

int RunReport(const ReportCommandOptions& o, engine::EventStore& store,
              projections::ProjectionRunner& runner, engine::domain::CommandHandler& handler,
              std::FILE* out, std::FILE* err) {
  if (o.kind != "collection" && o.kind != "aging" && o.kind != "performance") {
    absl::FPrintF(err, "crmctl report: unknown report \"%s\" (collection, aging or performance)\n",
                  o.kind);
    return 2;
  }
  if (o.format != "xlsx" && o.format != "csv") {
    absl::FPrintF(err, "crmctl report: --format must be xlsx or csv\n");
    return 2;
  }
  if (o.out.empty()) {
    absl::FPrintF(err, "crmctl report: --out=FILE is required\n");
    return 2;
  }
  if (o.to < o.from) {
    absl::FPrintF(err, "crmctl report: --to is before --from\n");
    return 2;
  }
  const std::string view = o.kind == "aging" ? projections::balances::kBalancesProjectionName
                                             : projections::reports::kReportsProjectionName;
  // The view answers for everything committed before this command started.
  const engine::Position committed = store.CommittedPosition();
  if (committed > 0) {
    absl::Status caught_up = runner.WaitFor(view, committed - 1, absl::Now() + absl::Minutes(5));
    if (!caught_up.ok()) {
      absl::FPrintF(err, "crmctl report: the %s view is not up to date: %s\n", view,
                    caught_up.message());
      return 3;
    }
  }
  absl::StatusOr<std::unique_ptr<projections::ViewReader>> reader = runner.Reader(view);
  if (!reader.ok()) {
    absl::FPrintF(err, "crmctl report: %s\n", reader.status().message());
    return 3;
  }
  Names names(handler);
  if (o.kind != "collection") {
    absl::StatusOr<std::vector<Sheet>> sheets =
        o.kind == "aging" ? AgingSheets(o, **reader, names) : PerformanceSheets(o, **reader, names);
    absl::Status written =
        !sheets.ok() ? sheets.status()
        : o.format == "xlsx"
            ? WriteXlsx(*sheets, MoneyFormat(*sheets, o.kind == "aging" ? 1 : 6), o.out)
            : WriteCsv(sheets->front(), o.out);
    if (!written.ok()) {
      absl::FPrintF(err, "crmctl report: %s\n", written.message());
      return 3;
    }
    size_t rows = 0;
    for (const Sheet& sheet : *sheets) rows += sheet.rows.size();
    absl::FPrintF(out, "%s report: %d rows written to %s\n", o.kind, rows, o.out);
    return 0;
  }
  CollectionExport report;
  report.from = o.from;
  report.to = o.to;
  projections::PageRequest page;
  page.page_size = projections::kMaxPageSize;
  while (true) {
    absl::StatusOr<projections::reports::CollectionReport> built =
        projections::reports::BuildCollectionReport(**reader, o.from, o.to, page);
    if (!built.ok()) {
      absl::FPrintF(err, "crmctl report: %s\n", built.status().message());
      return 3;
    }
    for (const projections::reports::CollectionRow& row : built->rows) {
      const std::string& rep = names.Rep(row.rep_id);
      if (!o.rep.empty() && o.rep != row.rep_id && o.rep != rep) continue;
      report.lines.push_back(CollectionLine{rep, row.products, row.customer_name, row.paid_on,
                                            row.currency_code, row.amount, StatusLabel(row)});
    }
    if (built->next_page_token.empty()) break;
    page.page_token = built->next_page_token;
  }
  absl::Status written =
      o.format == "xlsx" ? WriteCollectionXlsx(report, o.out) : WriteCollectionCsv(report, o.out);
  if (!written.ok()) {
    absl::FPrintF(err, "crmctl report: %s\n", written.message());
    return 3;
  }
  absl::FPrintF(out, "%d payments from %s to %s written to %s\n", report.lines.size(),
                absl::FormatCivilTime(o.from), absl::FormatCivilTime(o.to), o.out);
  return 0;
}

}  // namespace crm::clients
