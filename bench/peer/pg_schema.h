// The event table a team would keep in PostgreSQL instead of crm-engine, in
// the Message DB / Marten design, and the write function that enforces the
// expected stream version. The SQL is in pg_schema.cc, written out once.
//
//   events(global_position bigserial primary key,
//          stream text, position bigint, type text, data bytea, metadata bytea,
//          unique (stream, position))
//
//   write_message(stream, type, data, metadata, expected_version) -> position
//     expected_version: the stream's current last position, -1 for "no
//     stream yet", NULL for "any". Takes a transaction-scoped advisory lock
//     on the stream (as Message DB's acquire_lock), reads the stream version
//     from the unique index, raises P0001 'Wrong expected version' on a
//     mismatch, inserts at version + 1 and returns that position.
//
// What the table does NOT give, compared with crm-engine (it is cheaper for
// it): no event id and no idempotent-retry index, and global_position is a
// sequence, so it is not commit order — a reader can see position n+1
// committed before n and skip n for good unless it waits (the well-known gap
// problem of this design). crm-engine's positions are dense and published
// only in commit order.
//
// Thread-safety: functions take a connection used by the calling thread only.
#ifndef CRM_BENCH_PEER_PG_SCHEMA_H_
#define CRM_BENCH_PEER_PG_SCHEMA_H_

#include "absl/status/status.h"
#include "bench/peer/pg_conn.h"

namespace crm::bench {

// Drops any previous table and creates the table and function afresh, then
// checkpoints, so a row starts from a clean server as the engine's row
// starts from a fresh folder.
absl::Status ResetEventTable(PgConn& conn);

// Prepared-statement names and texts a writer or reader connection uses.
inline constexpr char kPgWriteMessage[] = "write_message";
absl::Status PrepareWriteMessage(PgConn& conn);

inline constexpr char kPgReadStream[] = "read_stream";
inline constexpr char kPgReadAll[] = "read_all";
absl::Status PrepareReads(PgConn& conn);

}  // namespace crm::bench

#endif  // CRM_BENCH_PEER_PG_SCHEMA_H_
