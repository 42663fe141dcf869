// Read throughput: the global log forwards from position 0 in pages
// (EventStore::ReadAll), and one stream of `stream_events` events forwards
// (EventStore::ReadStream), both warm (repeated passes over a store that is
// already open) and cold-ish (the store closed, its files written back and
// evicted from the page cache, reopened, one pass). Plus a reference: a raw
// RocksDB iterator over the same number of values of the same size.
//
// Every pass checks what it read (dense positions / revisions, payload size,
// the expected total), so a read that silently returns too little fails
// instead of looking fast.
//
// Thread-safety: single-threaded.
#ifndef CRM_BENCH_READ_BENCH_H_
#define CRM_BENCH_READ_BENCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/append_targets.h"
#include "bench/bench_dir.h"

namespace crm::bench {

struct ReadBenchOptions {
  // Events in the log; rounded up to a whole number of streams of
  // stream_events, appended in chunks round-robin so streams interleave.
  uint64_t log_events = 200'000;
  uint64_t stream_events = 10'000;
  size_t page = 1000;                          // events per read call
  absl::Duration duration = absl::Seconds(3);  // per warm row
  const Payload* payload = nullptr;            // not owned
};

struct ReadRow {
  std::string name;
  uint64_t events = 0;  // events read in the timed passes
  int passes = 0;
  double seconds = 0;
  std::string note;
  double EventsPerSecond() const { return seconds > 0 ? events / seconds : 0; }
};

// Builds a store under `dir`, measures, and removes it.
absl::StatusOr<std::vector<ReadRow>> RunEngineReads(BenchDir& dir, const ReadBenchOptions& options);

// The raw RocksDB reference: a warm iterator scan in pages of `page` values,
// each copied out, as a paged read API would.
absl::StatusOr<ReadRow> RunRawScan(BenchDir& dir, const ReadBenchOptions& options);

}  // namespace crm::bench

#endif  // CRM_BENCH_READ_BENCH_H_
