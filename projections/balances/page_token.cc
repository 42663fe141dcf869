#include "projections/balances/page_token.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace crm::projections {
namespace {
constexpr char kVersion[] = "p1";
}  // namespace

absl::StatusOr<size_t> EffectivePageSize(int page_size) {
  if (page_size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be >= 0 (0 means ", kDefaultPageSize, "), got ", page_size));
  }
  if (page_size == 0) return kDefaultPageSize;
  return page_size > kMaxPageSize ? kMaxPageSize : page_size;
}

std::string EncodePageToken(absl::string_view kind, absl::string_view fingerprint,
                            absl::string_view last_key) {
  const char sep = '\0';
  return absl::WebSafeBase64Escape(absl::StrCat(kVersion, absl::string_view(&sep, 1), kind,
                                                absl::string_view(&sep, 1), fingerprint,
                                                absl::string_view(&sep, 1), last_key));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view kind,
                                            absl::string_view fingerprint) {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return absl::InvalidArgumentError("page_token is not a token this service issued");
  }
  // The last key may itself contain 0x00, so split only three times.
  std::vector<std::string> parts = absl::StrSplit(raw, absl::MaxSplits('\0', 3));
  if (parts.size() != 4 || parts[0] != kVersion) {
    return absl::InvalidArgumentError("page_token is not a token this service issued");
  }
  if (parts[1] != kind || parts[2] != fingerprint) {
    return absl::InvalidArgumentError(
        "page_token belongs to another query; repeat the query's parameters unchanged or start "
        "without a page_token");
  }
  if (parts[3].empty()) return absl::InvalidArgumentError("page_token carries no position");
  return parts[3];
}

}  // namespace crm::projections
