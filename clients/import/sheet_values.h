// The values people type into sales sheets: dates in half a dozen shapes,
// amounts with thousands separators and currency signs.
//
// Thread-safety: pure functions.
#ifndef CRM_CLIENTS_IMPORT_SHEET_VALUES_H_
#define CRM_CLIENTS_IMPORT_SHEET_VALUES_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace crm::clients {

// Accepts, after folding full-width digits and trimming:
//   with a year:    2026-03-12, 2026/3/12, 2026.3.12, 2026年3月12日
//   without a year: 3.12, 3/12, 3-12, 3月12日 (month first, as Chinese sheets
//                   write it) — these take `default_year`.
// InvalidArgument, saying why, for anything else, for a date that does not
// exist (2.30, 2026/2/30, 13.40) and for a yearless date when default_year
// is not given ("needs a year: pass --year").
absl::StatusOr<absl::CivilDay> ParseSheetDate(absl::string_view text,
                                              std::optional<int> default_year);

// An amount in minor units (fen, 1/100): "12,500.00", "¥3,000", "￥3000元",
// "4999.5", "RMB 200", "-150". At most two decimals (more would silently
// round money); thousands separators must group by three.
// InvalidArgument, saying why, otherwise. The sign is kept: the caller
// decides whether a negative amount means anything.
absl::StatusOr<int64_t> ParseAmount(absl::string_view text);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_SHEET_VALUES_H_
