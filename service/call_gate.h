// CallGate: what every crmd call passes first — the server is not shutting
// down (else UNAVAILABLE) and the caller's API key is known (else
// UNAUTHENTICATED).
//
// The key travels in request metadata as "x-api-key: <key>" or
// "authorization: Bearer <key>".
//
// Thread-safety: Admit may be called from any thread, concurrently with
// BeginShutdown.
#ifndef CRM_SERVICE_CALL_GATE_H_
#define CRM_SERVICE_CALL_GATE_H_

#include <atomic>
#include <utility>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "service/api_keys.h"
#include "service/principal.h"

namespace crm::service {

class CallGate {
 public:
  explicit CallGate(KeyRing keys) : keys_(std::move(keys)) {}

  absl::StatusOr<Principal> Admit(const grpc::CallbackServerContext& context) const;

  // From now on every new call is refused with UNAVAILABLE.
  void BeginShutdown() { shutting_down_.store(true); }
  bool shutting_down() const { return shutting_down_.load(); }

 private:
  KeyRing keys_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace crm::service

#endif  // CRM_SERVICE_CALL_GATE_H_
