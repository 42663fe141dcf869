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
};

// `min_position` unset: no wait. `method` names the RPC in role errors.
grpc::ServerUnaryReactor* RunQuery(grpc::CallbackServerContext* context, const QueryDeps& deps,
                                   absl::Span<const Role> roles, absl::string_view method,
                                   absl::string_view projection,
                                   std::optional<uint64_t> min_position,
                                   std::function<absl::Status(const Principal&)> work);

}  // namespace crm::service

#endif  // CRM_SERVICE_QUERY_CALL_H_
