// KeyRing: the API keys crmd accepts, loaded from a text-format ApiKeys file
// (api_keys.proto) that holds only SHA-256 hashes of the keys.
//
// Thread-safety: immutable after Load; Authenticate may be called from any
// thread.
#ifndef CRM_SERVICE_API_KEYS_H_
#define CRM_SERVICE_API_KEYS_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "service/api_keys.pb.h"
#include "service/principal.h"

namespace crm::service {

// Lower-case hex SHA-256 of `key`.
std::string HashApiKey(absl::string_view key);

// A new random key: "crm_" and 32 random bytes in hex.
std::string NewApiKey();

class KeyRing {
 public:
  // Checks every entry (name unique and non-empty, hash 64 hex digits, role
  // and scope set, rep_id for scope own, team_id for scope team). Returns
  // InvalidArgument naming the entry and field otherwise.
  static absl::StatusOr<KeyRing> FromProto(const ApiKeys& keys);

  // Reads and parses `path`, then as FromProto. NotFound if it is missing.
  static absl::StatusOr<KeyRing> Load(const std::string& path);

  // The principal of `key`, or Unauthenticated (which does not say whether
  // the key was close to a real one).
  absl::StatusOr<Principal> Authenticate(absl::string_view key) const;

  size_t size() const { return by_hash_.size(); }

 private:
  absl::flat_hash_map<std::string, Principal> by_hash_;
};

// Makes the first keys file: one admin key of scope all named "admin".
// Writes `path` (mode 0600, refusing to overwrite) and returns the key text,
// which exists nowhere else afterwards.
absl::StatusOr<std::string> BootstrapKeysFile(const std::string& path);

}  // namespace crm::service

#endif  // CRM_SERVICE_API_KEYS_H_
