#include "projections/view_row_cache.h"

#include <algorithm>

#include "absl/hash/hash.h"

namespace crm::projections {

ViewRowCache::ViewRowCache(size_t max_entries) : generation_entries_(max_entries / (2 * kShards)) {}

size_t ViewRowCache::ShardOf(absl::string_view full_key) const {
  // The high bits: the maps inside a shard use the low ones.
  return (absl::Hash<absl::string_view>()(full_key) >> 40) % kShards;
}

void ViewRowCache::Record(std::vector<Row> rows, uint64_t seq) {
  // Grouped by shard first, so each shard's lock is taken once per batch and
  // held only for its own inserts.
  std::array<std::vector<Row*>, kShards> by_shard;
  if (generation_entries_ > 0) {
    for (Row& row : rows) by_shard[ShardOf(row.first)].push_back(&row);
  }
  for (size_t i = 0; i < kShards; ++i) {
    Shard& shard = shards_[i];
    Map dropped;  // freed after the lock is released
    absl::MutexLock l(&shard.mu);
    for (Row* row : by_shard[i]) {
      auto it = shard.current.find(row->first);
      if (it != shard.current.end()) {
        it->second = Entry{seq, std::move(row->second)};
        continue;
      }
      if (shard.current.size() >= generation_entries_) {
        // Full: the current generation becomes the previous one. Entries
        // stay exact wherever they are (a key's newest entry is always the
        // one found first), only fewer of them.
        // (Assigned, not swapped: a second rotation in one batch must not
        // bring back the generation the first one dropped.)
        dropped = std::move(shard.previous);
        shard.previous = std::move(shard.current);
        shard.current = Map();
      }
      shard.current.emplace(std::move(row->first), Entry{seq, std::move(row->second)});
    }
    shard.watermark = seq;
  }
}

void ViewRowCache::Invalidate(uint64_t seq) {
  for (Shard& shard : shards_) {
    Map current, previous;
    {
      absl::MutexLock l(&shard.mu);
      current.swap(shard.current);
      previous.swap(shard.previous);
      shard.watermark = seq;
    }
    // The maps are freed outside the lock.
  }
}

bool ViewRowCache::Get(absl::string_view full_key, uint64_t snapshot_seq,
                       std::optional<std::string>* value) const {
  if (generation_entries_ == 0) return false;
  const Shard& shard = shards_[ShardOf(full_key)];
  absl::MutexLock l(&shard.mu);
  if (snapshot_seq > shard.watermark) return false;
  const Entry* entry = nullptr;
  if (auto it = shard.current.find(full_key); it != shard.current.end()) {
    entry = &it->second;
  } else if (auto prev = shard.previous.find(full_key); prev != shard.previous.end()) {
    entry = &prev->second;
  }
  // A newer write than the snapshot: the version it sees is not kept.
  if (entry == nullptr || entry->seq > snapshot_seq) return false;
  *value = entry->value;
  return true;
}

}  // namespace crm::projections
