// InFlightCalls: how many calls the server is serving right now, counted by
// a server interceptor (one per call, alive for the whole call).
//
// Why: a graceful stop must let running calls finish, and
// grpc::Server::Shutdown(deadline) does that but also waits, up to the
// deadline, for connected clients to go away, which an idle client of
// another stack (Python's grpcio) takes ~3 s to do. So crmd waits here for
// its calls, then shuts the server down with a deadline of now.
//
// Thread-safety: thread-safe.
#ifndef CRM_SERVICE_IN_FLIGHT_CALLS_H_
#define CRM_SERVICE_IN_FLIGHT_CALLS_H_

#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"

namespace crm::service {

class InFlightCalls {
 public:
  // An interceptor factory for ServerBuilder; this must outlive the server.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewInterceptorFactory();

  // Returns when no call is in flight (true) or at `deadline` (false).
  bool WaitUntilIdle(absl::Time deadline) const;

  int64_t count() const;

 private:
  friend class CountingInterceptor;
  void Add(int64_t delta);

  mutable absl::Mutex mu_;
  int64_t count_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_IN_FLIGHT_CALLS_H_
