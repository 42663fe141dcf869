// Field checks of the customer aggregate's value types. Each returns OK or
// InvalidArgument naming the field path under `prefix` (e.g.
// "register.profile.phones[2]").
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_CUSTOMER_VALIDATION_H_
#define CRM_ENGINE_DOMAIN_CUSTOMER_VALIDATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crm/v1/customer_types.pb.h"

namespace crm::engine::domain {

inline constexpr int kMaxPhones = 10;
inline constexpr int kMaxTagBytes = 32;

// A whole profile of a customer of `kind`. The company name must survive
// normalisation for a company; every phone must normalise, and no two phones
// may be the same number.
absl::Status ValidateProfile(absl::string_view prefix, v1::CustomerKind kind,
                             const v1::CustomerProfile& profile);

// A contact: id, name, phones (as for a profile), e-mail.
absl::Status ValidateContact(absl::string_view prefix, const v1::Contact& contact);

// An e-mail address, loosely: one '@' with something on both sides, no spaces.
absl::Status ValidateEmail(absl::string_view field, absl::string_view email);

// A tag: 1..32 bytes after trimming, no control characters. Returns the
// trimmed tag.
absl::StatusOr<std::string> CanonicalTag(absl::string_view field, absl::string_view tag);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_CUSTOMER_VALIDATION_H_
