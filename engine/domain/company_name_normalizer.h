// Company-name normalisation for duplicate checks (客户查重).
//
// "天宇物流集团有限公司", "天宇物流集团 有限公司", "天宇物流集团（有限公司）" and
// "天宇物流集团" name one company to a sales team; "Huaxin Tech Co., Ltd." and
// "HUAXIN TECH" likewise. NormalizeCompanyName() folds them to one key:
//
//   1. full-width forms to ASCII (text_normalizer.h), ASCII letters to lower
//      case;
//   2. whitespace and punctuation (ASCII and CJK: ，。、·（）《》“” ...) removed;
//   3. one trailing legal-form suffix removed, longest first:
//      股份有限公司, 有限责任公司, 有限公司, 公司, and co ltd / ltd /
//      limited / inc / corp / corporation / llc / gmbh.
//
// Deliberately NOT removed: 集团 (group), 分公司 (a branch) and place names
// such as 深圳市 — they can tell two real companies apart, and a false
// "duplicate" blocks a rep's legitimate registration, which is worse than a
// missed one (a manager can still merge).
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_COMPANY_NAME_NORMALIZER_H_
#define CRM_ENGINE_DOMAIN_COMPANY_NAME_NORMALIZER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::engine::domain {

// Returns the comparison key of `name`. Returns InvalidArgument if `name` is
// not valid UTF-8 or nothing is left after normalisation (e.g. "有限公司").
absl::StatusOr<std::string> NormalizeCompanyName(absl::string_view name);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_COMPANY_NAME_NORMALIZER_H_
