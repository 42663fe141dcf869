#include "clients/import/csv_reader.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace crm::clients {
namespace {

bool AllBlank(const std::vector<std::string>& fields) {
  for (const std::string& f : fields) {
    if (!absl::StripAsciiWhitespace(f).empty()) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text) {
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  int line = 1;
  row.line = 1;
  bool quoted = false;       // inside a quoted field
  bool after_quote = false;  // a quoted field just closed
  auto end_field = [&]() {
    row.fields.push_back(std::move(field));
    field.clear();
    after_quote = false;
  };
  auto end_row = [&]() {
    end_field();
    if (!AllBlank(row.fields)) rows.push_back(std::move(row));
    row = CsvRow{};
    row.line = line;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == ',') {
      end_field();
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      end_row();
    } else if (c == '"' && field.empty() && !after_quote) {
      quoted = true;
    } else if (after_quote) {
      // Excel never writes this; guessing which part was meant would be wrong.
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line, ": text after a closing quote in field ",
                       row.fields.size() + 1, " (a quote inside a field must be doubled)"));
    } else {
      field.push_back(c);
    }
  }
  if (quoted) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", row.line, ": a quoted field in column ", row.fields.size() + 1,
                     " is never closed (the file ends inside quotes)"));
  }
  if (!field.empty() || !row.fields.empty() || after_quote) end_row();
  return rows;
}

}  // namespace crm::clients
