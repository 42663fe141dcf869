// The keyspace of the views database: the RocksDB that holds every
// projection's read model, separate from the event log's database.
//
// Why a separate database: projections write often and never need fsync (the
// log is the source of truth), so they must not share the log's WAL, whose
// every byte the store's syncer fsyncs, nor its write queue.
//
// One column family, "views". Keys, in sort order:
//
//   "c" name 0x00 generation:u32be      -> checkpoint:u64be (next position to apply)
//   "g" name 0x00                       -> next generation number:u32be
//   "m" name 0x00 "active"              -> generation:u32be version:u32be
//   "m" name 0x00 "shadow"              -> generation:u32be version:u32be (a rebuild)
//   "v" name 0x00 generation:u32be key  -> the projection's own row
//
// A generation is one build of a projection's view. The active generation
// serves queries; a shadow generation is being rebuilt from position 0 and
// replaces the active one when it has caught up. A generation's rows and its
// checkpoint are always written in the same WriteBatch.
//
// Projection names are [a-z0-9_.]+, so 0x00 never occurs inside one.
// DO NOT CHANGE existing layouts; add new key kinds with new leading letters.
#ifndef CRM_PROJECTIONS_VIEW_KEYS_H_
#define CRM_PROJECTIONS_VIEW_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace crm::projections::view_keys {

inline constexpr char kViewsCf[] = "views";

absl::Status ValidateProjectionName(absl::string_view name);

std::string CheckpointKey(absl::string_view name, uint32_t generation);
std::string CheckpointPrefix(absl::string_view name);
std::string NextGenerationKey(absl::string_view name);
std::string ActiveKey(absl::string_view name);
std::string ShadowKey(absl::string_view name);
// The prefix of every row of one generation; a row's key is this + its key.
std::string RowPrefix(absl::string_view name, uint32_t generation);

void PutU32BE(std::string* out, uint32_t v);
uint32_t GetU32BE(absl::string_view in);
void PutU64BE(std::string* out, uint64_t v);
uint64_t GetU64BE(absl::string_view in);

// The smallest key greater than every key starting with `prefix`
// (for DeleteRange and iterator upper bounds). `prefix` must not be all 0xff.
std::string PrefixEnd(absl::string_view prefix);

}  // namespace crm::projections::view_keys

#endif  // CRM_PROJECTIONS_VIEW_KEYS_H_
