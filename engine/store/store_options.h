// Options for EventStore::Open, with the limits every append is checked
// against.
#ifndef CRM_ENGINE_STORE_STORE_OPTIONS_H_
#define CRM_ENGINE_STORE_STORE_OPTIONS_H_

#include <cstddef>
#include <string>

#include "absl/time/time.h"

namespace rocksdb {
class Env;
}

namespace crm::engine {

struct StoreLimits {
  size_t max_stream_name_bytes = 256;
  size_t max_event_type_bytes = 256;
  // data + metadata + type of one event.
  size_t max_event_bytes = 1 << 20;
  size_t max_metadata_bytes = 64 << 10;
  size_t max_events_per_append = 10000;
  size_t max_streams_per_append = 64;
  // All events of one append call together.
  size_t max_append_bytes = 32 << 20;
};

struct StoreOptions {
  // The folder holding the RocksDB database; created if missing.
  std::string path;

  // fsync the write-ahead log before acknowledging an append. Turning this off
  // is UNSAFE: an acknowledged append can be lost on a crash or power loss
  // (RocksDB still never exposes a torn batch). Only for tests and bulk loads
  // that can be redone.
  bool sync_writes = true;

  StoreLimits limits;

  // The most events the writer puts in one RocksDB WriteBatch.
  size_t max_group_events = 8192;
  // The most bytes the writer puts in one WriteBatch (a group always takes at
  // least one append, however large).
  size_t max_group_bytes = 8 << 20;

  // How long the syncer may wait for the appenders it just acknowledged to
  // append again before it fsyncs (see event_store_impl.h, "Gathering").
  // Bounds the extra latency an append can see; zero turns gathering off.
  // Off by default: on the dev machine (fsync ~0.2 ms) it doubled events per
  // fsync at 64 writers but lowered throughput (crm_store_bench
  // --max_commit_delay=1ms vs 0s). It can pay where fsync is slow.
  absl::Duration max_commit_delay = absl::ZeroDuration();

  // Block cache shared by all column families.
  size_t block_cache_bytes = 64 << 20;

  // Tests inject a fault-injecting Env here; nullptr means the default Env.
  // Not owned; must outlive the store.
  rocksdb::Env* env = nullptr;
};

}  // namespace crm::engine

#endif  // CRM_ENGINE_STORE_STORE_OPTIONS_H_
