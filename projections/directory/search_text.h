// The normalised text the directory indexes and searches, and the n-grams of
// it. Queries go through the same functions as the indexed values, so "天宇
// 物流", "天宇物流" and "ＴＩＡＮＹＵ" find what a person expects.
//
// Thread-safety: pure functions.
#ifndef CRM_PROJECTIONS_DIRECTORY_SEARCH_TEXT_H_
#define CRM_PROJECTIONS_DIRECTORY_SEARCH_TEXT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::projections::directory {

// Width-folded (text_normalizer.h), ASCII letters lower-cased, whitespace and
// punctuation (ASCII and common CJK) removed. InvalidArgument if `text` is not
// UTF-8.
absl::StatusOr<std::string> SearchText(absl::string_view text);

// The company key: NormalizeCompanyName (the duplicate check's key) when it
// leaves something, else SearchText. Empty if both leave nothing.
absl::StatusOr<std::string> CompanyText(absl::string_view name);

// `text` split into UTF-8 code points. REQUIRES: valid UTF-8.
std::vector<std::string> CodePoints(absl::string_view text);

// The distinct bigrams of `text`'s code points, plus the last code point
// followed by kEndOfText, so every code point begins at least one bigram.
std::vector<std::string> Bigrams(absl::string_view text);
inline constexpr char kEndOfText = '\x01';

}  // namespace crm::projections::directory

#endif  // CRM_PROJECTIONS_DIRECTORY_SEARCH_TEXT_H_
