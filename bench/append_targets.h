// The two systems the append rows compare, behind one interface so the load
// generator drives both identically:
//
//  * the engine: EventStore::Append from every writer thread, each thread to
//    its own stream `bench-<thread>`, expected revision exact (NoStream for
//    the first append), so every append goes through the optimistic
//    concurrency check and the group commit;
//  * the reference: raw RocksDB, default options, one WriteBatch per append
//    holding the same number of values with the same payload bytes, keyed
//    `bench-<thread>` + big-endian sequence, written with the same sync
//    setting, so RocksDB's own write group does the group commit.
//
// The engine stores more per event than the reference (id, type, stream
// index, stream head, id index): that is the engine's cost to bear, and the
// ratio shows it.
//
// Thread-safety: NewWriter and Counters are called from the main thread; each
// Writer is then used by one thread; Counters may run concurrently with them.
#ifndef CRM_BENCH_APPEND_TARGETS_H_
#define CRM_BENCH_APPEND_TARGETS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "bench/load_runner.h"

namespace crm::bench {

// Read-only pseudo-random bytes that event payloads are cut from. Random so
// that compression (on in the engine, Snappy by default in raw RocksDB) does
// not flatter either side.
class Payload {
 public:
  explicit Payload(size_t event_bytes);
  // The payload of the seq-th event of a writer; always event_bytes long.
  absl::string_view Get(uint64_t seq) const;
  size_t event_bytes() const { return event_bytes_; }

 private:
  static constexpr size_t kPoolBytes = 64 << 10;
  size_t event_bytes_;
  std::string pool_;
};

struct AppendShape {
  int events_per_append = 1;
  bool sync = true;
  // StoreOptions::max_commit_delay for the engine (zero: no gathering).
  absl::Duration max_commit_delay = absl::ZeroDuration();
  const Payload* payload = nullptr;  // not owned
};

class AppendTarget {
 public:
  virtual ~AppendTarget() = default;
  virtual std::unique_ptr<Writer> NewWriter(int thread) = 0;
  virtual SyncCounters Counters() const = 0;
  // After a run: checks that the number of events stored equals what the
  // writers had acknowledged, so a fast but lossy run cannot pass unnoticed.
  virtual absl::Status Verify(uint64_t acknowledged_appends) const = 0;
};

// Opens a fresh EventStore in `path` (which must not exist).
absl::StatusOr<std::unique_ptr<AppendTarget>> OpenEngineTarget(const std::string& path,
                                                               const AppendShape& shape);

// Opens a fresh raw RocksDB in `path` (which must not exist).
absl::StatusOr<std::unique_ptr<AppendTarget>> OpenRawTarget(const std::string& path,
                                                            const AppendShape& shape);

// "<prefix><8-byte big-endian n>": byte order = numeric order.
std::string BigEndianKey(absl::string_view prefix, uint64_t n);

}  // namespace crm::bench

#endif  // CRM_BENCH_APPEND_TARGETS_H_
