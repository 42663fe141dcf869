// "Building the balances view from scratch" (issue 7), for crm-engine and
// PostgreSQL on the same order/payment history.
//
// The history is crm_projection_bench's generator (bench/projection_bench_events.h):
// customers registered, orders placed with a two-instalment payment plan,
// approved, paid twice, some part-reversed, some cancelled, a few customers
// merged into others — the domain's real event types, encoded as the domain
// encodes them, in one engine store. PostgreSQL gets exactly those events,
// read back from that store in log order, in a Message DB style `messages`
// table with data and metadata as jsonb (the protobuf messages' JSON form,
// proto field names), with Message DB's indexes.
//
// What each build is, from an empty view to a durable one:
//
//  * crm-engine: ProjectionRunner::Open with the real BalancesProjection on a
//    fresh views folder, until WaitFor reports the last event applied; then
//    every file of the views database is fdatasync'ed (the runner writes
//    views without fsync because they can be rebuilt from the durable log:
//    the fsync is here so "built" means the same on both sides).
//  * PostgreSQL: one transaction that creates order_balances (order, customer
//    after merges, rep, currency, total, paid, outstanding, cancelled) with
//    one set-based INSERT ... SELECT ... GROUP BY over the order streams'
//    messages (a recursive CTE resolves chains of merges), adds its primary
//    key and the customer and rep indexes, and commits (synchronous_commit
//    on: the WAL is flushed before COMMIT returns).
//
// The views are not the same shape: the engine's row keeps the plan and
// every payment and reversal with its date, so aging as of any day can be
// derived from it; the SQL view keeps only the sums. That is what the team on
// PostgreSQL would write for balances, and it is cheaper to build.
//
// After each build the view's totals are read back (untimed) and compared
// with the reference totals folded from the log here, independently of both.
//
// Thread-safety: main thread only.
#ifndef CRM_BENCH_PEER_BALANCES_REBUILD_H_
#define CRM_BENCH_PEER_BALANCES_REBUILD_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/store/event_store.h"

namespace crm::bench {

class PgConn;

// The checksums both views must agree on. Amounts are minor units summed
// over every currency: a checksum, not a balance anyone would report.
struct BalanceTotals {
  uint64_t orders = 0;
  uint64_t cancelled = 0;
  uint64_t customers = 0;   // distinct customers owning an order, after merges
  int64_t total = 0;        // order amounts (after amendments)
  int64_t paid = 0;         // payments minus reversals
  int64_t outstanding = 0;  // total - paid, over orders not cancelled
  bool operator==(const BalanceTotals&) const = default;
  std::string ToString() const;
};

struct RebuildSample {
  uint64_t events = 0;  // in the log: every one is read by both builds
  double seconds = 0;
  double sync_seconds = 0;       // of `seconds`, making the engine's view durable
  double cpu_seconds = 0;        // this process, plus the server's if its uid is given
  double other_cpu_seconds = 0;  // the rest of the machine
  BalanceTotals totals;          // read back from the built view
};

class BalancesBench {
 public:
  // Generates about 4.3 events per order into a fresh store at `path`, fsync
  // off (a bulk load that can be redone), reopens it durable and folds the
  // reference totals.
  static absl::StatusOr<std::unique_ptr<BalancesBench>> Open(const std::string& path,
                                                             uint64_t orders);

  uint64_t events() const { return events_; }
  double load_seconds() const { return load_seconds_; }
  const BalanceTotals& reference() const { return reference_; }

  // Recreates the messages table and copies the log into it, then VACUUM
  // ANALYZE and CHECKPOINT. Returns the seconds taken.
  absl::StatusOr<double> LoadPostgres(const std::string& conninfo);

  // One build into the fresh folder `views_path`; the caller removes it.
  absl::StatusOr<RebuildSample> RebuildEngine(const std::string& views_path);
  // One build after dropping the previous view. `server_uid` >= 0: count
  // that user's processes' CPU as the system's. Requires LoadPostgres.
  absl::StatusOr<RebuildSample> RebuildPostgres(int64_t server_uid);

  ~BalancesBench();

 private:
  BalancesBench() = default;

  std::unique_ptr<engine::EventStore> store_;
  engine::Position last_position_ = 0;
  uint64_t events_ = 0;
  double load_seconds_ = 0;
  BalanceTotals reference_;
  std::unique_ptr<PgConn> pg_;
};

}  // namespace crm::bench

#endif  // CRM_BENCH_PEER_BALANCES_REBUILD_H_
