#include "clients/import/intent_table.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/domain/text_normalizer.h"

namespace crm::clients {
namespace {

std::string Key(absl::string_view word) {
  absl::StatusOr<std::string> folded = engine::domain::FoldWidth(word);
  std::string key = folded.ok() ? *folded : std::string(word);
  key = std::string(absl::StripAsciiWhitespace(key));
  absl::AsciiStrToLower(&key);
  return key;
}

}  // namespace

IntentTable::IntentTable() {
  const std::pair<const char*, v1::Intent> builtin[] = {
      {"有兴趣", v1::INTENT_INTERESTED},
      {"有意向", v1::INTENT_INTERESTED},
      {"感兴趣", v1::INTENT_INTERESTED},
      {"意向强", v1::INTENT_INTERESTED},
      {"interested", v1::INTENT_INTERESTED},
      {"需考虑", v1::INTENT_CONSIDERING},
      {"考虑中", v1::INTENT_CONSIDERING},
      {"再考虑", v1::INTENT_CONSIDERING},
      {"考虑", v1::INTENT_CONSIDERING},
      {"considering", v1::INTENT_CONSIDERING},
      {"拒绝", v1::INTENT_REFUSED},
      {"不需要", v1::INTENT_REFUSED},
      {"无意向", v1::INTENT_REFUSED},
      {"没兴趣", v1::INTENT_REFUSED},
      {"refused", v1::INTENT_REFUSED},
      {"已成交", v1::INTENT_DEAL_CLOSED},
      {"成交", v1::INTENT_DEAL_CLOSED},
      {"已签约", v1::INTENT_DEAL_CLOSED},
      {"deal_closed", v1::INTENT_DEAL_CLOSED},
  };
  for (const auto& [word, intent] : builtin) words_[Key(word)] = intent;
}

absl::Status IntentTable::AddEntry(absl::string_view entry) {
  const size_t eq = entry.find('=');
  if (eq == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--intent \"", entry, "\": expected word=intent, e.g. 随便=refused"));
  }
  const std::string word = Key(entry.substr(0, eq));
  if (word.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--intent \"", entry, "\": empty word"));
  }
  absl::StatusOr<v1::Intent> intent = Lookup(entry.substr(eq + 1));
  if (!intent.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--intent \"", entry, "\": ", intent.status().message()));
  }
  words_[word] = *intent;
  return absl::OkStatus();
}

absl::StatusOr<v1::Intent> IntentTable::Lookup(absl::string_view word) const {
  auto it = words_.find(Key(word));
  if (it != words_.end()) return it->second;
  std::vector<std::string> known;
  for (const auto& [w, intent] : words_) known.push_back(w);
  std::sort(known.begin(), known.end());
  return absl::InvalidArgumentError(
      absl::StrCat("unknown intent \"", word, "\" (known: ", absl::StrJoin(known, " "),
                   "; add one with --intent WORD=interested|considering|refused|deal_closed)"));
}

}  // namespace crm::clients
