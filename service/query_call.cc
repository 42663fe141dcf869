#include "service/query_call.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/time/clock.h"
#include "service/status_mapping.h"

namespace crm::service {

grpc::ServerUnaryReactor* RunQuery(grpc::CallbackServerContext* context, const QueryDeps& deps,
                                   absl::Span<const Role> roles, absl::string_view method,
                                   absl::string_view projection,
                                   std::optional<uint64_t> min_position,
                                   std::function<absl::Status(const Principal&)> work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Principal> principal = deps.gate->Admit(*context);
  absl::Status admitted = principal.status();
  if (admitted.ok()) admitted = AccessControl::RequireRole(*principal, roles, method);
  if (!admitted.ok()) {
    reactor->Finish(ToGrpcStatus(admitted));
    return reactor;
  }
  const absl::Time deadline =
      std::min(absl::FromChrono(context->deadline()), absl::Now() + kMaxReadYourWritesWait);
  deps.pool->Post([reactor, context, deps, p = *std::move(principal), work = std::move(work),
                   projection = std::string(projection), min_position, deadline] {
    if (context->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
      return;
    }
    absl::Status status = deps.models->WaitFor(projection, min_position, deadline);
    if (status.ok()) status = work(p);
    reactor->Finish(ToGrpcStatus(status));
  });
  return reactor;
}

grpc::ServerUnaryReactor* RunCheckedQuery(grpc::CallbackServerContext* context,
                                          const QueryDeps& deps, absl::Span<const Role> roles,
                                          absl::string_view method, absl::string_view projection,
                                          absl::Status valid, std::optional<uint64_t> min_position,
                                          std::function<absl::Status(const Principal&)> work) {
  if (!valid.ok()) {
    return RunQuery(context, deps, roles, method, projection, std::nullopt,
                    [valid = std::move(valid)](const Principal&) { return valid; });
  }
  return RunQuery(context, deps, roles, method, projection, min_position, std::move(work));
}

}  // namespace crm::service
