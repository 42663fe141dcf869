// StateCache: a bounded least-recently-used cache of folded aggregate states,
// keyed by stream name, so a hot customer is not re-read from revision 0 for
// every command.
//
// A cached entry may be stale (another handler appended since); that is
// safe: the handler reads on from the cached revision before deciding, and
// the append's expected revision rejects a decision made on a stale state.
//
// Thread-safety: all methods may be called concurrently.
#ifndef CRM_ENGINE_DOMAIN_STATE_CACHE_H_
#define CRM_ENGINE_DOMAIN_STATE_CACHE_H_

#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace crm::engine::domain {

template <typename Entry>
class StateCache {
 public:
  // REQUIRES: capacity > 0.
  explicit StateCache(size_t capacity) : capacity_(capacity) {}

  StateCache(const StateCache&) = delete;
  StateCache& operator=(const StateCache&) = delete;

  // A copy of the entry for `stream`, if cached; marks it recently used.
  // (States can be large — every follow-up id of a hot customer — so the
  // handler prefers Take.)
  std::optional<Entry> Get(const std::string& stream) {
    absl::MutexLock lock(&mu_);
    auto it = index_.find(stream);
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->second;
  }

  // Stores `entry` unless the cache already holds a newer one for the stream
  // (`is_newer(cached, entry)`), which a slower concurrent command may try to
  // overwrite. Evicts the least recently used entry beyond capacity.
  template <typename IsNewer>
  void Put(const std::string& stream, Entry entry, IsNewer is_newer) {
    absl::MutexLock lock(&mu_);
    auto it = index_.find(stream);
    if (it != index_.end()) {
      if (is_newer(it->second->second, entry)) return;
      it->second->second = std::move(entry);
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    order_.emplace_front(stream, std::move(entry));
    index_[stream] = order_.begin();
    if (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

  // Removes and returns the entry for `stream`, if cached, so the caller can
  // update it in place without copying; it puts it back with Put().
  std::optional<Entry> Take(const std::string& stream) {
    absl::MutexLock lock(&mu_);
    auto it = index_.find(stream);
    if (it == index_.end()) return std::nullopt;
    std::optional<Entry> entry(std::move(it->second->second));
    order_.erase(it->second);
    index_.erase(it);
    return entry;
  }

  void Erase(const std::string& stream) {
    absl::MutexLock lock(&mu_);
    auto it = index_.find(stream);
    if (it == index_.end()) return;
    order_.erase(it->second);
    index_.erase(it);
  }

  size_t size() const {
    absl::MutexLock lock(&mu_);
    return order_.size();
  }

 private:
  using List = std::list<std::pair<std::string, Entry>>;
  const size_t capacity_;
  mutable absl::Mutex mu_;
  List order_ ABSL_GUARDED_BY(mu_);  // most recently used first
  absl::flat_hash_map<std::string, typename List::iterator> index_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_STATE_CACHE_H_
