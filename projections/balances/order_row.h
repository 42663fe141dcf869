// Folding an order's events into its read-model row (order_row.proto), shared
// by the balances and reports projections so both agree on what an order
// holds, and turning a row back into the domain's OrderState so balances are
// derived by the domain's own rules (payment_status.h).
//
// Thread-safety: pure functions.
#ifndef CRM_PROJECTIONS_BALANCES_ORDER_ROW_H_
#define CRM_PROJECTIONS_BALANCES_ORDER_ROW_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "crm/v1/order_events.pb.h"
#include "engine/domain/order_state.h"
#include "engine/store/types.h"
#include "projections/balances/order_row.pb.h"

namespace crm::projections::balances {

// Type prefixes of the order stream's events ("crm.v1.Order...",
// "crm.v1.Payment...").
inline constexpr char kOrderTypePrefix[] = "crm.v1.Order";
inline constexpr char kPaymentTypePrefix[] = "crm.v1.Payment";

// Decodes an event of an order stream. NotFound if `event` is not an order
// event, DataLoss if it does not parse.
absl::StatusOr<v1::OrderEvent> DecodeOrderEvent(const engine::RecordedEvent& event);

// The business day the event was decided: its metadata's recorded_us (the
// command's now), or the store's commit time if the metadata has none.
absl::CivilDay DecidedOn(const engine::RecordedEvent& event, absl::TimeZone zone);

// Applies `event` (decoded from `recorded`) to `row`. The customer is set to
// the placed one; callers that track merges overwrite row.customer_id.
// DataLoss when the event does not fit the row (an event before the order
// was placed, a reversal of an unknown payment): the log breaks the order
// decider's invariants and the projection must stop rather than guess.
absl::Status ApplyOrderEvent(const engine::RecordedEvent& recorded, const v1::OrderEvent& event,
                             absl::TimeZone zone, views::OrderRow& row);

// The domain's view of the row, for payment_status.h. Lines are left out:
// balances never read them, and an aging query converts every order.
engine::domain::OrderState ToOrderState(const views::OrderRow& row);

// True when the order was a receivable on `day`: placed on or before it and
// not cancelled on or before it.
bool LiveOn(const views::OrderRow& row, absl::CivilDay day);

// Parses a stored row; DataLoss naming `key` if it does not parse.
absl::StatusOr<views::OrderRow> ParseOrderRow(absl::string_view bytes, absl::string_view key);

}  // namespace crm::projections::balances

#endif  // CRM_PROJECTIONS_BALANCES_ORDER_ROW_H_
