#include "engine/store/record.h"

#include <array>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "engine/store/keyspace.h"

namespace crm::engine::record {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kRevisionOffset = 1;
constexpr size_t kHeaderSize = 1 + 8 + 8 + EventId::kSize;

void PutVarint32(std::string* out, uint32_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint32(absl::string_view* in, uint32_t* v) {
  uint32_t result = 0;
  for (int shift = 0; shift <= 28 && !in->empty(); shift += 7) {
    uint8_t byte = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    result |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool GetLengthPrefixed(absl::string_view* in, absl::string_view* out) {
  uint32_t len = 0;
  if (!GetVarint32(in, &len) || in->size() < len) return false;
  *out = in->substr(0, len);
  in->remove_prefix(len);
  return true;
}

void PutLengthPrefixed(std::string* out, absl::string_view s) {
  PutVarint32(out, static_cast<uint32_t>(s.size()));
  out->append(s.data(), s.size());
}

}  // namespace

std::string EncodeRecord(absl::string_view stream, const ProposedEvent& event) {
  std::string out;
  out.reserve(kHeaderSize + 15 + stream.size() + event.type.size() + event.metadata.size() +
              event.data.size());
  out.push_back(static_cast<char>(kVersion));
  out.append(16, '\0');
  out.append(event.id.Bytes().data(), EventId::kSize);
  PutLengthPrefixed(&out, stream);
  PutLengthPrefixed(&out, event.type);
  PutLengthPrefixed(&out, event.metadata);
  out.append(event.data);
  return out;
}

void PatchRecord(std::string* record, Revision revision, int64_t recorded_us) {
  std::string fixed;
  keyspace::PutU64BE(&fixed, revision);
  keyspace::PutU64BE(&fixed, static_cast<uint64_t>(recorded_us));
  std::memcpy(record->data() + kRevisionOffset, fixed.data(), fixed.size());
}

absl::StatusOr<RecordView> DecodeRecord(absl::string_view bytes) {
  if (bytes.size() < kHeaderSize || static_cast<uint8_t>(bytes[0]) != kVersion) {
    return absl::DataLossError(absl::StrCat("event record of ", bytes.size(),
                                            " bytes has a bad header (version byte ",
                                            bytes.empty() ? -1 : int{uint8_t(bytes[0])}, ")"));
  }
  RecordView view;
  view.revision = keyspace::GetU64BE(bytes.substr(kRevisionOffset));
  view.recorded_us = static_cast<int64_t>(keyspace::GetU64BE(bytes.substr(kRevisionOffset + 8)));
  view.id = bytes.substr(kRevisionOffset + 16, EventId::kSize);
  absl::string_view rest = bytes.substr(kHeaderSize);
  if (!GetLengthPrefixed(&rest, &view.stream) || !GetLengthPrefixed(&rest, &view.type) ||
      !GetLengthPrefixed(&rest, &view.metadata)) {
    return absl::DataLossError("event record is truncated");
  }
  view.data = rest;
  return view;
}

void AppendRecordedEvent(const RecordView& view, Position position,
                         std::vector<RecordedEvent>& out) {
  RecordedEvent& e = out.emplace_back();
  // DecodeRecord checked the header, so the id is exactly kSize bytes.
  std::array<uint8_t, EventId::kSize> id;
  std::memcpy(id.data(), view.id.data(), EventId::kSize);
  e.id = EventId(id);
  e.stream.assign(view.stream.data(), view.stream.size());
  e.revision = view.revision;
  e.position = position;
  e.type.assign(view.type.data(), view.type.size());
  e.data.assign(view.data.data(), view.data.size());
  e.metadata.assign(view.metadata.data(), view.metadata.size());
  e.recorded_us = view.recorded_us;
}

RecordedEvent ToRecordedEvent(const RecordView& view, Position position) {
  RecordedEvent e;
  e.id = *EventId::FromBytes(view.id);
  e.stream = std::string(view.stream);
  e.revision = view.revision;
  e.position = position;
  e.type = std::string(view.type);
  e.data = std::string(view.data);
  e.metadata = std::string(view.metadata);
  e.recorded_us = view.recorded_us;
  return e;
}

}  // namespace crm::engine::record
