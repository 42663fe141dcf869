// FoldStream: a domain state folded from one stream, read straight from the
// store. For the small streams the service consults besides the command
// handler's (a rep's team, a team's parent, an opportunity's customer).
#ifndef CRM_SERVICE_STREAM_FOLD_H_
#define CRM_SERVICE_STREAM_FOLD_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/domain/event_codec.h"
#include "engine/store/event_store.h"

namespace crm::service {

// Folds every event of `stream` that `Envelope` knows with
// engine::domain::Evolve(State&, const Envelope&); skips other types. A
// missing stream gives a default State (exists == false).
template <typename State, typename Envelope>
absl::StatusOr<State> FoldStream(const engine::EventStore& store, const std::string& stream) {
  constexpr size_t kPage = 256;
  State state;
  engine::Revision from = 0;
  while (true) {
    absl::StatusOr<std::vector<engine::RecordedEvent>> events =
        store.ReadStream(stream, from, engine::Direction::kForward, kPage);
    if (absl::IsNotFound(events.status())) return state;
    if (!events.ok()) return events.status();
    for (const engine::RecordedEvent& e : *events) {
      from = e.revision + 1;
      Envelope envelope;
      absl::Status decoded = engine::domain::DecodeEvent(e.type, e.data, envelope);
      if (absl::IsNotFound(decoded)) continue;
      if (!decoded.ok()) return decoded;
      Evolve(state, envelope);
    }
    if (events->size() < kPage) return state;
  }
}

}  // namespace crm::service

#endif  // CRM_SERVICE_STREAM_FOLD_H_
