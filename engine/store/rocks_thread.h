// Per-thread RocksDB setup for the threads that do the engine's RocksDB work
// (the store's writer and syncer, the projection runner, the service's pool,
// subscriptions).
#ifndef CRM_ENGINE_STORE_ROCKS_THREAD_H_
#define CRM_ENGINE_STORE_ROCKS_THREAD_H_

#include "rocksdb/perf_level.h"

namespace crm::engine {

// RocksDB counts every Get, Put and seek in a thread-local PerfContext
// unless told not to (its default level is kEnableCount). Nothing reads
// those counters, and in a profile of an import the thread-local accesses
// cost ~5-8% of crmd's CPU. The level is per thread: call this first thing
// in each thread that uses RocksDB much.
inline void StopRocksPerfCounting() { rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable); }

}  // namespace crm::engine

#endif  // CRM_ENGINE_STORE_ROCKS_THREAD_H_
