// Private: the RocksDB-backed EventStore. Callers use event_store.h.
//
// Threads and ownership:
//  * Appenders (any thread) validate and encode their events, then queue a
//    PendingAppend under queue_mu_.
//  * The writer thread takes a group of queued appends, checks each in queue
//    order against the stored stream heads plus an overlay of what earlier
//    appends in the same group wrote, assigns positions, and writes the group
//    as one WriteBatch without sync. It hands the group to the syncer and
//    starts on the next group at once.
//  * The syncer thread fsyncs the WAL once for every group written so far,
//    then publishes the new committed position and completes the appends.
// So the next group is prepared and written while the previous one syncs, and
// followers are woken by the syncer, outside every lock the writer needs.
//
// Gathering: an fsync costs about the same for 10 appends as for 100, so the
// syncer wants every waiting appender in one fsync. Left alone, a pipeline
// settles into two alternating cohorts (one syncing while the other is
// written), each appender waiting for two fsyncs per append. So after
// completing a cohort the syncer waits, bounded by max_commit_delay, until as
// many appends as it just completed (plus those already waiting) are written:
// the cohort it woke has come back, and all ride the next fsync together.
// Off by default (store_options.h says what it measured).
//
// Visibility: committed_ only moves after a group's fsync, in position order,
// and every reader bounds its reads by it, so no reader sees a position that
// could still be lost, and positions have no gaps.
#ifndef CRM_ENGINE_STORE_EVENT_STORE_IMPL_H_
#define CRM_ENGINE_STORE_EVENT_STORE_IMPL_H_

#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "engine/store/event_store.h"
#include "rocksdb/db.h"

namespace crm::engine {

// One append call on its way through the writer and the syncer.
struct PendingAppend {
  std::vector<StreamAppend> request;
  // records[s][e]: the encoded record of request[s].events[e] (record.h),
  // made in the appender's thread; the writer patches revision and time.
  std::vector<std::vector<std::string>> records;
  size_t events = 0;
  size_t bytes = 0;
  EventStore::AppendCallback done;
  absl::StatusOr<AppendResult> result = absl::UnknownError("not decided");
  bool wrote = false;  // the writer put this append's rows in the batch
};

// A group the writer wrote (or failed to write), waiting for the syncer.
struct WrittenGroup {
  std::vector<std::unique_ptr<PendingAppend>> appends;
  Position end_position = 0;  // next position after this group's events
  bool wrote_any = false;
};

class EventStoreImpl final : public EventStore {
 public:
  static absl::StatusOr<std::unique_ptr<EventStore>> OpenImpl(const StoreOptions& options);
  ~EventStoreImpl() override;

  absl::StatusOr<AppendResult> Append(std::vector<StreamAppend> request) override;
  void AppendAsync(std::vector<StreamAppend> request, AppendCallback done) override;
  absl::StatusOr<std::vector<RecordedEvent>> ReadStream(absl::string_view stream, Revision from,
                                                        Direction direction,
                                                        size_t limit) const override;
  absl::StatusOr<std::vector<RecordedEvent>> ReadAll(Position from, Direction direction,
                                                     size_t limit) const override;
  absl::StatusOr<std::vector<RecordedEvent>> ReadCategory(absl::string_view category, Position from,
                                                          Direction direction,
                                                          size_t limit) const override;
  absl::StatusOr<Revision> StreamRevision(absl::string_view stream) const override;
  absl::StatusOr<Position> FindEvent(const EventId& id) const override;
  Position CommittedPosition() const override { return committed_.load(std::memory_order_acquire); }
  bool WaitForPosition(Position position, absl::Time deadline) const override;
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      const SubscriptionOptions& options) override;
  StoreStats Stats() const override;

  // For subscriptions (same module).
  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* events_cf() const { return events_cf_; }
  rocksdb::ColumnFamilyHandle* stream_index_cf() const { return stream_index_cf_; }
  bool closing() const { return closing_.load(std::memory_order_acquire); }
  // Waits until CommittedPosition() > position, `deadline`, closing, or
  // `*cancelled` turns true; wakes at the latest at `deadline`.
  void WaitForCommitOrCancel(Position position, absl::Time deadline,
                             const std::atomic<bool>* cancelled) const;
  // Wakes every waiter (used by Subscription::Cancel).
  void WakeWaiters() const;

  // Reads the events at `positions` (all below the committed position).
  absl::StatusOr<std::vector<RecordedEvent>> ReadPositions(
      const std::vector<Position>& positions) const;

 private:
  explicit EventStoreImpl(const StoreOptions& options);
  absl::Status OpenDb();

  // The stream's last revision if its event is below `end` (committed for
  // a reader that read `end`): from recent_heads_, else from the stored head
  // and where its event is (two point reads). nullopt: the stored head is
  // not committed yet (the caller scans); NotFound: the stream has no head.
  absl::StatusOr<std::optional<Revision>> CommittedHead(absl::string_view stream,
                                                        Position end) const;

  // The head of `stream` if recent_heads_ knows it and its group is below
  // `end` (committed for a reader that read `end`).
  std::optional<Revision> RecentHead(absl::string_view stream, Position end) const;
  // Records the heads the appends of `groups` wrote (called after their
  // fsync, before they are published).
  void RememberHeads(const std::deque<WrittenGroup>& groups);

  void WriterLoop();
  void SyncerLoop();
  // Decides every append of `group` and writes the accepted ones in one batch.
  void WriteGroup(WrittenGroup* group);
  void Poison(const absl::Status& cause);
  void Publish(Position end);

  const StoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* default_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* events_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* stream_index_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* streams_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* event_ids_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* category_index_cf_ = nullptr;

  std::atomic<Position> committed_{0};
  std::atomic<bool> closing_{false};
  // Set once a write or fsync fails; every later append gets it.
  std::atomic<bool> poisoned_{false};
  absl::Mutex poison_mu_;
  absl::Status poison_status_ ABSL_GUARDED_BY(poison_mu_);

  // Appenders -> writer.
  absl::Mutex queue_mu_;
  std::deque<std::unique_ptr<PendingAppend>> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool writer_stop_ ABSL_GUARDED_BY(queue_mu_) = false;

  // Writer -> syncer.
  absl::Mutex sync_mu_;
  std::deque<WrittenGroup> written_ ABSL_GUARDED_BY(sync_mu_);
  size_t written_appends_ ABSL_GUARDED_BY(sync_mu_) = 0;  // appends in written_
  bool syncer_stop_ ABSL_GUARDED_BY(sync_mu_) = false;

  // Owned by the writer thread only.
  Position writer_next_position_ = 0;

  // The heads of recently written streams, so that the command handler's
  // "anything new since my cached revision?" costs a hash lookup, not two
  // point reads in a busy memtable (~5% of crmd's CPU under the mixed load).
  // The syncer updates it after a group's fsync and before publishing the
  // group, so a reader that has read committed position `end` finds every
  // head committed below `end` here, or nothing (never an older head). An
  // entry counts only once its whole group is below the reader's `end`.
  // Bounded: cleared when full (a miss just reads the database).
  struct RecentHeadEntry {
    Revision revision;
    Position group_end;
  };
  static constexpr size_t kRecentHeads = 1 << 16;
  mutable absl::Mutex heads_mu_;
  absl::flat_hash_map<std::string, RecentHeadEntry> recent_heads_ ABSL_GUARDED_BY(heads_mu_);

  // Committed-position waiters (WaitForPosition, subscriptions).
  mutable absl::Mutex commit_mu_;
  mutable absl::CondVar commit_cv_;

  std::atomic<uint64_t> stat_appends_{0};
  std::atomic<uint64_t> stat_events_{0};
  std::atomic<uint64_t> stat_batches_{0};
  std::atomic<uint64_t> stat_syncs_{0};

  std::thread writer_;
  std::thread syncer_;
};

}  // namespace crm::engine

#endif  // CRM_ENGINE_STORE_EVENT_STORE_IMPL_H_
