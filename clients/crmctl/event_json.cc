#include "clients/crmctl/event_json.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/customer_events.pb.h"
#include "crm/v1/opportunity.pb.h"
#include "crm/v1/order_events.pb.h"
#include "crm/v1/product.pb.h"
#include "crm/v1/rep.pb.h"
#include "crm/v1/reservation_events.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"

namespace crm::clients {
namespace {

// Touching each envelope links its .proto into the binary, so the generated
// pool can find every event type by its stored name.
void LinkEventSchemas() {
  static const google::protobuf::Descriptor* const kEnvelopes[] = {
      v1::CustomerEvent::descriptor(),    v1::OrderEvent::descriptor(),
      v1::OpportunityEvent::descriptor(), v1::ProductEvent::descriptor(),
      v1::RepEvent::descriptor(),         v1::TeamEvent::descriptor(),
      v1::ReservationEvent::descriptor()};
  (void)kEnvelopes;
}

std::string JsonQuote(absl::string_view s) {
  // The JSON mapping's own escaping, via a string field.
  google::protobuf::util::JsonPrintOptions options;
  v1::EventMetadata holder;
  holder.set_actor(std::string(s));
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(holder, &json, options);
  // {"actor":"..."}
  return json.substr(9, json.size() - 10);
}

// What a line is made of, whichever API the event was read through.
struct EventFields {
  uint64_t position = 0;
  absl::string_view stream;
  uint64_t revision = 0;
  absl::string_view type;
  std::string id;
  int64_t recorded_us = 0;
  const std::string& data;
  const std::string& metadata;
};

absl::StatusOr<std::string> JsonLine(const EventFields& event) {
  LinkEventSchemas();
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;

  v1::EventMetadata metadata;
  if (!metadata.ParseFromString(event.metadata)) {
    return absl::DataLossError(
        absl::StrCat("event at ", event.position, ": metadata is not an EventMetadata"));
  }
  std::string metadata_json;
  if (!google::protobuf::util::MessageToJsonString(metadata, &metadata_json, options).ok()) {
    return absl::DataLossError(absl::StrCat("event at ", event.position, ": metadata to JSON"));
  }

  std::string data_field;
  const google::protobuf::Descriptor* type =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          std::string(event.type));
  if (type != nullptr) {
    google::protobuf::DynamicMessageFactory factory;
    std::unique_ptr<google::protobuf::Message> message(factory.GetPrototype(type)->New());
    if (!message->ParseFromString(event.data)) {
      return absl::DataLossError(
          absl::StrCat("event at ", event.position, ": data is not a ", event.type));
    }
    std::string data_json;
    if (!google::protobuf::util::MessageToJsonString(*message, &data_json, options).ok()) {
      return absl::DataLossError(absl::StrCat("event at ", event.position, ": data to JSON"));
    }
    data_field = absl::StrCat("\"data\":", data_json);
  } else {
    data_field = absl::StrCat("\"data_base64\":\"", absl::Base64Escape(event.data), "\"");
  }
  const std::string time = absl::FormatTime(
      "%Y-%m-%dT%H:%M:%E6SZ", absl::FromUnixMicros(event.recorded_us), absl::UTCTimeZone());
  return absl::StrCat("{\"position\":", event.position, ",\"stream\":", JsonQuote(event.stream),
                      ",\"revision\":", event.revision, ",\"type\":", JsonQuote(event.type),
                      ",\"id\":\"", event.id, "\",\"time\":\"", time,
                      "\",\"metadata\":", metadata_json, ",", data_field, "}");
}

}  // namespace

absl::StatusOr<std::string> EventToJsonLine(const engine::RecordedEvent& event) {
  return JsonLine({event.position, event.stream, event.revision, event.type, event.id.ToString(),
                   event.recorded_us, event.data, event.metadata});
}

absl::StatusOr<std::string> EventToJsonLine(const v1::RecordedEvent& event) {
  // crmd sends the store's microseconds as a Timestamp: nothing is lost.
  const int64_t recorded_us =
      event.recorded_time().seconds() * 1000000 + event.recorded_time().nanos() / 1000;
  return JsonLine({event.position(), event.stream(), event.revision(), event.type(),
                   event.event_id(), recorded_us, event.data(), event.metadata()});
}

}  // namespace crm::clients
