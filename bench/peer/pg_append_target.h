// The PostgreSQL side of the append rows, behind the same AppendTarget
// interface as the engine and raw RocksDB (bench/append_targets.h), so the
// load runner drives all three identically.
//
// Each writer thread has its own connection (as each application thread
// would hold one from a pool) and its own stream `bench-<thread>`; every
// event goes through the prepared `write_message` call with the exact
// expected version (pg_schema.h). One event per append is one autocommit
// transaction; n events per append are BEGIN, n write_message calls, COMMIT,
// sent as one libpq pipeline: one round trip and one commit (one WAL flush),
// which is how a careful client batches with this design.
//
// Thread-safety: as AppendTarget.
#ifndef CRM_BENCH_PEER_PG_APPEND_TARGET_H_
#define CRM_BENCH_PEER_PG_APPEND_TARGET_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bench/append_targets.h"

namespace crm::bench {

// Recreates the event table on the server at `conninfo` (dropping the
// previous row's) and returns a target writing to it.
absl::StatusOr<std::unique_ptr<AppendTarget>> OpenPgTarget(const std::string& conninfo,
                                                           const AppendShape& shape);

}  // namespace crm::bench

#endif  // CRM_BENCH_PEER_PG_APPEND_TARGET_H_
