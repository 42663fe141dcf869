#include "clients/import/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace crm::clients {

absl::Status ParallelFor(size_t n, int threads, const std::function<absl::Status(size_t)>& fn) {
  const size_t workers = std::min<size_t>(n, static_cast<size_t>(std::max(threads, 1)));
  if (workers <= 1) {
    for (size_t i = 0; i < n; ++i) {
      absl::Status s = fn(i);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  absl::Mutex mu;
  size_t first_failed = n;
  absl::Status first_error;
  std::vector<std::thread> pool;
  for (size_t w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      for (size_t i; !failed.load() && (i = next++) < n;) {
        absl::Status s = fn(i);
        if (s.ok()) continue;
        failed = true;
        absl::MutexLock lock(&mu);
        if (i < first_failed) {
          first_failed = i;
          first_error = s;
        }
      }
    });
  }
  for (std::thread& t : pool) t.join();
  return first_error;
}

}  // namespace crm::clients
