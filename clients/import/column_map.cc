#include "clients/import/column_map.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/domain/text_normalizer.h"

namespace crm::clients {
namespace {

// Headings compare width-folded, trimmed, case- and space-insensitively.
std::string Key(absl::string_view heading) {
  absl::StatusOr<std::string> folded = engine::domain::FoldWidth(heading);
  std::string in = folded.ok() ? *folded : std::string(heading);
  std::string key;
  for (char c : in) {
    if (c == ' ' || c == '_' || c == '\t') continue;
    key.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return key;
}

}  // namespace

std::optional<int> ColumnMap::Index(absl::string_view field) const {
  auto it = index_.find(field);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::string ColumnMap::Cell(const std::vector<std::string>& row, absl::string_view field) const {
  std::optional<int> i = Index(field);
  if (!i.has_value() || static_cast<size_t>(*i) >= row.size()) return "";
  return std::string(absl::StripAsciiWhitespace(row[*i]));
}

std::string ColumnMap::Heading(absl::string_view field) const {
  std::optional<int> i = Index(field);
  if (!i.has_value()) return std::string(field);
  return headings_[*i];
}

absl::StatusOr<ColumnMap> MapColumns(const std::vector<std::string>& header,
                                     const std::vector<ColumnSpec>& specs,
                                     const std::vector<std::string>& overrides) {
  std::vector<std::string> problems;
  absl::flat_hash_map<std::string, std::string> override_of;  // heading key -> field
  for (const std::string& o : overrides) {
    const size_t eq = o.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == o.size()) {
      problems.push_back(absl::StrCat("--map \"", o, "\": expected HEADING=FIELD"));
      continue;
    }
    const std::string field = o.substr(eq + 1);
    bool known = field == "-";
    for (const ColumnSpec& s : specs) known |= s.field == field;
    if (!known) {
      std::vector<std::string> fields;
      for (const ColumnSpec& s : specs) fields.push_back(s.field);
      problems.push_back(absl::StrCat("--map \"", o, "\": no field \"", field, "\" (fields: ",
                                      absl::StrJoin(fields, ", "), ", or - to ignore)"));
      continue;
    }
    override_of[Key(o.substr(0, eq))] = field;
  }

  ColumnMap map;
  std::string previous_field;
  for (size_t col = 0; col < header.size(); ++col) {
    const std::string heading(absl::StripAsciiWhitespace(header[col]));
    map.headings_.push_back(heading);
    const std::string key = Key(heading);
    std::string field;
    if (auto it = override_of.find(key); it != override_of.end()) {
      field = it->second;
    } else {
      for (const ColumnSpec& s : specs) {
        for (const std::string& a : s.aliases) {
          if (Key(a) == key) field = s.field;
        }
        if (field.empty() && !previous_field.empty() && s.after_field == previous_field) {
          for (const std::string& a : s.positional_aliases) {
            if (Key(a) == key) field = s.field;
          }
        }
        if (!field.empty()) break;
      }
    }
    if (field.empty()) {
      problems.push_back(heading.empty() ? absl::StrCat("column ", col + 1,
                                                        " has no heading (name it, or --map it)")
                                         : absl::StrCat("column ", col + 1, " \"", heading,
                                                        "\" is not a known heading (use --map \"",
                                                        heading, "=FIELD\", or =- to ignore it)"));
      previous_field.clear();
      continue;
    }
    previous_field = field;
    if (field == "-") continue;
    if (auto [it, inserted] = map.index_.emplace(field, static_cast<int>(col)); !inserted) {
      problems.push_back(absl::StrCat("columns ", it->second + 1, " and ", col + 1, " both hold ",
                                      field, " (\"", header[it->second], "\", \"", heading, "\")"));
    }
  }
  for (const ColumnSpec& s : specs) {
    if (s.required && !map.index_.contains(s.field)) {
      std::vector<std::string> names = s.aliases;
      problems.push_back(absl::StrCat("required column ", s.field, " is missing (headed ",
                                      absl::StrJoin(names, " / "), ")"));
    }
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the header row does not fit: ", absl::StrJoin(problems, "; ")));
  }
  return map;
}

}  // namespace crm::clients
