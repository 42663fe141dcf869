// Subscription: a catch-up-then-live cursor over the global log.
//
// A subscription reads committed events from RocksDB starting at a position
// and, once it reaches the committed end, waits to be woken by the next
// commit. Catch-up and live are one code path, so there is no hand-off at
// which an event could be skipped or delivered twice. It holds no buffer of
// live events: a consumer that falls behind costs only its cursor, and
// appends never wait for it.
//
// Thread-safety: Next() must be called from one thread at a time; Cancel()
// may be called from any thread, also while Next() blocks.
#ifndef CRM_ENGINE_STORE_SUBSCRIPTION_H_
#define CRM_ENGINE_STORE_SUBSCRIPTION_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/store/types.h"

namespace crm::engine {

struct SubscriptionFilter {
  // Only events of streams whose name starts with this (e.g. "customer-" for
  // a category). Empty: every stream.
  std::string stream_prefix;
  // Only events whose type starts with this. Empty: every type.
  std::string event_type_prefix;
};

struct SubscriptionOptions {
  // Start at this global position (inclusive): 0 is the beginning,
  // kEndPosition means "only events committed from now on".
  Position from_position = 0;

  // If set, subscribe to this one stream only, from revision `from_revision`
  // (inclusive); from_position and filter.stream_prefix are then ignored,
  // filter.event_type_prefix still applies.
  std::string stream;
  Revision from_revision = 0;

  SubscriptionFilter filter;

  // With a filter, report a kCheckpoint after this many consecutive events
  // that did not match, so the consumer's saved position moves on.
  uint64_t checkpoint_interval = 1024;
  // ...and, when live and idle, at most this often after the cursor moved.
  absl::Duration checkpoint_period = absl::Seconds(1);

  // A live subscriber more than this many events behind the committed end is
  // told kFellBehind (it then reads from disk, as it always does, and is told
  // kCaughtUp again when it reaches the end).
  uint64_t max_live_lag = 10000;
};

struct SubscriptionMessage {
  enum class Kind {
    kEvent,       // `event` is the next matching event
    kCheckpoint,  // nothing below `position` is left to deliver
    kCaughtUp,    // reached the committed end; `position` as for kCheckpoint
    kFellBehind,  // a live subscriber is now more than max_live_lag behind
  };
  Kind kind = Kind::kEvent;
  RecordedEvent event;
  // For kCheckpoint, kCaughtUp, kFellBehind: the position of the next event the
  // subscription would consider; a consumer may resume from it.
  Position position = 0;
};

class Subscription {
 public:
  virtual ~Subscription() = default;

  // Returns the next message, blocking until one is available or `deadline`
  // passes. Errors: DeadlineExceeded (nothing yet; call again), Cancelled
  // (Cancel() was called), Unavailable (the store is closing), or the read error.
  virtual absl::StatusOr<SubscriptionMessage> Next(absl::Time deadline) = 0;

  // Makes Next() return Cancelled, now and from then on.
  virtual void Cancel() = 0;
};

}  // namespace crm::engine

#endif  // CRM_ENGINE_STORE_SUBSCRIPTION_H_
