#include "bench/read_bench.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/store/event_store.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace crm::bench {
namespace {

using engine::Direction;
using engine::EventId;
using engine::EventStore;
using engine::ExpectedRevision;
using engine::RecordedEvent;
using engine::StreamAppend;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

absl::StatusOr<std::unique_ptr<EventStore>> OpenStore(const std::string& path, bool sync) {
  engine::StoreOptions options;
  options.path = path;
  options.sync_writes = sync;
  return EventStore::Open(options);
}

// Fills the store: `streams` streams of options.stream_events events each,
// in chunks of up to 100 events round-robin, so a stream's events are spread
// over the log as a real stream's would be. Sync is off: this is a bulk load
// that can be redone, and it is not what is measured.
absl::Status Populate(EventStore& store, uint64_t streams, const ReadBenchOptions& options) {
  const uint64_t chunk = std::min<uint64_t>(100, options.stream_events);
  for (uint64_t rev = 0; rev < options.stream_events; rev += chunk) {
    const uint64_t n = std::min(chunk, options.stream_events - rev);
    for (uint64_t s = 0; s < streams; ++s) {
      std::vector<StreamAppend> request(1);
      request[0].stream = absl::StrCat("reader-", s);
      request[0].expected =
          rev == 0 ? ExpectedRevision::NoStream() : ExpectedRevision::Exact(rev - 1);
      for (uint64_t i = 0; i < n; ++i) {
        engine::ProposedEvent& e = request[0].events.emplace_back();
        // Distinct from the append rows' ids: the stream number goes first.
        e.id = EventId::NameBased("crm-bench", absl::StrCat(s, "/", rev + i));
        e.type = "bench.v1.Appended";
        e.data = std::string(options.payload->Get(s * options.stream_events + rev + i));
      }
      absl::StatusOr<engine::AppendResult> r = store.Append(std::move(request));
      if (!r.ok()) return r.status();
    }
  }
  return absl::OkStatus();
}

// One forward pass over the log; returns the events read.
absl::StatusOr<uint64_t> ScanLog(const EventStore& store, const ReadBenchOptions& options,
                                 uint64_t expected) {
  uint64_t next = 0;
  for (;;) {
    absl::StatusOr<std::vector<RecordedEvent>> page =
        store.ReadAll(next, Direction::kForward, options.page);
    if (!page.ok()) return page.status();
    for (const RecordedEvent& e : *page) {
      if (e.position != next || e.data.size() != options.payload->event_bytes()) {
        return absl::DataLossError(absl::StrCat("ReadAll: expected position ", next, ", got ",
                                                e.position, " with ", e.data.size(), " bytes"));
      }
      ++next;
    }
    if (page->size() < options.page) break;
  }
  if (next != expected) {
    return absl::DataLossError(absl::StrCat("ReadAll read ", next, " events, want ", expected));
  }
  return next;
}

// One forward pass over one stream; returns the events read.
absl::StatusOr<uint64_t> ScanStream(const EventStore& store, const std::string& stream,
                                    const ReadBenchOptions& options) {
  uint64_t next = 0;
  for (;;) {
    absl::StatusOr<std::vector<RecordedEvent>> page =
        store.ReadStream(stream, next, Direction::kForward, options.page);
    if (!page.ok()) return page.status();
    for (const RecordedEvent& e : *page) {
      if (e.revision != next || e.data.size() != options.payload->event_bytes()) {
        return absl::DataLossError(
            absl::StrCat("ReadStream: expected revision ", next, ", got ", e.revision));
      }
      ++next;
    }
    if (page->size() < options.page) break;
  }
  if (next != options.stream_events) {
    return absl::DataLossError(
        absl::StrCat("ReadStream read ", next, " events, want ", options.stream_events));
  }
  return next;
}

// One untimed pass to warm caches, then passes until `duration` has elapsed.
absl::StatusOr<ReadRow> Warm(std::string name, absl::Duration duration,
                             const std::function<absl::StatusOr<uint64_t>()>& pass) {
  if (absl::StatusOr<uint64_t> first = pass(); !first.ok()) return first.status();
  ReadRow row;
  row.name = std::move(name);
  const double budget = absl::ToDoubleSeconds(duration);
  const Clock::time_point start = Clock::now();
  do {
    absl::StatusOr<uint64_t> n = pass();
    if (!n.ok()) return n.status();
    row.events += *n;
    ++row.passes;
  } while (SecondsSince(start) < budget);
  row.seconds = SecondsSince(start);
  return row;
}

// Closes nothing itself: the caller has closed the store. Evicts the files,
// reopens (timed, reported in the note) and runs one timed pass.
absl::StatusOr<ReadRow> Cold(
    std::string name, const std::string& path, std::unique_ptr<EventStore>& store,
    const std::function<absl::StatusOr<uint64_t>(const EventStore&)>& pass) {
  store.reset();
  EvictFromPageCache(path);
  const Clock::time_point open_start = Clock::now();
  absl::StatusOr<std::unique_ptr<EventStore>> reopened = OpenStore(path, /*sync=*/true);
  if (!reopened.ok()) return reopened.status();
  const double open_seconds = SecondsSince(open_start);
  store = std::move(*reopened);
  ReadRow row;
  row.name = std::move(name);
  const Clock::time_point start = Clock::now();
  absl::StatusOr<uint64_t> n = pass(*store);
  if (!n.ok()) return n.status();
  row.seconds = SecondsSince(start);
  row.events = *n;
  row.passes = 1;
  row.note = absl::StrFormat("reopen %.0f ms", open_seconds * 1e3);
  return row;
}

}  // namespace

absl::StatusOr<std::vector<ReadRow>> RunEngineReads(BenchDir& dir,
                                                    const ReadBenchOptions& options) {
  const uint64_t streams = std::max<uint64_t>(
      1, (options.log_events + options.stream_events - 1) / options.stream_events);
  const uint64_t total = streams * options.stream_events;
  const std::string target = absl::StrCat("reader-", streams / 2);
  const std::string path = dir.NewChild("engine-read");

  absl::StatusOr<std::unique_ptr<EventStore>> opened = OpenStore(path, /*sync=*/false);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<EventStore> store = std::move(*opened);
  const Clock::time_point load_start = Clock::now();
  if (absl::Status s = Populate(*store, streams, options); !s.ok()) return s;
  const double load_seconds = SecondsSince(load_start);

  using Pass = std::function<absl::StatusOr<uint64_t>(const EventStore&)>;
  const Pass log_pass = [&](const EventStore& s) { return ScanLog(s, options, total); };
  const Pass stream_pass = [&](const EventStore& s) { return ScanStream(s, target, options); };
  const std::string log_name = absl::StrCat("ReadAll fwd, ", total, " events");
  const std::string stream_name =
      absl::StrCat("ReadStream fwd, ", options.stream_events, "-event stream");

  std::vector<ReadRow> rows;
  // Reopen first so warm reads see the store as a restarted process would
  // (its memtable replayed or flushed), not the bulk load's leftovers.
  store.reset();
  opened = OpenStore(path, /*sync=*/true);
  if (!opened.ok()) return opened.status();
  store = std::move(*opened);
  const std::vector<std::pair<std::string, Pass>> kinds = {{log_name, log_pass},
                                                           {stream_name, stream_pass}};
  for (const auto& [name, pass] : kinds) {
    absl::StatusOr<ReadRow> row =
        Warm(absl::StrCat(name, ", warm"), options.duration, [&] { return pass(*store); });
    if (!row.ok()) return row.status();
    rows.push_back(*std::move(row));
  }
  rows.front().note = absl::StrFormat("load %.1f s (sync off, %d streams)", load_seconds, streams);

  // What a cold open starts from: SST files versus WAL to replay.
  const std::string layout =
      absl::StrFormat("; store %.1f MB sst + %.1f MB wal", BytesWithSuffix(path, ".sst") / 1e6,
                      BytesWithSuffix(path, ".log") / 1e6);
  for (const auto& [name, pass] : kinds) {
    absl::StatusOr<ReadRow> row = Cold(absl::StrCat(name, ", cold-ish"), path, store, pass);
    if (!row.ok()) return row.status();
    row->note += layout;
    rows.push_back(*std::move(row));
  }
  store.reset();
  dir.RemoveChild(path);
  return rows;
}

absl::StatusOr<ReadRow> RunRawScan(BenchDir& dir, const ReadBenchOptions& options) {
  const std::string path = dir.NewChild("raw-read");
  const uint64_t streams = std::max<uint64_t>(
      1, (options.log_events + options.stream_events - 1) / options.stream_events);
  const uint64_t total = streams * options.stream_events;
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, path, &raw);
  if (!s.ok()) return absl::InternalError(s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteBatch batch;
  for (uint64_t i = 0; i < total; ++i) {
    const absl::string_view v = options.payload->Get(i);
    batch.Put(BigEndianKey("", i), rocksdb::Slice(v.data(), v.size()));
    if (batch.Count() == 1000 || i + 1 == total) {
      s = db->Write(rocksdb::WriteOptions(), &batch);
      if (!s.ok()) return absl::InternalError(s.ToString());
      batch.Clear();
    }
  }
  // Read from SST files, as the engine's log mostly would be.
  s = db->Flush(rocksdb::FlushOptions());
  if (!s.ok()) return absl::InternalError(s.ToString());

  auto pass = [&]() -> absl::StatusOr<uint64_t> {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    std::vector<std::string> page;
    page.reserve(options.page);
    uint64_t n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      page.emplace_back(it->value().data(), it->value().size());
      if (page.back().size() != options.payload->event_bytes()) {
        return absl::DataLossError("raw scan: wrong value size");
      }
      if (page.size() == options.page) page.clear();
      ++n;
    }
    if (!it->status().ok()) return absl::InternalError(it->status().ToString());
    if (n != total) return absl::DataLossError(absl::StrCat("raw scan read ", n, ", want ", total));
    return n;
  };
  absl::StatusOr<ReadRow> row =
      Warm(absl::StrCat("raw RocksDB iterator, ", total, " values, warm"), options.duration, pass);
  db.reset();
  dir.RemoveChild(path);
  if (row.ok()) row->note = "reference: default options, flushed to SST";
  return row;
}

}  // namespace crm::bench
