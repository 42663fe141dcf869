#include "service/event_proto.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace crm::service {

void ToProto(const engine::RecordedEvent& event, v1::RecordedEvent* out) {
  out->set_event_id(event.id.ToString());
  out->set_stream(event.stream);
  out->set_revision(event.revision);
  out->set_position(event.position);
  out->set_type(event.type);
  out->set_data(event.data);
  out->set_metadata(event.metadata);
  *out->mutable_recorded_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(event.recorded_us);
}

absl::StatusOr<std::vector<engine::StreamAppend>> FromProto(const v1::AppendRequest& request) {
  if (request.streams_size() == 0) {
    return absl::InvalidArgumentError("streams: at least one stream is required");
  }
  std::vector<engine::StreamAppend> appends;
  appends.reserve(request.streams_size());
  for (int i = 0; i < request.streams_size(); ++i) {
    const v1::StreamAppend& in = request.streams(i);
    engine::StreamAppend out;
    out.stream = in.stream();
    const v1::ExpectedRevision& expected = in.expected_revision();
    switch (expected.kind_case()) {
      case v1::ExpectedRevision::kNoStream:
        out.expected = engine::ExpectedRevision::NoStream();
        break;
      case v1::ExpectedRevision::kStreamExists:
        out.expected = engine::ExpectedRevision::StreamExists();
        break;
      case v1::ExpectedRevision::kExact:
        out.expected = engine::ExpectedRevision::Exact(expected.exact());
        break;
      default:
        out.expected = engine::ExpectedRevision::Any();
    }
    for (int j = 0; j < in.events_size(); ++j) {
      const v1::ProposedEvent& e = in.events(j);
      engine::ProposedEvent event;
      if (e.event_id().empty()) {
        event.id = engine::EventId::Random();
      } else {
        absl::StatusOr<engine::EventId> id = engine::EventId::Parse(e.event_id());
        if (!id.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat("streams[", i, "].events[", j, "].event_id: \"", e.event_id(),
                           "\" is not a UUID in 8-4-4-4-12 hex form"));
        }
        event.id = *id;
      }
      event.type = e.type();
      event.data = e.data();
      event.metadata = e.metadata();
      out.events.push_back(std::move(event));
    }
    appends.push_back(std::move(out));
  }
  return appends;
}

void ToProto(const engine::AppendResult& result, v1::AppendResponse* out) {
  for (const engine::StreamAppendResult& s : result.streams) {
    v1::StreamAppendResult* r = out->add_streams();
    r->set_stream(s.stream);
    if (s.last_revision == engine::kNoRevision) {
      r->set_empty(true);
    } else {
      r->set_last_revision(s.last_revision);
    }
  }
  if (result.first_position == engine::kNoPosition) {
    out->set_no_events(true);
  } else {
    out->set_first_position(result.first_position);
    out->set_last_position(result.last_position);
  }
  out->set_idempotent_replay(result.idempotent_replay);
}

}  // namespace crm::service
