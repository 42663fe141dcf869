#include "projections/projection_runner.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <optional>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "engine/status_macros.h"
#include "engine/store/rocks_thread.h"
#include "projections/view_keys.h"
#include "projections/view_row_cache.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace crm::projections {
namespace {

using engine::Position;
using engine::RecordedEvent;

rocksdb::Slice S(absl::string_view s) { return {s.data(), s.size()}; }
absl::string_view V(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsCorruption()) return absl::DataLossError(absl::StrCat(what, ": ", s.ToString()));
  if (s.IsIOError() && absl::StrContains(s.ToString(), "lock")) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, ": ", s.ToString(), " (is another process using this folder?)"));
  }
  return absl::InternalError(absl::StrCat(what, ": ", s.ToString()));
}

std::string U64(uint64_t v) {
  std::string s;
  view_keys::PutU64BE(&s, v);
  return s;
}

std::string GenMeta(uint32_t gen, uint32_t version) {
  std::string s;
  view_keys::PutU32BE(&s, gen);
  view_keys::PutU32BE(&s, version);
  return s;
}

// One generation of one projection's view.
struct Instance {
  uint32_t generation = 0;
  uint32_t version = 0;
  Position checkpoint = 0;
  std::string prefix;  // view_keys::RowPrefix
  absl::Status error;
  Position error_position = 0;
};

struct Slot {
  std::unique_ptr<Projection> projection;
  std::string name;
  std::vector<std::string> types;
  Instance active;
  std::optional<Instance> shadow;
  uint32_t next_generation = 1;
};

// What readers may see of a slot; copied from the runner's state under mu_.
struct Published {
  uint32_t generation = 0;
  uint32_t version = 0;
  Position checkpoint = 0;
  bool rebuilding = false;
  Position rebuild_checkpoint = 0;
  absl::Status error;
};

struct Request {
  enum class Kind { kRebuild, kVerify };
  Kind kind;
  size_t slot;
  absl::StatusOr<VerifyReport> report = absl::UnknownError("not run");
  absl::Status status;
  absl::Notification done;
};

bool Wants(const Slot& slot, const RecordedEvent& e) {
  if (slot.types.empty()) return true;
  for (const std::string& t : slot.types) {
    if (absl::StartsWith(e.type, t)) return true;
  }
  return false;
}

// Adds one projection's rows of a batch to `out` under the generation's
// `prefix`, in key order (the memtable inserts a sorted run more cheaply).
// The overlay already holds only the last write of each key: a batch of 2048
// events rewrites a busy row (a customer's, a rep's day) once per event, and
// writing only that cuts the views' memtable work by the rewrite factor.
// The rows' values are moved to `recorded` (full keys), for the row cache,
// unless it is null.
rocksdb::Status AddRows(RowOverlay& rows, absl::string_view prefix, rocksdb::ColumnFamilyHandle* cf,
                        rocksdb::WriteBatch* out, std::vector<ViewRowCache::Row>* recorded) {
  std::vector<RowOverlay::value_type*> sorted;
  sorted.reserve(rows.size());
  for (auto& row : rows) sorted.push_back(&row);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  std::string key;
  for (auto* row : sorted) {
    key.assign(prefix.data(), prefix.size());
    key.append(row->first);
    rocksdb::Status s =
        row->second.has_value() ? out->Put(cf, S(key), S(*row->second)) : out->Delete(cf, S(key));
    if (!s.ok()) return s;
    if (recorded != nullptr) recorded->emplace_back(key, std::move(row->second));
  }
  return rocksdb::Status::OK();
}

// Batches with more rows than this are not recorded in the row cache (see
// RunBatch).
constexpr size_t kMaxRecordedRows = 1024;

class RunnerImpl final : public ProjectionRunner {
 public:
  RunnerImpl(engine::EventStore* store, const RunnerOptions& options)
      : store_(store), options_(options), recent_rows_(options.recent_row_bytes) {}

  ~RunnerImpl() override {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    {
      absl::MutexLock l(&requests_mu_);
      for (Request* r : requests_) {
        r->status = absl::UnavailableError("the projection runner is stopping");
        r->report = r->status;
        r->done.Notify();
      }
      requests_.clear();
    }
    if (db_ != nullptr) {
      for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
      db_->Close();
    }
  }

  absl::Status Init(std::vector<std::unique_ptr<Projection>> projections) {
    rocksdb::DBOptions db_opts;
    db_opts.create_if_missing = true;
    db_opts.create_missing_column_families = true;
    db_opts.max_background_jobs = 2;
    if (options_.env != nullptr) db_opts.env = options_.env;
    rocksdb::ColumnFamilyOptions cf;
    cf.compression = rocksdb::kLZ4Compression;
    // Applying an event is mostly point reads of rows that may not exist yet
    // (a new customer's, a new day's): bloom filters answer those misses
    // without reading a block, and a larger cache keeps the hot rows.
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = rocksdb::NewLRUCache(options_.block_cache_bytes);
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    cf.memtable_prefix_bloom_size_ratio = 0.05;
    cf.memtable_whole_key_filtering = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
        {view_keys::kViewsCf, cf}};
    rocksdb::DB* raw = nullptr;
    CRM_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(db_opts, options_.path, cfs, &handles_, &raw),
                                  absl::StrCat("opening the views database at ", options_.path)));
    db_.reset(raw);
    cf_ = handles_[1];

    absl::flat_hash_set<std::string> names;
    for (auto& p : projections) {
      Slot slot;
      slot.name = p->name();
      CRM_RETURN_IF_ERROR(view_keys::ValidateProjectionName(slot.name));
      if (!names.insert(slot.name).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("two projections are named \"", slot.name, "\""));
      }
      slot.types = p->event_types();
      slot.projection = std::move(p);
      CRM_RETURN_IF_ERROR(Recover(slot));
      slots_.push_back(std::move(slot));
    }
    {
      absl::MutexLock l(&mu_);
      published_.resize(slots_.size());
      for (size_t i = 0; i < slots_.size(); ++i) PublishLocked(i);
    }
    thread_ = std::thread([this] {
      engine::StopRocksPerfCounting();
      Loop();
    });
    return absl::OkStatus();
  }

  absl::Status WaitFor(absl::string_view name, Position position,
                       absl::Time deadline) const override {
    CRM_ASSIGN_OR_RETURN(size_t i, Find(name));
    absl::MutexLock l(&mu_);
    while (true) {
      const Published& p = published_[i];
      if (p.checkpoint > position) return absl::OkStatus();
      if (!p.error.ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat("projection \"", name, "\" is stopped: ", p.error.message()));
      }
      if (cv_.WaitWithDeadline(&mu_, deadline) && absl::Now() >= deadline) {
        return absl::DeadlineExceededError(
            absl::StrCat("projection \"", name, "\" has applied events up to position ",
                         published_[i].checkpoint, " but not yet ", position));
      }
    }
  }

  absl::StatusOr<std::unique_ptr<ViewReader>> Reader(absl::string_view name) const override {
    CRM_ASSIGN_OR_RETURN(size_t i, Find(name));
    absl::MutexLock l(&mu_);
    const Published& p = published_[i];
    return std::make_unique<ViewReader>(db_.get(), cf_,
                                        view_keys::RowPrefix(slots_[i].name, p.generation),
                                        p.checkpoint, &recent_rows_);
  }

  absl::StatusOr<ProjectionStatus> Status(absl::string_view name) const override {
    CRM_ASSIGN_OR_RETURN(size_t i, Find(name));
    return StatusOf(i);
  }

  std::vector<ProjectionStatus> Statuses() const override {
    std::vector<ProjectionStatus> out;
    for (size_t i = 0; i < slots_.size(); ++i) out.push_back(StatusOf(i));
    return out;
  }

  absl::Status Rebuild(absl::string_view name) override {
    CRM_ASSIGN_OR_RETURN(size_t i, Find(name));
    auto r = std::make_unique<Request>();
    r->kind = Request::Kind::kRebuild;
    r->slot = i;
    Submit(r.get());
    r->done.WaitForNotification();
    return r->status;
  }

  absl::StatusOr<VerifyReport> Verify(absl::string_view name) override {
    CRM_ASSIGN_OR_RETURN(size_t i, Find(name));
    auto r = std::make_unique<Request>();
    r->kind = Request::Kind::kVerify;
    r->slot = i;
    Submit(r.get());
    r->done.WaitForNotification();
    return std::move(r->report);
  }

  absl::Status TamperForTest(absl::string_view name, absl::string_view key,
                             absl::string_view value) override {
    CRM_ASSIGN_OR_RETURN(size_t i, Find(name));
    uint32_t gen;
    {
      absl::MutexLock l(&mu_);
      gen = published_[i].generation;
    }
    rocksdb::WriteBatch b;
    CRM_RETURN_IF_ERROR(FromRocks(
        b.Put(cf_, S(absl::StrCat(view_keys::RowPrefix(slots_[i].name, gen), key)), S(value)),
        "tampering"));
    return FromRocks(WriteViews(&b, nullptr), "tampering");
  }

 private:
  absl::StatusOr<size_t> Find(absl::string_view name) const {
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].name == name) return i;
    }
    return absl::NotFoundError(absl::StrCat("no projection is named \"", name, "\""));
  }

  ProjectionStatus StatusOf(size_t i) const {
    ProjectionStatus s;
    s.name = slots_[i].name;
    {
      absl::MutexLock l(&mu_);
      const Published& p = published_[i];
      s.version = p.version;
      s.checkpoint = p.checkpoint;
      s.rebuilding = p.rebuilding;
      s.rebuild_checkpoint = p.rebuild_checkpoint;
      s.error = p.error;
    }
    s.committed = store_->CommittedPosition();
    s.lag_events = s.committed > s.checkpoint ? s.committed - s.checkpoint : 0;
    if (s.lag_events > 0) {
      auto next = store_->ReadAll(s.checkpoint, engine::Direction::kForward, 1);
      if (next.ok() && !next->empty()) {
        s.lag_time = std::max(absl::ZeroDuration(),
                              absl::Now() - absl::FromUnixMicros(next->front().recorded_us));
      }
    }
    return s;
  }

  // Every write to the views database goes through here, so that the row
  // cache's invariant (view_row_cache.h) holds: writes are serialized, and
  // each is either recorded (`recorded`: every row the batch writes, full
  // keys; the metadata keys beside them are never read through the cache)
  // or, for range deletions, metadata-only writes and any write not from
  // the runner thread, invalidates the cache before the next write. The
  // sequence number read right after the write under the lock is the batch's
  // last one, as nothing else writes meanwhile. A failed write may still
  // have changed the database (RocksDB does not promise otherwise), so it
  // invalidates too.
  rocksdb::Status WriteViews(rocksdb::WriteBatch* b, std::vector<ViewRowCache::Row>* recorded) {
    absl::MutexLock l(&write_mu_);
    rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), b);
    const uint64_t seq = db_->GetLatestSequenceNumber();
    if (s.ok() && recorded != nullptr) {
      recent_rows_.Record(std::move(*recorded), seq);
    } else {
      recent_rows_.Invalidate(seq);
    }
    return s;
  }

  void Submit(Request* r) {
    absl::MutexLock l(&requests_mu_);
    requests_.push_back(r);
  }

  // --- Recovery -----------------------------------------------------------

  absl::StatusOr<std::optional<std::string>> GetRaw(const std::string& key) {
    std::string v;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_, S(key), &v);
    if (s.IsNotFound()) return std::nullopt;
    CRM_RETURN_IF_ERROR(FromRocks(s, "reading view metadata"));
    return v;
  }

  absl::StatusOr<Instance> LoadInstance(const Slot& slot, absl::string_view meta) {
    if (meta.size() != 8) return absl::DataLossError("malformed view generation metadata");
    Instance in;
    in.generation = view_keys::GetU32BE(meta);
    in.version = view_keys::GetU32BE(meta.substr(4));
    in.prefix = view_keys::RowPrefix(slot.name, in.generation);
    CRM_ASSIGN_OR_RETURN(auto cp, GetRaw(view_keys::CheckpointKey(slot.name, in.generation)));
    in.checkpoint = cp && cp->size() == 8 ? view_keys::GetU64BE(*cp) : 0;
    return in;
  }

  Instance NewInstance(Slot& slot, rocksdb::WriteBatch* b) {
    Instance in;
    in.generation = slot.next_generation++;
    in.version = slot.projection->version();
    in.prefix = view_keys::RowPrefix(slot.name, in.generation);
    std::string next;
    view_keys::PutU32BE(&next, slot.next_generation);
    b->Put(cf_, S(view_keys::NextGenerationKey(slot.name)), S(next));
    b->Put(cf_, S(view_keys::CheckpointKey(slot.name, in.generation)), S(U64(0)));
    return in;
  }

  void DropGeneration(const Slot& slot, uint32_t gen, rocksdb::WriteBatch* b) {
    const std::string prefix = view_keys::RowPrefix(slot.name, gen);
    b->DeleteRange(cf_, S(prefix), S(view_keys::PrefixEnd(prefix)));
    b->Delete(cf_, S(view_keys::CheckpointKey(slot.name, gen)));
  }

  absl::Status Recover(Slot& slot) {
    CRM_ASSIGN_OR_RETURN(auto next, GetRaw(view_keys::NextGenerationKey(slot.name)));
    if (next && next->size() == 4) slot.next_generation = view_keys::GetU32BE(*next);
    rocksdb::WriteBatch b;
    CRM_ASSIGN_OR_RETURN(auto active, GetRaw(view_keys::ActiveKey(slot.name)));
    if (active) {
      CRM_ASSIGN_OR_RETURN(slot.active, LoadInstance(slot, *active));
    } else {
      slot.active = NewInstance(slot, &b);
      b.Put(cf_, S(view_keys::ActiveKey(slot.name)),
            S(GenMeta(slot.active.generation, slot.active.version)));
    }
    CRM_ASSIGN_OR_RETURN(auto shadow, GetRaw(view_keys::ShadowKey(slot.name)));
    if (shadow) {
      CRM_ASSIGN_OR_RETURN(Instance s, LoadInstance(slot, *shadow));
      if (s.version == slot.projection->version()) slot.shadow = std::move(s);
    }
    if (slot.active.version != slot.projection->version() && !slot.shadow) StartShadow(slot, &b);
    // Any other generation (a rebuild of an older version, a verify cut short
    // by a crash) is garbage.
    const std::string cp_prefix = view_keys::CheckpointPrefix(slot.name);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_));
    for (it->Seek(S(cp_prefix)); it->Valid() && absl::StartsWith(V(it->key()), cp_prefix);
         it->Next()) {
      const uint32_t gen = view_keys::GetU32BE(V(it->key()).substr(cp_prefix.size()));
      if (gen != slot.active.generation && (!slot.shadow || gen != slot.shadow->generation)) {
        DropGeneration(slot, gen, &b);
      }
    }
    CRM_RETURN_IF_ERROR(FromRocks(it->status(), "listing view generations"));
    return FromRocks(WriteViews(&b, nullptr), "recovering views");
  }

  void StartShadow(Slot& slot, rocksdb::WriteBatch* b) {
    if (slot.shadow) DropGeneration(slot, slot.shadow->generation, b);
    slot.shadow = NewInstance(slot, b);
    b->Put(cf_, S(view_keys::ShadowKey(slot.name)),
           S(GenMeta(slot.shadow->generation, slot.shadow->version)));
  }

  // --- The runner thread --------------------------------------------------

  void PublishLocked(size_t i) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const Slot& s = slots_[i];
    Published& p = published_[i];
    p.generation = s.active.generation;
    p.version = s.active.version;
    p.checkpoint = s.active.checkpoint;
    p.error = s.active.error;
    p.rebuilding = s.shadow.has_value();
    p.rebuild_checkpoint = s.shadow ? s.shadow->checkpoint : 0;
  }

  void PublishAll() {
    absl::MutexLock l(&mu_);
    for (size_t i = 0; i < slots_.size(); ++i) PublishLocked(i);
    cv_.SignalAll();
  }

  void Loop() {
    while (!stop_.load()) {
      HandleRequests();
      std::vector<std::pair<size_t, Instance*>> all;
      for (size_t i = 0; i < slots_.size(); ++i) {
        if (slots_[i].active.error.ok()) all.emplace_back(i, &slots_[i].active);
        if (slots_[i].shadow && slots_[i].shadow->error.ok()) {
          all.emplace_back(i, &*slots_[i].shadow);
        }
      }
      Position frontier = 0;
      for (auto& [i, in] : all) frontier = std::max(frontier, in->checkpoint);
      std::vector<std::pair<size_t, Instance*>> behind, live;
      for (auto& e : all) {
        (e.second->checkpoint + options_.batch_events < frontier ? behind : live).push_back(e);
      }
      bool progressed = false;
      if (!behind.empty()) progressed |= RunBatch(behind, engine::kEndPosition);
      if (!live.empty()) progressed |= RunBatch(live, engine::kEndPosition);
      SwitchCaughtUpShadows();
      if (!progressed) {
        Position wait_for = engine::kEndPosition;
        for (auto& [i, in] : live) wait_for = std::min(wait_for, in->checkpoint);
        // Commits wake this at once; the timeout only bounds how long a stop
        // or a request waits while the log is idle.
        if (wait_for == engine::kEndPosition) {
          absl::SleepFor(absl::Milliseconds(20));
        } else {
          store_->WaitForPosition(wait_for, absl::Now() + absl::Milliseconds(50));
        }
      }
    }
  }

  // Applies the next batch of the log to `group` (each from its own
  // checkpoint, never past `limit`), committing rows and checkpoints at once.
  bool RunBatch(const std::vector<std::pair<size_t, Instance*>>& group, Position limit) {
    Position from = engine::kEndPosition;
    for (const auto& [i, in] : group) from = std::min(from, in->checkpoint);
    const Position end = std::min(store_->CommittedPosition(), limit);
    if (from >= end) return false;
    auto events = store_->ReadAll(from, engine::Direction::kForward,
                                  std::min<Position>(options_.batch_events, end - from));
    if (absl::IsDataLoss(events.status())) {
      // Somewhere in this batch is a corrupt event: go one event at a time,
      // so the views apply everything before it and stop exactly there.
      events = store_->ReadAll(from, engine::Direction::kForward, 1);
    }
    if (!events.ok()) {
      // A corrupt log does not heal: the views that need this event stop
      // here and say why, as when Apply fails. Anything else (the store
      // closing, an I/O hiccup) is tried again on the next pass.
      if (absl::IsDataLoss(events.status())) {
        for (auto& [i, in] : group) {
          if (in->checkpoint != from) continue;
          in->error = absl::DataLossError(
              absl::StrCat("reading the log at position ", from, ": ", events.status().message()));
          in->error_position = from;
        }
        PublishAll();
      }
      return false;
    }
    if (events->empty()) return false;

    std::vector<RowOverlay> rows(group.size());
    rocksdb::WriteBatch final_rows;
    std::vector<Position> next_checkpoint(group.size());
    for (size_t g = 0; g < group.size(); ++g) {
      auto& [i, in] = group[g];
      Slot& slot = slots_[i];
      ViewWriter writer(db_.get(), cf_, &rows[g], in->prefix, &recent_rows_);
      // Applies the batch's events below `stop`; returns the position of the
      // first that failed (kEndPosition if none) and its error.
      auto apply_below = [&](Position stop, absl::Status& st) {
        for (const RecordedEvent& e : *events) {
          if (e.position >= stop) break;
          if (e.position < in->checkpoint || !Wants(slot, e)) continue;
          st = slot.projection->Apply(e, writer);
          if (!st.ok()) return e.position;
        }
        return engine::kEndPosition;
      };
      absl::Status st;
      const Position failed_at = apply_below(engine::kEndPosition, st);
      if (!st.ok()) {
        // Keep what the events before the bad one did (Apply is
        // deterministic, so applying them again gives the same rows), so the
        // projection stops exactly at the bad event.
        rows[g].clear();
        absl::Status again;
        apply_below(failed_at, again);
        if (!again.ok()) rows[g].clear();  // not deterministic: apply nothing
        in->error = absl::Status(st.code(), absl::StrCat("applying the event at position ",
                                                         failed_at, ": ", st.message()));
        in->error_position = failed_at;
        next_checkpoint[g] = again.ok() ? failed_at : in->checkpoint;
      } else {
        next_checkpoint[g] = std::max(in->checkpoint, events->back().position + 1);
      }
    }
    // Views are rebuilt from the durable log, so they need no fsync.
    rocksdb::Status s;
    // A big batch means the runner is catching up (a rebuild, a backlog):
    // copying its rows into the cache cost ~7% of a balances rebuild, and
    // they would mostly push out the rows live queries read. Such a batch
    // invalidates the cache instead; live batches (tens of rows) fill it.
    size_t row_count = 0;
    for (const RowOverlay& r : rows) row_count += r.size();
    std::vector<ViewRowCache::Row> recorded;
    const bool record = row_count <= kMaxRecordedRows;
    for (size_t g = 0; g < group.size() && s.ok(); ++g) {
      s = AddRows(rows[g], group[g].second->prefix, cf_, &final_rows, record ? &recorded : nullptr);
      if (s.ok()) {
        const Slot& slot = slots_[group[g].first];
        s = final_rows.Put(cf_, S(view_keys::CheckpointKey(slot.name, group[g].second->generation)),
                           S(U64(next_checkpoint[g])));
      }
    }
    if (s.ok()) s = WriteViews(&final_rows, record ? &recorded : nullptr);
    if (!s.ok()) {
      for (auto& [i, in] : group) in->error = FromRocks(s, "writing views");
    } else {
      for (size_t g = 0; g < group.size(); ++g) group[g].second->checkpoint = next_checkpoint[g];
    }
    PublishAll();
    return true;
  }

  void SwitchCaughtUpShadows() {
    for (size_t i = 0; i < slots_.size(); ++i) {
      Slot& slot = slots_[i];
      if (!slot.shadow || !slot.shadow->error.ok() ||
          slot.shadow->checkpoint < slot.active.checkpoint) {
        continue;
      }
      rocksdb::WriteBatch b;
      b.Put(cf_, S(view_keys::ActiveKey(slot.name)),
            S(GenMeta(slot.shadow->generation, slot.shadow->version)));
      b.Delete(cf_, S(view_keys::ShadowKey(slot.name)));
      DropGeneration(slot, slot.active.generation, &b);
      // Readers take (generation, snapshot) under mu_: hold it across the
      // switch so none pairs the old generation with a snapshot after its
      // deletion.
      absl::MutexLock l(&mu_);
      // Not recorded: the DeleteRange drops rows the cache may hold.
      rocksdb::Status s = WriteViews(&b, nullptr);
      if (!s.ok()) {
        slot.shadow->error = FromRocks(s, "switching to the rebuilt view");
      } else {
        slot.active = std::move(*slot.shadow);
        slot.shadow.reset();
      }
      PublishLocked(i);
      cv_.SignalAll();
    }
  }

  void HandleRequests() {
    std::deque<Request*> todo;
    {
      absl::MutexLock l(&requests_mu_);
      todo.swap(requests_);
    }
    for (Request* r : todo) {
      Slot& slot = slots_[r->slot];
      if (r->kind == Request::Kind::kRebuild) {
        rocksdb::WriteBatch b;
        StartShadow(slot, &b);
        r->status = FromRocks(WriteViews(&b, nullptr), "starting a rebuild");
        PublishAll();
      } else {
        r->report = RunVerify(r->slot);
      }
      r->done.Notify();
    }
  }

  absl::StatusOr<VerifyReport> RunVerify(size_t i) {
    Slot& slot = slots_[i];
    if (!slot.active.error.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("projection \"", slot.name, "\" is stopped: ", slot.active.error.message()));
    }
    rocksdb::WriteBatch start;
    Instance scratch = NewInstance(slot, &start);
    CRM_RETURN_IF_ERROR(FromRocks(WriteViews(&start, nullptr), "starting verify"));
    const Position target = slot.active.checkpoint;
    std::vector<std::pair<size_t, Instance*>> group = {{i, &scratch}};
    while (scratch.checkpoint < target && scratch.error.ok() && !stop_.load()) {
      if (!RunBatch(group, target)) break;
    }
    absl::StatusOr<VerifyReport> report;
    if (!scratch.error.ok()) {
      report = scratch.error;
    } else if (scratch.checkpoint != target) {
      report = absl::UnavailableError("verify was interrupted");
    } else {
      report = Compare(slot.active.prefix, scratch.prefix, target);
    }
    rocksdb::WriteBatch cleanup;
    DropGeneration(slot, scratch.generation, &cleanup);
    absl::Status s = FromRocks(WriteViews(&cleanup, nullptr), "dropping scratch");
    if (!s.ok() && report.ok()) report = s;
    return report;
  }

  // Walks two generations' rows in key order side by side.
  absl::StatusOr<VerifyReport> Compare(const std::string& live, const std::string& rebuilt,
                                       Position position) {
    VerifyReport report;
    report.position = position;
    const std::string live_end = view_keys::PrefixEnd(live);
    const std::string rebuilt_end = view_keys::PrefixEnd(rebuilt);
    rocksdb::Slice live_upper(live_end), rebuilt_upper(rebuilt_end);
    rocksdb::ReadOptions ro_a, ro_b;
    ro_a.iterate_upper_bound = &live_upper;
    ro_b.iterate_upper_bound = &rebuilt_upper;
    std::unique_ptr<rocksdb::Iterator> a(db_->NewIterator(ro_a, cf_));
    std::unique_ptr<rocksdb::Iterator> b(db_->NewIterator(ro_b, cf_));
    a->Seek(S(live));
    b->Seek(S(rebuilt));
    auto note = [&](std::string d) {
      if (report.differences.size() < 100) report.differences.push_back(std::move(d));
    };
    while (a->Valid() || b->Valid()) {
      absl::string_view ka = a->Valid() ? V(a->key()).substr(live.size()) : absl::string_view();
      absl::string_view kb = b->Valid() ? V(b->key()).substr(rebuilt.size()) : absl::string_view();
      ++report.rows_compared;
      if (a->Valid() && (!b->Valid() || ka < kb)) {
        note(absl::StrCat("row \"", absl::CEscape(ka), "\" is in the live view only"));
        a->Next();
      } else if (b->Valid() && (!a->Valid() || kb < ka)) {
        note(absl::StrCat("row \"", absl::CEscape(kb), "\" is missing from the live view"));
        b->Next();
      } else {
        if (a->value() != b->value()) {
          note(absl::StrCat("row \"", absl::CEscape(ka), "\" differs: live \"",
                            absl::CEscape(V(a->value())), "\", rebuilt \"",
                            absl::CEscape(V(b->value())), "\""));
        }
        a->Next();
        b->Next();
      }
    }
    CRM_RETURN_IF_ERROR(FromRocks(a->status(), "verifying"));
    CRM_RETURN_IF_ERROR(FromRocks(b->status(), "verifying"));
    return report;
  }

  engine::EventStore* const store_;
  const RunnerOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* cf_ = nullptr;

  // Owned by the runner thread after Init.
  std::vector<Slot> slots_;

  mutable absl::Mutex mu_;
  mutable absl::CondVar cv_;
  std::vector<Published> published_ ABSL_GUARDED_BY(mu_);

  absl::Mutex requests_mu_;
  std::deque<Request*> requests_ ABSL_GUARDED_BY(requests_mu_);

  // Serializes writes to the views database with their recording in
  // recent_rows_ (WriteViews).
  absl::Mutex write_mu_;
  ViewRowCache recent_rows_;

  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ProjectionRunner>> ProjectionRunner::Open(
    engine::EventStore* store, std::vector<std::unique_ptr<Projection>> projections,
    const RunnerOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("views path is empty");
  auto runner = std::make_unique<RunnerImpl>(store, options);
  CRM_RETURN_IF_ERROR(runner->Init(std::move(projections)));
  return std::unique_ptr<ProjectionRunner>(std::move(runner));
}

}  // namespace crm::projections
