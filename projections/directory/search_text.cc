#include "projections/directory/search_text.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "engine/domain/company_name_normalizer.h"
#include "engine/domain/text_normalizer.h"
#include "engine/status_macros.h"

namespace crm::projections::directory {
namespace {

// CJK punctuation left after width folding (which maps the full-width ASCII
// forms, the ideographic space and dashes to ASCII).
constexpr absl::string_view kCjkPunctuation[] = {
    "，", "。", "、", "·",  "・", "《", "》", "“",  "”", "‘",  "’",  "【", "】",
    "「", "」", "〔", "〕", "：", "；", "！", "？", "…", "〈", "〉", "『", "』",
};

size_t SequenceLength(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  return 4;
}

}  // namespace

absl::StatusOr<std::string> SearchText(absl::string_view text) {
  CRM_ASSIGN_OR_RETURN(std::string folded, engine::domain::FoldWidth(text));
  std::string out;
  absl::string_view rest = folded;
  while (!rest.empty()) {
    const unsigned char c = static_cast<unsigned char>(rest[0]);
    if (c < 0x80) {
      if (absl::ascii_isalnum(c)) out.push_back(absl::ascii_tolower(c));
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
    if (punctuation) continue;
    const size_t len = std::min(SequenceLength(c), rest.size());
    out.append(rest.data(), len);
    rest.remove_prefix(len);
  }
  return out;
}

absl::StatusOr<std::string> CompanyText(absl::string_view name) {
  absl::StatusOr<std::string> key = engine::domain::NormalizeCompanyName(name);
  if (key.ok()) return key;
  return SearchText(name);
}

std::vector<std::string> CodePoints(absl::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const size_t len = std::min(SequenceLength(static_cast<unsigned char>(text[0])), text.size());
    out.emplace_back(text.substr(0, len));
    text.remove_prefix(len);
  }
  return out;
}

std::vector<std::string> Bigrams(absl::string_view text) {
  const std::vector<std::string> cps = CodePoints(text);
  std::vector<std::string> out;
  for (size_t i = 0; i < cps.size(); ++i) {
    out.push_back(i + 1 < cps.size() ? cps[i] + cps[i + 1] : cps[i] + std::string(1, kEndOfText));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace crm::projections::directory
