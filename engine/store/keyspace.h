// The event store's keyspace: every column family and key layout, in one place.
//
// Integers in keys are 8-byte big-endian so that RocksDB's bytewise order is
// numeric order (keyspace_test proves it). Stream names never contain control
// characters (validation.h), so 0x00 safely ends a name inside a key and a
// name's keys sort before those of any longer name it prefixes.
//
//   column family     key                                   value
//   ---------------   -----------------------------------   ------------------------
//   default           "format_version"                      decimal text, currently "1"
//   events            position:u64be                        event record (record.h)
//   stream_index      stream 0x00 revision:u64be            position:u64be
//   streams           stream                                last revision:u64be
//   event_ids         event id (16 raw bytes)               position:u64be
//   category_index    category 0x00 position:u64be          revision:u64be
//
// Every append writes all of its rows in one WriteBatch, so a crash leaves all
// or none of them. `streams` may run ahead of what readers may see (the writer
// writes a group before its fsync completes); readers therefore bound every
// read by the published committed position, never by `streams`.
//
// DO NOT CHANGE the names, layouts or kFormatVersion meaning of existing data;
// a new layout needs a new format version and a migration.
#ifndef CRM_ENGINE_STORE_KEYSPACE_H_
#define CRM_ENGINE_STORE_KEYSPACE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace crm::engine::keyspace {

inline constexpr char kFormatVersionKey[] = "format_version";
inline constexpr char kFormatVersion[] = "1";

inline constexpr char kEventsCf[] = "events";
inline constexpr char kStreamIndexCf[] = "stream_index";
inline constexpr char kStreamsCf[] = "streams";
inline constexpr char kEventIdsCf[] = "event_ids";
inline constexpr char kCategoryIndexCf[] = "category_index";

// Appends `v` as 8 big-endian bytes.
void PutU64BE(std::string* out, uint64_t v);
// Reads 8 big-endian bytes; `in` must hold at least 8.
uint64_t GetU64BE(absl::string_view in);
std::string U64BE(uint64_t v);

std::string EventKey(uint64_t position);
std::string StreamIndexKey(absl::string_view stream, uint64_t revision);
// The prefix shared by all of a stream's index keys: stream 0x00.
std::string StreamIndexPrefix(absl::string_view stream);
std::string CategoryIndexKey(absl::string_view category, uint64_t position);
std::string CategoryIndexPrefix(absl::string_view category);

// The category of a stream: the part before the first '-'. Streams without a
// '-' (or starting with one) have no category.
std::optional<absl::string_view> CategoryOf(absl::string_view stream);

// The trailing u64 of a stream_index or category_index key.
uint64_t TrailingU64(absl::string_view key);

}  // namespace crm::engine::keyspace

#endif  // CRM_ENGINE_STORE_KEYSPACE_H_
