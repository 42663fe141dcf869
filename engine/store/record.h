// The event record: the value stored under an event's position in the
// `events` column family (keyspace.h).
//
//   record   := version:u8 revision:u64be recorded_us:u64be id:16
//               stream_len:varint32 stream type_len:varint32 type
//               metadata_len:varint32 metadata data
//   version  := 1                      -- DO NOT CHANGE the meaning of 1
//
// `data` runs to the end of the record. Revision and recorded time sit at
// fixed offsets so an appender's thread can encode the whole record before
// the writer knows them; the writer only patches those 16 bytes
// (PatchRecord), keeping its serial path short.
#ifndef CRM_ENGINE_STORE_RECORD_H_
#define CRM_ENGINE_STORE_RECORD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/store/types.h"

namespace crm::engine::record {

// A decoded record whose strings point into the encoded bytes.
struct RecordView {
  Revision revision = 0;
  int64_t recorded_us = 0;
  absl::string_view id;  // 16 raw bytes
  absl::string_view stream;
  absl::string_view type;
  absl::string_view metadata;
  absl::string_view data;
};

// Encodes `event` for `stream` with revision and time left zero.
std::string EncodeRecord(absl::string_view stream, const ProposedEvent& event);

// Sets revision and recorded time in a record made by EncodeRecord.
void PatchRecord(std::string* record, Revision revision, int64_t recorded_us);

// Returns DataLoss if the bytes are not a well-formed record.
absl::StatusOr<RecordView> DecodeRecord(absl::string_view bytes);

// Copies a view into an owning RecordedEvent at `position`.
RecordedEvent ToRecordedEvent(const RecordView& view, Position position);
// The same, constructed in place at the end of `out` (the scan path: one
// element move fewer per event).
void AppendRecordedEvent(const RecordView& view, Position position,
                         std::vector<RecordedEvent>& out);

}  // namespace crm::engine::record

#endif  // CRM_ENGINE_STORE_RECORD_H_
