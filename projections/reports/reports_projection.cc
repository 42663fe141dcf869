#include "projections/reports/reports_projection.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "crm/v1/customer_events.pb.h"
#include "crm/v1/opportunity.pb.h"
#include "engine/domain/event_codec.h"
#include "engine/domain/money.h"
#include "engine/status_macros.h"
#include "projections/balances/balances_keys.h"
#include "projections/balances/balances_projection.h"
#include "projections/balances/order_row.h"
#include "projections/reports/report_rows.pb.h"
#include "projections/reports/reports_keys.h"

namespace crm::projections::reports {
namespace {

using engine::domain::CivilDayAt;
using engine::domain::ToCivilDay;
using engine::domain::ToDate;

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

template <typename Row>
absl::StatusOr<std::optional<Row>> Load(ViewWriter& view, const std::string& key) {
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> stored, view.Get(key));
  if (!stored.has_value()) return std::optional<Row>();
  Row row;
  if (!row.ParseFromString(*stored)) {
    return absl::DataLossError(absl::StrCat("reports row ", key, " does not parse"));
  }
  return std::optional<Row>(std::move(row));
}

// Applies `change` to one rep's day row (created if missing).
template <typename Change>
absl::Status UpdateRepDay(ViewWriter& view, absl::string_view rep_id, absl::CivilDay day,
                          Change change) {
  if (rep_id.empty()) return absl::OkStatus();
  const std::string key = keys::RepDay(rep_id, day);
  CRM_ASSIGN_OR_RETURN(std::optional<views::RepDayRow> row, Load<views::RepDayRow>(view, key));
  views::RepDayRow r = row.value_or(views::RepDayRow());
  CRM_RETURN_IF_ERROR(change(r));
  view.Put(key, r.SerializeAsString());
  return absl::OkStatus();
}

// The figures of `currency` in `row`, inserted in currency order if missing.
views::CurrencyFigures& Figures(views::RepDayRow& row, absl::string_view currency) {
  auto* money = row.mutable_money();
  int i = 0;
  while (i < money->size() && money->Get(i).currency_code() < currency) ++i;
  if (i < money->size() && money->Get(i).currency_code() == currency) return *money->Mutable(i);
  money->Add()->set_currency_code(std::string(currency));
  for (int j = money->size() - 1; j > i; --j) money->SwapElements(j, j - 1);
  return *money->Mutable(i);
}

absl::Status AddOrdered(ViewWriter& view, const views::OrderRow& order, int64_t orders,
                        int64_t amount) {
  return UpdateRepDay(view, order.rep_id(), ToCivilDay(order.placed_on()),
                      [&](views::RepDayRow& r) -> absl::Status {
                        r.set_orders(r.orders() + orders);
                        views::CurrencyFigures& f = Figures(r, order.currency_code());
                        CRM_ASSIGN_OR_RETURN(int64_t sum, engine::domain::AddMinorUnits(
                                                              "ordered", f.ordered(), amount));
                        f.set_ordered(sum);
                        return absl::OkStatus();
                      });
}

absl::Status AddCollected(ViewWriter& view, const views::PaymentRow& payment,
                          absl::string_view currency, int64_t amount) {
  return UpdateRepDay(view, payment.rep_id(), ToCivilDay(payment.paid_on()),
                      [&](views::RepDayRow& r) -> absl::Status {
                        views::CurrencyFigures& f = Figures(r, currency);
                        CRM_ASSIGN_OR_RETURN(int64_t sum, engine::domain::AddMinorUnits(
                                                              "collected", f.collected(), amount));
                        f.set_collected(sum);
                        return absl::OkStatus();
                      });
}

absl::Status AddLiveOrders(ViewWriter& view, const std::string& placed_customer_id, int64_t delta) {
  CRM_ASSIGN_OR_RETURN(std::string customer, balances::ResolveCustomer(view, placed_customer_id));
  const std::string key = keys::Customer(customer);
  CRM_ASSIGN_OR_RETURN(std::optional<views::CustomerReportRow> row,
                       Load<views::CustomerReportRow>(view, key));
  views::CustomerReportRow r = row.value_or(views::CustomerReportRow());
  r.set_live_orders(r.live_orders() + delta);
  view.Put(key, r.SerializeAsString());
  return absl::OkStatus();
}

// Records a follow-up at `us` among a customer's two earliest.
void NoteFollowUp(views::CustomerReportRow& r, int64_t us) {
  if (r.first_follow_up_us() == 0 || us < r.first_follow_up_us()) {
    r.set_second_follow_up_us(r.first_follow_up_us());
    r.set_first_follow_up_us(us);
  } else if (r.second_follow_up_us() == 0 || us < r.second_follow_up_us()) {
    r.set_second_follow_up_us(us);
  }
}

}  // namespace

std::vector<std::string> ReportsProjection::event_types() const {
  return {balances::kOrderTypePrefix,  balances::kPaymentTypePrefix,
          "crm.v1.CustomerRegistered", "crm.v1.CustomerProfileChanged",
          "crm.v1.CustomerMergedInto", "crm.v1.FollowUpLogged",
          "crm.v1.Opportunity"};
}

absl::Status ReportsProjection::Apply(const engine::RecordedEvent& event, ViewWriter& view) {
  if (absl::StartsWith(event.type, balances::kOrderTypePrefix) ||
      absl::StartsWith(event.type, balances::kPaymentTypePrefix)) {
    return ApplyOrder(event, view);
  }
  if (absl::StartsWith(event.type, "crm.v1.Opportunity")) return ApplyOpportunity(event, view);
  return ApplyCustomer(event, view);
}

absl::Status ReportsProjection::ApplyOpportunity(const engine::RecordedEvent& event,
                                                 ViewWriter& view) {
  v1::OpportunityEvent decoded;
  CRM_RETURN_IF_ERROR(engine::domain::DecodeEvent(event.type, event.data, decoded));
  CRM_ASSIGN_OR_RETURN(std::string id, StreamId(event, "opportunity"));
  const std::string key = keys::Opportunity(id);
  CRM_ASSIGN_OR_RETURN(std::optional<views::OpportunityReportRow> stored,
                       Load<views::OpportunityReportRow>(view, key));
  if (!stored.has_value() && decoded.event_case() != v1::OpportunityEvent::kOpened) {
    return absl::DataLossError(absl::StrCat(event.type, " at position ", event.position,
                                            " precedes the opportunity's OpportunityOpened"));
  }
  views::OpportunityReportRow row = stored.value_or(views::OpportunityReportRow());
  switch (decoded.event_case()) {
    case v1::OpportunityEvent::kOpened: {
      const v1::OpportunityOpened& e = decoded.opened();
      row.set_stage(e.stage());
      row.set_win_probability_percent(e.win_probability_percent());
      *row.mutable_expected_amount() = e.expected_amount();
      row.set_owner_rep_id(e.owner_rep_id());
      break;
    }
    case v1::OpportunityEvent::kStageChanged:
      row.set_stage(decoded.stage_changed().to_stage());
      row.set_win_probability_percent(decoded.stage_changed().win_probability_percent());
      break;
    case v1::OpportunityEvent::kRevised:
      if (decoded.revised().has_expected_amount()) {
        *row.mutable_expected_amount() = decoded.revised().expected_amount();
      }
      break;
    case v1::OpportunityEvent::kWon:
      row.set_won(true);
      break;
    case v1::OpportunityEvent::kLost:
      row.set_lost(true);
      break;
    case v1::OpportunityEvent::EVENT_NOT_SET:
      return absl::DataLossError(
          absl::StrCat("empty opportunity event at position ", event.position));
  }
  view.Put(key, row.SerializeAsString());
  return absl::OkStatus();
}

absl::Status ReportsProjection::ApplyOrder(const engine::RecordedEvent& event, ViewWriter& view) {
  CRM_ASSIGN_OR_RETURN(v1::OrderEvent decoded, balances::DecodeOrderEvent(event));
  CRM_ASSIGN_OR_RETURN(std::string order_id, StreamId(event, "order"));
  const std::string key = keys::Order(order_id);
  CRM_ASSIGN_OR_RETURN(std::optional<views::OrderRow> stored, Load<views::OrderRow>(view, key));
  const views::OrderRow before = stored.value_or(views::OrderRow());
  views::OrderRow row = before;
  CRM_RETURN_IF_ERROR(balances::ApplyOrderEvent(event, decoded, zone_, row));

  switch (decoded.event_case()) {
    case v1::OrderEvent::kPlaced:
      CRM_RETURN_IF_ERROR(AddOrdered(view, row, 1, row.amount()));
      CRM_RETURN_IF_ERROR(AddLiveOrders(view, row.placed_customer_id(), 1));
      break;
    case v1::OrderEvent::kAmended:
      if (!row.cancelled()) {
        CRM_RETURN_IF_ERROR(AddOrdered(view, row, 0, row.amount() - before.amount()));
      }
      break;
    case v1::OrderEvent::kCancelled:
      if (!before.cancelled()) {
        CRM_RETURN_IF_ERROR(AddOrdered(view, row, -1, -row.amount()));
        CRM_RETURN_IF_ERROR(AddLiveOrders(view, row.placed_customer_id(), -1));
      }
      break;
    case v1::OrderEvent::kPaymentRecorded: {
      const views::PaymentRow& p = row.payments(row.payments_size() - 1);
      view.Put(keys::Payment(ToCivilDay(p.paid_on()), order_id, p.payment_id()), "");
      CRM_RETURN_IF_ERROR(AddCollected(view, p, row.currency_code(), p.amount()));
      break;
    }
    case v1::OrderEvent::kPaymentReversed:
      for (const views::PaymentRow& p : row.payments()) {
        if (p.payment_id() != decoded.payment_reversed().payment_id()) continue;
        CRM_RETURN_IF_ERROR(AddCollected(view, p, row.currency_code(),
                                         -decoded.payment_reversed().amount().minor_units()));
      }
      break;
    default:
      break;
  }
  view.Put(key, row.SerializeAsString());
  return absl::OkStatus();
}

absl::Status ReportsProjection::ApplyCustomer(const engine::RecordedEvent& event,
                                              ViewWriter& view) {
  v1::CustomerEvent decoded;
  CRM_RETURN_IF_ERROR(engine::domain::DecodeEvent(event.type, event.data, decoded));
  CRM_ASSIGN_OR_RETURN(std::string customer_id, StreamId(event, "customer"));
  const std::string key = keys::Customer(customer_id);
  CRM_ASSIGN_OR_RETURN(std::optional<views::CustomerReportRow> stored,
                       Load<views::CustomerReportRow>(view, key));
  views::CustomerReportRow row = stored.value_or(views::CustomerReportRow());

  switch (decoded.event_case()) {
    case v1::CustomerEvent::kRegistered: {
      const v1::CustomerRegistered& e = decoded.registered();
      row.set_name(e.profile().company_name().empty() ? e.profile().contact_person()
                                                      : e.profile().company_name());
      row.set_registered_by_rep_id(e.owner_rep_id());
      const absl::CivilDay day = CivilDayAt(e.registered_us(), zone_);
      *row.mutable_registered_on() = ToDate(day);
      CRM_RETURN_IF_ERROR(UpdateRepDay(view, e.owner_rep_id(), day, [](views::RepDayRow& r) {
        r.set_new_customers(r.new_customers() + 1);
        return absl::OkStatus();
      }));
      break;
    }
    case v1::CustomerEvent::kProfileChanged: {
      const v1::CustomerProfileChanged& e = decoded.profile_changed();
      for (const std::string& path : e.changed_fields().paths()) {
        if (path == "company_name" && !e.profile().company_name().empty()) {
          row.set_name(e.profile().company_name());
        }
      }
      break;
    }
    case v1::CustomerEvent::kFollowUpLogged: {
      const v1::FollowUpLogged& e = decoded.follow_up_logged();
      row.set_follow_ups(row.follow_ups() + 1);
      NoteFollowUp(row, e.occurred_us());
      if (e.occurred_us() >= row.latest_follow_up_us()) {
        row.set_latest_follow_up_us(e.occurred_us());
        row.set_latest_intent(e.intent());
      }
      CRM_RETURN_IF_ERROR(UpdateRepDay(view, e.rep_id(), CivilDayAt(e.occurred_us(), zone_),
                                       [](views::RepDayRow& r) {
                                         r.set_follow_ups(r.follow_ups() + 1);
                                         return absl::OkStatus();
                                       }));
      break;
    }
    case v1::CustomerEvent::kMergedInto: {
      CRM_ASSIGN_OR_RETURN(
          std::string survivor,
          balances::ResolveCustomer(view, decoded.merged_into().survivor_customer_id()));
      if (survivor == customer_id) {
        return absl::DataLossError(absl::StrCat("customer ", customer_id, " merged into itself"));
      }
      view.Put(balances::keys::MergeAlias(customer_id), survivor);
      // A duplicate was never a new customer.
      if (row.registered_on().year() > 0) {
        CRM_RETURN_IF_ERROR(UpdateRepDay(view, row.registered_by_rep_id(),
                                         ToCivilDay(row.registered_on()), [](views::RepDayRow& r) {
                                           r.set_new_customers(r.new_customers() - 1);
                                           return absl::OkStatus();
                                         }));
      }
      const std::string survivor_key = keys::Customer(survivor);
      CRM_ASSIGN_OR_RETURN(std::optional<views::CustomerReportRow> s,
                           Load<views::CustomerReportRow>(view, survivor_key));
      views::CustomerReportRow into = s.value_or(views::CustomerReportRow());
      into.set_follow_ups(into.follow_ups() + row.follow_ups());
      if (row.first_follow_up_us() != 0) NoteFollowUp(into, row.first_follow_up_us());
      if (row.second_follow_up_us() != 0) NoteFollowUp(into, row.second_follow_up_us());
      if (row.latest_follow_up_us() > into.latest_follow_up_us()) {
        into.set_latest_follow_up_us(row.latest_follow_up_us());
        into.set_latest_intent(row.latest_intent());
      }
      into.set_live_orders(into.live_orders() + row.live_orders());
      view.Put(survivor_key, into.SerializeAsString());
      row.set_merged_into(survivor);
      row.set_live_orders(0);
      break;
    }
    default:
      return absl::OkStatus();
  }
  view.Put(key, row.SerializeAsString());
  return absl::OkStatus();
}

}  // namespace crm::projections::reports
