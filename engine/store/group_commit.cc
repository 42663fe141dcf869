// The append path: validation and encoding in the caller's thread, then group
// commit by the writer and syncer threads (see event_store_impl.h).
#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "engine/store/event_store_impl.h"
#include "engine/store/keyspace.h"
#include "engine/store/record.h"
#include "engine/store/rocks_glue.h"
#include "engine/store/validation.h"
#include "rocksdb/write_batch.h"

namespace crm::engine {
namespace {

std::string RevisionText(Revision r) {
  return r == kNoRevision ? std::string("none (the stream does not exist)") : absl::StrCat(r);
}

bool ExpectedHolds(const ExpectedRevision& expected, Revision head) {
  switch (expected.kind()) {
    case ExpectedRevision::Kind::kAny:
      return true;
    case ExpectedRevision::Kind::kNoStream:
      return head == kNoRevision;
    case ExpectedRevision::Kind::kStreamExists:
      return head != kNoRevision;
    case ExpectedRevision::Kind::kExact:
      return head == expected.revision();
  }
  return false;
}

// Where an already-stored event id lives.
struct IdPlace {
  std::string stream;
  Revision revision = 0;
  Position position = 0;
};

// The writer's view of one group: committed state prefetched from RocksDB plus
// the overlay of what earlier appends in this group wrote.
struct GroupState {
  absl::flat_hash_map<std::string, Revision> heads;
  absl::flat_hash_map<EventId, IdPlace> ids;  // stored before, or written in this group
};

}  // namespace

void EventStoreImpl::AppendAsync(std::vector<StreamAppend> request, AppendCallback done) {
  if (closing()) {
    done(absl::UnavailableError("the event store is closing"));
    return;
  }
  if (absl::Status s = ValidateAppend(request, options_.limits); !s.ok()) {
    done(std::move(s));
    return;
  }
  if (poisoned_.load(std::memory_order_acquire)) {
    absl::MutexLock l(&poison_mu_);
    done(poison_status_);
    return;
  }
  // Encode here, in the appender's thread, so the writer's serial path only
  // patches revisions and positions in.
  auto p = std::make_unique<PendingAppend>();
  p->records.resize(request.size());
  for (size_t s = 0; s < request.size(); ++s) {
    p->records[s].reserve(request[s].events.size());
    for (const ProposedEvent& e : request[s].events) {
      p->records[s].push_back(record::EncodeRecord(request[s].stream, e));
      p->bytes += p->records[s].back().size();
      ++p->events;
    }
  }
  p->request = std::move(request);
  p->done = std::move(done);
  {
    absl::MutexLock l(&queue_mu_);
    if (!writer_stop_) {
      queue_.push_back(std::move(p));
      return;
    }
  }
  p->done(absl::UnavailableError("the event store is closing"));
}

absl::StatusOr<AppendResult> EventStoreImpl::Append(std::vector<StreamAppend> request) {
  absl::StatusOr<AppendResult> result;
  // Notification's destructor waits for Notify() to return, so it may live on
  // this stack frame.
  absl::Notification committed;
  AppendAsync(std::move(request), [&](absl::StatusOr<AppendResult> r) {
    result = std::move(r);
    committed.Notify();
  });
  committed.WaitForNotification();
  return result;
}

void EventStoreImpl::WriterLoop() {
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
    return !queue_.empty() || writer_stop_;
  };
  while (true) {
    WrittenGroup group;
    queue_mu_.LockWhen(absl::Condition(&ready));
    if (queue_.empty()) {
      queue_mu_.Unlock();
      return;  // stopping, and every queued append has been handed on
    }
    size_t events = 0, bytes = 0;
    while (!queue_.empty()) {
      const PendingAppend& next = *queue_.front();
      if (!group.appends.empty() && (events + next.events > options_.max_group_events ||
                                     bytes + next.bytes > options_.max_group_bytes)) {
        break;
      }
      events += next.events;
      bytes += next.bytes;
      group.appends.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    queue_mu_.Unlock();

    WriteGroup(&group);
    absl::MutexLock l(&sync_mu_);
    written_appends_ += group.appends.size();
    written_.push_back(std::move(group));
  }
}

// Decides each append of the group in queue order and writes the accepted
// ones in one WriteBatch (not synced: the syncer does that).
void EventStoreImpl::WriteGroup(WrittenGroup* group) {
  group->end_position = writer_next_position_;
  if (poisoned_.load(std::memory_order_acquire)) return;  // the syncer answers them

  // Prefetch the committed heads and ids the group touches in two MultiGets.
  GroupState state;
  std::vector<std::string> stream_keys;
  std::vector<std::string> id_keys;
  for (const auto& p : group->appends) {
    for (const StreamAppend& sa : p->request) {
      if (state.heads.emplace(sa.stream, kNoRevision).second) stream_keys.push_back(sa.stream);
      for (const ProposedEvent& e : sa.events) id_keys.emplace_back(e.id.Bytes());
    }
  }
  auto multi_get = [&](rocksdb::ColumnFamilyHandle* cf, const std::vector<std::string>& keys,
                       std::vector<rocksdb::PinnableSlice>* values) -> absl::Status {
    std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
    std::vector<rocksdb::Status> statuses(keys.size());
    values->resize(keys.size());
    db_->MultiGet(rocksdb::ReadOptions(), cf, keys.size(), slices.data(), values->data(),
                  statuses.data());
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!statuses[i].ok() && !statuses[i].IsNotFound()) {
        return FromRocks(statuses[i], "reading append state");
      }
      if (statuses[i].IsNotFound()) (*values)[i].Reset();
    }
    return absl::OkStatus();
  };
  std::vector<rocksdb::PinnableSlice> head_values, id_values;
  absl::Status read = multi_get(streams_cf_, stream_keys, &head_values);
  if (read.ok()) read = multi_get(event_ids_cf_, id_keys, &id_values);
  if (!read.ok()) {
    Poison(read);
    return;
  }
  for (size_t i = 0; i < stream_keys.size(); ++i) {
    if (head_values[i].size() == 8) {
      state.heads[stream_keys[i]] = keyspace::GetU64BE(View(head_values[i]));
    }
  }
  // Stored ids are rare (retries): look up where each one lives.
  std::vector<Position> stored_positions;
  std::vector<EventId> stored_ids;
  for (size_t i = 0; i < id_keys.size(); ++i) {
    if (id_values[i].size() == 8) {
      stored_positions.push_back(keyspace::GetU64BE(View(id_values[i])));
      stored_ids.push_back(*EventId::FromBytes(id_keys[i]));
    }
  }
  if (!stored_positions.empty()) {
    // These may lie past the committed position (written by an earlier group
    // still syncing), so read them directly rather than through ReadPositions'
    // callers' bounds.
    absl::StatusOr<std::vector<RecordedEvent>> stored = ReadPositions(stored_positions);
    if (!stored.ok()) {
      Poison(stored.status());
      return;
    }
    for (size_t i = 0; i < stored->size(); ++i) {
      const RecordedEvent& e = (*stored)[i];
      state.ids[stored_ids[i]] = IdPlace{e.stream, e.revision, e.position};
    }
  }

  rocksdb::WriteBatch batch;
  Position next = writer_next_position_;
  const int64_t now_us = absl::ToUnixMicros(absl::Now());

  for (auto& pending : group->appends) {
    PendingAppend& p = *pending;
    // Classify each stream entry: all ids new, all already stored at exactly
    // this place (a retry), or a conflict.
    bool any_new = false, any_replay = false;
    absl::Status conflict;
    std::vector<Revision> replay_first(p.request.size(), kNoRevision);
    Position replay_min = kNoPosition, replay_max = 0;
    for (size_t s = 0; s < p.request.size() && conflict.ok(); ++s) {
      const StreamAppend& sa = p.request[s];
      size_t found = 0;
      for (size_t e = 0; e < sa.events.size(); ++e) {
        auto it = state.ids.find(sa.events[e].id);
        if (it == state.ids.end()) continue;
        const IdPlace& place = it->second;
        if (place.stream != sa.stream || (found > 0 && place.revision != replay_first[s] + e) ||
            (found == 0 && e != 0)) {
          conflict = absl::AlreadyExistsError(absl::StrCat(
              "streams[", s, "].events[", e, "].id ", sa.events[e].id.ToString(),
              " is already stored as revision ", place.revision, " of stream \"", place.stream,
              "\" at position ", place.position, ", which does not match this append"));
          break;
        }
        if (found == 0) replay_first[s] = place.revision;
        replay_min = std::min(replay_min, place.position);
        replay_max = std::max(replay_max, place.position);
        ++found;
      }
      if (!conflict.ok()) break;
      if (found == 0 && !sa.events.empty()) any_new = true;
      if (found > 0 && found < sa.events.size()) {
        conflict = absl::AlreadyExistsError(
            absl::StrCat("streams[", s, "]: ", found, " of ", sa.events.size(),
                         " event ids are already stored; a retry must repeat an append exactly"));
      }
      if (found > 0) any_replay = true;
    }
    if (conflict.ok() && any_new && any_replay) {
      conflict = absl::AlreadyExistsError(
          "some streams' events of this append are already stored and others are not; a retry "
          "must repeat an append exactly");
    }
    if (!conflict.ok()) {
      p.result = std::move(conflict);
      continue;
    }

    AppendResult result;
    result.streams.reserve(p.request.size());
    absl::Status mismatch;
    for (size_t s = 0; s < p.request.size() && mismatch.ok(); ++s) {
      const StreamAppend& sa = p.request[s];
      const Revision head = state.heads[sa.stream];
      bool holds;
      if (any_replay && !sa.events.empty()) {
        // The retry must have been valid where the events were written.
        const Revision before = replay_first[s] == 0 ? kNoRevision : replay_first[s] - 1;
        holds = sa.expected.kind() == ExpectedRevision::Kind::kStreamExists
                    ? true
                    : ExpectedHolds(sa.expected, before);
      } else {
        holds = any_replay || ExpectedHolds(sa.expected, head);
      }
      if (!holds) {
        mismatch = absl::AbortedError(absl::StrCat("stream \"", sa.stream, "\": expected revision ",
                                                   sa.expected.ToString(), ", actual revision ",
                                                   RevisionText(head)));
      }
    }
    if (!mismatch.ok()) {
      p.result = std::move(mismatch);
      continue;
    }

    if (any_replay) {
      for (size_t s = 0; s < p.request.size(); ++s) {
        const StreamAppend& sa = p.request[s];
        result.streams.push_back({sa.stream, sa.events.empty()
                                                 ? state.heads[sa.stream]
                                                 : replay_first[s] + sa.events.size() - 1});
      }
      result.first_position = replay_min;
      result.last_position = replay_max;
      result.idempotent_replay = true;
      p.result = std::move(result);
      continue;
    }

    result.first_position = p.events == 0 ? kNoPosition : next;
    for (size_t s = 0; s < p.request.size(); ++s) {
      const StreamAppend& sa = p.request[s];
      Revision& head = state.heads[sa.stream];
      const std::optional<absl::string_view> category = keyspace::CategoryOf(sa.stream);
      for (size_t e = 0; e < sa.events.size(); ++e) {
        const Revision rev = head == kNoRevision ? 0 : head + 1;
        const Position pos = next++;
        std::string& rec = p.records[s][e];
        record::PatchRecord(&rec, rev, now_us);
        const std::string pos_be = keyspace::U64BE(pos);
        batch.Put(events_cf_, pos_be, rec);
        batch.Put(stream_index_cf_, keyspace::StreamIndexKey(sa.stream, rev), pos_be);
        batch.Put(event_ids_cf_, ToSlice(sa.events[e].id.Bytes()), pos_be);
        if (category) {
          batch.Put(category_index_cf_, keyspace::CategoryIndexKey(*category, pos),
                    keyspace::U64BE(rev));
        }
        state.ids[sa.events[e].id] = IdPlace{sa.stream, rev, pos};
        head = rev;
      }
      if (!sa.events.empty()) batch.Put(streams_cf_, sa.stream, keyspace::U64BE(head));
      result.streams.push_back({sa.stream, head});
    }
    result.last_position = p.events == 0 ? kNoPosition : next - 1;
    p.wrote = p.events > 0;
    p.result = std::move(result);
  }

  if (batch.Count() == 0) return;
  rocksdb::WriteOptions wo;
  wo.sync = false;  // the syncer fsyncs the WAL for this and later groups at once
  rocksdb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) {
    Poison(FromRocks(s, "writing a batch of events"));
    return;
  }
  stat_batches_.fetch_add(1, std::memory_order_relaxed);
  group->wrote_any = true;
  writer_next_position_ = next;
  group->end_position = next;
}

void EventStoreImpl::SyncerLoop() {
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sync_mu_) {
    return !written_.empty() || syncer_stop_;
  };
  size_t gather_target = 0;
  absl::Time gather_deadline = absl::InfinitePast();
  auto gathered = [this, &gather_target]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sync_mu_) {
    return written_appends_ >= gather_target || syncer_stop_;
  };
  while (true) {
    std::deque<WrittenGroup> groups;
    sync_mu_.LockWhen(absl::Condition(&ready));
    if (gather_target > 0 && !syncer_stop_) {
      sync_mu_.AwaitWithDeadline(absl::Condition(&gathered), gather_deadline);
    }
    groups.swap(written_);
    written_appends_ = 0;
    const bool stop = syncer_stop_;
    sync_mu_.Unlock();
    if (groups.empty() && stop) return;

    bool wrote = false;
    for (const WrittenGroup& g : groups) wrote |= g.wrote_any;
    if (wrote && !poisoned_.load(std::memory_order_acquire)) {
      rocksdb::Status s = options_.sync_writes ? db_->SyncWAL() : rocksdb::Status::OK();
      if (s.ok()) {
        if (options_.sync_writes) stat_syncs_.fetch_add(1, std::memory_order_relaxed);
        RememberHeads(groups);  // before Publish: see recent_heads_
        Publish(groups.back().end_position);
      } else {
        Poison(FromRocks(s, "syncing the write-ahead log"));
      }
    }
    // Once poisoned, nothing in these groups was published: no success may be
    // reported for them, retries included.
    absl::Status poison;
    if (poisoned_.load(std::memory_order_acquire)) {
      absl::MutexLock l(&poison_mu_);
      poison = poison_status_;
    }
    for (WrittenGroup& g : groups) {
      for (auto& p : g.appends) {
        if (!poison.ok() && p->result.ok()) p->result = poison;
        if (p->wrote && p->result.ok()) {
          stat_appends_.fetch_add(1, std::memory_order_relaxed);
          stat_events_.fetch_add(p->events, std::memory_order_relaxed);
        }
        p->done(std::move(p->result));
      }
    }
    // Gather for the next fsync: everyone just acknowledged, plus everyone
    // already waiting (see "Gathering" in event_store_impl.h).
    gather_target = 0;
    if (options_.sync_writes && wrote && options_.max_commit_delay > absl::ZeroDuration()) {
      for (const WrittenGroup& g : groups) gather_target += g.appends.size();
      absl::MutexLock l(&sync_mu_);
      gather_target += written_appends_;
      gather_deadline = absl::Now() + options_.max_commit_delay;
    }
  }
}

void EventStoreImpl::Poison(const absl::Status& cause) {
  absl::MutexLock l(&poison_mu_);
  if (!poisoned_.load(std::memory_order_relaxed)) {
    poison_status_ = absl::InternalError(
        absl::StrCat("the event store refuses appends after a failed write; reopen it (cause: ",
                     cause.ToString(), ")"));
    poisoned_.store(true, std::memory_order_release);
  }
}

void EventStoreImpl::Publish(Position end) {
  committed_.store(end, std::memory_order_release);
  absl::MutexLock l(&commit_mu_);
  commit_cv_.SignalAll();
}

}  // namespace crm::engine
