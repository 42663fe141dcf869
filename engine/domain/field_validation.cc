#include "engine/domain/field_validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "engine/domain/text_normalizer.h"

namespace crm::engine::domain {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

}  // namespace

absl::Status ValidateId(absl::string_view field, absl::string_view id) {
  if (id.empty()) return Invalid(field, "is required");
  if (id.size() > 64) return Invalid(field, absl::StrCat("is ", id.size(), " bytes; at most 64"));
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      return Invalid(field, absl::StrCat("\"", id, "\" may only hold A-Z, a-z, 0-9, '_' and '-'"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOptionalText(absl::string_view field, absl::string_view text,
                                  size_t max_bytes) {
  if (text.size() > max_bytes) {
    return Invalid(field, absl::StrCat("is ", text.size(), " bytes; at most ", max_bytes));
  }
  // FoldWidth is the one UTF-8 validator of the domain; its output is unused.
  if (absl::StatusOr<std::string> folded = FoldWidth(text); !folded.ok()) {
    return Invalid(field, folded.status().message());
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
      return Invalid(field, "has a control character");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateRequiredText(absl::string_view field, absl::string_view text,
                                  size_t max_bytes) {
  if (absl::StripAsciiWhitespace(text).empty()) return Invalid(field, "is required");
  return ValidateOptionalText(field, text, max_bytes);
}

absl::Status ValidateCurrencyCode(absl::string_view field, absl::string_view code) {
  if (code.size() != 3 || !absl::ascii_isupper(static_cast<unsigned char>(code[0])) ||
      !absl::ascii_isupper(static_cast<unsigned char>(code[1])) ||
      !absl::ascii_isupper(static_cast<unsigned char>(code[2]))) {
    return Invalid(field, absl::StrCat("\"", code, "\" is not a 3-letter ISO 4217 code"));
  }
  return absl::OkStatus();
}

absl::Status ValidateMoney(absl::string_view field, const v1::Money& money, int64_t min_units) {
  if (absl::Status s =
          ValidateCurrencyCode(absl::StrCat(field, ".currency_code"), money.currency_code());
      !s.ok()) {
    return s;
  }
  if (money.minor_units() < min_units) {
    return Invalid(absl::StrCat(field, ".minor_units"),
                   absl::StrCat(money.minor_units(), " is below ", min_units));
  }
  return absl::OkStatus();
}

absl::Status ValidateDate(absl::string_view field, const v1::Date& date) {
  if (date.year() < 1 || date.year() > 9999) {
    return Invalid(field, absl::StrCat("year ", date.year(), " is not in 1..9999"));
  }
  // CivilDay normalises out-of-range fields (Feb 30 -> Mar 2): a date is
  // real exactly when normalising leaves it unchanged.
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (day.month() != date.month() || day.day() != date.day() || date.month() < 1 ||
      date.day() < 1) {
    return Invalid(field,
                   absl::StrCat(date.year(), "-", date.month(), "-", date.day(), " is not a date"));
  }
  return absl::OkStatus();
}

absl::Status ValidateContext(const v1::CommandContext& context) {
  const std::string& id = context.request_id();
  if (id.empty()) return Invalid("context.request_id", "is required");
  if (id.size() > 128) return Invalid("context.request_id", "is longer than 128 bytes");
  for (char c : id) {
    if (c < 0x21 || c > 0x7e) return Invalid("context.request_id", "must be printable ASCII");
  }
  if (absl::Status s = ValidateRequiredText("context.actor", context.actor(), 128); !s.ok()) {
    return s;
  }
  if (context.now_us() <= 0) return Invalid("context.now_us", "must be > 0");
  return absl::OkStatus();
}

}  // namespace crm::engine::domain
