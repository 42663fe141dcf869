// crmctl events export / tail: the event log as JSON lines (event_json.h) for
// analytics tools. `export` reads the log from a position to its end, from a
// stopped store or through crmd's EventStoreService.ReadAll (paged); `tail`
// follows crmd's log (EventStoreService.Subscribe: catch up, then live) until
// interrupted. Both say on stderr where to resume (--from=N): resuming there
// gives the next event, with no gap and no duplicate.
//
// Reading the raw log through crmd needs an admin or analytics key.
#ifndef CRM_CLIENTS_CRMCTL_EVENTS_COMMAND_H_
#define CRM_CLIENTS_CRMCTL_EVENTS_COMMAND_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "clients/crmctl/crmd_call.h"
#include "engine/store/event_store.h"

namespace crm::clients {

struct EventsExportOptions {
  uint64_t from = 0;   // the first global position
  uint64_t limit = 0;  // at most this many events; 0: to the end
};

// Writes the lines to `out` and "N events exported; resume with --from=P" to
// `err`. Returns 0, or 3 when the store or crmd failed (or refused).
int RunEventsExport(engine::EventStore& store, const EventsExportOptions& options, std::FILE* out,
                    std::FILE* err);
int RunEventsExport(const Crmd& crmd, const EventsExportOptions& options, std::FILE* out,
                    std::FILE* err);

struct EventsTailOptions {
  uint64_t from = 0;
  // Only events whose type / stream name starts with this; empty: all.
  std::string type_prefix;
  std::string stream_prefix;
  // Stop after this many events; 0: only when interrupted.
  uint64_t limit = 0;
};

// Prints each event as a line on `out` (flushed, so a pipe sees it at once)
// until SIGINT or SIGTERM, `limit` events, or crmd ends the subscription;
// then the resume position on `err`, where it also says when the stored
// events are done and new ones are awaited. Returns 0 when stopped by a signal or
// the limit, 3 when crmd refused or went away, or `out` failed.
int RunEventsTail(const Crmd& crmd, const EventsTailOptions& options, std::FILE* out,
                  std::FILE* err);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_EVENTS_COMMAND_H_
