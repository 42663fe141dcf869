#include "engine/domain/money.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace crm::engine::domain {

absl::StatusOr<int64_t> AddMinorUnits(absl::string_view field, int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": amount overflows int64 minor units"));
  }
  return sum;
}

absl::StatusOr<int64_t> MultiplyMinorUnits(absl::string_view field, int64_t a, int64_t b) {
  int64_t product;
  if (__builtin_mul_overflow(a, b, &product)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": amount overflows int64 minor units"));
  }
  return product;
}

std::string FormatMinorUnits(int64_t minor_units, absl::string_view currency) {
  // Magnitude as unsigned so INT64_MIN prints instead of overflowing.
  const uint64_t magnitude =
      minor_units < 0 ? 0 - static_cast<uint64_t>(minor_units) : static_cast<uint64_t>(minor_units);
  return absl::StrFormat("%s%d.%02d %s", minor_units < 0 ? "-" : "", magnitude / 100,
                         magnitude % 100, currency);
}

std::string GroupedMinorUnits(int64_t minor_units) {
  const uint64_t magnitude =
      minor_units < 0 ? 0 - static_cast<uint64_t>(minor_units) : static_cast<uint64_t>(minor_units);
  // Appended digit by digit: string::insert here trips GCC 12's -Wrestrict
  // false positive.
  const std::string digits = absl::StrCat(magnitude / 100);
  std::string whole;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) whole.push_back(',');
    whole.push_back(digits[i]);
  }
  return absl::StrFormat("%s%s.%02d", minor_units < 0 ? "-" : "", whole, magnitude % 100);
}

std::string FormatMinorUnitsGrouped(int64_t minor_units, absl::string_view currency) {
  return absl::StrCat(GroupedMinorUnits(minor_units), " ", currency);
}

}  // namespace crm::engine::domain
