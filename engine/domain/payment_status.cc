#include "engine/domain/payment_status.h"

#include <algorithm>

#include "engine/domain/business_calendar.h"
#include "engine/domain/field_validation.h"

namespace crm::engine::domain {
namespace {

// A payment's net amount as of `as_of`: 0 if received later, less the
// reversals made by then.
int64_t NetAsOf(const PaymentRecord& p, absl::CivilDay as_of) {
  if (ToCivilDay(p.paid_on) > as_of) return 0;
  int64_t net = p.amount;
  for (const PaymentReversal& r : p.reversals) {
    // A reversal without a date (not produced by the decider) counts always.
    if (!IsSet(r.reversed_on) || ToCivilDay(r.reversed_on) <= as_of) net -= r.amount;
  }
  return std::max<int64_t>(net, 0);
}

PaymentStatus StatusOf(int64_t paid, int64_t outstanding, bool past_due) {
  if (outstanding <= 0) return PaymentStatus::kPaid;
  if (past_due) return PaymentStatus::kOverdue;
  return paid > 0 ? PaymentStatus::kPartial : PaymentStatus::kUnpaid;
}

}  // namespace

OrderBalance BalanceAsOf(const OrderState& state, absl::CivilDay as_of) {
  OrderBalance out;
  out.amount = state.amount;
  for (const v1::Instalment& i : state.plan) {
    InstalmentBalance b;
    b.number = i.number();
    b.due = ToCivilDay(i.due_date());
    b.amount = i.amount().minor_units();
    out.instalments.push_back(b);
  }
  int64_t unallocated = 0;
  for (const PaymentRecord& p : state.payments) {
    int64_t net = NetAsOf(p, as_of);
    out.paid += net;
    if (p.instalment_number > 0 &&
        p.instalment_number <= static_cast<int>(out.instalments.size())) {
      InstalmentBalance& b = out.instalments[p.instalment_number - 1];
      const int64_t take = std::min(net, std::max<int64_t>(b.amount - b.paid, 0));
      b.paid += take;
      net -= take;
    }
    unallocated += net;
  }
  for (InstalmentBalance& b : out.instalments) {
    const int64_t take = std::min(unallocated, std::max<int64_t>(b.amount - b.paid, 0));
    b.paid += take;
    unallocated -= take;
  }
  bool any_overdue = false;
  for (InstalmentBalance& b : out.instalments) {
    b.outstanding = b.amount - b.paid;
    const bool past_due = as_of > b.due;
    b.status = StatusOf(b.paid, b.outstanding, past_due);
    if (b.status == PaymentStatus::kOverdue) {
      b.days_overdue = as_of - b.due;
      any_overdue = true;
    }
  }
  out.outstanding = out.amount - out.paid;
  out.status = StatusOf(out.paid, out.outstanding, any_overdue);
  return out;
}

}  // namespace crm::engine::domain
