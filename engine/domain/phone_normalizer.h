// Phone-number normalisation for duplicate checks (客户查重).
//
// Sales sheets hold the same number as "138 5739 0467", "138-5739-0467",
// "+86 13857390467", "0086-138..." or "１３８５７３９０４６７", and landlines as
// "010-51081935", "(0571) 4624 6886" or "+86 10 5108 1935". Normalise() turns
// each into one canonical key, so one customer per phone holds whatever the
// clerk typed:
//
//   mobile     11 digits, "1[3-9]xxxxxxxxx"             e.g. "13857390467"
//   landline   trunk "0" + area code + local number     e.g. "01051081935"
//              (area 10, 2x: 8-digit local; other areas: 7 or 8 digits)
//   service    400/800 numbers, 10 digits                e.g. "4008123123"
//   foreign    "00" + country code + number, 8..15 digits after "00"
//
// An extension ("-8001", "转8001", "ext. 8001", "x8001" after a complete
// landline) is kept apart: it does not make a different customer.
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_PHONE_NORMALIZER_H_
#define CRM_ENGINE_DOMAIN_PHONE_NORMALIZER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::engine::domain {

enum class PhoneKind { kMobile, kLandline, kService, kForeign };

struct NormalizedPhone {
  PhoneKind kind = PhoneKind::kMobile;
  // The canonical key described above: digits only.
  std::string key;
  // Digits of the extension, empty if none.
  std::string extension;

  bool operator==(const NormalizedPhone&) const = default;
};

// Normalises `raw`. Returns InvalidArgument, saying why, when it is empty, has
// letters or other stray characters, has the wrong number of digits, or is a
// landline without an area code (ambiguous: which city?).
absl::StatusOr<NormalizedPhone> NormalizePhone(absl::string_view raw);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_PHONE_NORMALIZER_H_
