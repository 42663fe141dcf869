#include "engine/domain/company_name_normalizer.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/domain/text_normalizer.h"

namespace crm::engine::domain {
namespace {

// CJK punctuation a name may carry, in UTF-8. Full-width ASCII forms were
// already folded to ASCII, so only the rest need listing.
constexpr absl::string_view kCjkPunctuation[] = {
    "，", "。", "、", "·", "・", "《", "》", "“", "”", "‘", "’", "【", "】", "「", "」", "〔", "〕",
};

// Legal-form words at the end of a Latin-script name, dropped as whole words
// ("Co., Ltd." is two of them).
constexpr absl::string_view kLatinSuffixes[] = {
    "co", "ltd", "limited", "inc", "corp", "corporation", "llc", "gmbh", "company",
};

// Longest first, so "股份有限公司" is not taken for "有限公司" + leftover.
constexpr absl::string_view kCjkSuffixes[] = {"股份有限公司", "有限责任公司", "有限公司", "公司"};

// Step 1 and 2 of the header, keeping word breaks as single spaces so Latin
// suffixes can be matched as words.
std::vector<std::string> Words(absl::string_view folded) {
  std::vector<std::string> words(1);
  absl::string_view rest = folded;
  const auto word_break = [&] {
    if (!words.back().empty()) words.emplace_back();
  };
  while (!rest.empty()) {
    const unsigned char c = static_cast<unsigned char>(rest[0]);
    if (c < 0x80) {
      if (absl::ascii_isalnum(c)) {
        words.back().push_back(absl::ascii_tolower(c));
      } else {
        word_break();  // ASCII whitespace and punctuation
      }
      rest.remove_prefix(1);
      continue;
    }
    bool punctuation = false;
    for (absl::string_view p : kCjkPunctuation) {
      if (absl::StartsWith(rest, p)) {
        rest.remove_prefix(p.size());
        punctuation = true;
        break;
      }
    }
    if (punctuation) {
      word_break();
      continue;
    }
    // Copy one whole UTF-8 sequence (FoldWidth validated it).
    const size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    words.back().append(rest.data(), len);
    rest.remove_prefix(len);
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

bool IsLatinSuffix(absl::string_view word) {
  for (absl::string_view s : kLatinSuffixes) {
    if (word == s) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::string> NormalizeCompanyName(absl::string_view name) {
  absl::StatusOr<std::string> folded = FoldWidth(name);
  if (!folded.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("company name ", folded.status().message()));
  }
  std::vector<std::string> words = Words(*folded);
  // Keep at least one word: "Limited" alone is a (strange) name, not nothing.
  while (words.size() > 1 && IsLatinSuffix(words.back())) words.pop_back();
  std::string key = absl::StrJoin(words, "");
  for (absl::string_view suffix : kCjkSuffixes) {
    if (absl::EndsWith(key, suffix)) {
      key.resize(key.size() - suffix.size());
      break;
    }
  }
  if (key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("company name \"", name, "\" has nothing left after normalisation"));
  }
  return key;
}

}  // namespace crm::engine::domain
