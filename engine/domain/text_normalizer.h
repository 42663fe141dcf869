// Text folding shared by the phone and company-name normalisers: what a
// clerk's keyboard or an Excel sheet may have put in a value that a person
// reads as the same thing.
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_TEXT_NORMALIZER_H_
#define CRM_ENGINE_DOMAIN_TEXT_NORMALIZER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::engine::domain {

// Folds full-width forms (U+FF01..U+FF5E: "１２３", "ＡＢＣ", "（", "－") to
// their ASCII counterparts, the ideographic space U+3000 and no-break space
// U+00A0 to ' ', and dashes (U+2010..U+2015, U+2212) to '-'. Other characters
// are kept as they are.
// Returns InvalidArgument if `text` is not valid UTF-8.
absl::StatusOr<std::string> FoldWidth(absl::string_view text);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_TEXT_NORMALIZER_H_
