#include "projections/pipeline/pipeline_keys.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/domain/business_calendar.h"
#include "projections/view_keys.h"

namespace crm::projections::pipeline::keys {
namespace {

constexpr uint32_t kDayBias = 0x80000000u;
const absl::CivilDay kEpoch(1970, 1, 1);

std::string Tagged(absl::string_view tag, absl::string_view owner) {
  std::string k = absl::StrCat(tag, owner);
  k.push_back('\0');
  return k;
}

}  // namespace

int32_t DayNumber(absl::CivilDay day) { return static_cast<int32_t>(day - kEpoch); }
absl::CivilDay DayFromNumber(int32_t n) { return kEpoch + n; }

std::string DayBytes(int32_t day) {
  std::string s;
  view_keys::PutU32BE(&s, static_cast<uint32_t>(day) + kDayBias);
  return s;
}

int32_t DayFromBytes(absl::string_view bytes) {
  return static_cast<int32_t>(view_keys::GetU32BE(bytes) - kDayBias);
}

std::string U32(uint32_t v) {
  std::string s;
  view_keys::PutU32BE(&s, v);
  return s;
}

std::string Customer(absl::string_view id) { return absl::StrCat("c/", id); }
std::string OwnerPrefix(absl::string_view owner) { return Tagged("o/", owner); }
std::string DuePrefix(absl::string_view owner) { return Tagged("d/", owner); }
std::string RecyclePrefix(absl::string_view owner) { return Tagged("a/", owner); }

std::string IntentPrefix(absl::string_view owner, int intent) {
  std::string k = Tagged("i/", owner);
  k.push_back(static_cast<char>(intent));
  k.push_back('\0');
  return k;
}

std::string IntentCount(absl::string_view owner, int intent) {
  std::string k = Tagged("k/", owner);
  k.push_back(static_cast<char>(intent));
  return k;
}

std::string OwnedCount(absl::string_view owner) { return absl::StrCat(kOwnedCountPrefix, owner); }

std::string Claims(absl::string_view rep, int32_t day) {
  return absl::StrCat(Tagged("q/", rep), DayBytes(day));
}

std::string Rep(absl::string_view rep) { return absl::StrCat(kRepPrefix, rep); }
std::string Team(absl::string_view team) { return absl::StrCat(kTeamPrefix, team); }

std::string RecycledByOwnerPrefix(absl::string_view owner) { return Tagged("y/", owner); }

std::string RecycledByOwner(absl::string_view owner, int64_t us, absl::string_view id) {
  std::string k = RecycledByOwnerPrefix(owner);
  view_keys::PutU64BE(&k, static_cast<uint64_t>(us));
  k.push_back('\0');
  k.append(id.data(), id.size());
  return k;
}

std::string Recycled(int64_t us, absl::string_view id) {
  std::string k = kRecycledPrefix;
  view_keys::PutU64BE(&k, static_cast<uint64_t>(us));
  k.push_back('\0');
  k.append(id.data(), id.size());
  return k;
}

bool Live(const CustomerRow& row) { return row.merged_into().empty() && !row.archived(); }

std::vector<std::string> IndexKeys(const CustomerRow& row, absl::TimeZone zone) {
  std::vector<std::string> out;
  if (!Live(row)) return out;
  const std::string& owner = row.owner_rep_id();
  const std::string& id = row.customer_id();
  out.push_back(OwnerPrefix(owner) + id);
  out.push_back(IntentPrefix(owner, row.intent()) + id);
  if (row.has_next_follow_up()) {
    out.push_back(absl::StrCat(DuePrefix(owner), DayBytes(row.next_follow_up_day()),
                               absl::string_view("\0", 1), id));
  }
  if (!owner.empty() && !row.locked() && !row.won()) {
    const int64_t since = std::max(row.last_contact_us(), row.owned_since_us());
    const int32_t day = DayNumber(engine::domain::CivilDayAt(since, zone));
    out.push_back(
        absl::StrCat(RecyclePrefix(owner), DayBytes(day), absl::string_view("\0", 1), id));
  }
  return out;
}

absl::string_view IdOfIndexKey(absl::string_view key) {
  // Ids never hold 0x00 (see the header), so the last one ends the rest.
  const size_t nul = key.rfind('\0');
  return nul == absl::string_view::npos ? key : key.substr(nul + 1);
}

}  // namespace crm::projections::pipeline::keys
