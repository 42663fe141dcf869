// CSV as spreadsheets save it (RFC 4180 plus what Excel does): fields
// separated by commas, optionally quoted with '"', a quote inside a quoted
// field doubled, commas and line breaks allowed inside quotes, CRLF or LF
// line ends. Rows whose fields are all blank are dropped (sheets end with
// rows of empty cells), but every kept row remembers the line it started on,
// so an error can point a person at the row in their editor.
//
// Thread-safety: pure function.
#ifndef CRM_CLIENTS_IMPORT_CSV_READER_H_
#define CRM_CLIENTS_IMPORT_CSV_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::clients {

struct CsvRow {
  int line = 0;  // 1-based line of the file where the row starts
  std::vector<std::string> fields;
};

// Parses UTF-8 text (a leading BOM is skipped). Returns InvalidArgument
// naming the line for a quote left open at the end of the file or stray text
// after a closing quote.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_CSV_READER_H_
