// Conversions between the event store's value types and their API form in
// proto/crm/v1/event_store_service.proto.
#ifndef CRM_SERVICE_EVENT_PROTO_H_
#define CRM_SERVICE_EVENT_PROTO_H_

#include <vector>

#include "absl/status/statusor.h"
#include "crm/v1/event_store_service.pb.h"
#include "engine/store/types.h"

namespace crm::service {

void ToProto(const engine::RecordedEvent& event, v1::RecordedEvent* out);

// Checks and converts an AppendRequest. InvalidArgument names the field, e.g.
// "streams[1].events[0].event_id: ...". An empty event id gets a random one.
absl::StatusOr<std::vector<engine::StreamAppend>> FromProto(const v1::AppendRequest& request);

void ToProto(const engine::AppendResult& result, v1::AppendResponse* out);

}  // namespace crm::service

#endif  // CRM_SERVICE_EVENT_PROTO_H_
