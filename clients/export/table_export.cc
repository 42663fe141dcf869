#include "clients/export/table_export.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace crm::clients {
namespace {

size_t Utf8Length(unsigned char lead) {
  return lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : 4;
}

// Columns a text needs in Excel: CJK and other wide characters take two.
double DisplayWidth(const std::string& s) {
  double width = 0;
  for (size_t i = 0; i < s.size(); i += Utf8Length(static_cast<unsigned char>(s[i]))) {
    width += static_cast<unsigned char>(s[i]) < 0x80 ? 1 : 2;
  }
  return width;
}

std::string Decimal(int64_t minor) {
  return absl::StrFormat("%s%d.%02d", minor < 0 ? "-" : "", std::abs(minor) / 100,
                         std::abs(minor) % 100);
}

// Excel refuses sheet names over 31 characters or with []:*?/\ in them, and
// two sheets of one name.
std::string SafeSheetName(const std::string& wanted, std::set<std::string>& taken) {
  std::string base = absl::StrReplaceAll(
      wanted, {{"[", ""}, {"]", ""}, {":", ""}, {"*", ""}, {"?", ""}, {"/", ""}, {"\\", ""}});
  size_t chars = 0, cut = 0;
  while (cut < base.size() && chars < 28) {
    cut += Utf8Length(static_cast<unsigned char>(base[cut]));
    ++chars;
  }
  base = base.substr(0, std::min(cut, base.size()));
  if (base.empty()) base = "sheet";
  std::string name = base;
  for (int n = 2; taken.contains(name); ++n) name = absl::StrCat(base, "-", n);
  taken.insert(name);
  return name;
}

std::string ColumnLetter(size_t column) {
  std::string letters;
  for (size_t c = column + 1; c > 0; c = (c - 1) / 26) {
    letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
  }
  return letters;
}

}  // namespace

absl::Status WriteXlsx(const std::vector<Sheet>& sheets, const std::string& money_format,
                       const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (wb == nullptr) return absl::InvalidArgumentError(absl::StrCat("cannot create ", path));
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* money = workbook_add_format(wb);
  format_set_num_format(money, money_format.c_str());
  lxw_format* money_total = workbook_add_format(wb);
  format_set_num_format(money_total, money_format.c_str());
  format_set_bold(money_total);
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");

  std::set<std::string> taken;
  for (const Sheet& sheet : sheets) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, SafeSheetName(sheet.name, taken).c_str());
    std::vector<double> widths;
    for (size_t c = 0; c < sheet.columns.size(); ++c) {
      worksheet_write_string(ws, 0, c, sheet.columns[c].heading.c_str(), bold);
      double w = DisplayWidth(sheet.columns[c].heading);
      if (sheet.columns[c].kind == Column::Kind::kDate) w = std::max(w, 10.0);
      if (sheet.columns[c].kind == Column::Kind::kMoney) w = std::max(w, 14.0);
      widths.push_back(w);
    }
    std::vector<double> sums(sheet.columns.size(), 0);
    lxw_row_t row = 1;
    for (const std::vector<Cell>& cells : sheet.rows) {
      for (size_t c = 0; c < cells.size() && c < sheet.columns.size(); ++c) {
        const Column& column = sheet.columns[c];
        if (const std::string* text = std::get_if<std::string>(&cells[c])) {
          // A blank cell, not an empty string: Excel's filters and COUNTA
          // treat an empty string as a value.
          if (text->empty()) continue;
          worksheet_write_string(ws, row, c, text->c_str(), nullptr);
          widths[c] = std::max(widths[c], DisplayWidth(*text));
        } else if (const absl::CivilDay* day = std::get_if<absl::CivilDay>(&cells[c])) {
          lxw_datetime dt = {static_cast<int>(day->year()), day->month(), day->day(), 0, 0, 0};
          worksheet_write_datetime(ws, row, c, &dt, date);
        } else {
          const int64_t n = std::get<int64_t>(cells[c]);
          const double value = column.kind == Column::Kind::kMoney ? n / 100.0 : n;
          worksheet_write_number(ws, row, c, value,
                                 column.kind == Column::Kind::kMoney ? money : nullptr);
          sums[c] += value;
        }
      }
      ++row;
    }
    if (sheet.total_row) worksheet_write_string(ws, row, 0, "合计", bold);
    for (size_t c = 0; c < sheet.columns.size() && sheet.total_row; ++c) {
      if (!sheet.columns[c].total) continue;
      const std::string letter = ColumnLetter(c);
      const std::string formula =
          row > 1 ? absl::StrCat("=SUM(", letter, "2:", letter, row, ")") : std::string("=0");
      worksheet_write_formula_num(
          ws, row, c, formula.c_str(),
          sheet.columns[c].kind == Column::Kind::kMoney ? money_total : bold, sums[c]);
    }
    if (!sheet.note.empty()) worksheet_write_string(ws, row + 2, 0, sheet.note.c_str(), nullptr);
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_autofilter(ws, 0, 0, row > 1 ? row - 1 : 0, sheet.columns.size() - 1);
    for (size_t c = 0; c < widths.size(); ++c) {
      worksheet_set_column(ws, c, c, widths[c] + 2, nullptr);
    }
  }
  const lxw_error error = workbook_close(wb);
  if (error != LXW_NO_ERROR) {
    return absl::InternalError(absl::StrCat("writing ", path, ": ", lxw_strerror(error)));
  }
  return absl::OkStatus();
}

absl::Status WriteCsv(const Sheet& sheet, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::InvalidArgumentError(absl::StrCat("cannot create ", path));
  auto field = [](const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\"", "\"\""}}), "\"");
  };
  out << "\xEF\xBB\xBF";
  for (size_t c = 0; c < sheet.columns.size(); ++c) {
    out << (c > 0 ? "," : "") << field(sheet.columns[c].heading);
  }
  out << "\r\n";
  std::vector<int64_t> sums(sheet.columns.size(), 0);
  for (const std::vector<Cell>& cells : sheet.rows) {
    for (size_t c = 0; c < sheet.columns.size(); ++c) {
      if (c > 0) out << ',';
      if (c >= cells.size()) continue;
      if (const std::string* text = std::get_if<std::string>(&cells[c])) {
        out << field(*text);
      } else if (const absl::CivilDay* day = std::get_if<absl::CivilDay>(&cells[c])) {
        out << absl::FormatCivilTime(*day);
      } else {
        const int64_t n = std::get<int64_t>(cells[c]);
        out << (sheet.columns[c].kind == Column::Kind::kMoney ? Decimal(n) : absl::StrCat(n));
        sums[c] += n;
      }
    }
    out << "\r\n";
  }
  if (!sheet.total_row) {
    out.close();
    return out ? absl::OkStatus() : absl::DataLossError(absl::StrCat("writing ", path, " failed"));
  }
  out << "合计";
  for (size_t c = 1; c < sheet.columns.size(); ++c) {
    out << ',';
    if (!sheet.columns[c].total) continue;
    out << (sheet.columns[c].kind == Column::Kind::kMoney ? Decimal(sums[c])
                                                          : absl::StrCat(sums[c]));
  }
  out << "\r\n";
  out.close();
  if (!out) return absl::DataLossError(absl::StrCat("writing ", path, " failed"));
  return absl::OkStatus();
}

}  // namespace crm::clients
