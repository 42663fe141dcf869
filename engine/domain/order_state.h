// OrderState: an order (contract / 销售订单) and the payments (回款) against
// it, folded from the events of stream "order-<id>".
//
// Thread-safety: a value type.
#ifndef CRM_ENGINE_DOMAIN_ORDER_STATE_H_
#define CRM_ENGINE_DOMAIN_ORDER_STATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "crm/v1/common.pb.h"
#include "crm/v1/order_events.pb.h"

namespace crm::engine::domain {

struct PaymentReversal {
  int64_t amount = 0;
  v1::Date reversed_on;
};

struct PaymentRecord {
  std::string payment_id;
  int32_t instalment_number = 0;  // 0: not tied to an instalment
  int64_t amount = 0;
  v1::Date paid_on;
  std::vector<PaymentReversal> reversals;
  v1::PaymentRecorded recorded;  // the event as recorded, for idempotent retries

  int64_t Reversed() const;
  // What is left of the payment after its reversals.
  int64_t Net() const { return amount - Reversed(); }
};

struct OrderState {
  bool exists = false;
  std::string order_id;
  std::string contract_number;
  std::string customer_id;
  std::string rep_id;
  std::string currency_code;
  std::vector<v1::OrderLine> lines;
  int64_t amount = 0;
  std::vector<v1::Instalment> plan;
  bool approved = false;
  bool shipped = false;
  bool cancelled = false;
  std::vector<PaymentRecord> payments;  // in the order recorded

  // Sum of the payments' net amounts.
  int64_t Paid() const;
  // amount - Paid(); negative when overpaid.
  int64_t Outstanding() const { return amount - Paid(); }
  const PaymentRecord* FindPayment(const std::string& payment_id) const;
  const v1::Instalment* FindInstalment(int32_t number) const;
};

// Applies one event. Pure and total (see customer_state.h).
void Evolve(OrderState& state, const v1::OrderEvent& event);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_ORDER_STATE_H_
