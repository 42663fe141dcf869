// The collection report (回款情况表) of the seed's payment sheet: one row per
// payment received in a date range — rep, product, customer, date, amount,
// status — with totals per rep and overall, keyed by currency.
//
// A row's amount is the payment net of every reversal recorded so far (a
// bounced transfer is not money collected, whenever it bounced); `reversed`
// says how much was taken back. The status is the order's payment status
// (payment_status.h) as of the range's last day. Customers merged into
// another are shown as the survivor.
//
// Thread-safety: thread-compatible, like the ViewReader it reads.
#ifndef CRM_PROJECTIONS_REPORTS_COLLECTION_REPORT_H_
#define CRM_PROJECTIONS_REPORTS_COLLECTION_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "engine/domain/payment_status.h"
#include "projections/balances/page_token.h"
#include "projections/view_access.h"

namespace crm::projections::reports {

struct CollectionRow {
  std::string rep_id;       // credited with the payment
  std::string products;     // the order's product names, joined with "、"
  std::string customer_id;  // after merges
  std::string customer_name;
  std::string order_id;
  std::string contract_number;
  std::string payment_id;
  absl::CivilDay paid_on;
  std::string currency_code;
  int64_t received = 0;
  int64_t reversed = 0;
  int64_t amount = 0;  // received - reversed
  engine::domain::PaymentStatus order_status = engine::domain::PaymentStatus::kUnpaid;
  bool order_cancelled = false;
};

struct CurrencyTotal {
  std::string currency_code;
  int64_t payments = 0;
  int64_t amount = 0;
  bool operator==(const CurrencyTotal&) const = default;
};

struct RepCollectionTotal {
  std::string rep_id;
  std::vector<CurrencyTotal> totals;  // by currency code
  bool operator==(const RepCollectionTotal&) const = default;
};

struct CollectionReport {
  // This page's rows, by date received, then order and payment id.
  std::vector<CollectionRow> rows;
  // Totals over the whole range (every page carries them), by rep id.
  std::vector<RepCollectionTotal> by_rep;
  std::vector<CurrencyTotal> overall;
  std::string next_page_token;
};

// Payments received from `from` to `to`, both included, in `reader` (a
// reader of the "reports" projection). Errors: InvalidArgument naming `to`
// if it is before `from`, page_size or page_token if malformed.
absl::StatusOr<CollectionReport> BuildCollectionReport(const ViewReader& reader,
                                                       absl::CivilDay from, absl::CivilDay to,
                                                       const PageRequest& page);

}  // namespace crm::projections::reports

#endif  // CRM_PROJECTIONS_REPORTS_COLLECTION_REPORT_H_
