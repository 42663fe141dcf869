// The keyspace of the follow-up pipeline view (rows of projection
// "pipeline", inside its generation's prefix, view_keys.h). In sort order:
//
//   "a/" owner 0x00 day:u32 0x00 id  -> ""            recycling clock index
//   "c/" id                          -> CustomerRow   every customer ever seen
//   "d/" owner 0x00 day:u32 0x00 id  -> ""            next follow-up date index
//   "i/" owner 0x00 intent:u8 0x00 id -> ""           latest intent index
//   "k/" owner 0x00 intent:u8        -> count:u32     live customers per intent
//   "n/" owner                       -> count:u32     live customers owned
//   "o/" owner 0x00 id               -> ""            ownership index
//   "q/" rep 0x00 day:u32            -> count:u32     pool claims on that day
//   "r/" rep                         -> RepRow
//   "t/" team                        -> TeamRow
//   "y/" owner 0x00 us:u64 0x00 id   -> RecycledRow   recyclings, by former owner
//   "Y/" us:u64 0x00 id              -> RecycledRow   recyclings, all
//
// day:u32 is a civil day (business time zone) as days since 1970-01-01 plus
// 2^31, big-endian, so byte order is date order; us:u64 is UTC microseconds,
// big-endian. Ids are [A-Za-z0-9_-] (field_validation.h), so 0x00 never
// occurs inside one. The public pool is owner "" (so "o/" 0x00 id).
//
// Why index entries are bare keys (the id ends the key; the row is only in
// "c/"): when every entry held a copy of the row, each follow-up rewrote all
// four of its customer's entries although they rarely move, so the memtable
// held a version per follow-up of each busy entry and a page's scan stepped
// over them all. Measured (2,000 customers, 8 reps, a rep's first page of
// 20): 28 us of CPU on a fresh view, 120 us after 25,000 follow-ups. Now an
// entry is written only when it appears or moves (a follow-up that moves only
// its next call date writes 3 rows, was 6), and a page is a scan of keys plus
// one MultiGet of their "c/" rows: ~110 us however many follow-ups, as a point
// read in a busy memtable costs ~2 us.
//
// Index entries exist only for live customers (not merged, not archived):
// a merged duplicate or an archived customer leaves the pipeline but keeps
// its "c/" row. "a/" holds only customers the recycling rule may take (owned,
// not locked, not won); its day is that of the later of the last contact and
// the start of ownership (public_pool.h's clock).
#ifndef CRM_PROJECTIONS_PIPELINE_PIPELINE_KEYS_H_
#define CRM_PROJECTIONS_PIPELINE_PIPELINE_KEYS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "projections/pipeline/pipeline_rows.pb.h"

namespace crm::projections::pipeline::keys {

// Days since 1970-01-01 <-> civil day.
int32_t DayNumber(absl::CivilDay day);
absl::CivilDay DayFromNumber(int32_t n);
// The 4-byte sortable form of a day number.
std::string DayBytes(int32_t day);
int32_t DayFromBytes(absl::string_view bytes);

std::string Customer(absl::string_view id);
std::string OwnerPrefix(absl::string_view owner);  // "o/" owner 0x00
std::string IntentPrefix(absl::string_view owner, int intent);
std::string DuePrefix(absl::string_view owner);
std::string RecyclePrefix(absl::string_view owner);
std::string OwnedCount(absl::string_view owner);
std::string IntentCount(absl::string_view owner, int intent);
std::string Claims(absl::string_view rep, int32_t day);
std::string Rep(absl::string_view rep);
std::string Team(absl::string_view team);
std::string RecycledByOwner(absl::string_view owner, int64_t us, absl::string_view id);
std::string RecycledByOwnerPrefix(absl::string_view owner);
std::string Recycled(int64_t us, absl::string_view id);

inline constexpr char kOwnedCountPrefix[] = "n/";
inline constexpr char kRepPrefix[] = "r/";
inline constexpr char kTeamPrefix[] = "t/";
inline constexpr char kRecycledPrefix[] = "Y/";

// Whether the row is in the pipeline (neither merged nor archived).
bool Live(const CustomerRow& row);
// The index keys ("a/", "d/", "i/", "o/") of `row`; empty when not live.
// `zone` turns the recycling clock's instant into a day.
std::vector<std::string> IndexKeys(const CustomerRow& row, absl::TimeZone zone);
// The customer id that ends an index key ("a/", "d/", "i/" or "o/").
absl::string_view IdOfIndexKey(absl::string_view key);

// Little helpers for the u32 counters.
std::string U32(uint32_t v);

}  // namespace crm::projections::pipeline::keys

#endif  // CRM_PROJECTIONS_PIPELINE_PIPELINE_KEYS_H_
