// The keyspace of the customer directory view (rows of projection
// "directory", inside its generation's prefix, view_keys.h). In sort order:
//
//   "c/" id                                   -> DirectoryRow (every customer)
//   "g/" field:u8 bigram 0x00 id              -> ""  n-gram index, field 'c'
//                                                    company, 'p' person names
//   "i/" industry 0x00 id                     -> ""
//   "m/" person-text 0x00 id                  -> ""  contact person + contacts
//   "n/" company-text 0x00 id                 -> ""
//   "o/" owner 0x00 id                        -> ""  owned customers only
//   "p/" phone-key 0x00 id                    -> ""  profile and contact phones
//   "r/" province 0x00 city 0x00 id           -> ""
//   "s/" status:u8 0x00 id                    -> ""  'o' owned, 'p' public pool,
//                                                    'a' archived
//   "t/" tag 0x00 id                          -> ""
//
// Texts are normalised (search_text.h): company-text is the duplicate check's
// company key, person-text, region, industry and tag are SearchText. Phone
// keys are NormalizePhone's. None of them contains 0x00 (SearchText drops
// ASCII control characters), and ids are [A-Za-z0-9_-], so the id is always
// what follows the last 0x00.
//
// Every lookup is a range scan of one index: exact values scan "x/" value
// 0x00; prefixes scan "x/" prefix. A merged duplicate keeps only its "c/"
// row (its phones and contacts moved to the survivor), so lookups lead to
// the survivor; archived customers stay findable with status 'a'.
//
// Substring search, Chinese included: why bigrams. CJK text has no word
// breaks, so a word index cannot find "物流" inside "天宇物流集团"; a suffix
// index finds it but costs O(length^2) bytes per name; bigrams of code points
// cost one key per character and find any substring of 2+ characters by
// intersecting the posting lists of its bigrams and then checking the
// candidates' real text (bigram order can produce false positives). A
// one-character query scans "g/" field char, which covers every bigram that
// starts with it; the extra "last character + 0x01" bigram makes sure the
// final character of a name starts one too. Names are short (~4-16
// characters), so a customer costs ~10-30 small keys.
#ifndef CRM_PROJECTIONS_DIRECTORY_DIRECTORY_KEYS_H_
#define CRM_PROJECTIONS_DIRECTORY_DIRECTORY_KEYS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "projections/directory/directory_rows.pb.h"

namespace crm::projections::directory::keys {

inline constexpr char kCompanyField = 'c';
inline constexpr char kPersonField = 'p';
inline constexpr char kOwned = 'o';
inline constexpr char kInPool = 'p';
inline constexpr char kArchived = 'a';

std::string Customer(absl::string_view id);
// "<tag>/" value 0x00: exact-value prefix of an index.
std::string Exact(char index, absl::string_view value);
// "<tag>/" value: prefix-search prefix of an index.
std::string Prefix(char index, absl::string_view value);
std::string Region(absl::string_view province, absl::string_view city);  // city may be empty
std::string RegionProvince(absl::string_view province);
std::string Bigram(char field, absl::string_view bigram);  // "g/" field bigram (no 0x00)

// The id at the end of an index key (after the last 0x00).
absl::string_view IdOf(absl::string_view index_key);

// The status letter of a row.
char Status(const DirectoryRow& row);

// Every index key of `row` (empty for a merged duplicate).
std::vector<std::string> IndexKeys(const DirectoryRow& row);

}  // namespace crm::projections::directory::keys

#endif  // CRM_PROJECTIONS_DIRECTORY_DIRECTORY_KEYS_H_
