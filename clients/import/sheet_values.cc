#include "clients/import/sheet_values.h"

#include <limits>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/domain/text_normalizer.h"

namespace crm::clients {
namespace {

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status BadDate(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a date: ", why));
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseSheetDate(absl::string_view text,
                                              std::optional<int> default_year) {
  absl::StatusOr<std::string> folded = engine::domain::FoldWidth(text);
  if (!folded.ok()) return BadDate(text, "not valid UTF-8");
  absl::string_view view = absl::StripAsciiWhitespace(*folded);
  if (view.empty()) return BadDate(text, "empty");
  // 2026年3月12日 and 3月12日: turn the characters into separators.
  if (absl::StrContains(view, "月")) {
    if (!absl::ConsumeSuffix(&view, "日") && !absl::ConsumeSuffix(&view, "号")) {
      return BadDate(text, "a date written with 月 must end in 日");
    }
  }
  const std::string s = absl::StrReplaceAll(view, {{"年", "-"}, {"月", "-"}});
  std::vector<std::string> parts;
  for (const char sep : {'-', '/', '.'}) {
    if (s.find(sep) != std::string::npos) {
      parts = absl::StrSplit(s, sep);
      break;
    }
  }
  if (parts.size() < 2 || parts.size() > 3) {
    return BadDate(text, "expected month and day (3.12, 3月12日) or year, month and day");
  }
  for (const std::string& p : parts) {
    if (!AllDigits(p) || p.size() > 4) {
      return BadDate(text, "expected digits separated by '-', '/', '.' or 年月日");
    }
  }
  int year = 0, month = 0, day = 0;
  if (parts.size() == 3) {
    if (parts[0].size() != 4) return BadDate(text, "the year must have four digits");
    (void)absl::SimpleAtoi(parts[0], &year);
    (void)absl::SimpleAtoi(parts[1], &month);
    (void)absl::SimpleAtoi(parts[2], &day);
  } else {
    if (parts[0].size() > 2 || parts[1].size() > 2) {
      return BadDate(text, "expected month and day of at most two digits each");
    }
    if (!default_year.has_value()) {
      return BadDate(text, "it has no year and none was given (pass --year)");
    }
    year = *default_year;
    (void)absl::SimpleAtoi(parts[0], &month);
    (void)absl::SimpleAtoi(parts[1], &day);
  }
  if (month < 1 || month > 12) return BadDate(text, absl::StrCat("there is no month ", month));
  const absl::CivilDay date(year, month, day);
  // CivilDay normalises 2.30 to 3.2; a date that moved did not exist.
  if (day < 1 || date.year() != year || date.month() != month || date.day() != day) {
    return BadDate(text, absl::StrCat(year, "-", month, " has no day ", day));
  }
  return date;
}

absl::StatusOr<int64_t> ParseAmount(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not an amount: ", why));
  };
  absl::StatusOr<std::string> folded = engine::domain::FoldWidth(text);
  if (!folded.ok()) return bad("not valid UTF-8");
  absl::string_view v = absl::StripAsciiWhitespace(*folded);
  bool negative = absl::ConsumePrefix(&v, "-");
  for (absl::string_view sign : {"¥", "￥", "RMB", "CNY"}) {
    if (absl::ConsumePrefix(&v, sign)) break;
  }
  v = absl::StripAsciiWhitespace(v);
  if (!negative) negative = absl::ConsumePrefix(&v, "-");
  (void)absl::ConsumeSuffix(&v, "元");
  const std::string s(absl::StripAsciiWhitespace(v));
  if (s.empty()) return bad("no digits");
  std::string whole(s), fraction;
  if (size_t dot = s.find('.'); dot != std::string::npos) {
    whole = s.substr(0, dot);
    fraction = s.substr(dot + 1);
    if (fraction.empty() || !AllDigits(fraction)) return bad("expected digits after '.'");
    if (fraction.size() > 2) return bad("more than two decimals (fen is the smallest unit)");
  }
  if (absl::StrContains(whole, ',')) {
    std::vector<std::string> groups = absl::StrSplit(whole, ',');
    if (groups[0].empty() || groups[0].size() > 3) return bad("misplaced thousands separator");
    for (size_t i = 1; i < groups.size(); ++i) {
      if (groups[i].size() != 3) return bad("misplaced thousands separator");
    }
    whole = absl::StrJoin(groups, "");
  }
  if (!AllDigits(whole)) return bad("expected digits, ',' and '.'");
  if (whole.size() > 15) return bad("too large");
  int64_t yuan = 0, fen = 0;
  (void)absl::SimpleAtoi(whole, &yuan);
  if (!fraction.empty()) {
    (void)absl::SimpleAtoi(fraction, &fen);
    if (fraction.size() == 1) fen *= 10;
  }
  const int64_t minor = yuan * 100 + fen;
  return negative ? -minor : minor;
}

}  // namespace crm::clients
