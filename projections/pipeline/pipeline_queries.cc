#include "projections/pipeline/pipeline_queries.h"

#include <algorithm>
#include <deque>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/types/span.h"
#include "engine/domain/business_calendar.h"
#include "engine/status_macros.h"
#include "projections/pipeline/pipeline_keys.h"
#include "projections/pipeline/pipeline_projection.h"
#include "projections/pipeline/pipeline_rows.pb.h"
#include "projections/view_keys.h"

namespace crm::projections::pipeline {
namespace {

using engine::domain::CivilDayAt;

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

// A key range inside one prefix: [begin, end).
struct Range {
  std::string prefix;
  std::string begin;
  std::string end;
};

Range WholePrefix(std::string prefix) {
  std::string end = view_keys::PrefixEnd(prefix);
  std::string begin = prefix;
  return Range{std::move(prefix), std::move(begin), std::move(end)};
}

// FNV-1a: a stable fingerprint of a query, so a page token is refused by a
// different query instead of silently resuming somewhere meaningless.
uint64_t Fingerprint(absl::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Token = web-safe base64 of: kind (1 byte), fingerprint (8 bytes), the last
// key of the page. Opaque to callers; its layout may change freely.
std::string EncodeToken(char kind, absl::string_view query, absl::string_view key) {
  std::string raw(1, kind);
  view_keys::PutU64BE(&raw, Fingerprint(query));
  raw.append(key.data(), key.size());
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> DecodeToken(char kind, absl::string_view query,
                                        absl::string_view token) {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 9 || raw[0] != kind ||
      view_keys::GetU64BE(absl::string_view(raw).substr(1, 8)) != Fingerprint(query)) {
    return absl::InvalidArgumentError(
        "page_token is not a token this query returned (the query's filters must not change "
        "between pages)");
  }
  return raw.substr(9);
}

absl::StatusOr<int> PageSize(const ReadOptions& read) {
  if (read.page_size < 0 || read.page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size ", read.page_size, " must be 0 (default) to ", kMaxPageSize));
  }
  return read.page_size == 0 ? kDefaultPageSize : read.page_size;
}

// An entry of an index as a scan met it.
struct Hit {
  std::string key;
  std::string value;
};

// Visits the entries of `ranges` (sorted, disjoint) after key `after`, in key
// order and in batches, so that `convert` can read the rows of a whole batch
// at once: it returns one element per hit, the entry for the page or nullopt
// when the hit does not match. Appends at most `limit` entries to `out`;
// returns the key to resume after when a further match exists, else "".
//
// A batch is what the page still needs plus one (to learn whether there is a
// next page), so an unfiltered page is one scan and one batch; it doubles
// whenever a filter turned hits down, so a sparse filter costs few batches.
template <typename T>
absl::StatusOr<std::string> PageOver(
    const ViewReader& reader, const std::vector<Range>& ranges, const std::string& after, int limit,
    std::vector<T>& out,
    absl::FunctionRef<absl::StatusOr<std::vector<std::optional<T>>>(absl::Span<const Hit>)>
        convert) {
  constexpr size_t kMaxBatch = kMaxPageSize + 1;
  int taken = 0;
  size_t grown = 0;
  std::string last;
  std::vector<Hit> hits;
  for (const Range& range : ranges) {
    if (!after.empty() && after >= range.end) continue;
    std::string start = range.begin;
    if (!after.empty() && after >= start) start = after + std::string(1, '\0');
    while (true) {
      const size_t want = std::max(static_cast<size_t>(limit - taken) + 1, grown);
      hits.clear();
      CRM_RETURN_IF_ERROR(reader.Scan(
          range.prefix,
          [&](absl::string_view key, absl::string_view value) {
            if (key >= range.end) return false;
            hits.push_back(Hit{std::string(key), std::string(value)});
            return hits.size() < want;
          },
          start));
      CRM_ASSIGN_OR_RETURN(std::vector<std::optional<T>> entries, convert(hits));
      for (size_t i = 0; i < hits.size(); ++i) {
        if (!entries[i].has_value()) continue;
        if (taken == limit) return last;
        ++taken;
        out.push_back(std::move(*entries[i]));
        last = hits[i].key;
      }
      if (hits.size() < want) break;  // the range is done
      // A full batch without a next page's match: a filter turned some down.
      grown = std::min(2 * want, kMaxBatch);
      start = hits.back().key + std::string(1, '\0');
    }
  }
  return std::string();
}

template <typename Row>
absl::StatusOr<Row> Parse(absl::string_view key, absl::string_view value) {
  Row row;
  if (!row.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(
        absl::StrCat("pipeline row ", absl::CHexEscape(key), " does not parse"));
  }
  return row;
}

// The "c/" rows of the customers named by `ids`, in order, from one snapshot
// in one MultiGet. nullopt for an unknown customer.
absl::StatusOr<std::vector<std::optional<CustomerRow>>> CustomerRows(
    const ViewReader& reader, absl::Span<const absl::string_view> ids) {
  std::vector<std::string> row_keys;
  row_keys.reserve(ids.size());
  for (absl::string_view id : ids) row_keys.push_back(keys::Customer(id));
  CRM_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> values, reader.MultiGet(row_keys));
  std::vector<std::optional<CustomerRow>> rows(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!values[i]) continue;
    CRM_ASSIGN_OR_RETURN(rows[i], Parse<CustomerRow>(row_keys[i], *values[i]));
  }
  return rows;
}

// The rows of a batch of index entries ("a/", "d/", "i/", "o/"), each of
// which must have one.
absl::StatusOr<std::vector<CustomerRow>> IndexedRows(const ViewReader& reader,
                                                     absl::Span<const Hit> hits) {
  std::vector<absl::string_view> ids;
  ids.reserve(hits.size());
  for (const Hit& h : hits) ids.push_back(keys::IdOfIndexKey(h.key));
  CRM_ASSIGN_OR_RETURN(std::vector<std::optional<CustomerRow>> rows, CustomerRows(reader, ids));
  std::vector<CustomerRow> out;
  out.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i]) {
      return absl::DataLossError(absl::StrCat("pipeline index entry ",
                                              absl::CHexEscape(hits[i].key),
                                              " names a customer without a row"));
    }
    out.push_back(std::move(*rows[i]));
  }
  return out;
}

Call ToCall(const CallRow& c, bool present, absl::TimeZone zone) {
  Call out;
  if (!present) return out;
  out.present = true;
  out.follow_up_id = c.follow_up_id();
  out.occurred_us = c.occurred_us();
  out.day = CivilDayAt(c.occurred_us(), zone);
  out.intent = static_cast<v1::Intent>(c.intent());
  out.rep_id = c.rep_id();
  return out;
}

PipelineEntry ToEntry(const CustomerRow& row, absl::CivilDay as_of, absl::TimeZone zone) {
  PipelineEntry e;
  e.customer_id = row.customer_id();
  e.company_name = row.company_name();
  e.contact_person = row.contact_person();
  e.owner_rep_id = row.owner_rep_id();
  e.intent = static_cast<v1::Intent>(row.intent());
  e.won = row.won();
  e.locked = row.locked();
  e.follow_up_count = row.follow_up_count();
  e.last_contact_us = row.last_contact_us();
  if (row.follow_up_count() > 0) {
    e.days_since_last_contact = as_of - CivilDayAt(row.last_contact_us(), zone);
  }
  if (row.has_next_follow_up()) {
    const absl::CivilDay next = keys::DayFromNumber(row.next_follow_up_day());
    e.next_follow_up = next;
    e.due_today = next == as_of;
    e.overdue = next < as_of;
    e.days_overdue = e.overdue ? as_of - next : 0;
  }
  e.first_call = ToCall(row.first_call(), row.follow_up_count() >= 1, zone);
  e.second_call = ToCall(row.second_call(), row.follow_up_count() >= 2, zone);
  e.merged_into = row.merged_into();
  e.archived = row.archived();
  return e;
}

absl::Status RequireId(absl::string_view field, absl::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  if (id.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(field, " must not contain NUL"));
  }
  return absl::OkStatus();
}

// The owners (rep ids, "" for the pool) whose customers the scope covers,
// sorted, so their index prefixes are in key order.
absl::StatusOr<std::vector<std::string>> Owners(const ViewReader& reader, const Scope& scope) {
  std::vector<std::string> owners;
  switch (scope.kind) {
    case Scope::Kind::kRep:
      CRM_RETURN_IF_ERROR(RequireId("scope.id (rep)", scope.id));
      owners.push_back(scope.id);
      return owners;
    case Scope::Kind::kPublicPool:
      owners.push_back("");
      return owners;
    case Scope::Kind::kEveryone:
      CRM_RETURN_IF_ERROR(
          reader.Scan(keys::kOwnedCountPrefix, [&](absl::string_view k, absl::string_view) {
            owners.emplace_back(k.substr(sizeof(keys::kOwnedCountPrefix) - 1));
            return true;
          }));
      return owners;
    case Scope::Kind::kTeam:
      break;
  }
  CRM_RETURN_IF_ERROR(RequireId("scope.id (team)", scope.id));
  // Teams and reps are few (hundreds); reading them all is cheaper than
  // keeping a closure table current as reps move.
  absl::flat_hash_map<std::string, std::vector<std::string>> children;
  bool found = false;
  absl::Status error;
  CRM_RETURN_IF_ERROR(reader.Scan(keys::kTeamPrefix, [&](absl::string_view k, absl::string_view v) {
    absl::StatusOr<TeamRow> team = Parse<TeamRow>(k, v);
    if (!team.ok()) {
      error = team.status();
      return false;
    }
    std::string id(k.substr(sizeof(keys::kTeamPrefix) - 1));
    if (id == scope.id) found = true;
    children[team->parent_team_id()].push_back(std::move(id));
    return true;
  }));
  CRM_RETURN_IF_ERROR(error);
  if (!found) return absl::NotFoundError(absl::StrCat("no team ", scope.id));
  absl::flat_hash_set<std::string> teams = {scope.id};
  std::deque<std::string> todo = {scope.id};
  while (!todo.empty()) {
    const std::string t = todo.front();
    todo.pop_front();
    auto it = children.find(t);
    if (it == children.end()) continue;
    for (const std::string& c : it->second) {
      if (teams.insert(c).second) todo.push_back(c);
    }
  }
  CRM_RETURN_IF_ERROR(reader.Scan(keys::kRepPrefix, [&](absl::string_view k, absl::string_view v) {
    absl::StatusOr<RepRow> rep = Parse<RepRow>(k, v);
    if (!rep.ok()) {
      error = rep.status();
      return false;
    }
    if (teams.contains(rep->team_id())) owners.emplace_back(k.substr(sizeof(keys::kRepPrefix) - 1));
    return true;
  }));
  CRM_RETURN_IF_ERROR(error);
  return owners;
}

std::string ScopeText(const Scope& scope) {
  return absl::StrCat(static_cast<int>(scope.kind), ":", scope.id);
}

}  // namespace

PipelineQueries::PipelineQueries(const ProjectionRunner* runner, absl::TimeZone zone)
    : runner_(runner), zone_(zone) {}

absl::StatusOr<std::unique_ptr<ViewReader>> PipelineQueries::Open(const ReadOptions& read) const {
  if (read.wait_for != engine::kNoPosition) {
    CRM_RETURN_IF_ERROR(
        runner_->WaitFor(kPipelineProjectionName, read.wait_for, absl::Now() + read.wait_timeout));
  }
  return runner_->Reader(kPipelineProjectionName);
}

absl::StatusOr<PipelinePage> PipelineQueries::List(const PipelineQuery& query) const {
  if (!query.as_of) return absl::InvalidArgumentError("as_of is required");
  if (query.intent && !v1::Intent_IsValid(*query.intent)) {
    return absl::InvalidArgumentError(absl::StrCat("intent ", *query.intent, " is not an intent"));
  }
  const absl::CivilDay today = *query.as_of;
  CRM_ASSIGN_OR_RETURN(int limit, PageSize(query.read));
  const std::string text =
      absl::StrCat(ScopeText(query.scope), "|", query.intent ? *query.intent : -1, "|",
                   static_cast<int>(query.due), "|", absl::FormatCivilTime(today));
  CRM_ASSIGN_OR_RETURN(std::string after, DecodeToken('L', text, query.read.page_token));
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(query.read));
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> owners, Owners(*reader, query.scope));

  std::vector<Range> ranges;
  const int32_t day = keys::DayNumber(today);
  for (const std::string& owner : owners) {
    if (query.due != Due::kAny) {
      const std::string prefix = keys::DuePrefix(owner);
      const std::string from = query.due == Due::kDueToday ? keys::DayBytes(day) : "";
      const std::string to = keys::DayBytes(query.due == Due::kOverdue ? day : day + 1);
      ranges.push_back(Range{prefix, prefix + from, prefix + to});
    } else if (query.intent) {
      ranges.push_back(WholePrefix(keys::IntentPrefix(owner, *query.intent)));
    } else {
      ranges.push_back(WholePrefix(keys::OwnerPrefix(owner)));
    }
  }
  const auto convert =
      [&](absl::Span<const Hit> hits) -> absl::StatusOr<std::vector<std::optional<PipelineEntry>>> {
    CRM_ASSIGN_OR_RETURN(std::vector<CustomerRow> rows, IndexedRows(*reader, hits));
    std::vector<std::optional<PipelineEntry>> entries(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      if (query.intent && rows[i].intent() != *query.intent) continue;
      entries[i] = ToEntry(rows[i], today, zone_);
    }
    return entries;
  };
  PipelinePage page;
  CRM_ASSIGN_OR_RETURN(std::string last, PageOver<PipelineEntry>(*reader, ranges, after, limit,
                                                                 page.entries, convert));
  if (!last.empty()) page.next_page_token = EncodeToken('L', text, last);
  return page;
}

absl::StatusOr<PipelinePage> PipelineQueries::RecycleCandidates(const RecycleQuery& query) const {
  if (query.scope.kind == Scope::Kind::kPublicPool) {
    return absl::InvalidArgumentError("scope: the public pool has nothing to recycle");
  }
  CRM_RETURN_IF_ERROR(engine::domain::ValidatePoolRules("rules", query.rules));
  if (query.now_us <= 0) return absl::InvalidArgumentError("now_us must be > 0");
  CRM_ASSIGN_OR_RETURN(int limit, PageSize(query.read));
  PipelinePage page;
  if (query.rules.recycle_after_days() == 0) return page;  // recycling disabled
  const absl::CivilDay today = CivilDayAt(query.now_us, zone_);
  const std::string text = absl::StrCat(ScopeText(query.scope), "|",
                                        query.rules.recycle_after_days(), "|", query.now_us);
  CRM_ASSIGN_OR_RETURN(std::string after, DecodeToken('R', text, query.read.page_token));
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(query.read));
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> owners, Owners(*reader, query.scope));
  // Due when idle days = today - last activity day >= N, i.e. day <= today - N.
  const int32_t bound = keys::DayNumber(today) - query.rules.recycle_after_days() + 1;
  std::vector<Range> ranges;
  for (const std::string& owner : owners) {
    const std::string prefix = keys::RecyclePrefix(owner);
    ranges.push_back(Range{prefix, prefix, prefix + keys::DayBytes(bound)});
  }
  const auto convert =
      [&](absl::Span<const Hit> hits) -> absl::StatusOr<std::vector<std::optional<PipelineEntry>>> {
    CRM_ASSIGN_OR_RETURN(std::vector<CustomerRow> rows, IndexedRows(*reader, hits));
    std::vector<std::optional<PipelineEntry>> entries;
    entries.reserve(rows.size());
    for (const CustomerRow& row : rows) entries.push_back(ToEntry(row, today, zone_));
    return entries;
  };
  CRM_ASSIGN_OR_RETURN(std::string last, PageOver<PipelineEntry>(*reader, ranges, after, limit,
                                                                 page.entries, convert));
  if (!last.empty()) page.next_page_token = EncodeToken('R', text, last);
  return page;
}

absl::StatusOr<RecycledPage> PipelineQueries::Recycled(const RecycledQuery& query) const {
  if (query.scope.kind == Scope::Kind::kPublicPool) {
    return absl::InvalidArgumentError("scope: recyclings are listed by the rep who lost them");
  }
  if (query.from_us < 0 || query.to_us < query.from_us) {
    return absl::InvalidArgumentError("from_us..to_us must be a non-negative, ordered range");
  }
  CRM_ASSIGN_OR_RETURN(int limit, PageSize(query.read));
  const std::string text =
      absl::StrCat(ScopeText(query.scope), "|", query.from_us, "|", query.to_us);
  CRM_ASSIGN_OR_RETURN(std::string after, DecodeToken('Y', text, query.read.page_token));
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(query.read));
  std::vector<Range> ranges;
  const auto time_range = [&](const std::string& prefix) {
    std::string from = prefix, to = prefix;
    view_keys::PutU64BE(&from, static_cast<uint64_t>(query.from_us));
    view_keys::PutU64BE(&to, static_cast<uint64_t>(query.to_us));
    ranges.push_back(Range{prefix, from, to});
  };
  if (query.scope.kind == Scope::Kind::kEveryone) {
    // Recyclings of reps who own nothing now count too: use the global index.
    time_range(keys::kRecycledPrefix);
  } else {
    CRM_ASSIGN_OR_RETURN(std::vector<std::string> owners, Owners(*reader, query.scope));
    for (const std::string& owner : owners) time_range(keys::RecycledByOwnerPrefix(owner));
  }
  const auto convert =
      [&](absl::Span<const Hit> hits) -> absl::StatusOr<std::vector<std::optional<RecycledEntry>>> {
    std::vector<RecycledRow> recyclings(hits.size());
    std::vector<absl::string_view> ids;
    ids.reserve(hits.size());
    for (size_t i = 0; i < hits.size(); ++i) {
      CRM_ASSIGN_OR_RETURN(recyclings[i], Parse<RecycledRow>(hits[i].key, hits[i].value));
      ids.push_back(recyclings[i].customer_id());
    }
    CRM_ASSIGN_OR_RETURN(std::vector<std::optional<CustomerRow>> current,
                         CustomerRows(*reader, ids));
    std::vector<std::optional<RecycledEntry>> entries(hits.size());
    for (size_t i = 0; i < hits.size(); ++i) {
      const RecycledRow& row = recyclings[i];
      RecycledEntry& e = entries[i].emplace();
      e.customer_id = row.customer_id();
      e.previous_owner_rep_id = row.previous_owner_rep_id();
      e.recycled_us = row.recycled_us();
      e.last_activity_us = row.last_activity_us();
      e.days_without_follow_up = row.days_without_follow_up();
      if (current[i]) e.current_owner_rep_id = current[i]->owner_rep_id();
    }
    return entries;
  };
  RecycledPage page;
  CRM_ASSIGN_OR_RETURN(std::string last, PageOver<RecycledEntry>(*reader, ranges, after, limit,
                                                                 page.entries, convert));
  if (!last.empty()) page.next_page_token = EncodeToken('Y', text, last);
  return page;
}

absl::StatusOr<PipelineEntry> PipelineQueries::Get(const std::string& customer_id,
                                                   absl::CivilDay as_of,
                                                   const ReadOptions& read) const {
  CRM_RETURN_IF_ERROR(RequireId("customer_id", customer_id));
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(read));
  const std::string key = keys::Customer(customer_id);
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> value, reader->Get(key));
  if (!value) return absl::NotFoundError(absl::StrCat("no customer ", customer_id));
  CRM_ASSIGN_OR_RETURN(CustomerRow row, Parse<CustomerRow>(key, *value));
  return ToEntry(row, as_of, zone_);
}

absl::StatusOr<std::vector<int64_t>> PipelineQueries::CountByIntent(const Scope& scope,
                                                                    const ReadOptions& read) const {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(read));
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> owners, Owners(*reader, scope));
  std::vector<int64_t> counts(v1::Intent_ARRAYSIZE, 0);
  for (const std::string& owner : owners) {
    for (int intent = v1::INTENT_NOT_CONTACTED; intent < v1::Intent_ARRAYSIZE; ++intent) {
      CRM_ASSIGN_OR_RETURN(std::optional<std::string> n,
                           reader->Get(keys::IntentCount(owner, intent)));
      if (n && n->size() == 4) counts[intent] += view_keys::GetU32BE(*n);
    }
  }
  return counts;
}

absl::StatusOr<engine::domain::ClaimantLoad> PipelineQueries::ClaimantLoad(
    const std::string& rep_id, absl::CivilDay day, const ReadOptions& read) const {
  CRM_RETURN_IF_ERROR(RequireId("rep_id", rep_id));
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(read));
  engine::domain::ClaimantLoad load;
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> claims,
                       reader->Get(keys::Claims(rep_id, keys::DayNumber(day))));
  if (claims && claims->size() == 4) load.claims_today = view_keys::GetU32BE(*claims);
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> owned, reader->Get(keys::OwnedCount(rep_id)));
  if (owned && owned->size() == 4) load.owned_customers = view_keys::GetU32BE(*owned);
  return load;
}

}  // namespace crm::projections::pipeline
