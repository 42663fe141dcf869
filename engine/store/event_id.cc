#include "engine/store/event_id.h"

#include <openssl/evp.h>

#include <cstring>
#include <random>

#include "absl/strings/str_cat.h"

namespace crm::engine {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<EventId> EventId::Parse(absl::string_view text) {
  // 8-4-4-4-12 hex digits.
  constexpr size_t kLength = 36;
  if (text.size() != kLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("event id \"", text, "\" is not a UUID (want 8-4-4-4-12 hex digits)"));
  }
  std::array<uint8_t, kSize> bytes{};
  size_t out = 0;
  for (size_t i = 0; i < kLength;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') break;
      ++i;
      continue;
    }
    int hi = HexValue(text[i]);
    int lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) break;
    bytes[out++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  if (out != kSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("event id \"", text, "\" is not a UUID (want 8-4-4-4-12 hex digits)"));
  }
  return EventId(bytes);
}

absl::StatusOr<EventId> EventId::FromBytes(absl::string_view raw) {
  if (raw.size() != kSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("event id has ", raw.size(), " bytes; a UUID has 16"));
  }
  std::array<uint8_t, kSize> bytes{};
  std::memcpy(bytes.data(), raw.data(), kSize);
  return EventId(bytes);
}

EventId EventId::Random() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  std::array<uint8_t, kSize> bytes{};
  uint64_t a = gen(), b = gen();
  std::memcpy(bytes.data(), &a, 8);
  std::memcpy(bytes.data() + 8, &b, 8);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
  return EventId(bytes);
}

EventId EventId::NameBased(absl::string_view name_space, absl::string_view name) {
  // RFC 4122 version 5 needs a namespace UUID; ours is derived from the
  // namespace text so callers can use readable namespaces ("crm.request").
  unsigned char ns_digest[EVP_MAX_MD_SIZE];
  unsigned int ns_len = 0;
  EVP_Digest(name_space.data(), name_space.size(), ns_digest, &ns_len, EVP_sha1(), nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
  EVP_DigestUpdate(ctx, ns_digest, kSize);
  EVP_DigestUpdate(ctx, name.data(), name.size());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  std::array<uint8_t, kSize> bytes{};
  std::memcpy(bytes.data(), digest, kSize);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;  // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return EventId(bytes);
}

bool EventId::IsNil() const {
  for (uint8_t b : bytes_) {
    if (b != 0) return false;
  }
  return true;
}

std::string EventId::ToString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < kSize; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes_[i] >> 4]);
    out.push_back(kHex[bytes_[i] & 0xf]);
  }
  return out;
}

}  // namespace crm::engine
