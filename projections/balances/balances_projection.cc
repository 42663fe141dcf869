#include "projections/balances/balances_projection.h"

#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "crm/v1/customer_events.pb.h"
#include "engine/domain/event_codec.h"
#include "engine/status_macros.h"
#include "projections/balances/order_row.h"

namespace crm::projections::balances {
namespace {

constexpr absl::string_view kMergedIntoType = "crm.v1.CustomerMergedInto";

// The aggregate id of a stream "<category>-<id>".
absl::StatusOr<std::string> StreamId(const engine::RecordedEvent& event,
                                     absl::string_view category) {
  const std::string prefix = absl::StrCat(category, "-");
  if (!absl::StartsWith(event.stream, prefix) || event.stream.size() == prefix.size()) {
    return absl::DataLossError(absl::StrCat(event.type, " at position ", event.position,
                                            " is on stream ", event.stream, ", not a ", category,
                                            " stream"));
  }
  return event.stream.substr(prefix.size());
}

// Gives the reversal ApplyOrderEvent just added its reason. Not done in
// ApplyOrderEvent: the reports view shares it, never reads the reason, and
// would otherwise write different rows for the same events without a
// version change.
void KeepReversalReason(const v1::PaymentReversed& e, views::OrderRow& row) {
  for (views::PaymentRow& p : *row.mutable_payments()) {
    if (p.payment_id() != e.payment_id() || p.reversals().empty()) continue;
    p.mutable_reversals()->rbegin()->set_reason(e.reason());
    return;
  }
}

}  // namespace

std::vector<std::string> BalancesProjection::event_types() const {
  return {kOrderTypePrefix, kPaymentTypePrefix, std::string(kMergedIntoType)};
}

absl::Status BalancesProjection::Apply(const engine::RecordedEvent& event, ViewWriter& view) {
  if (event.type == kMergedIntoType) return ApplyMerge(event, view);
  return ApplyOrder(event, view);
}

absl::Status BalancesProjection::ApplyOrder(const engine::RecordedEvent& event, ViewWriter& view) {
  CRM_ASSIGN_OR_RETURN(v1::OrderEvent decoded, DecodeOrderEvent(event));
  CRM_ASSIGN_OR_RETURN(std::string order_id, StreamId(event, "order"));
  const std::string key = keys::Order(order_id);
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> stored, view.Get(key));
  views::OrderRow row;
  if (stored.has_value()) {
    CRM_ASSIGN_OR_RETURN(row, ParseOrderRow(*stored, key));
  }
  CRM_RETURN_IF_ERROR(ApplyOrderEvent(event, decoded, zone_, row));
  if (decoded.event_case() == v1::OrderEvent::kPaymentReversed) {
    KeepReversalReason(decoded.payment_reversed(), row);
  }
  if (decoded.event_case() == v1::OrderEvent::kPlaced) {
    CRM_ASSIGN_OR_RETURN(std::string customer, ResolveCustomer(view, row.placed_customer_id()));
    row.set_customer_id(customer);
    view.Put(absl::StrCat(keys::CustomerPrefix(customer), order_id), "");
    view.Put(absl::StrCat(keys::RepPrefix(row.rep_id()), order_id), "");
  }
  view.Put(key, row.SerializeAsString());
  return absl::OkStatus();
}

absl::Status BalancesProjection::ApplyMerge(const engine::RecordedEvent& event, ViewWriter& view) {
  v1::CustomerEvent decoded;
  CRM_RETURN_IF_ERROR(engine::domain::DecodeEvent(event.type, event.data, decoded));
  CRM_ASSIGN_OR_RETURN(std::string duplicate, StreamId(event, "customer"));
  CRM_ASSIGN_OR_RETURN(std::string survivor,
                       ResolveCustomer(view, decoded.merged_into().survivor_customer_id()));
  if (survivor == duplicate) {
    return absl::DataLossError(absl::StrCat("customer ", duplicate, " is merged into itself"));
  }
  view.Put(keys::MergeAlias(duplicate), survivor);

  const std::string from = keys::CustomerPrefix(duplicate);
  std::vector<std::string> order_ids;
  CRM_RETURN_IF_ERROR(view.Scan(from, [&](absl::string_view k, absl::string_view) {
    order_ids.emplace_back(k.substr(from.size()));
    return true;
  }));
  for (const std::string& order_id : order_ids) {
    const std::string key = keys::Order(order_id);
    CRM_ASSIGN_OR_RETURN(std::optional<std::string> stored, view.Get(key));
    if (!stored.has_value()) {
      return absl::DataLossError(absl::StrCat("customer index names missing order ", order_id));
    }
    CRM_ASSIGN_OR_RETURN(views::OrderRow row, ParseOrderRow(*stored, key));
    row.set_customer_id(survivor);
    view.Put(key, row.SerializeAsString());
    view.Delete(absl::StrCat(from, order_id));
    view.Put(absl::StrCat(keys::CustomerPrefix(survivor), order_id), "");
  }
  return absl::OkStatus();
}

}  // namespace crm::projections::balances
