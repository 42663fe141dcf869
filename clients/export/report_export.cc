#include "clients/export/report_export.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "clients/export/table_export.h"

namespace crm::clients {
namespace {

using Kind = Column::Kind;

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

// The yuan sign only when every amount of the workbook is in CNY: a sign on
// another currency's amounts would misstate them.
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

Sheet AgingSheet(const AgingExport& report, bool by_rep) {
  Sheet sheet;
  sheet.name = by_rep ? "按业务员" : "按客户";
  sheet.columns = {{by_rep ? "业务员" : "客户名称"},     {"币种"},
                   {"未到期", Kind::kMoney, true},       {"逾期1-30天", Kind::kMoney, true},
                   {"逾期31-60天", Kind::kMoney, true},  {"逾期61-90天", Kind::kMoney, true},
                   {"逾期91-120天", Kind::kMoney, true}, {"逾期120天以上", Kind::kMoney, true},
                   {"合计", Kind::kMoney, true}};
  for (const AgingLine& line : by_rep ? report.by_rep : report.by_customer) {
    // emplace_back with explicit alternatives: GCC 12 warns (falsely) about
    // a variant built from an int64 temporary in push_back.
    std::vector<Cell> cells;
    cells.emplace_back(std::in_place_type<std::string>, line.name);
    cells.emplace_back(std::in_place_type<std::string>, line.currency_code);
    for (const int64_t amount : line.buckets) {
      cells.emplace_back(std::in_place_type<int64_t>, amount);
    }
    cells.emplace_back(std::in_place_type<int64_t>, line.total);
    sheet.rows.push_back(std::move(cells));
  }
  sheet.total_row = !MixedCurrencies(sheet, 1);
  sheet.note = absl::StrCat("截至 ", absl::FormatCivilTime(report.as_of), " (as of)");
  return sheet;
}

Sheet PerformanceSheet(const PerformanceExport& report) {
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
  for (const PerformanceLine& line : report.lines) {
    if (line.money.empty()) {
      sheet.rows.push_back({line.rep, line.period_start, line.period_end, line.follow_ups,
                            line.new_customers, line.orders, std::string(), int64_t{0},
                            int64_t{0}});
    }
    // Counts go on the first currency's row only, so the totals count once.
    bool first = true;
    for (const PerformanceMoney& m : line.money) {
      sheet.rows.push_back(
          {line.rep, line.period_start, line.period_end, first ? line.follow_ups : int64_t{0},
           first ? line.new_customers : int64_t{0}, first ? line.orders : int64_t{0},
           m.currency_code, m.ordered, m.collected});
      first = false;
    }
  }
  sheet.total_row = !MixedCurrencies(sheet, 6);
  sheet.note = absl::StrCat("期间 ", absl::FormatCivilTime(report.from), " 至 ",
                            absl::FormatCivilTime(report.to));
  return sheet;
}

std::string OwnerText(const PipelineLine& line) {
  return line.owner.empty() ? std::string(kPoolOwner) : line.owner;
}

std::string AsOfNote(const PipelineExport& report) {
  return absl::StrCat("截至 ", absl::FormatCivilTime(report.as_of), " (as of)");
}

Sheet PipelineSheet(const std::string& name, const std::vector<const PipelineLine*>& lines,
                    const PipelineExport& report) {
  Sheet sheet;
  sheet.name = name;
  sheet.columns = {{"客户编号"},
                   {"客户名称"},
                   {"联系人"},
                   {"业务员"},
                   {"意向"},
                   {"跟进次数", Kind::kCount},
                   {"最近联系", Kind::kDate},
                   {"下次跟进", Kind::kDate},
                   {"逾期天数", Kind::kCount}};
  // An unknown day is left blank rather than given a made-up date.
  auto day = [](const std::optional<absl::CivilDay>& d) -> Cell {
    if (d.has_value()) return *d;
    return std::string();
  };
  for (const PipelineLine* l : lines) {
    sheet.rows.push_back({l->customer_id, l->company, l->contact, OwnerText(*l), l->intent,
                          l->follow_ups, day(l->last_contact), day(l->next_call), l->days_overdue});
  }
  // Counts of calls and days do not add up to anything a manager reads.
  sheet.total_row = false;
  sheet.note = AsOfNote(report);
  return sheet;
}

}  // namespace

absl::Status WriteAgingXlsx(const AgingExport& report, const std::string& path) {
  std::vector<Sheet> sheets = {AgingSheet(report, false), AgingSheet(report, true)};
  return WriteXlsx(sheets, MoneyFormat(sheets, 1), path);
}

absl::Status WriteAgingCsv(const AgingExport& report, const std::string& path) {
  return WriteCsv(AgingSheet(report, false), path);
}

absl::Status WritePerformanceXlsx(const PerformanceExport& report, const std::string& path) {
  std::vector<Sheet> sheets = {PerformanceSheet(report)};
  return WriteXlsx(sheets, MoneyFormat(sheets, 6), path);
}

absl::Status WritePerformanceCsv(const PerformanceExport& report, const std::string& path) {
  return WriteCsv(PerformanceSheet(report), path);
}

absl::Status WritePipelineXlsx(const PipelineExport& report, const std::string& path) {
  std::map<std::string, std::vector<const PipelineLine*>> by_owner;
  for (const PipelineLine& l : report.lines) by_owner[OwnerText(l)].push_back(&l);

  std::vector<Sheet> sheets;
  Sheet summary;
  summary.name = "汇总";
  summary.columns = {{"业务员"},
                     {"客户数", Kind::kCount, true},
                     {"今日待跟进", Kind::kCount, true},
                     {"逾期", Kind::kCount, true}};
  for (const auto& [owner, lines] : by_owner) {
    int64_t due_today = 0, overdue = 0;
    for (const PipelineLine* l : lines) {
      due_today += l->due_today ? 1 : 0;
      overdue += l->days_overdue > 0 ? 1 : 0;
    }
    summary.rows.push_back({owner, static_cast<int64_t>(lines.size()), due_today, overdue});
  }
  summary.note = AsOfNote(report);
  sheets.push_back(std::move(summary));
  for (const auto& [owner, lines] : by_owner) {
    sheets.push_back(PipelineSheet(owner, lines, report));
  }
  return WriteXlsx(sheets, "#,##0.00", path);
}

absl::Status WritePipelineCsv(const PipelineExport& report, const std::string& path) {
  std::vector<const PipelineLine*> lines;
  for (const PipelineLine& l : report.lines) lines.push_back(&l);
  return WriteCsv(PipelineSheet("跟进", lines, report), path);
}

}  // namespace crm::clients
