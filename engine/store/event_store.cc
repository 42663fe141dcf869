// Opening, closing and reading the store. The append path (group commit) is in
// group_commit.cc; subscriptions in subscription_impl.cc.
#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/status_macros.h"
#include "engine/store/event_store_impl.h"
#include "engine/store/keyspace.h"
#include "engine/store/record.h"
#include "engine/store/rocks_glue.h"
#include "engine/store/rocks_thread.h"
#include "engine/store/validation.h"
#include "rocksdb/cache.h"
#include "rocksdb/convenience.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"

namespace crm::engine {
namespace {

rocksdb::CompressionType PickCompression() {
  for (auto c : rocksdb::GetSupportedCompressions()) {
    if (c == rocksdb::kLZ4Compression) return c;
  }
  return rocksdb::kNoCompression;
}

// The category of a category-index key: all of it but
// the trailing big-endian u64 (keyspace.h). A key shorter than that is out
// of the domain (inserted without a hint).
class CategoryOfIndexKeyTransform final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "crm.CategoryOfIndexKey"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - 8);
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() > 8; }
};

std::shared_ptr<const rocksdb::SliceTransform> CategoryOfIndexKey() {
  static const auto* transform = new std::shared_ptr<const rocksdb::SliceTransform>(
      std::make_shared<CategoryOfIndexKeyTransform>());
  return *transform;
}

absl::Status NoEvents(absl::string_view stream) {
  return absl::NotFoundError(absl::StrCat("stream \"", stream, "\" has no events"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventStore>> EventStore::Open(const StoreOptions& options) {
  return EventStoreImpl::OpenImpl(options);
}

EventStoreImpl::EventStoreImpl(const StoreOptions& options) : options_(options) {}

absl::StatusOr<std::unique_ptr<EventStore>> EventStoreImpl::OpenImpl(const StoreOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("store path is empty");
  std::unique_ptr<EventStoreImpl> store(new EventStoreImpl(options));
  CRM_RETURN_IF_ERROR(store->OpenDb());
  store->writer_ = std::thread([s = store.get()] {
    StopRocksPerfCounting();
    s->WriterLoop();
  });
  store->syncer_ = std::thread([s = store.get()] {
    StopRocksPerfCounting();
    s->SyncerLoop();
  });
  return std::unique_ptr<EventStore>(std::move(store));
}

absl::Status EventStoreImpl::OpenDb() {
  rocksdb::DBOptions db_opts;
  db_opts.create_if_missing = true;
  db_opts.create_missing_column_families = true;
  db_opts.max_background_jobs = 2;
  if (options_.env != nullptr) db_opts.env = options_.env;

  auto cache = rocksdb::NewLRUCache(options_.block_cache_bytes);
  auto cf_options = [&](bool point_lookups, size_t block_size = 4096) {
    rocksdb::ColumnFamilyOptions cf;
    cf.compression = PickCompression();
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    table.block_size = block_size;
    if (point_lookups) {
      // Append checks look up event ids and stream heads that mostly do not
      // exist yet; bloom filters make those misses cheap.
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      cf.memtable_prefix_bloom_size_ratio = 0.05;
      cf.memtable_whole_key_filtering = true;
    }
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    return cf;
  };
  // The writer thread inserts every event's keys into the memtables, and
  // that (skiplist searches) is most of its work, which bounds appends/s.
  // A category-index key is a category then a position that only grows, so
  // it lands right after the category's previous key: with a hint per
  // category the insert starts there instead of at the top of the skiplist.
  // (The stream index would fit too, but a hint costs ~250 bytes per name in
  // the memtable, and an import writes 100,000s of new streams.)
  auto sequential_per_category = [&](rocksdb::ColumnFamilyOptions cf) {
    cf.memtable_insert_with_hint_prefix_extractor = CategoryOfIndexKey();
    return cf;
  };
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, cf_options(false)},
      // The log is read mostly by scans (projections, subscriptions, ReadAll):
      // bigger blocks mean fewer block-cache lookups per event.
      {keyspace::kEventsCf, cf_options(false, 16 * 1024)},
      {keyspace::kStreamIndexCf, cf_options(false)},
      {keyspace::kStreamsCf, cf_options(true)},
      {keyspace::kEventIdsCf, cf_options(true)},
      {keyspace::kCategoryIndexCf, sequential_per_category(cf_options(false))},
  };
  rocksdb::DB* raw = nullptr;
  CRM_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(db_opts, options_.path, cfs, &handles_, &raw),
                                absl::StrCat("opening store at ", options_.path)));
  db_.reset(raw);
  default_cf_ = handles_[0];
  events_cf_ = handles_[1];
  stream_index_cf_ = handles_[2];
  streams_cf_ = handles_[3];
  event_ids_cf_ = handles_[4];
  category_index_cf_ = handles_[5];

  // The next position is one past the last stored event: every batch is
  // atomic, so the log has no holes to account for.
  Position next = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_cf_));
    it->SeekToLast();
    CRM_RETURN_IF_ERROR(FromRocks(it->status(), "reading the last event"));
    if (it->Valid()) next = keyspace::GetU64BE(View(it->key())) + 1;
  }
  std::string version;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), default_cf_, keyspace::kFormatVersionKey, &version);
  if (s.IsNotFound()) {
    if (next != 0) return absl::DataLossError("store holds events but no format version");
    rocksdb::WriteOptions wo;
    wo.sync = true;
    CRM_RETURN_IF_ERROR(
        FromRocks(db_->Put(wo, default_cf_, keyspace::kFormatVersionKey, keyspace::kFormatVersion),
                  "writing the format version"));
  } else {
    CRM_RETURN_IF_ERROR(FromRocks(s, "reading the format version"));
    if (version != keyspace::kFormatVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat("store at ", options_.path, " has format version ", version,
                       "; this build reads version ", keyspace::kFormatVersion));
    }
  }
  writer_next_position_ = next;
  committed_.store(next, std::memory_order_release);
  return absl::OkStatus();
}

EventStoreImpl::~EventStoreImpl() {
  closing_.store(true, std::memory_order_release);
  if (writer_.joinable()) {
    {
      absl::MutexLock l(&queue_mu_);
      writer_stop_ = true;
    }
    writer_.join();  // drains every queued append first
  }
  if (syncer_.joinable()) {
    {
      absl::MutexLock l(&sync_mu_);
      syncer_stop_ = true;
    }
    syncer_.join();
  }
  WakeWaiters();
  if (db_ != nullptr) {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }
}

bool EventStoreImpl::WaitForPosition(Position position, absl::Time deadline) const {
  WaitForCommitOrCancel(position, deadline, nullptr);
  return CommittedPosition() > position;
}

void EventStoreImpl::WaitForCommitOrCancel(Position position, absl::Time deadline,
                                           const std::atomic<bool>* cancelled) const {
  absl::MutexLock l(&commit_mu_);
  while (CommittedPosition() <= position && !closing() &&
         (cancelled == nullptr || !cancelled->load(std::memory_order_acquire))) {
    if (commit_cv_.WaitWithDeadline(&commit_mu_, deadline)) break;
  }
}

void EventStoreImpl::WakeWaiters() const {
  absl::MutexLock l(&commit_mu_);
  commit_cv_.SignalAll();
}

StoreStats EventStoreImpl::Stats() const {
  StoreStats s;
  s.appends_committed = stat_appends_.load(std::memory_order_relaxed);
  s.events_committed = stat_events_.load(std::memory_order_relaxed);
  s.write_batches = stat_batches_.load(std::memory_order_relaxed);
  s.wal_syncs = stat_syncs_.load(std::memory_order_relaxed);
  return s;
}

absl::StatusOr<std::vector<RecordedEvent>> EventStoreImpl::ReadPositions(
    const std::vector<Position>& positions) const {
  std::vector<std::string> keys;
  keys.reserve(positions.size());
  for (Position p : positions) keys.push_back(keyspace::EventKey(p));
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), events_cf_, keys.size(), slices.data(), values.data(),
                statuses.data());
  std::vector<RecordedEvent> out;
  out.reserve(positions.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) {
      return absl::DataLossError(
          absl::StrCat("index names position ", positions[i], " but no event is stored there"));
    }
    CRM_RETURN_IF_ERROR(FromRocks(statuses[i], "reading an event"));
    CRM_ASSIGN_OR_RETURN(record::RecordView view, record::DecodeRecord(View(values[i])));
    out.push_back(record::ToRecordedEvent(view, positions[i]));
  }
  return out;
}

absl::StatusOr<std::vector<RecordedEvent>> EventStoreImpl::ReadAll(Position from,
                                                                   Direction direction,
                                                                   size_t limit) const {
  const Position end = CommittedPosition();
  std::vector<RecordedEvent> out;
  if (limit == 0 || end == 0) return out;
  const std::string upper = keyspace::EventKey(end);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, events_cf_));
  if (direction == Direction::kForward) {
    if (from >= end) return out;
    it->Seek(keyspace::EventKey(from));
    out.reserve(std::min<uint64_t>(limit, end - from));
  } else {
    it->SeekForPrev(keyspace::EventKey(std::min(from, end - 1)));
    out.reserve(std::min<uint64_t>(limit, std::min(from, end - 1) + 1));
  }
  for (; it->Valid() && out.size() < limit;
       direction == Direction::kForward ? it->Next() : it->Prev()) {
    Position pos = keyspace::GetU64BE(View(it->key()));
    CRM_ASSIGN_OR_RETURN(record::RecordView view, record::DecodeRecord(View(it->value())));
    record::AppendRecordedEvent(view, pos, out);
  }
  CRM_RETURN_IF_ERROR(FromRocks(it->status(), "reading the log"));
  return out;
}

absl::StatusOr<std::vector<RecordedEvent>> EventStoreImpl::ReadStream(absl::string_view stream,
                                                                      Revision from,
                                                                      Direction direction,
                                                                      size_t limit) const {
  CRM_RETURN_IF_ERROR(ValidateStreamName(stream, options_.limits));
  const Position end = CommittedPosition();
  if (direction == Direction::kForward && from != 0) {
    // The command handler's catch-up read of a cached state mostly finds
    // nothing new: a committed head below `from` says so without an
    // iterator and its two seeks (an empty page: the stream exists).
    CRM_ASSIGN_OR_RETURN(std::optional<Revision> head, CommittedHead(stream, end));
    if (head && *head < from) return std::vector<RecordedEvent>{};
  }
  const std::string prefix = keyspace::StreamIndexPrefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), stream_index_cf_));
  auto in_stream = [&] { return it->Valid() && it->key().starts_with(prefix); };
  auto position = [&] { return keyspace::GetU64BE(View(it->value())); };

  std::vector<Position> positions;
  if (direction == Direction::kForward) {
    it->Seek(keyspace::StreamIndexKey(stream, from));
    // Revisions are dense and committed in order, so the first uncommitted
    // entry ends the visible part of the stream.
    for (; in_stream() && positions.size() < limit && position() < end; it->Next()) {
      positions.push_back(position());
    }
  } else {
    it->SeekForPrev(keyspace::StreamIndexKey(stream, from));
    for (; in_stream() && positions.size() < limit; it->Prev()) {
      if (position() < end) positions.push_back(position());
    }
  }
  CRM_RETURN_IF_ERROR(FromRocks(it->status(), "reading a stream index"));
  if (positions.empty()) {
    // Tell "no such stream" apart from "past its end".
    it->Seek(prefix);
    CRM_RETURN_IF_ERROR(FromRocks(it->status(), "reading a stream index"));
    if (!in_stream() || position() >= end) {
      return NoEvents(stream);
    }
    return std::vector<RecordedEvent>{};
  }
  return ReadPositions(positions);
}

absl::StatusOr<std::vector<RecordedEvent>> EventStoreImpl::ReadCategory(absl::string_view category,
                                                                        Position from,
                                                                        Direction direction,
                                                                        size_t limit) const {
  CRM_RETURN_IF_ERROR(ValidateStreamName(category, options_.limits));
  if (category.find('-') != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("category \"", category,
                                                   "\" contains '-': a category is the part of a "
                                                   "stream name before its first '-'"));
  }
  const Position end = CommittedPosition();
  std::vector<Position> positions;
  if (limit == 0 || end == 0) return std::vector<RecordedEvent>{};
  const std::string prefix = keyspace::CategoryIndexPrefix(category);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), category_index_cf_));
  if (direction == Direction::kForward) {
    if (from >= end) return std::vector<RecordedEvent>{};
    for (it->Seek(keyspace::CategoryIndexKey(category, from));
         it->Valid() && it->key().starts_with(prefix) && positions.size() < limit; it->Next()) {
      Position p = keyspace::TrailingU64(View(it->key()));
      if (p >= end) break;
      positions.push_back(p);
    }
  } else {
    for (it->SeekForPrev(keyspace::CategoryIndexKey(category, std::min(from, end - 1)));
         it->Valid() && it->key().starts_with(prefix) && positions.size() < limit; it->Prev()) {
      positions.push_back(keyspace::TrailingU64(View(it->key())));
    }
  }
  CRM_RETURN_IF_ERROR(FromRocks(it->status(), "reading a category index"));
  return ReadPositions(positions);
}

absl::StatusOr<Position> EventStoreImpl::FindEvent(const EventId& id) const {
  // Read the committed position first: an id the writer has put in a batch
  // that is not yet fsynced must not be reported.
  const Position committed = CommittedPosition();
  std::string value;
  const absl::string_view key = id.Bytes();
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), event_ids_cf_,
                               rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return kNoPosition;
  CRM_RETURN_IF_ERROR(FromRocks(s, "reading the event id index"));
  if (value.size() != 8) return absl::DataLossError("event id index: a value is not 8 bytes");
  const Position position = keyspace::GetU64BE(value);
  return position < committed ? position : kNoPosition;
}

absl::StatusOr<std::optional<Revision>> EventStoreImpl::CommittedHead(absl::string_view stream,
                                                                      Position end) const {
  if (const std::optional<Revision> recent = RecentHead(stream, end)) return recent;
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), streams_cf_,
                               rocksdb::Slice(stream.data(), stream.size()), &value);
  if (s.IsNotFound()) return NoEvents(stream);
  CRM_RETURN_IF_ERROR(FromRocks(s, "reading a stream head"));
  if (value.size() != 8) {
    return absl::DataLossError(
        absl::StrCat("the head of stream \"", stream, "\" is ", value.size(), " bytes, not 8"));
  }
  // The writer puts a head down before its events are committed: the head
  // counts only once its event is below `end`.
  const Revision head = keyspace::GetU64BE(View(value));
  rocksdb::PinnableSlice position;
  s = db_->Get(rocksdb::ReadOptions(), stream_index_cf_, keyspace::StreamIndexKey(stream, head),
               &position);
  if (s.IsNotFound()) return std::nullopt;
  CRM_RETURN_IF_ERROR(FromRocks(s, "reading a stream index"));
  if (position.size() == 8 && keyspace::GetU64BE(View(position)) < end) return head;
  return std::nullopt;
}

std::optional<Revision> EventStoreImpl::RecentHead(absl::string_view stream, Position end) const {
  absl::MutexLock l(&heads_mu_);
  const auto it = recent_heads_.find(stream);
  if (it == recent_heads_.end() || it->second.group_end > end) return std::nullopt;
  return it->second.revision;
}

void EventStoreImpl::RememberHeads(const std::deque<WrittenGroup>& groups) {
  absl::MutexLock l(&heads_mu_);
  for (const WrittenGroup& g : groups) {
    for (const auto& p : g.appends) {
      if (!p->wrote || !p->result.ok()) continue;
      for (size_t i = 0; i < p->request.size(); ++i) {
        if (p->request[i].events.empty()) continue;
        if (recent_heads_.size() >= kRecentHeads) recent_heads_.clear();
        recent_heads_.insert_or_assign(
            p->request[i].stream,
            RecentHeadEntry{p->result->streams[i].last_revision, g.end_position});
      }
    }
  }
}

absl::StatusOr<Revision> EventStoreImpl::StreamRevision(absl::string_view stream) const {
  CRM_RETURN_IF_ERROR(ValidateStreamName(stream, options_.limits));
  // Usually the head is committed and known without reading the event. A
  // head whose event is not committed yet falls through to the backward
  // read, which skips it.
  CRM_ASSIGN_OR_RETURN(std::optional<Revision> head, CommittedHead(stream, CommittedPosition()));
  if (head) return *head;
  CRM_ASSIGN_OR_RETURN(auto last, ReadStream(stream, kEndRevision, Direction::kBackward, 1));
  if (last.empty()) return NoEvents(stream);
  return last.front().revision;
}

}  // namespace crm::engine
