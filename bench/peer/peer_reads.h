// The read workloads of the peer comparison, for crm-engine embedded,
// PostgreSQL and raw RocksDB on the same data: `log_events` events of
// 256 bytes in streams of `stream_events`, appended in chunks of 100
// round-robin so a stream's events are spread over the log.
//
//  * read a stream: one stream forwards from its start, `page` events a call
//    (engine ReadStream, over gRPC EventStoreService.ReadStream; PG the Message DB
//    get_stream_messages query on the (stream, position) index; raw: a prefix scan of values kept
//    per stream);
//  * read the global log from 0, `page` events a call (engine ReadAll, over
//    gRPC EventStoreService.ReadAll; PG a
//    keyset page on global_position; raw: an iterator over the log keys);
//  * catch-up consumer: from position 0 until it is told it has reached the
//    end (engine Subscribe until kCaughtUp, over gRPC the Subscribe server
//    stream until its caught_up message; PG polling the global-log query
//    until a page comes back short, then one more empty poll, as a Message DB
//    consumer does — LISTEN/NOTIFY would only wake a consumer already at the
//    end, it does not help to catch up; raw: not run, an iterator *is* its
//    cursor, so it is the log read).
//
// Every system materialises each event (engine::RecordedEvent) and every pass
// checks what it read (dense positions or revisions, payload size, total), so
// a read that returns too little fails instead of looking fast. All reads are
// warm: each pass follows an untimed one over the same data.
//
// Thread-safety: single-threaded.
#ifndef CRM_BENCH_PEER_PEER_READS_H_
#define CRM_BENCH_PEER_PEER_READS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/append_targets.h"

namespace crm::bench {

struct ReadShape {
  uint64_t log_events = 200'000;  // rounded up to whole streams
  uint64_t stream_events = 10'000;
  size_t page = 1000;
  const Payload* payload = nullptr;  // not owned
  uint64_t streams() const { return (log_events + stream_events - 1) / stream_events; }
  uint64_t total() const { return streams() * stream_events; }
};

enum class ReadKind { kStream, kLog, kCatchUp };

// Calls Lap() after every `page` events delivered; the laps are the
// latencies the table reports for reads.
class LapTimer {
 public:
  LapTimer();
  void Lap();
  std::vector<int64_t>& laps_ns() { return laps_; }

 private:
  int64_t last_ns_;
  std::vector<int64_t> laps_;
};

class ReadTarget {
 public:
  virtual ~ReadTarget() = default;
  // One full pass; returns the events read. Unimplemented if the system has
  // no such workload.
  virtual absl::StatusOr<uint64_t> Pass(ReadKind kind, LapTimer& timer) = 0;
  // Seconds the load took, for the report.
  virtual double load_seconds() const = 0;
};

// Each opens a fresh store (engine, raw: a new folder `path`; PG: the table
// recreated) and loads the events with sync off — a bulk load that can be
// redone, not what is measured.
absl::StatusOr<std::unique_ptr<ReadTarget>> OpenEngineReads(const std::string& path,
                                                            const ReadShape& shape);
absl::StatusOr<std::unique_ptr<ReadTarget>> OpenRawReads(const std::string& path,
                                                         const ReadShape& shape);
absl::StatusOr<std::unique_ptr<ReadTarget>> OpenPgReads(const std::string& conninfo,
                                                        const ReadShape& shape);

// The engine's load on its own, for targets that open the store another way
// (crmd over gRPC, grpc_reads.h): writes a fresh store at `path`, closes it
// and returns the seconds the load took.
absl::StatusOr<double> LoadEngineLog(const std::string& path, const ReadShape& shape);

// The stream every system's stream read reads, and the event type of every
// loaded event.
std::string ReadTargetStreamName(const ReadShape& shape);
inline constexpr char kReadEventType[] = "bench.v1.Appended";

struct ReadSample {
  uint64_t events = 0;
  int passes = 0;
  double seconds = 0;
  double cpu_seconds = 0;        // this process, plus the server's if server_uid given
  double other_cpu_seconds = 0;  // the rest of the machine
  std::vector<int64_t> laps_ns;  // sorted
};

// One untimed pass, then passes until `window` has elapsed (at least one).
// `server_uid` >= 0: also count that user's processes' CPU as the system's.
absl::StatusOr<ReadSample> MeasureRead(ReadTarget& target, ReadKind kind, absl::Duration window,
                                       int64_t server_uid);

}  // namespace crm::bench

#endif  // CRM_BENCH_PEER_PEER_READS_H_
