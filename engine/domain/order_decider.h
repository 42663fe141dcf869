// The order decider: orders (contracts) and the payments against them.
// Pure, like the customer decider (customer_decider.h), with the same result
// conventions: events to append, an empty vector for "already done", or
// InvalidArgument (malformed, naming the field) / NotFound / AlreadyExists /
// FailedPrecondition (a business rule refuses).
//
// Business rules:
//   * The order amount is computed from the lines (quantity × unit price) and
//     the payment plan's instalments must add up to it exactly.
//   * Payments need an approved, not cancelled order, in the order's currency,
//     and may not exceed what is outstanding (on the order, and on the
//     instalment they name) unless allow_overpayment says it is intended.
//   * A reversal takes back at most what is left of one payment.
//   * An order with money held against it cannot be cancelled (reverse the
//     payments first); a shipped one can be neither cancelled nor amended.
//   * Every line of a placed order names a defined (NotFound otherwise),
//     not retired (FailedPrecondition) product. An amendment is held to the
//     same rule except for products already on the order: retiring a
//     product stops new sales of it, not changes to contracts that hold it.
//
// Contract-number uniqueness needs another stream ("contract-<number>", see
// reservations.h) and is enforced by the command handler.
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_ORDER_DECIDER_H_
#define CRM_ENGINE_DOMAIN_ORDER_DECIDER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/order_commands.pb.h"
#include "crm/v1/order_events.pb.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/order_state.h"
#include "engine/domain/product_decider.h"

namespace crm::engine::domain {

struct OrderEnvironment {
  // The business time zone: the civil date of a reversal.
  absl::TimeZone zone = DefaultBusinessTimeZone();
  // The products the command's lines name, by id, as the command handler
  // read them (a product missing from the map is not defined). Unset, the
  // lines' products are not checked: the handler first decides against an
  // empty state only to refuse a malformed command before reading anything.
  std::optional<std::map<std::string, ProductState>> products;
};

// The order id a command acts on ("" if the oneof is not set).
const std::string& TargetOrderId(const v1::OrderCommand& command);

// The product ids the command's lines name (PlaceOrder and AmendOrder; none
// for the other commands), each once, so the handler knows what to read.
std::vector<std::string> NamedProductIds(const v1::OrderCommand& command);

absl::StatusOr<std::vector<v1::OrderEvent>> DecideOrder(const v1::CommandContext& context,
                                                        const v1::OrderCommand& command,
                                                        const OrderState& state,
                                                        const OrderEnvironment& env);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_ORDER_DECIDER_H_
