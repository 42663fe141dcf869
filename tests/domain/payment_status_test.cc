#include "engine/domain/payment_status.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/domain/order_fixture.h"

namespace crm::engine::domain {
namespace {

using namespace ::crm::engine::domain::testing;  // NOLINT: test fixture helpers

// An approved order of 24,999.00 CNY: 10,000.00 due March 31, 14,999.00 due
// April 30.
OrderState Order() {
  OrderState state;
  v1::OrderEvent placed;
  v1::PlaceOrder p = Placement();
  placed.mutable_placed()->set_order_id("o1");
  placed.mutable_placed()->set_currency_code("CNY");
  *placed.mutable_placed()->mutable_amount() = MakeMoney("CNY", 2499900);
  *placed.mutable_placed()->mutable_plan() = p.plan();
  Evolve(state, placed);
  v1::OrderEvent approved;
  approved.mutable_approved();
  Evolve(state, approved);
  return state;
}

void Pay(OrderState& state, const std::string& id, int64_t fen, v1::Date on, int instalment = 0) {
  v1::OrderEvent e;
  e.mutable_payment_recorded()->set_payment_id(id);
  e.mutable_payment_recorded()->set_instalment_number(instalment);
  *e.mutable_payment_recorded()->mutable_amount() = MakeMoney("CNY", fen);
  *e.mutable_payment_recorded()->mutable_paid_on() = on;
  Evolve(state, e);
}

TEST(PaymentStatusTest, GivenNothingPaidThenUnpaidBeforeDueAndOverdueAfter) {
  const OrderState state = Order();
  OrderBalance before = BalanceAsOf(state, absl::CivilDay(2026, 3, 31));
  EXPECT_EQ(before.status, PaymentStatus::kUnpaid);
  EXPECT_EQ(before.instalments[0].status, PaymentStatus::kUnpaid);
  OrderBalance after = BalanceAsOf(state, absl::CivilDay(2026, 4, 10));
  EXPECT_EQ(after.status, PaymentStatus::kOverdue);
  EXPECT_EQ(after.instalments[0].status, PaymentStatus::kOverdue);
  EXPECT_EQ(after.instalments[0].days_overdue, 10);
  EXPECT_EQ(after.instalments[1].status, PaymentStatus::kUnpaid);
  EXPECT_EQ(after.outstanding, 2499900);
}

TEST(PaymentStatusTest, GivenUntiedPaymentsThenEarliestInstalmentsArePaidFirst) {
  OrderState state = Order();
  Pay(state, "pay1", 1200000, D(2026, 3, 20));
  OrderBalance b = BalanceAsOf(state, absl::CivilDay(2026, 4, 1));
  EXPECT_EQ(b.instalments[0].status, PaymentStatus::kPaid);
  EXPECT_EQ(b.instalments[1].paid, 200000);
  EXPECT_EQ(b.instalments[1].status, PaymentStatus::kPartial);
  EXPECT_EQ(b.status, PaymentStatus::kPartial);
  EXPECT_EQ(b.outstanding, 1299900);
}

TEST(PaymentStatusTest, GivenPaymentTiedToSecondInstalmentThenFirstStaysOutstanding) {
  OrderState state = Order();
  Pay(state, "pay1", 1499900, D(2026, 3, 20), 2);
  OrderBalance b = BalanceAsOf(state, absl::CivilDay(2026, 4, 2));
  EXPECT_EQ(b.instalments[1].status, PaymentStatus::kPaid);
  EXPECT_EQ(b.instalments[0].status, PaymentStatus::kOverdue);
  EXPECT_EQ(b.status, PaymentStatus::kOverdue);
}

TEST(PaymentStatusTest, PaymentsAndReversalsCountOnlyFromTheirDate) {
  OrderState state = Order();
  Pay(state, "pay1", 2499900, D(2026, 4, 5));
  v1::OrderEvent reversed;
  reversed.mutable_payment_reversed()->set_payment_id("pay1");
  *reversed.mutable_payment_reversed()->mutable_amount() = MakeMoney("CNY", 499900);
  *reversed.mutable_payment_reversed()->mutable_reversed_on() = D(2026, 4, 20);
  Evolve(state, reversed);
  EXPECT_EQ(BalanceAsOf(state, absl::CivilDay(2026, 4, 4)).paid, 0);
  EXPECT_EQ(BalanceAsOf(state, absl::CivilDay(2026, 4, 5)).status, PaymentStatus::kPaid);
  OrderBalance later = BalanceAsOf(state, absl::CivilDay(2026, 5, 1));
  EXPECT_EQ(later.paid, 2000000);
  EXPECT_EQ(later.instalments[1].status, PaymentStatus::kOverdue);
}

TEST(PaymentStatusTest, GivenOverpaymentThenOutstandingIsNegativeAndStatusPaid) {
  OrderState state = Order();
  Pay(state, "pay1", 2500000, D(2026, 3, 1));
  OrderBalance b = BalanceAsOf(state, absl::CivilDay(2026, 3, 1));
  EXPECT_EQ(b.outstanding, -100);
  EXPECT_EQ(b.status, PaymentStatus::kPaid);
}

}  // namespace
}  // namespace crm::engine::domain
