// Metrics: crmd's Prometheus metrics, served by prometheus-cpp on their own
// HTTP port (GET /metrics), apart from the gRPC port.
//
//   crmd_calls_total{method,code}           calls finished, by gRPC status
//   crmd_call_duration_seconds{method}      histogram of call durations
//   crmd_events_appended_total              events the store committed
//   crmd_appends_total                      append calls that wrote events
//   crmd_wal_syncs_total                    fsyncs of the store's log
//   crmd_projection_lag_events{projection}  committed events not yet applied
//   crmd_projection_lag_seconds{projection} age of the oldest unapplied one
//   crmd_live_subscriptions                 Subscribe calls streaming now
//
// Calls are counted by a server interceptor, so every method of every
// service is covered without code in the handlers; the store, projection
// and subscription figures are read when Prometheus scrapes.
//
// Thread-safety: all methods may be called concurrently.
#ifndef CRM_SERVICE_METRICS_H_
#define CRM_SERVICE_METRICS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/store/event_store.h"
#include "grpcpp/support/server_interceptor.h"
#include "projections/projection_runner.h"
#include "service/subscribe_reactor.h"

namespace crm::service {

class Metrics {
 public:
  // Serves on `address` (host:port, port 0 = any). None owned; all must
  // outlive the result. Errors: the address cannot be bound (Unavailable).
  static absl::StatusOr<std::unique_ptr<Metrics>> Start(const std::string& address,
                                                        const engine::EventStore* store,
                                                        const projections::ProjectionRunner* runner,
                                                        const SubscriptionRegistry* subscriptions);

  virtual ~Metrics() = default;

  // The bound HTTP port.
  virtual int port() const = 0;

  // For ServerBuilder::experimental().SetInterceptorCreators; counts calls
  // into this object, which must outlive the server.
  virtual std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
  NewInterceptorFactory() = 0;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_METRICS_H_
