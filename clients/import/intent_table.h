// What sales sheets write in the 意向 (intent) column, mapped to the domain's
// Intent. Clerks use many words for the same judgement; the table starts with
// the common ones and a team adds its own (crmctl import --intent 随便=refused)
// rather than having the importer guess.
//
// Thread-safety: const methods may be called concurrently.
#ifndef CRM_CLIENTS_IMPORT_INTENT_TABLE_H_
#define CRM_CLIENTS_IMPORT_INTENT_TABLE_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crm/v1/customer_types.pb.h"

namespace crm::clients {

class IntentTable {
 public:
  // The built-in synonyms (有兴趣, 有意向, 考虑中, 不需要, 已成交, ... and the
  // English names interested / considering / refused / deal_closed).
  IntentTable();

  // Adds "word=intent" where intent is one of interested, considering,
  // refused, deal_closed (or a word already in the table). InvalidArgument
  // naming the entry otherwise.
  absl::Status AddEntry(absl::string_view entry);

  // The intent for `word` (trimmed, width-folded, case-insensitive for
  // Latin letters). InvalidArgument listing the known words if unknown.
  absl::StatusOr<v1::Intent> Lookup(absl::string_view word) const;

 private:
  absl::flat_hash_map<std::string, v1::Intent> words_;
};

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_INTENT_TABLE_H_
