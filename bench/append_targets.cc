#include "bench/append_targets.h"

#include <array>
#include <random>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/store/event_store.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/statistics.h"
#include "rocksdb/write_batch.h"

namespace crm::bench {
namespace {

using engine::EventId;
using engine::EventStore;
using engine::ExpectedRevision;
using engine::ProposedEvent;
using engine::Revision;
using engine::StreamAppend;

constexpr absl::string_view kEventType = "bench.v1.Appended";

// Unique per (writer, seq) within one store, shaped like a version-4 UUID.
// Made by hand because the cost of generating random ids is the client's,
// not the store's.
EventId MakeEventId(uint32_t thread, uint64_t seq) {
  std::array<uint8_t, EventId::kSize> b{};
  for (int i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(thread >> (24 - 8 * i));
  b[6] = 0x40;  // version 4
  b[8] = 0x80;  // RFC 4122 variant
  for (int i = 0; i < 7; ++i) b[9 + i] = static_cast<uint8_t>(seq >> (48 - 8 * i));
  return EventId(b);
}

class EngineWriter : public Writer {
 public:
  EngineWriter(EventStore* store, int thread, const AppendShape& shape)
      : store_(store), thread_(thread), shape_(shape), stream_(absl::StrCat("bench-", thread)) {}

  void Prepare() override {
    request_.clear();
    StreamAppend& append = request_.emplace_back();
    append.stream = stream_;
    append.expected = next_revision_ == 0 ? ExpectedRevision::NoStream()
                                          : ExpectedRevision::Exact(next_revision_ - 1);
    append.events.reserve(shape_.events_per_append);
    for (int i = 0; i < shape_.events_per_append; ++i) {
      const uint64_t seq = next_revision_ + i;
      ProposedEvent& e = append.events.emplace_back();
      e.id = MakeEventId(thread_, seq);
      e.type = std::string(kEventType);
      e.data = std::string(shape_.payload->Get(seq));
    }
  }

  absl::Status Commit() override {
    absl::StatusOr<engine::AppendResult> result = store_->Append(std::move(request_));
    if (!result.ok()) {
      // Re-read the head so the next append is checked against the truth.
      absl::StatusOr<Revision> head = store_->StreamRevision(stream_);
      next_revision_ = head.ok() ? *head + 1 : 0;
      return result.status();
    }
    const Revision want = next_revision_ + shape_.events_per_append - 1;
    if (result->streams.size() != 1 || result->streams[0].last_revision != want ||
        result->idempotent_replay) {
      return absl::InternalError(absl::StrCat("append to ", stream_, " expected last revision ",
                                              want, ", got a different result"));
    }
    next_revision_ += shape_.events_per_append;
    return absl::OkStatus();
  }

 private:
  EventStore* store_;
  uint32_t thread_;
  AppendShape shape_;
  std::string stream_;
  Revision next_revision_ = 0;  // revision the next event will get
  std::vector<StreamAppend> request_;
};

class EngineTarget : public AppendTarget {
 public:
  EngineTarget(std::unique_ptr<EventStore> store, const AppendShape& shape)
      : store_(std::move(store)), shape_(shape) {}

  std::unique_ptr<Writer> NewWriter(int thread) override {
    return std::make_unique<EngineWriter>(store_.get(), thread, shape_);
  }

  SyncCounters Counters() const override {
    engine::StoreStats s = store_->Stats();
    return {s.events_committed, s.wal_syncs, s.write_batches};
  }

  absl::Status Verify(uint64_t acknowledged_appends) const override {
    const uint64_t want = acknowledged_appends * shape_.events_per_append;
    const uint64_t have = store_->CommittedPosition();
    if (have == want) return absl::OkStatus();
    return absl::DataLossError(
        absl::StrCat("engine: ", want, " events acknowledged but ", have, " committed"));
  }

 private:
  std::unique_ptr<EventStore> store_;
  AppendShape shape_;
};

class RawWriter : public Writer {
 public:
  RawWriter(rocksdb::DB* db, int thread, const AppendShape& shape)
      : db_(db), shape_(shape), prefix_(absl::StrCat("bench-", thread)) {
    options_.sync = shape.sync;
  }

  void Prepare() override {
    batch_.Clear();
    for (int i = 0; i < shape_.events_per_append; ++i) {
      const absl::string_view value = shape_.payload->Get(seq_);
      batch_.Put(BigEndianKey(prefix_, seq_++), rocksdb::Slice(value.data(), value.size()));
    }
  }

  absl::Status Commit() override {
    rocksdb::Status s = db_->Write(options_, &batch_);
    if (s.ok()) return absl::OkStatus();
    return absl::InternalError(s.ToString());
  }

 private:
  rocksdb::DB* db_;
  AppendShape shape_;
  std::string prefix_;
  rocksdb::WriteOptions options_;
  rocksdb::WriteBatch batch_;
  uint64_t seq_ = 0;
};

class RawTarget : public AppendTarget {
 public:
  RawTarget(std::unique_ptr<rocksdb::DB> db, std::shared_ptr<rocksdb::Statistics> stats,
            const AppendShape& shape)
      : db_(std::move(db)), stats_(std::move(stats)), shape_(shape) {}

  std::unique_ptr<Writer> NewWriter(int thread) override {
    return std::make_unique<RawWriter>(db_.get(), thread, shape_);
  }

  SyncCounters Counters() const override {
    // One WAL_FILE_SYNCED per write group that synced; one WRITE_DONE_BY_SELF
    // per group leader, i.e. per batch RocksDB actually wrote.
    return {stats_->getTickerCount(rocksdb::NUMBER_KEYS_WRITTEN),
            stats_->getTickerCount(rocksdb::WAL_FILE_SYNCED),
            stats_->getTickerCount(rocksdb::WRITE_DONE_BY_SELF)};
  }

  absl::Status Verify(uint64_t acknowledged_appends) const override {
    const uint64_t want = acknowledged_appends * shape_.events_per_append;
    const uint64_t have = stats_->getTickerCount(rocksdb::NUMBER_KEYS_WRITTEN);
    if (have == want) return absl::OkStatus();
    return absl::DataLossError(
        absl::StrCat("raw: ", want, " values acknowledged but ", have, " written"));
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::shared_ptr<rocksdb::Statistics> stats_;
  AppendShape shape_;
};

}  // namespace

Payload::Payload(size_t event_bytes) : event_bytes_(event_bytes) {
  std::mt19937_64 rng(42);  // fixed: every run writes the same bytes
  pool_.resize(kPoolBytes + event_bytes);
  for (char& c : pool_) c = static_cast<char>(rng());
}

absl::string_view Payload::Get(uint64_t seq) const {
  // An odd stride walks the pool so consecutive events differ.
  const size_t offset = (seq * 4099) % kPoolBytes;
  return absl::string_view(pool_.data() + offset, event_bytes_);
}

std::string BigEndianKey(absl::string_view prefix, uint64_t n) {
  std::string key(prefix);
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(n >> shift));
  return key;
}

absl::StatusOr<std::unique_ptr<AppendTarget>> OpenEngineTarget(const std::string& path,
                                                               const AppendShape& shape) {
  engine::StoreOptions options;
  options.path = path;
  options.sync_writes = shape.sync;
  options.max_commit_delay = shape.max_commit_delay;
  absl::StatusOr<std::unique_ptr<EventStore>> store = EventStore::Open(options);
  if (!store.ok()) return store.status();
  return std::make_unique<EngineTarget>(std::move(*store), shape);
}

absl::StatusOr<std::unique_ptr<AppendTarget>> OpenRawTarget(const std::string& path,
                                                            const AppendShape& shape) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.error_if_exists = true;
  // Tickers only (a few relaxed per-core increments): histograms and timers
  // would add clock reads to the write path being measured.
  auto stats = rocksdb::CreateDBStatistics();
  stats->set_stats_level(rocksdb::StatsLevel::kExceptHistogramOrTimers);
  options.statistics = stats;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, path, &db);
  if (!s.ok()) return absl::InternalError(absl::StrCat("raw RocksDB open: ", s.ToString()));
  return std::make_unique<RawTarget>(std::unique_ptr<rocksdb::DB>(db), std::move(stats), shape);
}

}  // namespace crm::bench
