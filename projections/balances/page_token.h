// Paging for read-model queries (AIP-158): a page size with a default and a
// maximum, and opaque page tokens that carry where the previous page stopped.
//
// A token is web-safe base64 of: "p1" 0x00 query-kind 0x00 query-fingerprint
// 0x00 last-key. The fingerprint holds the query's parameters (e.g. the
// as-of date), so a token is refused when replayed against another query
// rather than silently resuming at a meaningless place.
//
// Thread-safety: pure functions.
#ifndef CRM_PROJECTIONS_BALANCES_PAGE_TOKEN_H_
#define CRM_PROJECTIONS_BALANCES_PAGE_TOKEN_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::projections {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

struct PageRequest {
  // 0 means kDefaultPageSize; larger than kMaxPageSize is capped.
  int page_size = 0;
  // Empty for the first page, else a previous page's next_page_token.
  std::string page_token;
};

// The number of items to return; InvalidArgument naming page_size if negative.
absl::StatusOr<size_t> EffectivePageSize(int page_size);

// REQUIRES: kind and fingerprint contain no 0x00.
std::string EncodePageToken(absl::string_view kind, absl::string_view fingerprint,
                            absl::string_view last_key);

// The last key a token carries, or "" for an empty token. InvalidArgument
// naming page_token if it is malformed or was made by another query.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view kind,
                                            absl::string_view fingerprint);

}  // namespace crm::projections

#endif  // CRM_PROJECTIONS_BALANCES_PAGE_TOKEN_H_
