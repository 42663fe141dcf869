// EventStore: an append-only log of events in named streams, on RocksDB.
//
// Semantics mirror KurrentDB / EventStoreDB:
//  * Append writes the events of one call, to one or several streams, all or
//    nothing, each stream checked against its own ExpectedRevision. A
//    mismatch writes nothing and returns ABORTED naming the actual revision.
//  * Re-appending events whose ids are already stored at the same place
//    returns the original result and writes nothing (idempotent retries).
//  * Every event gets a dense 0-based global position in commit order, and a
//    dense 0-based revision in its stream.
//  * Readers and subscribers see only committed (durable, when sync is on)
//    events: no reader ever observes a position whose batch might be lost.
//
// Durability: with StoreOptions::sync_writes (the default) an append is
// acknowledged only after its RocksDB write-ahead log is fsynced, so it
// survives kill -9 and power loss. Appends from all threads are group-committed:
// one writer thread batches them into one WriteBatch, while a second thread
// fsyncs the previous batch.
//
// Thread-safety: all methods may be called concurrently from any thread.
// REQUIRES: every Subscription is destroyed before the EventStore.
#ifndef CRM_ENGINE_STORE_EVENT_STORE_H_
#define CRM_ENGINE_STORE_EVENT_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/store/store_options.h"
#include "engine/store/subscription.h"
#include "engine/store/types.h"

namespace crm::engine {

// Counters since Open, for benchmarks and metrics.
struct StoreStats {
  uint64_t appends_committed = 0;  // append calls that wrote events
  uint64_t events_committed = 0;
  uint64_t write_batches = 0;  // RocksDB writes issued by the writer
  uint64_t wal_syncs = 0;      // fsyncs of the write-ahead log
};

class EventStore {
 public:
  using AppendCallback = std::function<void(absl::StatusOr<AppendResult>)>;

  // Opens (creating if needed) the store in options.path. Reopening recovers
  // every committed event, the next global position and every stream's last
  // revision. Returns FailedPrecondition if the folder holds another format
  // version, and the RocksDB error (e.g. the folder is locked) otherwise.
  static absl::StatusOr<std::unique_ptr<EventStore>> Open(const StoreOptions& options);

  virtual ~EventStore() = default;

  // Appends atomically to one or more streams. Blocks until the events are
  // committed (and fsynced, with sync_writes).
  // Errors: InvalidArgument (bad name, type, id or size, with the field named;
  // a stream listed twice; an event id repeated in the call), Aborted (an
  // expected revision does not hold; the message gives the actual revision),
  // AlreadyExists (an event id is stored at another place, or only some of the
  // ids are stored), Unavailable (the store is closing), Internal (a write or
  // fsync failed: the store then refuses every append until reopened).
  virtual absl::StatusOr<AppendResult> Append(std::vector<StreamAppend> request) = 0;

  // As Append, but returns at once and calls `done` exactly once, from a store
  // thread, when the outcome is known. `done` must be quick and must not
  // call back into Append synchronously waiting for a result.
  virtual void AppendAsync(std::vector<StreamAppend> request, AppendCallback done) = 0;

  // Reads up to `limit` events of `stream` starting at revision `from`
  // (inclusive), forwards or backwards. kEndRevision as `from` with kBackward
  // starts at the last event. Returns NotFound if the stream has no event, and
  // an empty vector when `from` is past the end in the read's direction.
  virtual absl::StatusOr<std::vector<RecordedEvent>> ReadStream(absl::string_view stream,
                                                                Revision from, Direction direction,
                                                                size_t limit) const = 0;

  // Reads up to `limit` events of the global log from position `from`
  // (inclusive); kEndPosition with kBackward starts at the last event.
  virtual absl::StatusOr<std::vector<RecordedEvent>> ReadAll(Position from, Direction direction,
                                                             size_t limit) const = 0;

  // Reads, in global order, up to `limit` events of the streams in `category`
  // (the part of a stream name before its first '-'; a name without '-'
  // belongs to no category), starting at global position `from` (inclusive).
  // Served from a category index, not a scan of the log.
  virtual absl::StatusOr<std::vector<RecordedEvent>> ReadCategory(absl::string_view category,
                                                                  Position from,
                                                                  Direction direction,
                                                                  size_t limit) const = 0;

  // The last committed revision of `stream`, or NotFound if it has no event.
  virtual absl::StatusOr<Revision> StreamRevision(absl::string_view stream) const = 0;

  // The global position of the committed event with this id, or
  // kNoPosition if none is committed (one point read: an index, not a scan).
  // For callers that derive event ids from a request id and must recognise
  // a retry long after it was first written.
  virtual absl::StatusOr<Position> FindEvent(const EventId& id) const = 0;

  // The number of committed events, i.e. the next global position. Every
  // position below it is readable.
  virtual Position CommittedPosition() const = 0;

  // Blocks until CommittedPosition() > `position` or `deadline` passes.
  // Returns true if the position was reached.
  virtual bool WaitForPosition(Position position, absl::Time deadline) const = 0;

  // Starts a catch-up-then-live subscription. See subscription.h.
  // Returns InvalidArgument for a malformed stream name or a start position
  // past the committed end. A stream subscription from a revision that does
  // not exist yet starts live and delivers that revision when it is written.
  virtual absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      const SubscriptionOptions& options) = 0;

  virtual StoreStats Stats() const = 0;
};

}  // namespace crm::engine

#endif  // CRM_ENGINE_STORE_EVENT_STORE_H_
