#include "engine/domain/order_state.h"

namespace crm::engine::domain {

int64_t PaymentRecord::Reversed() const {
  int64_t total = 0;
  for (const PaymentReversal& r : reversals) total += r.amount;
  return total;
}

int64_t OrderState::Paid() const {
  int64_t total = 0;
  for (const PaymentRecord& p : payments) total += p.Net();
  return total;
}

const PaymentRecord* OrderState::FindPayment(const std::string& payment_id) const {
  for (const PaymentRecord& p : payments) {
    if (p.payment_id == payment_id) return &p;
  }
  return nullptr;
}

const v1::Instalment* OrderState::FindInstalment(int32_t number) const {
  for (const v1::Instalment& i : plan) {
    if (i.number() == number) return &i;
  }
  return nullptr;
}

void Evolve(OrderState& state, const v1::OrderEvent& event) {
  switch (event.event_case()) {
    case v1::OrderEvent::kPlaced: {
      const v1::OrderPlaced& e = event.placed();
      state.exists = true;
      state.order_id = e.order_id();
      state.contract_number = e.contract_number();
      state.customer_id = e.customer_id();
      state.rep_id = e.rep_id();
      state.currency_code = e.currency_code();
      state.lines.assign(e.lines().begin(), e.lines().end());
      state.amount = e.amount().minor_units();
      state.plan.assign(e.plan().begin(), e.plan().end());
      break;
    }
    case v1::OrderEvent::kApproved:
      state.approved = true;
      break;
    case v1::OrderEvent::kShipped:
      state.shipped = true;
      break;
    case v1::OrderEvent::kCancelled:
      state.cancelled = true;
      break;
    case v1::OrderEvent::kAmended: {
      const v1::OrderAmended& e = event.amended();
      state.lines.assign(e.lines().begin(), e.lines().end());
      state.amount = e.amount().minor_units();
      state.plan.assign(e.plan().begin(), e.plan().end());
      break;
    }
    case v1::OrderEvent::kPaymentRecorded: {
      const v1::PaymentRecorded& e = event.payment_recorded();
      PaymentRecord p;
      p.payment_id = e.payment_id();
      p.instalment_number = e.instalment_number();
      p.amount = e.amount().minor_units();
      p.paid_on = e.paid_on();
      p.recorded = e;
      state.payments.push_back(std::move(p));
      break;
    }
    case v1::OrderEvent::kPaymentReversed: {
      const v1::PaymentReversed& e = event.payment_reversed();
      for (PaymentRecord& p : state.payments) {
        if (p.payment_id == e.payment_id()) {
          p.reversals.push_back(PaymentReversal{e.amount().minor_units(), e.reversed_on()});
        }
      }
      break;
    }
    case v1::OrderEvent::EVENT_NOT_SET:
      break;
  }
}

}  // namespace crm::engine::domain
