// One stored event as a JSON object on one line (JSON Lines), for analytics
// tools: position, stream, revision, type, id, time, metadata, and the data
// in the protobuf JSON mapping of its type. Data of a type this build does
// not know is given as base64 ("data_base64") rather than dropped.
#ifndef CRM_CLIENTS_CRMCTL_EVENT_JSON_H_
#define CRM_CLIENTS_CRMCTL_EVENT_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "crm/v1/event_store_service.pb.h"
#include "engine/store/types.h"

namespace crm::clients {

// Returns DataLoss if the event's data or metadata does not parse as its
// declared type.
absl::StatusOr<std::string> EventToJsonLine(const engine::RecordedEvent& event);

// The same line for an event read through crmd's EventStoreService, so an
// export through crmd and one from a stopped store are byte for byte alike.
absl::StatusOr<std::string> EventToJsonLine(const v1::RecordedEvent& event);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_EVENT_JSON_H_
