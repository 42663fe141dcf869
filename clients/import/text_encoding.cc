#include "clients/import/text_encoding.h"

#include <iconv.h>

#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace crm::clients {
namespace {

// Offset of the first byte that does not start or continue a valid UTF-8
// sequence, or npos.
size_t FirstInvalidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t min;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + n >= s.size()) return i;  // truncated sequence
    uint32_t cp = c & (0x3F >> n);
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += n + 1;
  }
  return absl::string_view::npos;
}

absl::StatusOr<std::string> Convert(absl::string_view in, const char* from, const char* to) {
  iconv_t cd = iconv_open(to, from);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return absl::InternalError(absl::StrCat("iconv cannot convert ", from, " to ", to));
  }
  std::string out(in.size() * 2 + 16, '\0');
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  char* dst = out.data();
  size_t dst_left = out.size();
  while (src_left > 0) {
    if (iconv(cd, &src, &src_left, &dst, &dst_left) != static_cast<size_t>(-1)) continue;
    if (errno == E2BIG) {
      const size_t used = static_cast<size_t>(dst - out.data());
      out.resize(out.size() * 2);
      dst = out.data() + used;
      dst_left = out.size() - used;
      continue;
    }
    const size_t offset = in.size() - src_left;
    iconv_close(cd);
    return absl::InvalidArgumentError(
        absl::StrCat("byte ", offset, " is not valid ", from,
                     errno == EINVAL ? " (the file ends inside a character)" : ""));
  }
  out.resize(static_cast<size_t>(dst - out.data()));
  iconv_close(cd);
  return out;
}

}  // namespace

absl::StatusOr<Encoding> ParseEncoding(absl::string_view name) {
  const std::string n = absl::AsciiStrToLower(name);
  if (n == "auto") return Encoding::kAuto;
  if (n == "utf-8" || n == "utf8") return Encoding::kUtf8;
  if (n == "gb18030" || n == "gbk" || n == "gb2312" || n == "cp936") return Encoding::kGb18030;
  return absl::InvalidArgumentError(
      absl::StrCat("--encoding: unknown encoding \"", name, "\" (use auto, utf-8 or gb18030)"));
}

absl::StatusOr<DecodedText> DecodeToUtf8(absl::string_view bytes, Encoding encoding) {
  DecodedText out;
  if (encoding != Encoding::kGb18030) {
    absl::string_view body = bytes;
    if (absl::StartsWith(body, "\xEF\xBB\xBF")) body.remove_prefix(3);
    const size_t bad = FirstInvalidUtf8(body);
    if (bad == absl::string_view::npos) {
      out.utf8 = std::string(body);
      out.detected = Encoding::kUtf8;
      return out;
    }
    if (encoding == Encoding::kUtf8) {
      return absl::InvalidArgumentError(absl::StrCat("byte ", bad + (body.data() - bytes.data()),
                                                     " is not valid UTF-8 (if the sheet was saved "
                                                     "by Excel in China, try --encoding=gb18030)"));
    }
  }
  absl::StatusOr<std::string> utf8 = Convert(bytes, "GB18030", "UTF-8");
  if (!utf8.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the file is neither UTF-8 nor GB18030: ", utf8.status().message()));
  }
  out.utf8 = *std::move(utf8);
  out.detected = Encoding::kGb18030;
  return out;
}

absl::StatusOr<std::string> Utf8ToGb18030(absl::string_view utf8) {
  return Convert(utf8, "UTF-8", "GB18030");
}

}  // namespace crm::clients
