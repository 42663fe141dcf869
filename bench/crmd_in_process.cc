#include "bench/crmd_in_process.h"

#include <utility>

#include "service/api_keys.h"
#include "service/config.h"

namespace crm::bench {

absl::StatusOr<std::unique_ptr<service::CrmServer>> StartCrmdInProcess(service::CrmdConfig config,
                                                                       const std::string& api_key) {
  config.set_listen_address("127.0.0.1:0");
  service::ApplyDefaults(config);
  service::ApiKeys keys;
  service::ApiKey* key = keys.add_key();
  key->set_name("bench");
  key->set_sha256_hex(service::HashApiKey(api_key));
  key->set_role(service::ROLE_ADMIN);
  key->set_scope(service::SCOPE_ALL);
  absl::StatusOr<service::KeyRing> ring = service::KeyRing::FromProto(keys);
  if (!ring.ok()) return ring.status();
  return service::CrmServer::Start(config, *std::move(ring));
}

}  // namespace crm::bench
