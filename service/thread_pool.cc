#include "service/thread_pool.h"

#include <utility>

#include "engine/store/rocks_thread.h"

namespace crm::service {

ThreadPool::ThreadPool(int threads) {
  if (threads < 1) threads = 1;
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      engine::StopRocksPerfCounting();
      Loop();
    });
  }
}

ThreadPool::~ThreadPool() { Stop(); }

void ThreadPool::Post(std::function<void()> task) {
  if (!Queue(task)) task();
}

bool ThreadPool::TryPost(std::function<void()> task) { return Queue(task); }

bool ThreadPool::Queue(std::function<void()>& task) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  tasks_.push_back(std::move(task));
  return true;
}

void ThreadPool::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void ThreadPool::Loop() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](ThreadPool* p)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) { return p->stopping_ || !p->tasks_.empty(); },
          this));
      if (tasks_.empty()) return;  // stopping, and everything posted has run
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace crm::service
