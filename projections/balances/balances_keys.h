// The rows of the "balances" projection, in sort order (keys are the
// projection's own; the runner adds the generation prefix, view_keys.h):
//
//   "o" order_id                      -> views::OrderRow (order_row.proto)
//   "c" customer_id 0x00 order_id     -> "" (orders by current customer)
//   "r" rep_id 0x00 order_id          -> "" (orders by credited rep)
//   "a" customer_id                   -> survivor customer_id (a merge)
//
// Ids are [A-Za-z0-9_-] (the domain's rule), so 0x00 never occurs in one and
// "c" x 0x00 never prefixes another customer's keys.
// DO NOT CHANGE existing layouts; add key kinds with new leading letters.
#ifndef CRM_PROJECTIONS_BALANCES_BALANCES_KEYS_H_
#define CRM_PROJECTIONS_BALANCES_BALANCES_KEYS_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace crm::projections::balances::keys {

inline constexpr absl::string_view kOrderPrefix = "o";

inline std::string Order(absl::string_view order_id) { return absl::StrCat("o", order_id); }
inline std::string CustomerPrefix(absl::string_view customer_id) {
  return absl::StrCat("c", customer_id, absl::string_view("\0", 1));
}
inline std::string RepPrefix(absl::string_view rep_id) {
  return absl::StrCat("r", rep_id, absl::string_view("\0", 1));
}
inline std::string MergeAlias(absl::string_view customer_id) {
  return absl::StrCat("a", customer_id);
}

}  // namespace crm::projections::balances::keys

#endif  // CRM_PROJECTIONS_BALANCES_BALANCES_KEYS_H_
