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
#include "service/wire_values.h"

namespace crm::service {
namespace {

using google::protobuf::util::TimeUtil;
using projections::history::TimelineEntry;
using projections::history::TimelinePage;
using projections::history::TimelineQuery;

// The wire request as a query, every field checked, before any I/O: a bad
// request should not wait for min_position only to be refused.
absl::StatusOr<TimelineQuery> ToQuery(const v1::ListCustomerTimelineRequest& request) {
  TimelineQuery query;
  CRM_RETURN_IF_ERROR(engine::domain::ValidateId("customer_id", request.customer_id()));
  query.customer_id = request.customer_id();
  if (request.has_start_time()) {
    CRM_ASSIGN_OR_RETURN(query.from_us, TimestampMicros("start_time", request.start_time()));
  }
  if (request.has_end_time()) {
    CRM_ASSIGN_OR_RETURN(query.to_us, TimestampMicros("end_time", request.end_time()));
  }
  if (query.to_us < query.from_us) {
    return absl::InvalidArgumentError("end_time: before start_time");
  }
  query.include_merged_duplicates =
      !request.has_include_merged_duplicates() || request.include_merged_duplicates();
  CRM_ASSIGN_OR_RETURN(query.page_size, PageSize(request.page_size()));
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
  if (e.happened_us != 0) {
    *out->mutable_happened_time() = TimeUtil::MicrosecondsToTimestamp(e.happened_us);
  }
  out->set_summary(e.summary);
  out->set_customer_id(e.customer_id);
}

}  // namespace

grpc::ServerUnaryReactor* HistoryServiceImpl::ListCustomerTimeline(
    grpc::CallbackServerContext* context, const v1::ListCustomerTimelineRequest* request,
    v1::ListCustomerTimelineResponse* response) {
  absl::StatusOr<TimelineQuery> query = ToQuery(*request);
  absl::Status valid = query.status();
  return RunCheckedQuery(
      context, deps_, kCustomerReaders, "ListCustomerTimeline",
      projections::history::kHistoryProjectionName, std::move(valid), MinPosition(*request),
      [this, query = std::move(query), response](const Principal& p) -> absl::Status {
        // Scope follows the customer's current owner, read from its stream
        // (not the view), so a just-reassigned customer is judged by who owns
        // it now. An unknown customer folds to exists == false, which
        // CheckCustomerRead answers exactly like one outside the scope.
        CRM_ASSIGN_OR_RETURN(engine::domain::CustomerState state,
                             deps_.handler->LoadCustomer(query->customer_id));
        CRM_RETURN_IF_ERROR(deps_.access->CheckCustomerRead(p, query->customer_id, state));
        if (!state.exists) {
          return absl::NotFoundError(absl::StrCat("customer ", query->customer_id, " not found"));
        }
        absl::StatusOr<TimelinePage> page = deps_.models->history().Timeline(*query);
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
