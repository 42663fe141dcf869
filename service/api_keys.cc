#include "service/api_keys.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"

namespace crm::service {

std::string HashApiKey(absl::string_view key) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

std::string NewApiKey() {
  unsigned char bytes[32];
  // RAND_bytes only fails when the OS entropy source is broken; a key made
  // without entropy must never be handed out.
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();
  return absl::StrCat("crm_", absl::BytesToHexString(absl::string_view(
                                  reinterpret_cast<const char*>(bytes), sizeof(bytes))));
}

absl::StatusOr<KeyRing> KeyRing::FromProto(const ApiKeys& keys) {
  KeyRing ring;
  absl::flat_hash_map<std::string, int> names;
  for (int i = 0; i < keys.key_size(); ++i) {
    const ApiKey& k = keys.key(i);
    const std::string where = absl::StrCat("key[", i, "]");
    if (k.name().empty()) return absl::InvalidArgumentError(absl::StrCat(where, ".name: required"));
    if (!names.emplace(k.name(), i).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ".name: \"", k.name(), "\" is also used by key[", names[k.name()], "]"));
    }
    std::string hash = absl::AsciiStrToLower(k.sha256_hex());
    if (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".sha256_hex: must be 64 hex digits (the SHA-256 of the key)"));
    }
    if (k.role() == ROLE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".role: required"));
    }
    if (k.scope() == SCOPE_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".scope: required"));
    }
    if (k.scope() == SCOPE_OWN && k.rep_id().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".rep_id: required for SCOPE_OWN"));
    }
    if (k.scope() == SCOPE_TEAM && k.team_id().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".team_id: required for SCOPE_TEAM"));
    }
    Principal p{k.name(), k.role(), k.scope(), k.rep_id(), k.team_id()};
    if (!ring.by_hash_.emplace(hash, std::move(p)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".sha256_hex: the same key is listed twice"));
    }
  }
  return ring;
}

absl::StatusOr<KeyRing> KeyRing::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("keys file ", path, ": cannot open"));
  std::stringstream text;
  text << in.rdbuf();
  ApiKeys keys;
  if (!google::protobuf::TextFormat::ParseFromString(text.str(), &keys)) {
    return absl::InvalidArgumentError(
        absl::StrCat("keys file ", path, ": not a text-format crm.service.ApiKeys"));
  }
  absl::StatusOr<KeyRing> ring = FromProto(keys);
  if (!ring.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("keys file ", path, ": ", ring.status().message()));
  }
  return ring;
}

absl::StatusOr<Principal> KeyRing::Authenticate(absl::string_view key) const {
  auto it = by_hash_.find(HashApiKey(key));
  if (it == by_hash_.end()) {
    return absl::UnauthenticatedError("unknown API key: check the x-api-key metadata");
  }
  return it->second;
}

absl::StatusOr<std::string> BootstrapKeysFile(const std::string& path) {
  const std::string key = NewApiKey();
  ApiKeys keys;
  ApiKey* admin = keys.add_key();
  admin->set_name("admin");
  admin->set_sha256_hex(HashApiKey(key));
  admin->set_role(ROLE_ADMIN);
  admin->set_scope(SCOPE_ALL);
  std::string text;
  google::protobuf::TextFormat::PrintToString(keys, &text);
  text = absl::StrCat("# crmd API keys: SHA-256 hashes only (see service/api_keys.proto).\n", text);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create keys file ", path, ": ", std::strerror(errno)));
  }
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) return absl::InternalError(absl::StrCat("cannot write keys file ", path));
  return key;
}

}  // namespace crm::service
