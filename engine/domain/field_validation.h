// Field-by-field checks shared by every decider. Each returns OK or
// InvalidArgument whose message starts with the field's path (e.g.
// "profile.phones[1]"), so a caller knows what to fix.
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_FIELD_VALIDATION_H_
#define CRM_ENGINE_DOMAIN_FIELD_VALIDATION_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "crm/v1/common.pb.h"

namespace crm::engine::domain {

// An aggregate id: 1..64 characters of [A-Za-z0-9_-]. Ids end up in stream
// names ("customer-<id>"), so they are kept to a safe alphabet.
absl::Status ValidateId(absl::string_view field, absl::string_view id);

// A required free-text field: non-blank, at most `max_bytes`, valid UTF-8.
absl::Status ValidateRequiredText(absl::string_view field, absl::string_view text,
                                  size_t max_bytes);

// An optional free-text field: at most `max_bytes`, valid UTF-8.
absl::Status ValidateOptionalText(absl::string_view field, absl::string_view text,
                                  size_t max_bytes);

// An ISO 4217-shaped code: three upper-case ASCII letters.
absl::Status ValidateCurrencyCode(absl::string_view field, absl::string_view code);

// A Money with a valid currency code and minor_units >= `min_units`.
absl::Status ValidateMoney(absl::string_view field, const v1::Money& money, int64_t min_units);

// A real calendar date with year 1..9999.
absl::Status ValidateDate(absl::string_view field, const v1::Date& date);

// The context every command carries: request_id (1..128 printable ASCII),
// actor (required), now_us > 0.
absl::Status ValidateContext(const v1::CommandContext& context);

// Whether `date` was set at all (a proto3 message field defaults to zeros).
inline bool IsSet(const v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_FIELD_VALIDATION_H_
