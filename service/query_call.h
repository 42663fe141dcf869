// QueryDeps and RunQuery: what every read-model query RPC (the pipeline,
// directory, history, balances and reports services) does around its own
// work.
//
// RunQuery admits the call on gRPC's thread (shutdown check and API key, no
// I/O) and checks the caller's role; then, on the service's thread pool, it
// waits until the projection has applied `min_position` (read-your-writes:
// the position a command returned) and runs `work`, whose status finishes
// the call. The wait is bounded by the call's deadline and at most
// kMaxReadYourWritesWait; a view that is not there by then answers
// DEADLINE_EXCEEDED saying how far it is.
//
// Thread-safety: RunQuery may be called concurrently.
#ifndef CRM_SERVICE_QUERY_CALL_H_
#define CRM_SERVICE_QUERY_CALL_H_

#include <cstdint>
#include <functional>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/domain/command_handler.h"
#include "grpcpp/support/server_callback.h"
#include "service/access_control.h"
#include "service/call_gate.h"
#include "service/principal.h"
#include "service/read_models.h"
#include "service/thread_pool.h"

namespace crm::service {

inline constexpr absl::Duration kMaxReadYourWritesWait = absl::Seconds(10);

// Roles that may read customer data (analytics reads only the raw log).
inline constexpr Role kCustomerReaders[] = {ROLE_VIEWER, ROLE_REP, ROLE_MANAGER, ROLE_ADMIN};

// What a query service needs; none owned, all outlive the services.
struct QueryDeps {
  const CallGate* gate = nullptr;
  ThreadPool* pool = nullptr;
  const ReadModels* models = nullptr;
  const AccessControl* access = nullptr;
  // For scope checks: a customer's current owner, from its stream (cached),
  // not from a view that may lag.
  engine::domain::CommandHandler* handler = nullptr;
};

// The request's min_position, if it set one.
template <typename Request>
std::optional<uint64_t> MinPosition(const Request& request) {
  if (!request.has_min_position()) return std::nullopt;
  return request.min_position();
}

// `min_position` unset: no wait. `method` names the RPC in role errors.
grpc::ServerUnaryReactor* RunQuery(grpc::CallbackServerContext* context, const QueryDeps& deps,
                                   absl::Span<const Role> roles, absl::string_view method,
                                   absl::string_view projection,
                                   std::optional<uint64_t> min_position,
                                   std::function<absl::Status(const Principal&)> work);

// RunQuery for a request checked field by field before the call: when
// `valid` is an error, the call answers it (after the key and role checks)
// without waiting for min_position, so a malformed request fails at once
// rather than after the view catches up or the deadline passes.
grpc::ServerUnaryReactor* RunCheckedQuery(grpc::CallbackServerContext* context,
                                          const QueryDeps& deps, absl::Span<const Role> roles,
                                          absl::string_view method, absl::string_view projection,
                                          absl::Status valid, std::optional<uint64_t> min_position,
                                          std::function<absl::Status(const Principal&)> work);

}  // namespace crm::service

#endif  // CRM_SERVICE_QUERY_CALL_H_
