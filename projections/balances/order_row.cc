#include "projections/balances/order_row.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "crm/v1/common.pb.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/event_codec.h"

namespace crm::projections::balances {

using engine::domain::CivilDayAt;
using engine::domain::ToCivilDay;
using engine::domain::ToDate;

absl::StatusOr<v1::OrderEvent> DecodeOrderEvent(const engine::RecordedEvent& event) {
  v1::OrderEvent decoded;
  absl::Status s = engine::domain::DecodeEvent(event.type, event.data, decoded);
  if (!s.ok()) return s;
  return decoded;
}

absl::CivilDay DecidedOn(const engine::RecordedEvent& event, absl::TimeZone zone) {
  v1::EventMetadata metadata;
  if (metadata.ParseFromString(event.metadata) && metadata.recorded_us() > 0) {
    return CivilDayAt(metadata.recorded_us(), zone);
  }
  return CivilDayAt(event.recorded_us, zone);
}

absl::Status ApplyOrderEvent(const engine::RecordedEvent& recorded, const v1::OrderEvent& event,
                             absl::TimeZone zone, views::OrderRow& row) {
  if (event.event_case() != v1::OrderEvent::kPlaced && row.order_id().empty()) {
    return absl::DataLossError(absl::StrCat("event ", recorded.type, " at position ",
                                            recorded.position, " of ", recorded.stream,
                                            " precedes the order's OrderPlaced"));
  }
  switch (event.event_case()) {
    case v1::OrderEvent::kPlaced: {
      const v1::OrderPlaced& e = event.placed();
      row.Clear();
      row.set_order_id(e.order_id());
      row.set_contract_number(e.contract_number());
      row.set_placed_customer_id(e.customer_id());
      row.set_customer_id(e.customer_id());
      row.set_rep_id(e.rep_id());
      row.set_currency_code(e.currency_code());
      row.set_amount(e.amount().minor_units());
      *row.mutable_lines() = e.lines();
      *row.mutable_plan() = e.plan();
      // An unsigned order counts from the day it was entered.
      *row.mutable_placed_on() =
          e.signed_on().year() > 0 ? e.signed_on() : ToDate(DecidedOn(recorded, zone));
      break;
    }
    case v1::OrderEvent::kApproved:
      row.set_approved(true);
      break;
    case v1::OrderEvent::kShipped:
      row.set_shipped(true);
      break;
    case v1::OrderEvent::kCancelled:
      row.set_cancelled(true);
      *row.mutable_cancelled_on() = ToDate(DecidedOn(recorded, zone));
      break;
    case v1::OrderEvent::kAmended: {
      const v1::OrderAmended& e = event.amended();
      row.set_amount(e.amount().minor_units());
      *row.mutable_lines() = e.lines();
      *row.mutable_plan() = e.plan();
      break;
    }
    case v1::OrderEvent::kPaymentRecorded: {
      const v1::PaymentRecorded& e = event.payment_recorded();
      views::PaymentRow* p = row.add_payments();
      p->set_payment_id(e.payment_id());
      p->set_instalment_number(e.instalment_number());
      p->set_amount(e.amount().minor_units());
      *p->mutable_paid_on() = e.paid_on();
      p->set_rep_id(e.rep_id());
      break;
    }
    case v1::OrderEvent::kPaymentReversed: {
      const v1::PaymentReversed& e = event.payment_reversed();
      for (views::PaymentRow& p : *row.mutable_payments()) {
        if (p.payment_id() != e.payment_id()) continue;
        views::ReversalRow* r = p.add_reversals();
        r->set_amount(e.amount().minor_units());
        *r->mutable_reversed_on() = e.reversed_on();
        return absl::OkStatus();
      }
      return absl::DataLossError(absl::StrCat("PaymentReversed at position ", recorded.position,
                                              " reverses unknown payment ", e.payment_id(), " of ",
                                              recorded.stream));
    }
    case v1::OrderEvent::EVENT_NOT_SET:
      return absl::DataLossError(absl::StrCat("empty order event at position ", recorded.position));
  }
  return absl::OkStatus();
}

engine::domain::OrderState ToOrderState(const views::OrderRow& row) {
  engine::domain::OrderState s;
  s.exists = true;
  s.order_id = row.order_id();
  s.contract_number = row.contract_number();
  s.customer_id = row.customer_id();
  s.rep_id = row.rep_id();
  s.currency_code = row.currency_code();
  s.amount = row.amount();
  s.plan.assign(row.plan().begin(), row.plan().end());
  s.approved = row.approved();
  s.shipped = row.shipped();
  s.cancelled = row.cancelled();
  s.payments.reserve(row.payments_size());
  for (const views::PaymentRow& p : row.payments()) {
    engine::domain::PaymentRecord r;
    r.payment_id = p.payment_id();
    r.instalment_number = p.instalment_number();
    r.amount = p.amount();
    r.paid_on = p.paid_on();
    for (const views::ReversalRow& rev : p.reversals()) {
      r.reversals.push_back(engine::domain::PaymentReversal{rev.amount(), rev.reversed_on()});
    }
    s.payments.push_back(std::move(r));
  }
  return s;
}

bool LiveOn(const views::OrderRow& row, absl::CivilDay day) {
  if (ToCivilDay(row.placed_on()) > day) return false;
  return !(row.cancelled() && ToCivilDay(row.cancelled_on()) <= day);
}

absl::StatusOr<views::OrderRow> ParseOrderRow(absl::string_view bytes, absl::string_view key) {
  views::OrderRow row;
  if (!row.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("order row ", key, " does not parse"));
  }
  return row;
}

}  // namespace crm::projections::balances
