// Overflow-checked arithmetic on minor units. Money is int64 minor units and
// never floating point; an order whose total does not fit is refused rather
// than wrapped.
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_MONEY_H_
#define CRM_ENGINE_DOMAIN_MONEY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crm/v1/common.pb.h"

namespace crm::engine::domain {

// a + b, or InvalidArgument naming `field` on overflow.
absl::StatusOr<int64_t> AddMinorUnits(absl::string_view field, int64_t a, int64_t b);

// a × b, or InvalidArgument naming `field` on overflow.
absl::StatusOr<int64_t> MultiplyMinorUnits(absl::string_view field, int64_t a, int64_t b);

inline v1::Money MakeMoney(absl::string_view currency, int64_t minor_units) {
  v1::Money m;
  m.set_currency_code(std::string(currency));
  m.set_minor_units(minor_units);
  return m;
}

// "12500.00 CNY" style, for error messages (assumes 2 decimals).
std::string FormatMinorUnits(int64_t minor_units, absl::string_view currency);

// "12,500.00 CNY": FormatMinorUnits with the whole part grouped in threes,
// for text people read at a glance (timelines). Assumes 2 decimals.
std::string FormatMinorUnitsGrouped(int64_t minor_units, absl::string_view currency);

// "12,500.00": the amount alone, grouped, for table columns.
std::string GroupedMinorUnits(int64_t minor_units);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_MONEY_H_
