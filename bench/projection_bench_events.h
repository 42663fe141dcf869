// The synthetic log of crm_projection_bench: customers with follow-ups,
// orders with approvals, payments, partial reversals, amendments and
// cancellations, and a few merged customers, appended as the domain's encoded
// events straight to the store (not through the CommandHandler: the bench
// measures projections, and a million commands would take longer than the
// rebuild). Every event is one the deciders could have produced, so the
// projections apply them without error.
//
// Thread-safety: main thread only.
#ifndef CRM_BENCH_PROJECTION_BENCH_EVENTS_H_
#define CRM_BENCH_PROJECTION_BENCH_EVENTS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "engine/store/event_store.h"

namespace crm::bench {

struct GeneratedLog {
  uint64_t events = 0;
  uint64_t customers = 0;
  uint64_t orders = 0;
  engine::Position last_position = 0;
};

// The rep that owns the first `hot_rep_customers` customers (the others are
// spread over 40 reps), for the pipeline rows.
inline constexpr char kHotRep[] = "rep-hot";

// Appends about `events` events (at least the orders' own) holding `orders`
// orders to `store`, deterministically for a given seed.
absl::StatusOr<GeneratedLog> GenerateLog(engine::EventStore* store, uint64_t events,
                                         uint64_t orders, uint64_t seed,
                                         uint64_t hot_rep_customers = 0);

}  // namespace crm::bench

#endif  // CRM_BENCH_PROJECTION_BENCH_EVENTS_H_
