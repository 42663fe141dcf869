// Payment status (回款状态) of an order and its instalments, derived against
// an explicit as-of date and never stored: "overdue" on the 10th may be
// "paid" on the 11th without any event about status.
//
// Allocation: a payment tied to an instalment pays that instalment first;
// what is left of it, and every untied payment, pays the earliest unpaid
// instalments in plan order. Only payments received (and reversals made) on
// or before the as-of date count.
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_PAYMENT_STATUS_H_
#define CRM_ENGINE_DOMAIN_PAYMENT_STATUS_H_

#include <cstdint>
#include <vector>

#include "absl/time/civil_time.h"
#include "engine/domain/order_state.h"

namespace crm::engine::domain {

enum class PaymentStatus {
  kUnpaid,   // nothing paid, not yet due
  kPartial,  // something paid, not all, not yet due
  kPaid,     // nothing outstanding
  kOverdue,  // something outstanding after the due date
};

struct InstalmentBalance {
  int32_t number = 0;
  absl::CivilDay due;
  int64_t amount = 0;
  int64_t paid = 0;
  int64_t outstanding = 0;
  PaymentStatus status = PaymentStatus::kUnpaid;
  // Days past the due date while outstanding; 0 otherwise.
  int64_t days_overdue = 0;
};

struct OrderBalance {
  int64_t amount = 0;
  int64_t paid = 0;
  // Negative when overpaid.
  int64_t outstanding = 0;
  PaymentStatus status = PaymentStatus::kUnpaid;
  std::vector<InstalmentBalance> instalments;
};

// REQUIRES: state.exists.
OrderBalance BalanceAsOf(const OrderState& state, absl::CivilDay as_of);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_PAYMENT_STATUS_H_
