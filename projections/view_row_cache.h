// ViewRowCache: the latest value (or deletion) of view rows the projection
// runner wrote recently, so queries and the runner itself need not look them
// up in RocksDB again (a big memtable's skiplist costs a cache miss per level
// per key, the largest cost of reading a page of rows).
//
// Keys are full views-database keys (the generation's row prefix + the
// projection's key). Each entry carries the sequence number s of the write
// batch that wrote it, and each shard a watermark W.
//
// The invariant, kept by the runner (the only writer of the views database;
// every write goes through it under one lock, then Record or Invalidate):
//   (I) for every entry (k, v, s) of a shard: the write at s set k to v, and
//       no write to k has a sequence number in (s, W].
// Record(rows, B) puts every row of the batch that ended at B with s = B and
// then sets W = B, together under the shard's lock: rows of the batch now
// have no later write up to B, and an entry of another key (no write in this
// batch) had none in (s, W_old] and none in (W_old, B] either, because every
// write in (W_old, B] is this batch's (writes are serialized and each is
// Recorded or Invalidated before the next). Invalidate(T), after a write at
// T that is not recorded, empties the shard first, so (I) holds vacuously.
//
// A read at snapshot S may use an entry iff S <= W and s <= S (both read
// under the shard's lock): the snapshot sees the write at s (s <= S), and no
// later write to k up to S (none in (s, W] ⊇ (s, S]), so v is exactly what
// RocksDB would return at S. A batch is atomic for snapshots (no S lies
// inside one), so tagging every row with the batch's last sequence number is
// exact. If S > W (the runner has written but not yet recorded, or has
// invalidated since), the entry may be stale, and the read goes to RocksDB.
//
// Bounded in bytes, since rows differ a lot in size (a pipeline index entry
// is a key, a customer row with its contacts a few KB): each shard keeps two
// generations of at most max_bytes / (2 * shards) bytes (EntryBytes of its
// entries); when the current one is full it becomes the previous one and the
// old previous one is dropped (a cheap approximation of LRU: rows written
// again stay in the current generation). A key dropped is just a miss.
//
// Thread-safety: all methods may be called from any thread; writers
// (Record, Invalidate) must be serialized with the database writes.
#ifndef CRM_PROJECTIONS_VIEW_ROW_CACHE_H_
#define CRM_PROJECTIONS_VIEW_ROW_CACHE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace crm::projections {

class ViewRowCache {
 public:
  // A row of a batch: the full key and its value (nullopt: deleted).
  using Row = std::pair<std::string, std::optional<std::string>>;

  // `max_bytes` == 0 disables the cache (every lookup misses).
  explicit ViewRowCache(size_t max_bytes);
  ViewRowCache(const ViewRowCache&) = delete;
  ViewRowCache& operator=(const ViewRowCache&) = delete;

  // The rows of the write batch whose last sequence number is `seq`, which
  // must be every write since the previous Record or Invalidate.
  void Record(std::vector<Row> rows, uint64_t seq);
  // After a write to the database, ending at `seq`, that was not recorded.
  void Invalidate(uint64_t seq);

  // What RocksDB would return for `full_key` at `snapshot_seq`, if the cache
  // knows: true and `*value` set (nullopt: no row); false if it does not.
  bool Get(absl::string_view full_key, uint64_t snapshot_seq,
           std::optional<std::string>* value) const;

  // What one entry counts against the bound: its key and value and an
  // estimate of the map's and the allocator's overhead.
  static size_t EntryBytes(absl::string_view full_key, const std::optional<std::string>& value);
  // The sum of EntryBytes over the entries held now (never above max_bytes).
  size_t HeldBytes() const;

 private:
  struct Entry {
    uint64_t seq;
    std::optional<std::string> value;
  };
  using Map = absl::flat_hash_map<std::string, Entry>;
  struct Shard {
    mutable absl::Mutex mu;
    uint64_t watermark ABSL_GUARDED_BY(mu) = 0;
    Map current ABSL_GUARDED_BY(mu);
    Map previous ABSL_GUARDED_BY(mu);
    size_t current_bytes ABSL_GUARDED_BY(mu) = 0;
    size_t previous_bytes ABSL_GUARDED_BY(mu) = 0;
  };
  // Readers on many threads look rows up while the runner records a batch
  // (thousands of rows): shards keep them from waiting for all of it.
  static constexpr size_t kShards = 16;

  size_t ShardOf(absl::string_view full_key) const;

  const size_t generation_bytes_;  // per shard
  std::array<Shard, kShards> shards_;
};

}  // namespace crm::projections

#endif  // CRM_PROJECTIONS_VIEW_ROW_CACHE_H_
