#include "clients/export/collection_export.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace crm::clients {
namespace {

const char* const kHeadings[] = {"业务员",   "产品名称", "客户名称",
                                 "回款日期", "回款金额", "回款状态"};
constexpr int kAmountColumn = 4;

// Columns a text needs in Excel: CJK and other wide characters take two.
double DisplayWidth(const std::string& s) {
  double width = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    width += n == 1 ? 1 : 2;
    i += n;
  }
  return width;
}

bool AllCny(const CollectionExport& r) {
  return std::all_of(r.lines.begin(), r.lines.end(),
                     [](const CollectionLine& l) { return l.currency_code == "CNY"; });
}

std::string Yuan(int64_t minor) {
  return absl::StrFormat("%s%d.%02d", minor < 0 ? "-" : "", std::abs(minor) / 100,
                         std::abs(minor) % 100);
}

// Excel refuses sheet names over 31 characters or with []:*?/\ in them.
std::string SheetName(const std::string& rep, std::set<std::string>& taken) {
  std::string base = absl::StrReplaceAll(
      rep, {{"[", ""}, {"]", ""}, {":", ""}, {"*", ""}, {"?", ""}, {"/", ""}, {"\\", ""}});
  // Cut at a character boundary to at most 28 characters, leaving room for a suffix.
  size_t chars = 0, cut = 0;
  while (cut < base.size() && chars < 28) {
    const unsigned char c = static_cast<unsigned char>(base[cut]);
    cut += c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    ++chars;
  }
  base = base.substr(0, cut);
  if (base.empty() || base == "汇总") base = "rep";
  std::string name = base;
  for (int n = 2; taken.contains(name); ++n) name = absl::StrCat(base, "-", n);
  taken.insert(name);
  return name;
}

class Book {
 public:
  explicit Book(const std::string& path) : wb_(workbook_new(path.c_str())) {
    if (wb_ == nullptr) return;
    bold_ = workbook_add_format(wb_);
    format_set_bold(bold_);
    money_ = workbook_add_format(wb_);
    money_total_ = workbook_add_format(wb_);
    format_set_bold(money_total_);
    date_ = workbook_add_format(wb_);
    format_set_num_format(date_, "yyyy-mm-dd");
  }
  ~Book() {
    if (wb_ != nullptr && !closed_) workbook_close(wb_);
  }
  bool ok() const { return wb_ != nullptr; }
  void SetMoneyFormat(const char* format) {
    format_set_num_format(money_, format);
    format_set_num_format(money_total_, format);
  }

  // A sheet of lines with a bold frozen header, autofilter and a SUM row.
  void LinesSheet(const std::string& name, const std::vector<const CollectionLine*>& lines,
                  bool currency_column) {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, name.c_str());
    std::vector<std::string> headings(std::begin(kHeadings), std::end(kHeadings));
    if (currency_column) headings.push_back("币种");
    std::vector<double> widths;
    for (size_t c = 0; c < headings.size(); ++c) {
      worksheet_write_string(ws, 0, c, headings[c].c_str(), bold_);
      widths.push_back(DisplayWidth(headings[c]));
    }
    widths[3] = std::max(widths[3], 10.0);
    widths[kAmountColumn] = std::max(widths[kAmountColumn], 14.0);
    lxw_row_t row = 1;
    double sum = 0;
    for (const CollectionLine* l : lines) {
      const std::string texts[] = {l->rep, l->products, l->customer};
      for (int c = 0; c < 3; ++c) {
        worksheet_write_string(ws, row, c, texts[c].c_str(), nullptr);
        widths[c] = std::max(widths[c], DisplayWidth(texts[c]));
      }
      lxw_datetime date = {
          static_cast<int>(l->paid_on.year()), l->paid_on.month(), l->paid_on.day(), 0, 0, 0};
      worksheet_write_datetime(ws, row, 3, &date, date_);
      worksheet_write_number(ws, row, kAmountColumn, l->amount / 100.0, money_);
      sum += l->amount / 100.0;
      worksheet_write_string(ws, row, 5, l->status.c_str(), nullptr);
      widths[5] = std::max(widths[5], DisplayWidth(l->status));
      if (currency_column) worksheet_write_string(ws, row, 6, l->currency_code.c_str(), nullptr);
      ++row;
    }
    worksheet_write_string(ws, row, 0, "合计", bold_);
    const std::string formula = row > 1 ? absl::StrFormat("=SUM(E2:E%d)", row) : std::string("=0");
    worksheet_write_formula_num(ws, row, kAmountColumn, formula.c_str(), money_total_, sum);
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_autofilter(ws, 0, 0, row > 1 ? row - 1 : 0, headings.size() - 1);
    for (size_t c = 0; c < widths.size(); ++c) {
      worksheet_set_column(ws, c, c, widths[c] + 2, nullptr);
    }
  }

  // Per rep: how many payments and how much, with SUM totals.
  void SummarySheet(
      const CollectionExport& r,
      const std::vector<std::pair<std::string, std::vector<const CollectionLine*>>>& by_rep) {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, "汇总");
    const char* headings[] = {"业务员", "回款笔数", "回款金额"};
    for (int c = 0; c < 3; ++c) worksheet_write_string(ws, 0, c, headings[c], bold_);
    double widest = DisplayWidth("业务员");
    lxw_row_t row = 1;
    double total = 0;
    for (const auto& [rep, lines] : by_rep) {
      double sum = 0;
      for (const CollectionLine* l : lines) sum += l->amount / 100.0;
      worksheet_write_string(ws, row, 0, rep.c_str(), nullptr);
      worksheet_write_number(ws, row, 1, static_cast<double>(lines.size()), nullptr);
      worksheet_write_number(ws, row, 2, sum, money_);
      widest = std::max(widest, DisplayWidth(rep));
      total += sum;
      ++row;
    }
    worksheet_write_string(ws, row, 0, "合计", bold_);
    if (row > 1) {
      worksheet_write_formula_num(ws, row, 1, absl::StrFormat("=SUM(B2:B%d)", row).c_str(), bold_,
                                  static_cast<double>(r.lines.size()));
      worksheet_write_formula_num(ws, row, 2, absl::StrFormat("=SUM(C2:C%d)", row).c_str(),
                                  money_total_, total);
    }
    const std::string period =
        absl::StrCat("期间 ", absl::FormatCivilTime(r.from), " 至 ", absl::FormatCivilTime(r.to));
    worksheet_write_string(ws, row + 2, 0, period.c_str(), nullptr);
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_autofilter(ws, 0, 0, row > 1 ? row - 1 : 0, 2);
    worksheet_set_column(ws, 0, 0, widest + 2, nullptr);
    worksheet_set_column(ws, 1, 1, 10, nullptr);
    worksheet_set_column(ws, 2, 2, 16, nullptr);
  }

  absl::Status Close(const std::string& path) {
    closed_ = true;
    const lxw_error error = workbook_close(wb_);
    if (error != LXW_NO_ERROR) {
      return absl::InternalError(absl::StrCat("writing ", path, ": ", lxw_strerror(error)));
    }
    return absl::OkStatus();
  }

 private:
  lxw_workbook* wb_;
  lxw_format* bold_ = nullptr;
  lxw_format* money_ = nullptr;
  lxw_format* money_total_ = nullptr;
  lxw_format* date_ = nullptr;
  bool closed_ = false;
};

}  // namespace

absl::Status WriteCollectionXlsx(const CollectionExport& report, const std::string& path) {
  Book book(path);
  if (!book.ok()) return absl::InvalidArgumentError(absl::StrCat("cannot create ", path));
  const bool cny = AllCny(report);
  book.SetMoneyFormat(cny ? "¥#,##0.00" : "#,##0.00");
  std::map<std::string, std::vector<const CollectionLine*>> grouped;
  for (const CollectionLine& l : report.lines) grouped[l.rep].push_back(&l);
  std::vector<std::pair<std::string, std::vector<const CollectionLine*>>> by_rep(grouped.begin(),
                                                                                 grouped.end());
  book.SummarySheet(report, by_rep);
  std::set<std::string> taken = {"汇总"};
  for (const auto& [rep, lines] : by_rep) book.LinesSheet(SheetName(rep, taken), lines, !cny);
  return book.Close(path);
}

absl::Status WriteCollectionCsv(const CollectionExport& report, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::InvalidArgumentError(absl::StrCat("cannot create ", path));
  auto field = [](const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\"", "\"\""}}), "\"");
  };
  out << "\xEF\xBB\xBF"
      << "业务员,产品名称,客户名称,回款日期,回款金额,回款状态,币种\r\n";
  std::map<std::string, int64_t> totals;
  for (const CollectionLine& l : report.lines) {
    out << field(l.rep) << ',' << field(l.products) << ',' << field(l.customer) << ','
        << absl::FormatCivilTime(l.paid_on) << ',' << Yuan(l.amount) << ',' << field(l.status)
        << ',' << l.currency_code << "\r\n";
    totals[l.currency_code] += l.amount;
  }
  for (const auto& [currency, amount] : totals) {
    out << "合计,,,," << Yuan(amount) << ",," << currency << "\r\n";
  }
  out.close();
  if (!out) return absl::DataLossError(absl::StrCat("writing ", path, " failed"));
  return absl::OkStatus();
}

}  // namespace crm::clients
