#include "engine/domain/event_codec.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace crm::engine::domain {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::OneofDescriptor;

const OneofDescriptor* EventOneof(const Message& envelope) {
  const auto* descriptor = envelope.GetDescriptor();
  return descriptor->oneof_decl_count() == 1 ? descriptor->oneof_decl(0) : nullptr;
}

}  // namespace

absl::StatusOr<EncodedEvent> EncodeEvent(const Message& envelope) {
  const OneofDescriptor* oneof = EventOneof(envelope);
  const FieldDescriptor* field =
      oneof == nullptr ? nullptr
                       : envelope.GetReflection()->GetOneofFieldDescriptor(envelope, oneof);
  if (field == nullptr || field->type() != FieldDescriptor::TYPE_MESSAGE) {
    return absl::InvalidArgumentError(absl::StrCat(envelope.GetTypeName(), ": no event is set"));
  }
  const Message& event = envelope.GetReflection()->GetMessage(envelope, field);
  EncodedEvent out;
  out.type = std::string(event.GetDescriptor()->full_name());
  // Deterministic bytes, so a retried command proposes identical data.
  {
    google::protobuf::io::StringOutputStream stream(&out.data);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    event.SerializeToCodedStream(&coded);
  }
  return out;
}

absl::Status DecodeEvent(absl::string_view type, absl::string_view data, Message& envelope) {
  envelope.Clear();
  const OneofDescriptor* oneof = EventOneof(envelope);
  if (oneof == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(envelope.GetTypeName(), " is not an envelope"));
  }
  for (int i = 0; i < oneof->field_count(); ++i) {
    const FieldDescriptor* field = oneof->field(i);
    if (field->type() != FieldDescriptor::TYPE_MESSAGE ||
        field->message_type()->full_name() != type) {
      continue;
    }
    Message* event = envelope.GetReflection()->MutableMessage(&envelope, field);
    if (!event->ParseFromArray(data.data(), static_cast<int>(data.size()))) {
      return absl::DataLossError(absl::StrCat("event of type ", type, " does not parse"));
    }
    return absl::OkStatus();
  }
  return absl::NotFoundError(
      absl::StrCat("event type ", type, " is not one of ", envelope.GetTypeName()));
}

}  // namespace crm::engine::domain
