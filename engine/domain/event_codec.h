// Converts between a domain event envelope (a message whose single oneof
// lists every event of an aggregate, e.g. v1::CustomerEvent) and what the
// event store keeps: a type name and opaque data.
//
//   type = the full name of the event message, e.g. "crm.v1.FollowUpLogged"
//   data = that message's protobuf bytes (not the envelope's)
//
// Storing the inner message keeps the stored type meaningful to consumers in
// any language, and lets an envelope gain new events without touching
// history. The oneof field names and numbers are never stored.
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_EVENT_CODEC_H_
#define CRM_ENGINE_DOMAIN_EVENT_CODEC_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace crm::engine::domain {

struct EncodedEvent {
  std::string type;
  std::string data;
};

// Returns InvalidArgument if no event is set in `envelope`.
absl::StatusOr<EncodedEvent> EncodeEvent(const google::protobuf::Message& envelope);

// Fills `envelope` (cleared first) from a stored event. Returns NotFound if
// `type` is not one of the envelope's events (the caller decides whether to
// skip it) and DataLoss if `data` does not parse.
absl::Status DecodeEvent(absl::string_view type, absl::string_view data,
                         google::protobuf::Message& envelope);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_EVENT_CODEC_H_
