// Finding a sheet's columns by their headings. Teams name columns their own
// way (客户公司 / 公司名称 / company), and the seed follow-up sheet repeats 意向
// (intent) after each call date, so a heading may only mean something by its
// position. All of that is resolved from the header row before any data row
// is read, so a wrong file is refused at once with every problem listed.
//
// Thread-safety: pure functions.
#ifndef CRM_CLIENTS_IMPORT_COLUMN_MAP_H_
#define CRM_CLIENTS_IMPORT_COLUMN_MAP_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::clients {

struct ColumnSpec {
  std::string field;                 // our name, e.g. "first_call_date"
  std::vector<std::string> aliases;  // headings that always mean this field
  // Headings that mean this field only right after the column of
  // `after_field` (the repeated 意向).
  std::vector<std::string> positional_aliases;
  std::string after_field;
  bool required = false;
};

class ColumnMap {
 public:
  // The column index of `field`, if the sheet has it.
  std::optional<int> Index(absl::string_view field) const;
  // The trimmed cell of `field` in `row`; empty when the sheet lacks the
  // column or the row is short.
  std::string Cell(const std::vector<std::string>& row, absl::string_view field) const;
  // The heading of `field`'s column, for error messages.
  std::string Heading(absl::string_view field) const;

 private:
  friend absl::StatusOr<ColumnMap> MapColumns(const std::vector<std::string>&,
                                              const std::vector<ColumnSpec>&,
                                              const std::vector<std::string>&);
  absl::flat_hash_map<std::string, int> index_;
  std::vector<std::string> headings_;
};

// Maps `header` (the first row) with `specs`. `overrides` are the user's
// "heading=field" entries (field "-" ignores the column); they win over
// aliases. InvalidArgument listing, at once, every heading that matches no
// field, every field claimed by two columns, and every required field
// missing.
absl::StatusOr<ColumnMap> MapColumns(const std::vector<std::string>& header,
                                     const std::vector<ColumnSpec>& specs,
                                     const std::vector<std::string>& overrides);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_COLUMN_MAP_H_
