// A closed-loop load generator: N threads, each with its own Writer, call
// Commit() back to back for a warm-up and then for a measured window, and we
// record how long every Commit() took.
//
// What is counted: an operation belongs to the window if it *completes* while
// the window is open (the usual rule for throughput; an operation straddling
// an edge is counted once, at its end). Prepare() (building the request) runs
// outside the latency timer but inside the window, as a real client would.
//
// Latencies go to per-thread vectors sized before the run, so the hot loop
// never allocates; they are merged and sorted after the threads are joined.
//
// Thread-safety: RunClosedLoop is called from one thread; it calls each
// Writer from exactly one thread, and `counters` from the calling thread.
#ifndef CRM_BENCH_LOAD_RUNNER_H_
#define CRM_BENCH_LOAD_RUNNER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace crm::bench {

// One writer thread's view of the system under test.
class Writer {
 public:
  virtual ~Writer() = default;
  // Builds the next request. Not timed.
  virtual void Prepare() = 0;
  // Performs it and waits for the outcome. Timed.
  virtual absl::Status Commit() = 0;
};

// What the system under test reports about its own batching; read at both
// edges of the window, so the result is the delta over the window.
struct SyncCounters {
  uint64_t events = 0;   // events made durable (committed)
  uint64_t syncs = 0;    // WAL fsyncs
  uint64_t batches = 0;  // RocksDB write batches (0 if unknown)
};

struct LoadOptions {
  absl::Duration warmup = absl::Milliseconds(500);
  absl::Duration duration = absl::Seconds(3);
  // Capacity of the latency vectors, summed over threads; samples beyond it
  // are counted in `dropped_samples` (reported, never silently lost).
  size_t max_samples = 4'000'000;
};

struct LoadResult {
  double seconds = 0;         // measured window, wall clock
  uint64_t ops = 0;           // successful Commit()s completed in the window
  uint64_t errors = 0;        // failed Commit()s completed in the window
  uint64_t total_ok_ops = 0;  // successful Commit()s over the whole run
  std::string first_error;    // of any phase, for the report
  uint64_t dropped_samples = 0;
  double cpu_seconds = 0;  // user+system CPU of the whole process in the window
  // CPU the rest of the machine used in the window (other processes: on a
  // shared 2-core box they compete with the writers and skew a row).
  double other_cpu_seconds = 0;
  SyncCounters delta;                 // counters(t1) - counters(t0)
  std::vector<int64_t> latencies_ns;  // sorted, one per op in the window

  // Nearest-rank percentile in microseconds, p in [0, 100]. 0 when empty.
  double PercentileUs(double p) const;
};

// User + system CPU seconds this process has used.
double ProcessCpuSeconds();
// Busy CPU seconds of the whole machine since boot, from /proc/stat (iowait
// counts as idle). 0 if unreadable.
double MachineBusySeconds();

// Runs writers.size() threads. `counters` may be empty (then delta is zero).
LoadResult RunClosedLoop(const LoadOptions& options,
                         const std::vector<std::unique_ptr<Writer>>& writers,
                         const std::function<SyncCounters()>& counters);

}  // namespace crm::bench

#endif  // CRM_BENCH_LOAD_RUNNER_H_
