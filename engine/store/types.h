// The value types of the event store's API: what an append proposes, what it
// returns, and what a read gives back. No CRM words here: the store knows only
// streams of opaque events.
#ifndef CRM_ENGINE_STORE_TYPES_H_
#define CRM_ENGINE_STORE_TYPES_H_

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "engine/store/event_id.h"

namespace crm::engine {

// Revisions are 0-based within a stream; positions are 0-based and dense in
// the global log of all events.
using Revision = uint64_t;
using Position = uint64_t;

// The condition an append places on its stream's current state (as in
// KurrentDB / EventStoreDB).
class ExpectedRevision {
 public:
  enum class Kind { kAny, kNoStream, kStreamExists, kExact };

  static ExpectedRevision Any() { return ExpectedRevision(Kind::kAny, 0); }
  static ExpectedRevision NoStream() { return ExpectedRevision(Kind::kNoStream, 0); }
  static ExpectedRevision StreamExists() { return ExpectedRevision(Kind::kStreamExists, 0); }
  // The stream's last event must have exactly this revision.
  static ExpectedRevision Exact(Revision r) { return ExpectedRevision(Kind::kExact, r); }

  Kind kind() const { return kind_; }
  Revision revision() const { return revision_; }  // only meaningful for kExact
  std::string ToString() const;

  bool operator==(const ExpectedRevision&) const = default;

 private:
  ExpectedRevision(Kind k, Revision r) : kind_(k), revision_(r) {}
  Kind kind_;
  Revision revision_;
};

// An event as the caller proposes it. `type`, `data` and `metadata` are
// opaque to the store (the CRM layer puts protobuf bytes in them).
struct ProposedEvent {
  EventId id;
  std::string type;
  std::string data;
  std::string metadata;
};

// The events of one append call that go to one stream.
struct StreamAppend {
  std::string stream;
  ExpectedRevision expected = ExpectedRevision::Any();
  // May be empty: then the entry only checks `expected`, which lets a
  // multi-stream append assert that a stream it read has not changed.
  std::vector<ProposedEvent> events;
};

// What one stream got from a successful append.
struct StreamAppendResult {
  std::string stream;
  // The stream's last revision after the append; kNoRevision if the stream
  // is still empty (only possible for an entry with no events).
  Revision last_revision = 0;
};

struct AppendResult {
  // One entry per StreamAppend, in request order.
  std::vector<StreamAppendResult> streams;
  // Global positions of the first and last event written; both equal
  // kNoPosition when the call wrote no event. For an idempotent retry these
  // are the positions the events were originally written at.
  Position first_position = 0;
  Position last_position = 0;
  // True when every event was already stored at this place: nothing written.
  bool idempotent_replay = false;
};

inline constexpr Revision kNoRevision = std::numeric_limits<Revision>::max();
inline constexpr Position kNoPosition = std::numeric_limits<Position>::max();
// As a read's starting point: the end of a stream or of the log.
inline constexpr Revision kEndRevision = std::numeric_limits<Revision>::max();
inline constexpr Position kEndPosition = std::numeric_limits<Position>::max();

// A committed event as read back.
struct RecordedEvent {
  EventId id;
  std::string stream;
  Revision revision = 0;
  Position position = 0;
  std::string type;
  std::string data;
  std::string metadata;
  // When the store committed it, UTC microseconds since the Unix epoch.
  int64_t recorded_us = 0;
};

enum class Direction { kForward, kBackward };

}  // namespace crm::engine

#endif  // CRM_ENGINE_STORE_TYPES_H_
