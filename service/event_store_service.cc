#include "service/event_store_service.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/status_macros.h"
#include "service/access_control.h"
#include "service/event_proto.h"
#include "service/status_mapping.h"

namespace crm::service {
namespace {

constexpr std::initializer_list<Role> kEventReaders = {ROLE_ADMIN, ROLE_ANALYTICS};
constexpr uint32_t kMaxEventsPerMessage = 1000;

size_t Limit(uint32_t asked) {
  if (asked == 0) return kDefaultReadLimit;
  return std::min(asked, kMaxReadLimit);
}

engine::Direction ToDirection(v1::ReadDirection d) {
  return d == v1::READ_DIRECTION_BACKWARD ? engine::Direction::kBackward
                                          : engine::Direction::kForward;
}

// Fills `response` from a read of `limit` events; `key` gives the revision
// (stream reads) or position (log reads) that paging continues from.
template <typename Key>
void FillRead(const std::vector<engine::RecordedEvent>& events, size_t limit,
              engine::Direction direction, Key key, v1::ReadResponse* response) {
  for (const engine::RecordedEvent& e : events) ToProto(e, response->add_events());
  if (events.size() < limit) {
    response->set_end_reached(true);
    return;
  }
  const uint64_t last = key(events.back());
  if (direction == engine::Direction::kForward) {
    response->set_next(last + 1);
  } else if (last == 0) {
    response->set_end_reached(true);
  } else {
    response->set_next(last - 1);
  }
}

// Finishes a Subscribe call that could not start.
class FailedSubscribe final : public grpc::ServerWriteReactor<v1::SubscribeResponse> {
 public:
  explicit FailedSubscribe(const absl::Status& status) { Finish(ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

EventStoreServiceImpl::EventStoreServiceImpl(engine::EventStore* store, const CallGate* gate,
                                             ThreadPool* pool, SubscriptionRegistry* subscriptions)
    : store_(store), gate_(gate), pool_(pool), subscriptions_(subscriptions) {}

grpc::ServerUnaryReactor* EventStoreServiceImpl::Append(grpc::CallbackServerContext* context,
                                                        const v1::AppendRequest* request,
                                                        v1::AppendResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Principal> p = gate_->Admit(*context);
  absl::Status status = p.status();
  if (status.ok()) status = AccessControl::RequireRole(*p, {ROLE_ADMIN}, "Append");
  absl::StatusOr<std::vector<engine::StreamAppend>> appends;
  if (status.ok()) {
    appends = FromProto(*request);
    status = appends.status();
  }
  if (!status.ok()) {
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  }
  // The store's writer validates, commits and fsyncs; its callback finishes
  // the call, so no thread here waits for the disk.
  store_->AppendAsync(std::move(*appends),
                      [reactor, response](absl::StatusOr<engine::AppendResult> result) {
                        if (result.ok()) ToProto(*result, response);
                        reactor->Finish(ToGrpcStatus(result.status()));
                      });
  return reactor;
}

grpc::ServerUnaryReactor* EventStoreServiceImpl::RunRead(grpc::CallbackServerContext* context,
                                                         std::function<absl::Status()> work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Principal> p = gate_->Admit(*context);
  absl::Status status = p.status();
  if (status.ok()) status = AccessControl::RequireRole(*p, kEventReaders, "event store reads");
  if (!status.ok()) {
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  }
  pool_->Post([reactor, work = std::move(work)] { reactor->Finish(ToGrpcStatus(work())); });
  return reactor;
}

grpc::ServerUnaryReactor* EventStoreServiceImpl::ReadStream(grpc::CallbackServerContext* context,
                                                            const v1::ReadStreamRequest* request,
                                                            v1::ReadResponse* response) {
  return RunRead(context, [=, this]() -> absl::Status {
    if (request->stream().empty()) return absl::InvalidArgumentError("stream: required");
    const size_t limit = Limit(request->limit());
    const engine::Direction direction = ToDirection(request->direction());
    const engine::Revision from =
        request->from_end() ? engine::kEndRevision : request->from_revision();
    CRM_ASSIGN_OR_RETURN(std::vector<engine::RecordedEvent> events,
                         store_->ReadStream(request->stream(), from, direction, limit));
    FillRead(
        events, limit, direction, [](const engine::RecordedEvent& e) { return e.revision; },
        response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EventStoreServiceImpl::ReadAll(grpc::CallbackServerContext* context,
                                                         const v1::ReadAllRequest* request,
                                                         v1::ReadResponse* response) {
  return RunRead(context, [=, this]() -> absl::Status {
    const size_t limit = Limit(request->limit());
    const engine::Direction direction = ToDirection(request->direction());
    const engine::Position from =
        request->from_end() ? engine::kEndPosition : request->from_position();
    CRM_ASSIGN_OR_RETURN(std::vector<engine::RecordedEvent> events,
                         store_->ReadAll(from, direction, limit));
    FillRead(
        events, limit, direction, [](const engine::RecordedEvent& e) { return e.position; },
        response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* EventStoreServiceImpl::ReadCategory(
    grpc::CallbackServerContext* context, const v1::ReadCategoryRequest* request,
    v1::ReadResponse* response) {
  return RunRead(context, [=, this]() -> absl::Status {
    if (request->category().empty()) return absl::InvalidArgumentError("category: required");
    const size_t limit = Limit(request->limit());
    const engine::Direction direction = ToDirection(request->direction());
    const engine::Position from =
        request->from_end() ? engine::kEndPosition : request->from_position();
    CRM_ASSIGN_OR_RETURN(std::vector<engine::RecordedEvent> events,
                         store_->ReadCategory(request->category(), from, direction, limit));
    FillRead(
        events, limit, direction, [](const engine::RecordedEvent& e) { return e.position; },
        response);
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::SubscribeResponse>* EventStoreServiceImpl::Subscribe(
    grpc::CallbackServerContext* context, const v1::SubscribeRequest* request) {
  absl::StatusOr<Principal> p = gate_->Admit(*context);
  absl::Status status = p.status();
  if (status.ok()) status = AccessControl::RequireRole(*p, kEventReaders, "Subscribe");
  if (status.ok() && request->max_events_per_message() > kMaxEventsPerMessage) {
    status = absl::InvalidArgumentError(
        absl::StrCat("max_events_per_message: at most ", kMaxEventsPerMessage));
  }
  if (status.ok()) status = subscriptions_->Reserve();
  if (!status.ok()) return new FailedSubscribe(status);

  engine::SubscriptionOptions options;
  options.from_position = request->from_end() ? engine::kEndPosition : request->from_position();
  options.filter.stream_prefix = request->stream_prefix();
  options.filter.event_type_prefix = request->event_type_prefix();
  absl::StatusOr<std::unique_ptr<engine::Subscription>> subscription = store_->Subscribe(options);
  if (!subscription.ok()) {
    subscriptions_->Unreserve();
    absl::Status error = subscription.status();
    if (absl::IsInvalidArgument(error)) {
      error = absl::InvalidArgumentError(absl::StrCat("from_position: ", error.message()));
    }
    return new FailedSubscribe(error);
  }
  return new SubscribeReactor(std::move(*subscription), subscriptions_,
                              std::max<uint32_t>(1, request->max_events_per_message()));
}

}  // namespace crm::service
