#include "bench/peer/peer_reads.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "bench/load_runner.h"
#include "bench/peer/machine.h"
#include "bench/peer/pg_conn.h"
#include "bench/peer/pg_schema.h"
#include "engine/store/event_store.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace crm::bench {
namespace {

using Clock = std::chrono::steady_clock;
using engine::Direction;
using engine::EventStore;
using engine::RecordedEvent;

constexpr const char* kEventType = kReadEventType;
constexpr uint64_t kChunk = 100;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string StreamName(uint64_t s) { return absl::StrCat("reader-", s); }

// Calls `add(stream, revision, seq)` for every event in load order: chunks of
// up to 100 events per stream, round-robin. `seq` is the event's global
// index, which picks its payload.
template <typename Add>
absl::Status ForEachEvent(const ReadShape& shape, Add add) {
  const uint64_t chunk = std::min(kChunk, shape.stream_events);
  for (uint64_t rev = 0; rev < shape.stream_events; rev += chunk) {
    const uint64_t n = std::min(chunk, shape.stream_events - rev);
    for (uint64_t s = 0; s < shape.streams(); ++s) {
      if (absl::Status st = add(s, rev, n); !st.ok()) return st;
    }
  }
  return absl::OkStatus();
}

// The stream every system reads: one from the middle of the log.
uint64_t TargetStream(const ReadShape& shape) { return shape.streams() / 2; }

absl::Status Check(bool ok, absl::string_view what, uint64_t want, uint64_t got) {
  if (ok) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(what, ": expected ", want, ", got ", got));
}

class EngineReads : public ReadTarget {
 public:
  EngineReads(std::unique_ptr<EventStore> store, const ReadShape& shape, double load_seconds)
      : store_(std::move(store)), shape_(shape), load_seconds_(load_seconds) {}

  double load_seconds() const override { return load_seconds_; }

  absl::StatusOr<uint64_t> Pass(ReadKind kind, LapTimer& timer) override {
    switch (kind) {
      case ReadKind::kStream:
        return ReadStream(timer);
      case ReadKind::kLog:
        return ReadLog(timer);
      case ReadKind::kCatchUp:
        return CatchUp(timer);
    }
    return absl::InternalError("unknown read kind");
  }

 private:
  absl::StatusOr<uint64_t> ReadStream(LapTimer& timer) {
    const std::string stream = StreamName(TargetStream(shape_));
    uint64_t next = 0;
    for (;;) {
      absl::StatusOr<std::vector<RecordedEvent>> page =
          store_->ReadStream(stream, next, Direction::kForward, shape_.page);
      if (!page.ok()) return page.status();
      for (const RecordedEvent& e : *page) {
        if (absl::Status s =
                Check(e.revision == next && e.data.size() == shape_.payload->event_bytes(),
                      "engine ReadStream revision", next, e.revision);
            !s.ok()) {
          return s;
        }
        ++next;
      }
      timer.Lap();
      if (page->size() < shape_.page) break;
    }
    if (absl::Status s = Check(next == shape_.stream_events, "engine ReadStream events",
                               shape_.stream_events, next);
        !s.ok()) {
      return s;
    }
    return next;
  }

  absl::StatusOr<uint64_t> ReadLog(LapTimer& timer) {
    uint64_t next = 0;
    for (;;) {
      absl::StatusOr<std::vector<RecordedEvent>> page =
          store_->ReadAll(next, Direction::kForward, shape_.page);
      if (!page.ok()) return page.status();
      for (const RecordedEvent& e : *page) {
        if (absl::Status s =
                Check(e.position == next && e.data.size() == shape_.payload->event_bytes(),
                      "engine ReadAll position", next, e.position);
            !s.ok()) {
          return s;
        }
        ++next;
      }
      timer.Lap();
      if (page->size() < shape_.page) break;
    }
    if (absl::Status s =
            Check(next == shape_.total(), "engine ReadAll events", shape_.total(), next);
        !s.ok()) {
      return s;
    }
    return next;
  }

  absl::StatusOr<uint64_t> CatchUp(LapTimer& timer) {
    engine::SubscriptionOptions options;
    options.from_position = 0;
    absl::StatusOr<std::unique_ptr<engine::Subscription>> sub = store_->Subscribe(options);
    if (!sub.ok()) return sub.status();
    uint64_t next = 0;
    for (;;) {
      absl::StatusOr<engine::SubscriptionMessage> m = (*sub)->Next(absl::Now() + absl::Seconds(30));
      if (!m.ok()) return m.status();
      if (m->kind == engine::SubscriptionMessage::Kind::kCaughtUp) break;
      if (m->kind != engine::SubscriptionMessage::Kind::kEvent) continue;
      if (absl::Status s = Check(
              m->event.position == next && m->event.data.size() == shape_.payload->event_bytes(),
              "engine Subscribe position", next, m->event.position);
          !s.ok()) {
        return s;
      }
      if (++next % shape_.page == 0) timer.Lap();
    }
    if (absl::Status s =
            Check(next == shape_.total(), "engine Subscribe events", shape_.total(), next);
        !s.ok()) {
      return s;
    }
    return next;
  }

  std::unique_ptr<EventStore> store_;
  ReadShape shape_;
  double load_seconds_;
};

class RawReads : public ReadTarget {
 public:
  RawReads(std::unique_ptr<rocksdb::DB> db, const ReadShape& shape, double load_seconds)
      : db_(std::move(db)), shape_(shape), load_seconds_(load_seconds) {}

  double load_seconds() const override { return load_seconds_; }

  absl::StatusOr<uint64_t> Pass(ReadKind kind, LapTimer& timer) override {
    if (kind == ReadKind::kCatchUp) {
      return absl::UnimplementedError("raw RocksDB: a cursor is an iterator; see the log read");
    }
    const std::string prefix = kind == ReadKind::kLog
                                   ? std::string("L")
                                   : absl::StrCat("S", StreamName(TargetStream(shape_)), "/");
    const uint64_t want = kind == ReadKind::kLog ? shape_.total() : shape_.stream_events;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    std::vector<std::string> page;
    page.reserve(shape_.page);
    uint64_t n = 0;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      page.emplace_back(it->value().data(), it->value().size());
      if (page.back().size() != shape_.payload->event_bytes()) {
        return absl::DataLossError("raw scan: wrong value size");
      }
      if (page.size() == shape_.page) {
        page.clear();
        timer.Lap();
      }
      ++n;
    }
    if (!it->status().ok()) return absl::InternalError(it->status().ToString());
    if (!page.empty()) timer.Lap();
    if (absl::Status s = Check(n == want, "raw scan values", want, n); !s.ok()) return s;
    return n;
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  ReadShape shape_;
  double load_seconds_;
};

class PgReads : public ReadTarget {
 public:
  PgReads(std::unique_ptr<PgConn> conn, const ReadShape& shape, double load_seconds)
      : conn_(std::move(conn)), shape_(shape), load_seconds_(load_seconds) {}

  double load_seconds() const override { return load_seconds_; }

  absl::StatusOr<uint64_t> Pass(ReadKind kind, LapTimer& timer) override {
    if (kind == ReadKind::kStream) return ReadStream(timer);
    absl::StatusOr<uint64_t> n = ReadLog(timer);
    if (!n.ok() || kind == ReadKind::kLog) return n;
    // The consumer's poll at the end that finds nothing new: how it knows it
    // has caught up.
    const PgInt8 from(static_cast<int64_t>(shape_.total()) + 1), limit(shape_.page);
    absl::StatusOr<PgResult> r =
        conn_->ExecPrepared(kPgReadAll, {from.param(), limit.param()}, true);
    if (!r.ok()) return r.status();
    if (PQntuples(r->get()) != 0) return absl::DataLossError("postgres: events past the end");
    return n;
  }

 private:
  absl::StatusOr<uint64_t> ReadStream(LapTimer& timer) {
    const std::string stream = StreamName(TargetStream(shape_));
    const PgInt8 limit(static_cast<int64_t>(shape_.page));
    uint64_t next = 0;
    for (;;) {
      const PgInt8 from(static_cast<int64_t>(next));
      absl::StatusOr<PgResult> r =
          conn_->ExecPrepared(kPgReadStream, {{stream}, from.param(), limit.param()}, true);
      if (!r.ok()) return r.status();
      const int rows = PQntuples(r->get());
      page_.clear();
      for (int i = 0; i < rows; ++i) {
        RecordedEvent& e = page_.emplace_back();
        e.stream = stream;
        e.revision = PgGetInt8(r->get(), i, 0);
        e.position = PgGetInt8(r->get(), i, 1);
        e.type.assign(PQgetvalue(r->get(), i, 2), PQgetlength(r->get(), i, 2));
        e.data.assign(PQgetvalue(r->get(), i, 3), PQgetlength(r->get(), i, 3));
        e.metadata.assign(PQgetvalue(r->get(), i, 4), PQgetlength(r->get(), i, 4));
        if (absl::Status s =
                Check(e.revision == next && e.data.size() == shape_.payload->event_bytes(),
                      "postgres stream position", next, e.revision);
            !s.ok()) {
          return s;
        }
        ++next;
      }
      timer.Lap();
      if (static_cast<size_t>(rows) < shape_.page) break;
    }
    if (absl::Status s = Check(next == shape_.stream_events, "postgres stream events",
                               shape_.stream_events, next);
        !s.ok()) {
      return s;
    }
    return next;
  }

  absl::StatusOr<uint64_t> ReadLog(LapTimer& timer) {
    const PgInt8 limit(static_cast<int64_t>(shape_.page));
    // bigserial starts at 1; the load committed in one transaction, so the
    // positions are dense here (in general they are not: see pg_schema.h).
    uint64_t next = 1;
    for (;;) {
      const PgInt8 from(static_cast<int64_t>(next));
      absl::StatusOr<PgResult> r =
          conn_->ExecPrepared(kPgReadAll, {from.param(), limit.param()}, true);
      if (!r.ok()) return r.status();
      const int rows = PQntuples(r->get());
      page_.clear();
      for (int i = 0; i < rows; ++i) {
        RecordedEvent& e = page_.emplace_back();
        e.position = PgGetInt8(r->get(), i, 0);
        e.stream.assign(PQgetvalue(r->get(), i, 1), PQgetlength(r->get(), i, 1));
        e.revision = PgGetInt8(r->get(), i, 2);
        e.type.assign(PQgetvalue(r->get(), i, 3), PQgetlength(r->get(), i, 3));
        e.data.assign(PQgetvalue(r->get(), i, 4), PQgetlength(r->get(), i, 4));
        e.metadata.assign(PQgetvalue(r->get(), i, 5), PQgetlength(r->get(), i, 5));
        if (absl::Status s =
                Check(e.position == next && e.data.size() == shape_.payload->event_bytes(),
                      "postgres global_position", next, e.position);
            !s.ok()) {
          return s;
        }
        ++next;
      }
      timer.Lap();
      if (static_cast<size_t>(rows) < shape_.page) break;
    }
    const uint64_t n = next - 1;
    if (absl::Status s = Check(n == shape_.total(), "postgres log events", shape_.total(), n);
        !s.ok()) {
      return s;
    }
    return n;
  }

  std::unique_ptr<PgConn> conn_;
  ReadShape shape_;
  double load_seconds_;
  std::vector<RecordedEvent> page_;
};

// COPY text format: bytea as "\\x<hex>" (the backslash escaped for COPY).
absl::Status CopyIn(PgConn& conn, const ReadShape& shape) {
  PgResult start(
      PQexec(conn.raw(), "COPY events (stream, position, type, data, metadata) FROM STDIN"));
  if (start == nullptr || PQresultStatus(start.get()) != PGRES_COPY_IN) {
    return absl::InternalError(absl::StrCat("COPY: ", PQerrorMessage(conn.raw())));
  }
  std::string buf;
  auto flush = [&]() -> absl::Status {
    if (PQputCopyData(conn.raw(), buf.data(), static_cast<int>(buf.size())) != 1) {
      return absl::InternalError(absl::StrCat("COPY data: ", PQerrorMessage(conn.raw())));
    }
    buf.clear();
    return absl::OkStatus();
  };
  absl::Status s = ForEachEvent(shape, [&](uint64_t stream, uint64_t rev, uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) {
      absl::StrAppend(
          &buf, StreamName(stream), "\t", rev + i, "\t", kEventType, "\t\\\\x",
          absl::BytesToHexString(shape.payload->Get(stream * shape.stream_events + rev + i)),
          "\t\\\\x\n");
    }
    return buf.size() > (1 << 20) ? flush() : absl::OkStatus();
  });
  if (s.ok() && !buf.empty()) s = flush();
  if (PQputCopyEnd(conn.raw(), s.ok() ? nullptr : "load failed") != 1) {
    return absl::InternalError(absl::StrCat("COPY end: ", PQerrorMessage(conn.raw())));
  }
  PgResult end(PQgetResult(conn.raw()));
  while (PGresult* extra = PQgetResult(conn.raw())) PQclear(extra);
  if (!s.ok()) return s;
  if (end == nullptr || PQresultStatus(end.get()) != PGRES_COMMAND_OK) {
    return absl::InternalError(absl::StrCat("COPY: ", PQerrorMessage(conn.raw())));
  }
  return absl::OkStatus();
}

}  // namespace

LapTimer::LapTimer() : last_ns_(NowNs()) {}

void LapTimer::Lap() {
  const int64_t now = NowNs();
  laps_.push_back(now - last_ns_);
  last_ns_ = now;
}

absl::StatusOr<double> LoadEngineLog(const std::string& path, const ReadShape& shape) {
  engine::StoreOptions options;
  options.path = path;
  options.sync_writes = false;
  absl::StatusOr<std::unique_ptr<EventStore>> store = EventStore::Open(options);
  if (!store.ok()) return store.status();
  const Clock::time_point start = Clock::now();
  absl::Status s = ForEachEvent(shape, [&](uint64_t stream, uint64_t rev, uint64_t n) {
    std::vector<engine::StreamAppend> request(1);
    request[0].stream = StreamName(stream);
    request[0].expected =
        rev == 0 ? engine::ExpectedRevision::NoStream() : engine::ExpectedRevision::Exact(rev - 1);
    for (uint64_t i = 0; i < n; ++i) {
      engine::ProposedEvent& e = request[0].events.emplace_back();
      e.id = engine::EventId::NameBased("crm-peer-bench", absl::StrCat(stream, "/", rev + i));
      e.type = kEventType;
      e.data = std::string(shape.payload->Get(stream * shape.stream_events + rev + i));
    }
    return (*store)->Append(std::move(request)).status();
  });
  if (!s.ok()) return s;
  return SecondsSince(start);
}

std::string ReadTargetStreamName(const ReadShape& shape) { return StreamName(TargetStream(shape)); }

absl::StatusOr<std::unique_ptr<ReadTarget>> OpenEngineReads(const std::string& path,
                                                            const ReadShape& shape) {
  absl::StatusOr<double> load = LoadEngineLog(path, shape);
  if (!load.ok()) return load.status();
  // Reopen so reads see the store as a restarted process would, with sync on.
  engine::StoreOptions options;
  options.path = path;
  options.sync_writes = true;
  absl::StatusOr<std::unique_ptr<EventStore>> store = EventStore::Open(options);
  if (!store.ok()) return store.status();
  return std::make_unique<EngineReads>(std::move(*store), shape, *load);
}

absl::StatusOr<std::unique_ptr<ReadTarget>> OpenRawReads(const std::string& path,
                                                         const ReadShape& shape) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.error_if_exists = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status rs = rocksdb::DB::Open(options, path, &raw);
  if (!rs.ok()) return absl::InternalError(absl::StrCat("raw RocksDB open: ", rs.ToString()));
  std::unique_ptr<rocksdb::DB> db(raw);
  const Clock::time_point start = Clock::now();
  uint64_t position = 0;
  absl::Status s = ForEachEvent(shape, [&](uint64_t stream, uint64_t rev, uint64_t n) {
    rocksdb::WriteBatch batch;
    for (uint64_t i = 0; i < n; ++i) {
      const absl::string_view v = shape.payload->Get(stream * shape.stream_events + rev + i);
      const rocksdb::Slice value(v.data(), v.size());
      batch.Put(BigEndianKey("L", position++), value);
      batch.Put(BigEndianKey(absl::StrCat("S", StreamName(stream), "/"), rev + i), value);
    }
    rocksdb::Status ws = db->Write(rocksdb::WriteOptions(), &batch);
    return ws.ok() ? absl::OkStatus() : absl::InternalError(ws.ToString());
  });
  if (!s.ok()) return s;
  // Read from SST files, as the engine's log mostly would be.
  rs = db->Flush(rocksdb::FlushOptions());
  if (!rs.ok()) return absl::InternalError(rs.ToString());
  return std::make_unique<RawReads>(std::move(db), shape, SecondsSince(start));
}

absl::StatusOr<std::unique_ptr<ReadTarget>> OpenPgReads(const std::string& conninfo,
                                                        const ReadShape& shape) {
  absl::StatusOr<std::unique_ptr<PgConn>> conn = PgConn::Connect(conninfo);
  if (!conn.ok()) return conn.status();
  PgConn& c = **conn;
  if (absl::Status s = ResetEventTable(c); !s.ok()) return s;
  const Clock::time_point start = Clock::now();
  if (absl::Status s = CopyIn(c, shape); !s.ok()) return s;
  // What autovacuum would have done by the time anyone reads: visibility map
  // and planner statistics; then write everything out.
  if (absl::Status s = c.Exec("VACUUM ANALYZE events"); !s.ok()) return s;
  if (absl::Status s = c.Exec("CHECKPOINT"); !s.ok()) return s;
  const double load = SecondsSince(start);
  if (absl::Status s = PrepareReads(c); !s.ok()) return s;
  return std::make_unique<PgReads>(std::move(*conn), shape, load);
}

absl::StatusOr<ReadSample> MeasureRead(ReadTarget& target, ReadKind kind, absl::Duration window,
                                       int64_t server_uid) {
  {
    LapTimer warm;
    absl::StatusOr<uint64_t> first = target.Pass(kind, warm);
    if (!first.ok()) return first.status();
  }
  auto system_cpu = [&] {
    return ProcessCpuSeconds() +
           (server_uid >= 0 ? UidCpuSeconds(static_cast<uid_t>(server_uid)) : 0.0);
  };
  ReadSample sample;
  LapTimer timer;
  const double budget = absl::ToDoubleSeconds(window);
  const double cpu0 = system_cpu(), machine0 = MachineBusySeconds();
  const Clock::time_point start = Clock::now();
  do {
    absl::StatusOr<uint64_t> n = target.Pass(kind, timer);
    if (!n.ok()) return n.status();
    sample.events += *n;
    ++sample.passes;
  } while (SecondsSince(start) < budget);
  sample.seconds = SecondsSince(start);
  sample.cpu_seconds = system_cpu() - cpu0;
  sample.other_cpu_seconds = std::max(0.0, MachineBusySeconds() - machine0 - sample.cpu_seconds);
  sample.laps_ns = std::move(timer.laps_ns());
  std::sort(sample.laps_ns.begin(), sample.laps_ns.end());
  return sample;
}

}  // namespace crm::bench
