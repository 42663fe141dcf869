// The read rows for crm-engine over gRPC: the same data as the embedded
// engine's read rows (peer_reads.h), served by a real CrmServer (the code
// crmd runs) in this process on 127.0.0.1, read by a client over its own
// TCP connection through EventStoreService:
//
//  * read a stream: ReadStream forwards, limit 1000 (the server's maximum),
//    continuing from `next` until `end_reached`;
//  * read the global log from 0: ReadAll the same way;
//  * catch-up consumer: Subscribe from position 0, one message per event,
//    until the caught_up message, then cancel the call.
//
// The client turns every event into an engine::RecordedEvent and checks it as
// the other systems do. Client and server share this process, so the CPU
// column counts both, as PostgreSQL's counts client and server processes.
//
// Before the first pass the server's own read models (crmd keeps them up to
// date from the same log) are waited for until they have caught up, so their
// rebuild over the loaded log does not run inside a measured window.
//
// Thread-safety: single-threaded, like every ReadTarget.
#ifndef CRM_BENCH_PEER_GRPC_READS_H_
#define CRM_BENCH_PEER_GRPC_READS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bench/peer/peer_reads.h"

namespace crm::bench {

// Loads the data into a fresh store at `path` (which must not exist), then
// starts crmd on it, durable (fsync on, as every row), and waits for its read
// models to catch up.
absl::StatusOr<std::unique_ptr<ReadTarget>> OpenGrpcReads(const std::string& path,
                                                          const ReadShape& shape);

}  // namespace crm::bench

#endif  // CRM_BENCH_PEER_GRPC_READS_H_
