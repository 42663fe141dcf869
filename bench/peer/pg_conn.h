// A thin owner of one libpq connection, with the few calls the benchmark
// needs turned into absl::Status: plain statements, prepared statements with
// binary parameters and binary results, and pipelines (several prepared
// statements sent in one round trip, the way a client batches an append).
//
// Thread-safety: a PgConn is used by one thread at a time (libpq's rule).
#ifndef CRM_BENCH_PEER_PG_CONN_H_
#define CRM_BENCH_PEER_PG_CONN_H_

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::bench {

// Owns a PGresult.
struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// One parameter of a prepared statement, sent in binary format. `bytes`
// must stay valid until the call returns.
struct PgParam {
  absl::string_view bytes;
  bool null = false;
};

// A bigint in PostgreSQL's binary format (8 bytes, network order), kept in a
// small buffer the PgParam can point at.
class PgInt8 {
 public:
  explicit PgInt8(int64_t v);
  PgParam param() const { return {absl::string_view(buf_, sizeof(buf_))}; }

 private:
  char buf_[8];
};

// Reads a bigint column of a binary-format result.
int64_t PgGetInt8(const PGresult* r, int row, int col);

class PgConn {
 public:
  // `conninfo` as for PQconnectdb.
  static absl::StatusOr<std::unique_ptr<PgConn>> Connect(const std::string& conninfo);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // Runs one or more SQL statements with no parameters; OK on
  // PGRES_COMMAND_OK / PGRES_TUPLES_OK, else Internal with the server's text.
  absl::Status Exec(const std::string& sql);
  // As Exec, for one statement, returning the (text-format) result.
  absl::StatusOr<PgResult> Query(const std::string& sql);
  // A one-row, one-column text value (e.g. SHOW fsync).
  absl::StatusOr<std::string> QueryValue(const std::string& sql);

  absl::Status Prepare(const std::string& name, const std::string& sql, int params);
  // Executes a prepared statement with binary parameters; `binary_result`
  // asks for binary columns (bytea then arrives as raw bytes).
  absl::StatusOr<PgResult> ExecPrepared(const std::string& name, const std::vector<PgParam>& params,
                                        bool binary_result);

  // Pipeline: BEGIN, every prepared call in `calls`, COMMIT, in one round
  // trip and one transaction. If any call fails the transaction rolls back
  // and that call's error is returned. `results` gets one result per call.
  struct Call {
    std::string name;
    std::vector<PgParam> params;
  };
  absl::Status ExecTransaction(const std::vector<Call>& calls, std::vector<PgResult>& results);

  PGconn* raw() { return conn_; }

 private:
  explicit PgConn(PGconn* conn) : conn_(conn) {}
  absl::Status Error(absl::string_view what) const;
  PGconn* conn_;
};

}  // namespace crm::bench

#endif  // CRM_BENCH_PEER_PG_CONN_H_
