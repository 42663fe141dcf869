#include "bench/load_runner.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <latch>
#include <thread>

namespace crm::bench {
namespace {

using Clock = std::chrono::steady_clock;

enum Phase : int { kWarmup = 0, kMeasure = 1, kStop = 2 };

// Each thread's tallies, padded apart so the writers do not share cache lines.
struct alignas(64) ThreadTally {
  std::vector<int64_t> samples;  // sized up front; `recorded` are valid
  size_t recorded = 0;
  uint64_t ops = 0;
  uint64_t errors = 0;
  uint64_t total_ok = 0;
  uint64_t dropped = 0;
  std::string first_error;
};

void WriterLoop(Writer& writer, const std::atomic<int>& phase, std::latch& start,
                ThreadTally& tally) {
  start.arrive_and_wait();
  while (phase.load(std::memory_order_acquire) != kStop) {
    writer.Prepare();
    const Clock::time_point begin = Clock::now();
    absl::Status status = writer.Commit();
    const Clock::time_point end = Clock::now();
    // Read after completion: the op counts if it finished inside the window.
    const bool in_window = phase.load(std::memory_order_acquire) == kMeasure;
    if (status.ok()) ++tally.total_ok;
    if (!status.ok() && tally.first_error.empty()) tally.first_error = status.ToString();
    if (!in_window) continue;
    if (!status.ok()) {
      ++tally.errors;
      continue;
    }
    ++tally.ops;
    if (tally.recorded < tally.samples.size()) {
      tally.samples[tally.recorded++] =
          std::chrono::duration_cast<std::chrono::nanoseconds>(end - begin).count();
    } else {
      ++tally.dropped;
    }
  }
}

}  // namespace

double ProcessCpuSeconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

double MachineBusySeconds() {
  std::FILE* f = std::fopen("/proc/stat", "r");
  if (f == nullptr) return 0;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                     steal = 0;
  const int n = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system,
                            &idle, &iowait, &irq, &softirq, &steal);
  std::fclose(f);
  if (n < 8) return 0;
  return static_cast<double>(user + nice + system + irq + softirq + steal) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

double LoadResult::PercentileUs(double p) const {
  if (latencies_ns.empty()) return 0;
  // Nearest rank: the smallest sample with at least p% of samples <= it.
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * latencies_ns.size()));
  rank = std::clamp<size_t>(rank, 1, latencies_ns.size());
  return latencies_ns[rank - 1] / 1e3;
}

LoadResult RunClosedLoop(const LoadOptions& options,
                         const std::vector<std::unique_ptr<Writer>>& writers,
                         const std::function<SyncCounters()>& counters) {
  const size_t n = writers.size();
  std::vector<ThreadTally> tallies(n);
  const size_t per_thread = std::max<size_t>(1024, options.max_samples / std::max<size_t>(n, 1));
  // resize() value-initialises, which also faults the pages in before the
  // clock starts rather than during the window.
  for (ThreadTally& t : tallies) t.samples.resize(per_thread);

  std::atomic<int> phase{kWarmup};
  std::latch start(static_cast<std::ptrdiff_t>(n) + 1);
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] { WriterLoop(*writers[i], phase, start, tallies[i]); });
  }
  start.arrive_and_wait();
  std::this_thread::sleep_for(absl::ToChronoNanoseconds(options.warmup));

  const SyncCounters c0 = counters ? counters() : SyncCounters{};
  const double cpu0 = ProcessCpuSeconds();
  const double machine0 = MachineBusySeconds();
  const Clock::time_point t0 = Clock::now();
  phase.store(kMeasure, std::memory_order_release);
  std::this_thread::sleep_for(absl::ToChronoNanoseconds(options.duration));
  phase.store(kStop, std::memory_order_release);
  const Clock::time_point t1 = Clock::now();
  const double cpu1 = ProcessCpuSeconds();
  const double machine1 = MachineBusySeconds();
  const SyncCounters c1 = counters ? counters() : SyncCounters{};
  for (std::thread& t : threads) t.join();

  LoadResult result;
  result.seconds = std::chrono::duration<double>(t1 - t0).count();
  result.cpu_seconds = cpu1 - cpu0;
  result.other_cpu_seconds = std::max(0.0, (machine1 - machine0) - result.cpu_seconds);
  result.delta = {c1.events - c0.events, c1.syncs - c0.syncs, c1.batches - c0.batches};
  size_t total_samples = 0;
  for (const ThreadTally& t : tallies) total_samples += t.recorded;
  result.latencies_ns.reserve(total_samples);
  for (ThreadTally& t : tallies) {
    result.ops += t.ops;
    result.errors += t.errors;
    result.total_ok_ops += t.total_ok;
    result.dropped_samples += t.dropped;
    if (result.first_error.empty()) result.first_error = t.first_error;
    result.latencies_ns.insert(result.latencies_ns.end(), t.samples.begin(),
                               t.samples.begin() + t.recorded);
  }
  std::sort(result.latencies_ns.begin(), result.latencies_ns.end());
  return result;
}

}  // namespace crm::bench
