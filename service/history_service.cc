#include "service/history_service.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/domain/customer_state.h"
#include "engine/domain/field_validation.h"
#include "engine/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "projections/history/history_projection.h"
#include "projections/history/history_queries.h"

namespace crm::service {
namespace {

using google::protobuf::util::TimeUtil;
using projections::history::TimelineEntry;
using projections::history::TimelinePage;
using projections::history::TimelineQuery;

// The documented page size limit; HistoryQueries refuses more, the API caps
// (AIP-158: an over-large page size is coerced, not an error).
constexpr int32_t kMaxPageSize = 1000;

// StateAsOf's "every committed event" (command_handler.h).
constexpr int64_t kNow = std::numeric_limits<int64_t>::max();

// google.protobuf.Timestamp's documented range: 0001-01-01 to 9999-12-31.
bool ValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= -62135596800 && t.seconds() <= 253402300799 && t.nanos() >= 0 &&
         t.nanos() <= 999999999;
}

// The wire request as a query, every field checked, before any I/O: a bad
// request should not wait for min_position only to be refused.
absl::StatusOr<TimelineQuery> ToQuery(const v1::ListCustomerTimelineRequest& request) {
  TimelineQuery query;
  CRM_RETURN_IF_ERROR(engine::domain::ValidateId("customer_id", request.customer_id()));
  query.customer_id = request.customer_id();
  if (request.has_start_time()) {
    if (!ValidTimestamp(request.start_time())) {
      return absl::InvalidArgumentError(
          "start_time: not a valid timestamp (0001-01-01 to 9999-12-31, nanos 0..999999999)");
    }
    query.from_us = TimeUtil::TimestampToMicroseconds(request.start_time());
  }
  if (request.has_end_time()) {
    if (!ValidTimestamp(request.end_time())) {
      return absl::InvalidArgumentError(
          "end_time: not a valid timestamp (0001-01-01 to 9999-12-31, nanos 0..999999999)");
    }
    query.to_us = TimeUtil::TimestampToMicroseconds(request.end_time());
  }
  if (query.to_us < query.from_us) {
    return absl::InvalidArgumentError("end_time: before start_time");
  }
  query.include_merged_duplicates =
      !request.has_include_merged_duplicates() || request.include_merged_duplicates();
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", request.page_size(), " is negative (0 means the default)"));
  }
  query.page_size = std::min(request.page_size(), kMaxPageSize);
  query.page_token = request.page_token();
  // RunQuery has waited for min_position already.
  query.wait_for = engine::kNoPosition;
  return query;
}

void ToProto(const TimelineEntry& e, v1::TimelineEntry* out) {
  out->set_position(e.position);
  out->set_stream(e.stream);
  out->set_type(e.type);
  out->set_actor(e.actor);
  out->set_request_id(e.request_id);
  // 0 means the event carried no domain metadata: leave the time unset
  // rather than claim 1970.
  if (e.occurred_us != 0) {
    *out->mutable_occurred_time() = TimeUtil::MicrosecondsToTimestamp(e.occurred_us);
  }
  *out->mutable_committed_time() = TimeUtil::MicrosecondsToTimestamp(e.committed_us);
  out->set_summary(e.summary);
  out->set_customer_id(e.customer_id);
}

}  // namespace

grpc::ServerUnaryReactor* HistoryServiceImpl::ListCustomerTimeline(
    grpc::CallbackServerContext* context, const v1::ListCustomerTimelineRequest* request,
    v1::ListCustomerTimelineResponse* response) {
  absl::StatusOr<TimelineQuery> query = ToQuery(*request);
  if (!query.ok()) {
    // Still through RunQuery, so that a missing key is UNAUTHENTICATED and a
    // wrong role PERMISSION_DENIED before the request's fields are judged.
    return RunQuery(context, deps_, kCustomerReaders, "ListCustomerTimeline",
                    projections::history::kHistoryProjectionName, std::nullopt,
                    [status = query.status()](const Principal&) { return status; });
  }
  const std::optional<uint64_t> min_position =
      request->has_min_position() ? std::optional<uint64_t>(request->min_position()) : std::nullopt;
  return RunQuery(
      context, deps_, kCustomerReaders, "ListCustomerTimeline",
      projections::history::kHistoryProjectionName, min_position,
      [this, query = *std::move(query), response](const Principal& p) -> absl::Status {
        const projections::history::HistoryQueries& history = deps_.models->history();
        // Scope follows the customer's current owner, read from its stream
        // (not the view), so a just-reassigned customer is judged by who owns
        // it now. An unknown customer folds to exists == false, which
        // CheckCustomerRead answers exactly like one outside the scope.
        engine::domain::CustomerState state;
        absl::StatusOr<engine::domain::CustomerState> current =
            history.StateAsOf(query.customer_id, kNow);
        if (current.ok()) {
          state = *std::move(current);
        } else if (!absl::IsNotFound(current.status())) {
          return current.status();
        }
        CRM_RETURN_IF_ERROR(deps_.access->CheckCustomerRead(p, query.customer_id, state));
        if (!state.exists) {
          return absl::NotFoundError(absl::StrCat("customer ", query.customer_id, " not found"));
        }
        absl::StatusOr<TimelinePage> page = history.Timeline(query);
        // The customer exists but the view has not applied its first event
        // yet (no min_position was given): as of the view, nothing happened.
        if (absl::IsNotFound(page.status())) return absl::OkStatus();
        if (!page.ok()) return page.status();
        for (const TimelineEntry& e : page->entries) ToProto(e, response->add_entries());
        response->set_next_page_token(std::move(page->next_page_token));
        return absl::OkStatus();
      });
}

}  // namespace crm::service
