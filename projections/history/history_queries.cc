#include "projections/history/history_queries.h"

#include <algorithm>
#include <deque>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/domain/field_validation.h"
#include "engine/status_macros.h"
#include "projections/history/history_projection.h"
#include "projections/history/history_rows.pb.h"
#include "projections/view_keys.h"

namespace crm::projections::history {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

// FNV-1a: binds a page token to the query that made it.
uint64_t Fingerprint(absl::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Token = web-safe base64 of fingerprint:u64 and the last position shown.
std::string EncodeToken(absl::string_view query, uint64_t position) {
  std::string raw;
  view_keys::PutU64BE(&raw, Fingerprint(query));
  view_keys::PutU64BE(&raw, position);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::optional<uint64_t>> DecodeToken(absl::string_view query,
                                                    absl::string_view token) {
  if (token.empty()) return std::nullopt;
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() != 16 ||
      view_keys::GetU64BE(raw) != Fingerprint(query)) {
    return absl::InvalidArgumentError(
        "page_token is not a token this query returned (the query must not change between "
        "pages)");
  }
  return view_keys::GetU64BE(absl::string_view(raw).substr(8));
}

TimelineEntry ToEntry(const TimelineRow& row) {
  TimelineEntry e;
  e.position = row.position();
  e.stream = row.stream();
  e.type = row.type();
  e.actor = row.actor();
  e.request_id = row.request_id();
  e.occurred_us = row.occurred_us();
  e.committed_us = row.committed_us();
  e.happened_us = row.happened_us();
  e.summary = row.summary();
  e.customer_id = row.customer_id();
  return e;
}

// The customer and, if asked, every duplicate merged into it (merges chain:
// a survivor may itself have been merged into another customer's duplicate).
absl::StatusOr<std::vector<std::string>> Customers(const ViewReader& reader, const std::string& id,
                                                   bool duplicates) {
  std::vector<std::string> out = {id};
  if (!duplicates) return out;
  absl::flat_hash_set<std::string> seen = {id};
  std::deque<std::string> todo = {id};
  while (!todo.empty()) {
    const std::string survivor = todo.front();
    todo.pop_front();
    const std::string prefix = keys::DuplicatesPrefix(survivor);
    CRM_RETURN_IF_ERROR(reader.Scan(prefix, [&](absl::string_view key, absl::string_view) {
      std::string dup(key.substr(prefix.size()));
      if (seen.insert(dup).second) {
        out.push_back(dup);
        todo.push_back(std::move(dup));
      }
      return true;
    }));
  }
  return out;
}

}  // namespace

absl::StatusOr<TimelinePage> HistoryQueries::Timeline(const TimelineQuery& query) const {
  CRM_RETURN_IF_ERROR(engine::domain::ValidateId("customer_id", query.customer_id));
  if (query.to_us < query.from_us) {
    return absl::InvalidArgumentError("from_us..to_us: to_us is before from_us");
  }
  if (query.page_size < 0 || query.page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size ", query.page_size, " must be 0 (default) to ", kMaxPageSize));
  }
  const int limit = query.page_size == 0 ? kDefaultPageSize : query.page_size;
  const std::string text = absl::StrCat(query.customer_id, "|", query.from_us, "|", query.to_us,
                                        "|", query.include_merged_duplicates);
  CRM_ASSIGN_OR_RETURN(std::optional<uint64_t> after, DecodeToken(text, query.page_token));
  if (query.wait_for != engine::kNoPosition) {
    CRM_RETURN_IF_ERROR(
        runner_->WaitFor(kHistoryProjectionName, query.wait_for, absl::Now() + query.wait_timeout));
  }
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, runner_->Reader(kHistoryProjectionName));
  bool exists = false;
  CRM_RETURN_IF_ERROR(reader->Scan(keys::TimelinePrefix(query.customer_id),
                                   [&](absl::string_view, absl::string_view) {
                                     exists = true;
                                     return false;
                                   }));
  if (!exists) return absl::NotFoundError(absl::StrCat("no customer ", query.customer_id));
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                       Customers(*reader, query.customer_id, query.include_merged_duplicates));

  // Up to limit + 1 matching entries from each timeline, then the first
  // limit + 1 of their union in log order: enough to fill the page and know
  // whether another follows.
  std::vector<TimelineEntry> merged;
  absl::Status error;
  for (const std::string& id : ids) {
    int taken = 0;
    const std::string start = after ? keys::Timeline(id, *after + 1) : std::string();
    CRM_RETURN_IF_ERROR(reader->Scan(
        keys::TimelinePrefix(id),
        [&](absl::string_view key, absl::string_view value) {
          TimelineRow row;
          if (!row.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            error = absl::DataLossError(
                absl::StrCat("history row ", absl::CHexEscape(key), " does not parse"));
            return false;
          }
          if (row.occurred_us() < query.from_us || row.occurred_us() >= query.to_us) return true;
          merged.push_back(ToEntry(row));
          return ++taken <= limit;
        },
        start));
    CRM_RETURN_IF_ERROR(error);
  }
  std::sort(merged.begin(), merged.end(),
            [](const TimelineEntry& a, const TimelineEntry& b) { return a.position < b.position; });
  TimelinePage page;
  const bool more = static_cast<int>(merged.size()) > limit;
  if (more) merged.resize(limit);
  page.entries = std::move(merged);
  if (more) page.next_page_token = EncodeToken(text, page.entries.back().position);
  return page;
}

absl::StatusOr<engine::domain::CustomerState> HistoryQueries::StateAsOf(
    const std::string& customer_id, int64_t as_of_us) const {
  CRM_RETURN_IF_ERROR(engine::domain::ValidateId("customer_id", customer_id));
  if (as_of_us <= 0) return absl::InvalidArgumentError("as_of_us must be > 0");
  CRM_ASSIGN_OR_RETURN(engine::domain::CustomerState state,
                       handler_->CustomerAsOf(customer_id, as_of_us));
  if (!state.exists) {
    return absl::NotFoundError(
        absl::StrCat("customer ", customer_id, " did not exist at ", as_of_us, " us"));
  }
  return state;
}

}  // namespace crm::projections::history
