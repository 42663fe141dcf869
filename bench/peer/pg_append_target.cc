#include "bench/peer/pg_append_target.h"

#include <atomic>
#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/peer/pg_conn.h"
#include "bench/peer/pg_schema.h"

namespace crm::bench {
namespace {

constexpr absl::string_view kEventType = "bench.v1.Appended";

class PgWriter : public Writer {
 public:
  PgWriter(std::unique_ptr<PgConn> conn, absl::Status connect_error, int thread,
           const AppendShape& shape, std::atomic<uint64_t>* acknowledged_events)
      : conn_(std::move(conn)),
        connect_error_(std::move(connect_error)),
        shape_(shape),
        stream_(absl::StrCat("bench-", thread)),
        acknowledged_events_(acknowledged_events) {}

  void Prepare() override {
    versions_.clear();
    calls_.clear();
    for (int i = 0; i < shape_.events_per_append; ++i) {
      versions_.emplace_back(next_position_ + i - 1);  // -1: the stream must not exist
    }
    for (int i = 0; i < shape_.events_per_append; ++i) {
      PgConn::Call& c = calls_.emplace_back();
      c.name = kPgWriteMessage;
      c.params = {{stream_},
                  {kEventType},
                  {shape_.payload->Get(next_position_ + i)},
                  {absl::string_view("", 0)},
                  versions_[i].param()};  // empty, not NULL
    }
  }

  absl::Status Commit() override {
    if (!connect_error_.ok()) return connect_error_;
    absl::Status status;
    int64_t last = -1;
    if (calls_.size() == 1) {
      absl::StatusOr<PgResult> r = conn_->ExecPrepared(calls_[0].name, calls_[0].params, false);
      status = r.status();
      if (r.ok()) last = std::atoll(PQgetvalue(r->get(), 0, 0));
    } else {
      status = conn_->ExecTransaction(calls_, results_);
      if (status.ok() && !results_.empty())
        last = std::atoll(PQgetvalue(results_.back().get(), 0, 0));
    }
    if (!status.ok()) {
      // Re-read the head so the next append is checked against the truth.
      absl::StatusOr<std::string> head = conn_->QueryValue(absl::StrCat(
          "SELECT coalesce(max(position), -1) FROM events WHERE stream = '", stream_, "'"));
      if (head.ok()) next_position_ = std::atoll(head->c_str()) + 1;
      return status;
    }
    const int64_t want = next_position_ + shape_.events_per_append - 1;
    if (last != want) {
      return absl::InternalError(
          absl::StrCat("append to ", stream_, " expected last position ", want, ", got ", last));
    }
    next_position_ += shape_.events_per_append;
    acknowledged_events_->fetch_add(shape_.events_per_append, std::memory_order_relaxed);
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<PgConn> conn_;
  absl::Status connect_error_;
  AppendShape shape_;
  std::string stream_;
  std::atomic<uint64_t>* acknowledged_events_;
  int64_t next_position_ = 0;  // position the next event will get
  std::vector<PgInt8> versions_;
  std::vector<PgConn::Call> calls_;
  std::vector<PgResult> results_;
};

class PgTarget : public AppendTarget {
 public:
  PgTarget(std::string conninfo, std::unique_ptr<PgConn> admin, const AppendShape& shape)
      : conninfo_(std::move(conninfo)), admin_(std::move(admin)), shape_(shape) {}

  std::unique_ptr<Writer> NewWriter(int thread) override {
    absl::StatusOr<std::unique_ptr<PgConn>> conn = PgConn::Connect(conninfo_);
    absl::Status error = conn.status();
    std::unique_ptr<PgConn> c;
    if (conn.ok()) {
      c = std::move(*conn);
      error = PrepareWriteMessage(*c);
    }
    return std::make_unique<PgWriter>(std::move(c), std::move(error), thread, shape_,
                                      &acknowledged_events_);
  }

  SyncCounters Counters() const override {
    // The server's own WAL counters (pg_stat_wal) are flushed by backends at
    // most once a second, too coarse for a window of seconds: events only.
    return {acknowledged_events_.load(std::memory_order_relaxed), 0, 0};
  }

  absl::Status Verify(uint64_t acknowledged_appends) const override {
    const uint64_t want = acknowledged_appends * shape_.events_per_append;
    absl::StatusOr<std::string> have = admin_->QueryValue("SELECT count(*) FROM events");
    if (!have.ok()) return have.status();
    if (std::strtoull(have->c_str(), nullptr, 10) == want) return absl::OkStatus();
    return absl::DataLossError(
        absl::StrCat("postgres: ", want, " events acknowledged but ", *have, " in the table"));
  }

 private:
  std::string conninfo_;
  std::unique_ptr<PgConn> admin_;
  AppendShape shape_;
  std::atomic<uint64_t> acknowledged_events_{0};
};

}  // namespace

absl::StatusOr<std::unique_ptr<AppendTarget>> OpenPgTarget(const std::string& conninfo,
                                                           const AppendShape& shape) {
  absl::StatusOr<std::unique_ptr<PgConn>> admin = PgConn::Connect(conninfo);
  if (!admin.ok()) return admin.status();
  if (absl::Status s = ResetEventTable(**admin); !s.ok()) return s;
  return std::make_unique<PgTarget>(conninfo, std::move(*admin), shape);
}

}  // namespace crm::bench
