// CrmServer: everything crmd serves on one port — CrmService,
// EventStoreService, the read-model query services (pipeline, directory,
// history, balances, reports), gRPC health checking and server reflection —
// over one event store.
//
// Start opens the store and the read models (<data_dir>/views, kept up to
// date by a projection runner), builds the command handler and the
// services, and starts gRPC. Shutdown is graceful: the health status turns NOT_SERVING,
// new calls are refused with UNAVAILABLE, live subscriptions end with
// UNAVAILABLE (naming the position to resume from), in-flight calls get
// limits.shutdown_grace_seconds to finish, then the store is closed.
//
// Health checks and reflection need no API key: they reveal only the API's
// shape and whether the server is up.
//
// Thread-safety: Shutdown may be called from any thread, once or more.
#ifndef CRM_SERVICE_SERVER_H_
#define CRM_SERVICE_SERVER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "service/api_keys.h"
#include "service/crmd_config.pb.h"

namespace crm::service {

class CrmServer {
 public:
  // `config` must have defaults applied (config.h). Errors: the store cannot
  // be opened (e.g. the folder is locked by another crmd), TLS files cannot be
  // read, the address cannot be bound (Unavailable).
  static absl::StatusOr<std::unique_ptr<CrmServer>> Start(const CrmdConfig& config, KeyRing keys);

  virtual ~CrmServer() = default;

  // The bound port (useful with port 0).
  virtual int port() const = 0;

  // The bound metrics HTTP port; 0 when config.metrics_address is empty.
  virtual int metrics_port() const = 0;

  // Graceful shutdown (see the top); returns when the store is closed.
  virtual void Shutdown() = 0;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_SERVER_H_
