// BalancesQueries: the query API of the "balances" read model.
//
// Every figure is derived at read time against an explicit as-of date by the
// domain's allocation rules (engine/domain/payment_status.h): only payments
// received, and reversals made, on or before that date count, so a status
// is never stale. Money is int64 minor units of one currency; totals are
// keyed by currency and never add two currencies together.
//
// What counts as a receivable on a date: an order placed (signed) on or
// before it and not cancelled on or before it. Cancelled and not-yet-placed
// orders still answer Order(), but add nothing to totals or aging; from its
// cancellation day an order owes nothing (outstanding 0, status paid), so
// read `cancelled` rather than the status.
// Amendments replace the plan; the latest plan applies to every as-of date.
//
// A customer merged into another is answered as its survivor: its orders
// are the survivor's.
//
// Thread-safety: thread-compatible, like the ViewReader it reads.
#ifndef CRM_PROJECTIONS_BALANCES_BALANCES_QUERIES_H_
#define CRM_PROJECTIONS_BALANCES_BALANCES_QUERIES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "engine/domain/payment_status.h"
#include "projections/balances/aging.h"
#include "projections/balances/page_token.h"
#include "projections/view_access.h"

namespace crm::projections::balances {

using engine::domain::PaymentStatus;

struct InstalmentBalanceView {
  int32_t number = 0;
  absl::CivilDay due;
  int64_t amount = 0;
  int64_t paid = 0;
  int64_t outstanding = 0;
  PaymentStatus status = PaymentStatus::kUnpaid;
  int64_t days_overdue = 0;  // 0 unless overdue
};

struct ReversalView {
  int64_t amount = 0;
  absl::CivilDay reversed_on;
  std::string reason;  // empty in a view built before version 2
};

// A payment received on or before the as-of date, with the reversals made on
// or before it.
struct PaymentView {
  std::string payment_id;
  int32_t instalment_number = 0;  // 0: not tied to an instalment
  int64_t amount = 0;
  absl::CivilDay paid_on;
  std::string rep_id;
  int64_t reversed = 0;  // the sum of `reversals`, 0..amount
  std::vector<ReversalView> reversals;

  // What still counts: what a further reversal may take back at most.
  int64_t Remaining() const { return amount - reversed; }
};

struct OrderBalanceView {
  std::string order_id;
  std::string contract_number;
  std::string customer_id;         // after merges
  std::string placed_customer_id;  // as placed
  std::string rep_id;
  std::string currency_code;
  absl::CivilDay placed_on;
  bool approved = false;
  bool shipped = false;
  bool cancelled = false;
  int64_t amount = 0;
  int64_t paid = 0;         // net of reversals, as of the date
  int64_t outstanding = 0;  // >= 0
  int64_t overpaid = 0;     // >= 0: paid beyond the amount
  PaymentStatus status = PaymentStatus::kUnpaid;
  std::vector<InstalmentBalanceView> instalments;
  std::vector<PaymentView> payments;  // in the order recorded
};

struct OrderBalancePage {
  std::vector<OrderBalanceView> orders;
  std::string next_page_token;  // empty on the last page
};

// One currency's totals over the receivable orders of a customer or rep.
struct BalanceTotals {
  std::string currency_code;
  int64_t orders = 0;
  int64_t amount = 0;
  int64_t paid = 0;
  int64_t outstanding = 0;  // sum over orders, each >= 0
  int64_t overdue = 0;      // the part of `outstanding` past its due date
  int64_t overpaid = 0;     // credit held, never netted against `outstanding`
  bool operator==(const BalanceTotals&) const = default;
};

// Aging of one customer's or rep's receivables in one currency.
struct AgingRow {
  std::string group_id;  // customer id (after merges) or rep id
  std::string currency_code;
  Aging aging;
};

struct AgingPage {
  std::vector<AgingRow> rows;  // sorted by group id, then currency
  std::string next_page_token;
};

// The reps a query is limited to, e.g. a team's. `name` stands for the set
// in page tokens ("team:t1"), so a token is refused when replayed for
// another set; it must not contain 0x00.
struct RepSet {
  std::string name;
  std::vector<std::string> rep_ids;  // any order, repeats allowed
};

class BalancesQueries {
 public:
  // `reader` is a reader of the "balances" projection; not owned, must
  // outlive this object.
  explicit BalancesQueries(const ViewReader* reader) : reader_(reader) {}

  // NotFound if there is no such order.
  absl::StatusOr<OrderBalanceView> Order(absl::string_view order_id, absl::CivilDay as_of) const;

  // Orders of a customer (or its survivor), or credited to a rep, by order
  // id, cancelled ones included. Errors: InvalidArgument (page_size,
  // page_token).
  absl::StatusOr<OrderBalancePage> OrdersOfCustomer(absl::string_view customer_id,
                                                    absl::CivilDay as_of,
                                                    const PageRequest& page) const;
  absl::StatusOr<OrderBalancePage> OrdersOfRep(absl::string_view rep_id, absl::CivilDay as_of,
                                               const PageRequest& page) const;
  // Orders credited to any rep of `reps`, by order id; as OrdersOfRep. A
  // page costs a range scan per rep of the set, never a scan of all orders.
  absl::StatusOr<OrderBalancePage> OrdersOfReps(const RepSet& reps, absl::CivilDay as_of,
                                                const PageRequest& page) const;

  // Totals per currency (sorted by code) of the receivables of a customer or
  // rep; empty when it has none.
  absl::StatusOr<std::vector<BalanceTotals>> CustomerTotals(absl::string_view customer_id,
                                                            absl::CivilDay as_of) const;
  absl::StatusOr<std::vector<BalanceTotals>> RepTotals(absl::string_view rep_id,
                                                       absl::CivilDay as_of) const;
  absl::StatusOr<std::vector<BalanceTotals>> RepsTotals(const RepSet& reps,
                                                        absl::CivilDay as_of) const;

  // Receivables aging of every customer / rep with something outstanding.
  // Without `reps`, reads every order: a report, not a per-request lookup.
  // With `reps`, only the orders credited to them count (and only those are
  // read); grouped by customer, the rows are those orders' customers.
  absl::StatusOr<AgingPage> AgingByCustomer(absl::CivilDay as_of, const PageRequest& page,
                                            const RepSet* reps = nullptr) const;
  absl::StatusOr<AgingPage> AgingByRep(absl::CivilDay as_of, const PageRequest& page,
                                       const RepSet* reps = nullptr) const;

  // Every rep credited with an order in the view, sorted: one seek per rep,
  // not a scan of the orders. For resolving a team to the reps of its
  // orders.
  absl::StatusOr<std::vector<std::string>> CreditedReps() const;

 private:
  absl::StatusOr<OrderBalancePage> OrdersUnder(absl::string_view kind, absl::string_view prefix,
                                               absl::CivilDay as_of, const PageRequest& page) const;
  absl::StatusOr<OrderBalancePage> LoadPage(std::vector<std::string> ids, size_t limit,
                                            absl::string_view kind, absl::string_view fingerprint,
                                            absl::CivilDay as_of) const;
  absl::StatusOr<std::vector<BalanceTotals>> TotalsOf(const std::vector<std::string>& order_ids,
                                                      absl::CivilDay as_of) const;
  absl::StatusOr<std::vector<std::string>> OrderIdsUnder(absl::string_view prefix) const;
  absl::StatusOr<AgingPage> AgingBy(bool by_rep, absl::CivilDay as_of, const PageRequest& page,
                                    const RepSet* reps) const;

  const ViewReader* reader_;
};

}  // namespace crm::projections::balances

#endif  // CRM_PROJECTIONS_BALANCES_BALANCES_QUERIES_H_
