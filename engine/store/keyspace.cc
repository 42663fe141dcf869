#include "engine/store/keyspace.h"

namespace crm::engine::keyspace {

void PutU64BE(std::string* out, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, 8);
}

uint64_t GetU64BE(absl::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<uint8_t>(in[i]);
  return v;
}

std::string U64BE(uint64_t v) {
  std::string out;
  PutU64BE(&out, v);
  return out;
}

std::string EventKey(uint64_t position) { return U64BE(position); }

std::string StreamIndexPrefix(absl::string_view stream) {
  std::string key;
  key.reserve(stream.size() + 9);
  key.append(stream.data(), stream.size());
  key.push_back('\0');
  return key;
}

std::string StreamIndexKey(absl::string_view stream, uint64_t revision) {
  std::string key = StreamIndexPrefix(stream);
  PutU64BE(&key, revision);
  return key;
}

std::string CategoryIndexPrefix(absl::string_view category) { return StreamIndexPrefix(category); }

std::string CategoryIndexKey(absl::string_view category, uint64_t position) {
  std::string key = CategoryIndexPrefix(category);
  PutU64BE(&key, position);
  return key;
}

std::optional<absl::string_view> CategoryOf(absl::string_view stream) {
  size_t dash = stream.find('-');
  if (dash == absl::string_view::npos || dash == 0) return std::nullopt;
  return stream.substr(0, dash);
}

uint64_t TrailingU64(absl::string_view key) { return GetU64BE(key.substr(key.size() - 8)); }

}  // namespace crm::engine::keyspace
