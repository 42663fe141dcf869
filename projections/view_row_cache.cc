#include "projections/view_row_cache.h"

#include <algorithm>

#include "absl/hash/hash.h"

namespace crm::projections {

ViewRowCache::ViewRowCache(size_t max_bytes) : generation_bytes_(max_bytes / (2 * kShards)) {}

size_t ViewRowCache::EntryBytes(absl::string_view full_key,
                                const std::optional<std::string>& value) {
  // A flat_hash_map slot (key string, sequence number, optional string) and
  // its control byte, plus a heap block per string too long to be inline.
  constexpr size_t kSlot = sizeof(std::string) + sizeof(Entry) + 1;
  constexpr size_t kHeapBlock = 16;
  return kSlot + full_key.size() + kHeapBlock + (value ? value->size() + kHeapBlock : 0);
}

size_t ViewRowCache::HeldBytes() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    absl::MutexLock l(&shard.mu);
    total += shard.current_bytes + shard.previous_bytes;
  }
  return total;
}

size_t ViewRowCache::ShardOf(absl::string_view full_key) const {
  // The high bits: the maps inside a shard use the low ones.
  return (absl::Hash<absl::string_view>()(full_key) >> 40) % kShards;
}

void ViewRowCache::Record(std::vector<Row> rows, uint64_t seq) {
  // Grouped by shard first, so each shard's lock is taken once per batch and
  // held only for its own inserts.
  std::array<std::vector<Row*>, kShards> by_shard;
  if (generation_bytes_ > 0) {
    for (Row& row : rows) by_shard[ShardOf(row.first)].push_back(&row);
  }
  for (size_t i = 0; i < kShards; ++i) {
    Shard& shard = shards_[i];
    Map dropped;  // freed after the lock is released
    absl::MutexLock l(&shard.mu);
    for (Row* row : by_shard[i]) {
      const size_t bytes = EntryBytes(row->first, row->second);
      if (bytes > generation_bytes_) {
        // Too big to keep: drop what is cached of the key instead, so no
        // older version of it is left behind to be found.
        for (Map* m : {&shard.current, &shard.previous}) {
          if (auto it = m->find(row->first); it != m->end()) {
            (m == &shard.current ? shard.current_bytes : shard.previous_bytes) -=
                EntryBytes(it->first, it->second.value);
            m->erase(it);
          }
        }
        continue;
      }
      // Rewritten in place when the new version fits, else taken out and
      // added like a new key (which may rotate the generations).
      if (auto it = shard.current.find(row->first); it != shard.current.end()) {
        const size_t old_bytes = EntryBytes(it->first, it->second.value);
        if (shard.current_bytes - old_bytes + bytes <= generation_bytes_) {
          it->second = Entry{seq, std::move(row->second)};
          shard.current_bytes += bytes - old_bytes;
          continue;
        }
        shard.current_bytes -= old_bytes;
        shard.current.erase(it);
      }
      if (shard.current_bytes + bytes > generation_bytes_) {
        // Full: the current generation becomes the previous one. Entries
        // stay exact wherever they are (a key's newest entry is always the
        // one found first), only fewer of them.
        // (Assigned, not swapped: a second rotation in one batch must not
        // bring back the generation the first one dropped.)
        dropped = std::move(shard.previous);
        shard.previous = std::move(shard.current);
        shard.previous_bytes = shard.current_bytes;
        shard.current = Map();
        shard.current_bytes = 0;
      }
      shard.current.emplace(std::move(row->first), Entry{seq, std::move(row->second)});
      shard.current_bytes += bytes;
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
      shard.current_bytes = 0;
      shard.previous_bytes = 0;
      shard.watermark = seq;
    }
    // The maps are freed outside the lock.
  }
}

bool ViewRowCache::Get(absl::string_view full_key, uint64_t snapshot_seq,
                       std::optional<std::string>* value) const {
  if (generation_bytes_ == 0) return false;
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
