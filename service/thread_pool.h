// ThreadPool: a fixed set of threads that run posted tasks in FIFO order.
//
// crmd runs the synchronous command handler and store reads here, so gRPC's
// callback threads never wait on disk.
//
// Thread-safety: Post may be called from any thread. Stop runs every task
// already posted, then joins; tasks posted after Stop are run inline by the
// poster, so no call is ever dropped unanswered.
#ifndef CRM_SERVICE_THREAD_POOL_H_
#define CRM_SERVICE_THREAD_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace crm::service {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();  // Stop()

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Post(std::function<void()> task);
  // Queues `task` and returns true, or returns false without running it when
  // the pool is stopping (the caller then runs it, in a loop of its own).
  bool TryPost(std::function<void()> task);
  void Stop();

 private:
  void Loop();
  // Moves `task` into the queue and returns true, unless stopping.
  bool Queue(std::function<void()>& task);

  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_THREAD_POOL_H_
