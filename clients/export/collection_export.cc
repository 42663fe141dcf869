#include "clients/export/collection_export.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "clients/export/table_export.h"

namespace crm::clients {
namespace {

using Kind = Column::Kind;

bool OneCurrency(const CollectionExport& r) {
  return std::all_of(r.lines.begin(), r.lines.end(), [&](const CollectionLine& l) {
    return l.currency_code == r.lines.front().currency_code;
  });
}

std::string Period(const CollectionExport& r) {
  return absl::StrCat("期间 ", absl::FormatCivilTime(r.from), " 至 ", absl::FormatCivilTime(r.to));
}

Sheet LinesSheet(const std::string& name, const std::vector<const CollectionLine*>& lines,
                 bool one_currency) {
  Sheet sheet;
  sheet.name = name;
  sheet.columns = {{"业务员"},
                   {"产品名称"},
                   {"客户名称"},
                   {"回款日期", Kind::kDate},
                   {"回款金额", Kind::kMoney, true},
                   {"回款状态"},
                   {"币种"}};
  for (const CollectionLine* l : lines) {
    sheet.rows.push_back(
        {l->rep, l->products, l->customer, l->paid_on, l->amount, l->status, l->currency_code});
  }
  sheet.total_row = one_currency;
  if (!one_currency) sheet.note = "金额币种不同，不合计 (amounts in several currencies: no total)";
  return sheet;
}

}  // namespace

absl::Status WriteCollectionXlsx(const CollectionExport& report, const std::string& path) {
  const bool one_currency = OneCurrency(report);
  std::map<std::string, std::vector<const CollectionLine*>> by_rep;
  for (const CollectionLine& l : report.lines) by_rep[l.rep].push_back(&l);

  std::vector<Sheet> sheets;
  Sheet summary;
  summary.name = "汇总";
  summary.columns = {
      {"业务员"}, {"回款笔数", Kind::kCount, true}, {"回款金额", Kind::kMoney, true}};
  for (const auto& [rep, lines] : by_rep) {
    int64_t amount = 0;
    for (const CollectionLine* l : lines) amount += l->amount;
    summary.rows.push_back({rep, static_cast<int64_t>(lines.size()), amount});
  }
  summary.note = Period(report);
  summary.total_row = one_currency;
  sheets.push_back(std::move(summary));
  for (const auto& [rep, lines] : by_rep) sheets.push_back(LinesSheet(rep, lines, one_currency));
  const bool cny = one_currency && (report.lines.empty() || report.lines[0].currency_code == "CNY");
  return WriteXlsx(sheets, cny ? "¥#,##0.00" : "#,##0.00", path);
}

absl::Status WriteCollectionCsv(const CollectionExport& report, const std::string& path) {
  std::vector<const CollectionLine*> lines;
  for (const CollectionLine& l : report.lines) lines.push_back(&l);
  return WriteCsv(LinesSheet("回款", lines, OneCurrency(report)), path);
}

}  // namespace crm::clients
