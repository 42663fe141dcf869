#include "bench/peer/pg_conn.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace crm::bench {
namespace {

// The write functions raise P0001 for a wrong expected version (as Message
// DB does) and the unique (stream, position) constraint raises 23505 if two
// writers still raced: both mean "retry read-modify-write".
absl::Status ResultError(const PGresult* r, absl::string_view what) {
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  std::string message =
      absl::StrCat(what, ": ", absl::StripAsciiWhitespace(PQresultErrorMessage(r)));
  if (state != nullptr && (std::strcmp(state, "P0001") == 0 || std::strcmp(state, "23505") == 0)) {
    return absl::AbortedError(message);
  }
  return absl::InternalError(message);
}

bool Ok(const PGresult* r) {
  const ExecStatusType s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

struct ParamArrays {
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  explicit ParamArrays(const std::vector<PgParam>& params) {
    for (const PgParam& p : params) {
      values.push_back(p.null ? nullptr : p.bytes.data());
      lengths.push_back(static_cast<int>(p.bytes.size()));
      formats.push_back(1);
    }
  }
};

}  // namespace

PgInt8::PgInt8(int64_t v) {
  const uint64_t u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) buf_[i] = static_cast<char>(u >> (56 - 8 * i));
}

int64_t PgGetInt8(const PGresult* r, int row, int col) {
  const auto* p = reinterpret_cast<const unsigned char*>(PQgetvalue(r, row, col));
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | p[i];
  return static_cast<int64_t>(u);
}

absl::StatusOr<std::unique_ptr<PgConn>> PgConn::Connect(const std::string& conninfo) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (c == nullptr) return absl::InternalError("PQconnectdb: out of memory");
  if (PQstatus(c) != CONNECTION_OK) {
    absl::Status s = absl::UnavailableError(
        absl::StrCat("connect: ", absl::StripAsciiWhitespace(PQerrorMessage(c))));
    PQfinish(c);
    return s;
  }
  // Server notices ("table does not exist, skipping") are expected here and
  // would only clutter the run's output.
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConn>(new PgConn(c));
}

PgConn::~PgConn() { PQfinish(conn_); }

absl::Status PgConn::Error(absl::string_view what) const {
  return absl::InternalError(
      absl::StrCat(what, ": ", absl::StripAsciiWhitespace(PQerrorMessage(conn_))));
}

absl::Status PgConn::Exec(const std::string& sql) {
  PgResult r(PQexec(conn_, sql.c_str()));
  if (r == nullptr) return Error(sql);
  if (!Ok(r.get())) return ResultError(r.get(), sql);
  return absl::OkStatus();
}

absl::StatusOr<PgResult> PgConn::Query(const std::string& sql) {
  PgResult r(PQexec(conn_, sql.c_str()));
  if (r == nullptr) return Error(sql);
  if (!Ok(r.get())) return ResultError(r.get(), sql);
  return r;
}

absl::StatusOr<std::string> PgConn::QueryValue(const std::string& sql) {
  absl::StatusOr<PgResult> r = Query(sql);
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) != 1 || PQnfields(r->get()) < 1) {
    return absl::InternalError(absl::StrCat(sql, ": expected one row"));
  }
  return std::string(PQgetvalue(r->get(), 0, 0));
}

absl::Status PgConn::Prepare(const std::string& name, const std::string& sql, int params) {
  PgResult r(PQprepare(conn_, name.c_str(), sql.c_str(), params, nullptr));
  if (r == nullptr) return Error(name);
  if (!Ok(r.get())) return ResultError(r.get(), absl::StrCat("prepare ", name));
  return absl::OkStatus();
}

absl::StatusOr<PgResult> PgConn::ExecPrepared(const std::string& name,
                                              const std::vector<PgParam>& params,
                                              bool binary_result) {
  ParamArrays a(params);
  PgResult r(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), a.values.data(),
                            a.lengths.data(), a.formats.data(), binary_result ? 1 : 0));
  if (r == nullptr) return Error(name);
  if (!Ok(r.get())) return ResultError(r.get(), name);
  return r;
}

absl::Status PgConn::ExecTransaction(const std::vector<Call>& calls,
                                     std::vector<PgResult>& results) {
  results.clear();
  if (PQenterPipelineMode(conn_) != 1) return Error("enter pipeline mode");
  bool sent = PQsendQueryParams(conn_, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  for (const Call& c : calls) {
    if (!sent) break;
    ParamArrays a(c.params);
    sent = PQsendQueryPrepared(conn_, c.name.c_str(), static_cast<int>(c.params.size()),
                               a.values.data(), a.lengths.data(), a.formats.data(), 0) == 1;
  }
  sent = sent && PQsendQueryParams(conn_, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  sent = sent && PQpipelineSync(conn_) == 1;
  if (!sent) {
    absl::Status s = Error("send pipeline");
    PQexitPipelineMode(conn_);
    return s;
  }

  // One result (then a null) per statement, then the sync marker. The first
  // failure is what the caller hears; the statements after it come back as
  // PGRES_PIPELINE_ABORTED.
  absl::Status first = absl::OkStatus();
  const size_t statements = calls.size() + 2;
  for (size_t i = 0; i < statements; ++i) {
    PgResult r(PQgetResult(conn_));
    if (r == nullptr) {
      if (first.ok()) first = Error("pipeline result");
      break;
    }
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
    const ExecStatusType st = PQresultStatus(r.get());
    if (st != PGRES_PIPELINE_ABORTED && !Ok(r.get()) && first.ok()) {
      first = ResultError(r.get(),
                          i == 0 ? "BEGIN" : (i <= calls.size() ? calls[i - 1].name : "COMMIT"));
    }
    if (i >= 1 && i <= calls.size()) results.push_back(std::move(r));
  }
  for (;;) {
    PgResult r(PQgetResult(conn_));
    if (r == nullptr || PQresultStatus(r.get()) == PGRES_PIPELINE_SYNC) break;
  }
  PQexitPipelineMode(conn_);
  // A failed statement leaves the explicit transaction open and aborted.
  if (PQtransactionStatus(conn_) == PQTRANS_INERROR) {
    if (absl::Status s = Exec("ROLLBACK"); !s.ok() && first.ok()) first = s;
  }
  return first;
}

}  // namespace crm::bench
