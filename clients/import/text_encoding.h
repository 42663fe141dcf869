// Decoding sheet files to UTF-8. Excel in China saves "CSV" in GB18030/GBK
// unless told "CSV UTF-8"; both arrive at crmctl import.
//
// Thread-safety: pure functions.
#ifndef CRM_CLIENTS_IMPORT_TEXT_ENCODING_H_
#define CRM_CLIENTS_IMPORT_TEXT_ENCODING_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::clients {

enum class Encoding { kAuto, kUtf8, kGb18030 };

// "auto", "utf-8"/"utf8", "gb18030"/"gbk"/"gb2312" (GBK and GB2312 are
// subsets of GB18030, so one decoder reads all three).
absl::StatusOr<Encoding> ParseEncoding(absl::string_view name);

struct DecodedText {
  std::string utf8;
  Encoding detected = Encoding::kUtf8;
};

// kAuto: valid UTF-8 (with or without BOM) is taken as UTF-8, anything else
// is decoded as GB18030. Valid GB18030 text that is also valid UTF-8 is rare
// for Chinese text of any length, so the guess is safe in practice; the
// caller can force either. Returns InvalidArgument with the byte offset of
// the first byte that is not valid in the chosen encoding.
absl::StatusOr<DecodedText> DecodeToUtf8(absl::string_view bytes, Encoding encoding);

// Encodes UTF-8 as GB18030 (for tests and for exporting to old Excel).
absl::StatusOr<std::string> Utf8ToGb18030(absl::string_view utf8);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_TEXT_ENCODING_H_
