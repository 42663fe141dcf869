// crm-engine over gRPC in the append rows: a real CrmServer (the code crmd
// runs) on 127.0.0.1, durable, in this process, behind the same AppendTarget
// interface as the others (bench/append_targets.h).
//
// Each writer thread has its own channel (its own TCP connection, as each
// application instance would) and its own stream `bench-<thread>`; every
// call is EventStoreService.Append with the exact expected revision
// (no_stream for the first), the same optimistic concurrency check as the
// embedded rows. The server finishes each call from the store's commit
// callback, after the fsync.
//
// Thread-safety: as AppendTarget.
#ifndef CRM_BENCH_PEER_GRPC_APPEND_TARGET_H_
#define CRM_BENCH_PEER_GRPC_APPEND_TARGET_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bench/append_targets.h"

namespace crm::bench {

// Starts a server on a fresh data folder `path` (which must not exist).
absl::StatusOr<std::unique_ptr<AppendTarget>> OpenGrpcTarget(const std::string& path,
                                                             const AppendShape& shape);

}  // namespace crm::bench

#endif  // CRM_BENCH_PEER_GRPC_APPEND_TARGET_H_
