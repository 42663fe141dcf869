#include "projections/view_keys.h"

#include "absl/strings/str_cat.h"

namespace crm::projections::view_keys {
namespace {

std::string Named(char kind, absl::string_view name) {
  std::string k;
  k.reserve(name.size() + 16);
  k.push_back(kind);
  k.append(name.data(), name.size());
  k.push_back('\0');
  return k;
}

}  // namespace

absl::Status ValidateProjectionName(absl::string_view name) {
  if (name.empty() || name.size() > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("projection name \"", name, "\" must be 1 to 64 characters"));
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) {
      return absl::InvalidArgumentError(
          absl::StrCat("projection name \"", name, "\" may hold only a-z, 0-9, '_' and '.'"));
    }
  }
  return absl::OkStatus();
}

void PutU32BE(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t GetU32BE(absl::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v << 8 | static_cast<uint8_t>(in[i]);
  return v;
}

void PutU64BE(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetU64BE(absl::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<uint8_t>(in[i]);
  return v;
}

std::string CheckpointPrefix(absl::string_view name) { return Named('c', name); }

std::string CheckpointKey(absl::string_view name, uint32_t generation) {
  std::string k = CheckpointPrefix(name);
  PutU32BE(&k, generation);
  return k;
}

std::string NextGenerationKey(absl::string_view name) { return Named('g', name); }
std::string ActiveKey(absl::string_view name) { return Named('m', name) + "active"; }
std::string ShadowKey(absl::string_view name) { return Named('m', name) + "shadow"; }

std::string RowPrefix(absl::string_view name, uint32_t generation) {
  std::string k = Named('v', name);
  PutU32BE(&k, generation);
  return k;
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<uint8_t>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
  return end;
}

}  // namespace crm::projections::view_keys
