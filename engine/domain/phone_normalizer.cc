#include "engine/domain/phone_normalizer.h"

#include <cctype>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "engine/domain/text_normalizer.h"
#include "engine/status_macros.h"

namespace crm::engine::domain {
namespace {

bool IsSeparator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\t';
}

// Splits "<number><ext marker><digits>" into number and extension; returns
// whether a marker was found. The markers are the ones seen on Chinese
// business cards and sheets.
bool SplitExtension(std::string& text, std::string& extension) {
  static constexpr absl::string_view kMarkers[] = {"转", "分机", "ext.", "ext", "x", "#"};
  const std::string lower_text = absl::AsciiStrToLower(text);
  const absl::string_view lower = lower_text;
  for (absl::string_view marker : kMarkers) {
    const size_t at = lower.find(marker);
    if (at == absl::string_view::npos) continue;
    extension = text.substr(at + marker.size());
    text.resize(at);
    return true;
  }
  return false;
}

absl::Status Invalid(absl::string_view raw, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("phone \"", raw, "\" ", why));
}

// Validates a national number that starts with the trunk prefix "0".
absl::StatusOr<NormalizedPhone> Landline(absl::string_view raw, const std::string& digits) {
  // Area code 10 and 20..29 are two digits with 8-digit local numbers; the
  // others (3xx..9xx) are three digits with 7- or 8-digit local numbers.
  if (digits.size() < 2 || digits[1] == '0' || (digits[1] == '1' && digits[2] != '0')) {
    return Invalid(raw, "has no valid area code after the leading 0");
  }
  const bool short_area = digits[1] == '1' || digits[1] == '2';
  const size_t area_len = short_area ? 3 : 4;
  const size_t local_len = digits.size() > area_len ? digits.size() - area_len : 0;
  if (short_area ? local_len != 8 : (local_len != 7 && local_len != 8)) {
    return Invalid(raw, short_area ? "is not a landline: expected 0 + 2-digit area code + 8 digits"
                                   : "is not a landline: expected 0 + 3-digit area code + 7 or 8 "
                                     "digits");
  }
  if (digits[area_len] == '0' || digits[area_len] == '1') {
    return Invalid(raw, "has a local number starting with 0 or 1");
  }
  return NormalizedPhone{PhoneKind::kLandline, digits, ""};
}

absl::StatusOr<NormalizedPhone> National(absl::string_view raw, const std::string& digits) {
  if (digits[0] == '1') {
    if (digits.size() != 11) return Invalid(raw, "is not a mobile number: expected 11 digits");
    if (digits[1] < '3') return Invalid(raw, "is not a mobile number: 1 must be followed by 3-9");
    return NormalizedPhone{PhoneKind::kMobile, digits, ""};
  }
  if (digits[0] == '0') return Landline(raw, digits);
  if (absl::StartsWith(digits, "400") || absl::StartsWith(digits, "800")) {
    if (digits.size() != 10) return Invalid(raw, "is not a 400/800 number: expected 10 digits");
    return NormalizedPhone{PhoneKind::kService, digits, ""};
  }
  if (digits.size() == 7 || digits.size() == 8) {
    return Invalid(raw, "looks like a landline without an area code");
  }
  return Invalid(raw, "is not a mobile, landline or 400/800 number");
}

// Normalises `text` (already folded and trimmed, extension marker removed).
absl::StatusOr<NormalizedPhone> NormalizeNumber(absl::string_view raw, absl::string_view text) {
  bool plus = false;
  std::string digits;
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (!IsSeparator(c)) {
      return Invalid(raw, "has a character that is not a digit or a separator");
    }
  }
  if (digits.empty()) return Invalid(raw, "has no digits");

  // International prefixes: "+cc" or "00cc". China's own (+86) gives back the
  // national number; a landline then lost its trunk "0", which we restore.
  bool international = plus;
  if (!plus && absl::StartsWith(digits, "00")) {
    international = true;
    digits.erase(0, 2);
  }
  // "86" written without "+", in front of a complete mobile number.
  if (!international && digits.size() == 13 && absl::StartsWith(digits, "861")) {
    international = true;
  }
  if (!international) return National(raw, digits);
  if (!absl::StartsWith(digits, "86")) {
    if (digits.size() < 8 || digits.size() > 15) {
      return Invalid(raw, "is not an international number: expected 8 to 15 digits");
    }
    return NormalizedPhone{PhoneKind::kForeign, "00" + digits, ""};
  }
  std::string national = digits.substr(2);
  if (!national.empty() && national[0] == '0') national.erase(0, 1);  // "+86 (0)10 ..."
  if (national.empty()) return Invalid(raw, "has no number after +86");
  // After +86 a mobile is 11 digits starting with 1; anything else but a
  // 400/800 number is a landline ("+86 10 ..." is Beijing, 010).
  const bool mobile = national[0] == '1' && national.size() == 11;
  if (!mobile && !absl::StartsWith(national, "400") && !absl::StartsWith(national, "800")) {
    national = absl::StrCat("0", national);
  }
  return National(raw, national);
}

absl::StatusOr<std::string> ExtensionDigits(absl::string_view raw, absl::string_view text) {
  std::string extension;
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      extension.push_back(c);
    } else if (!IsSeparator(c)) {
      return Invalid(raw, "has an extension that is not digits");
    }
  }
  if (extension.empty() || extension.size() > 6) {
    return Invalid(raw, "has an extension that is not 1 to 6 digits");
  }
  return extension;
}

}  // namespace

absl::StatusOr<NormalizedPhone> NormalizePhone(absl::string_view raw) {
  absl::StatusOr<std::string> folded = FoldWidth(raw);
  if (!folded.ok()) return Invalid(raw, folded.status().message());
  std::string text = std::string(absl::StripAsciiWhitespace(*folded));
  if (text.empty()) return Invalid(raw, "is empty");

  std::string extension_text;
  bool marked = SplitExtension(text, extension_text);
  absl::StatusOr<NormalizedPhone> result = NormalizeNumber(raw, text);
  if (!result.ok() && !marked) {
    // "010-51081935-8001": a third dash-separated group after a complete
    // landline is an extension.
    const size_t dash = text.rfind('-');
    if (dash != std::string::npos && text.find('-') != dash) {
      absl::StatusOr<NormalizedPhone> shorter = NormalizeNumber(raw, text.substr(0, dash));
      if (shorter.ok() && shorter->kind == PhoneKind::kLandline) {
        result = std::move(shorter);
        extension_text = text.substr(dash + 1);
        marked = true;
      }
    }
  }
  if (!result.ok() || !marked) return result;
  CRM_ASSIGN_OR_RETURN(result->extension, ExtensionDigits(raw, extension_text));
  if (result->kind == PhoneKind::kMobile) {
    return Invalid(raw, "is a mobile number with an extension");
  }
  return result;
}

}  // namespace crm::engine::domain
