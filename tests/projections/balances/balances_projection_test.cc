// The balances read model against figures worked out by hand from a scripted
// sequence of commands run through the real CommandHandler: partial and tied
// payments, a dated reversal, an overpayment, an amendment before shipment,
// a cancellation after a reversed payment, a merged customer, a second
// currency, and an order signed after the as-of date; the payments each
// order lists, and that they survive a rebuild and a version change.
#include "projections/balances/balances_projection.h"

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "engine/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/balances/balances_keys.h"
#include "projections/balances/balances_queries.h"
#include "projections/balances/order_row.h"
#include "projections/balances/order_row.pb.h"
#include "tests/projections/balances/handler_fixture.h"
#include "tests/support/status_matchers.h"

namespace crm::projections::balances {

// For failure messages (found by ADL, so outside the anonymous namespace).
void PrintTo(const BalanceTotals& t, std::ostream* os) {
  *os << "{" << t.currency_code << " orders=" << t.orders << " amount=" << t.amount
      << " paid=" << t.paid << " outstanding=" << t.outstanding << " overdue=" << t.overdue
      << " overpaid=" << t.overpaid << "}";
}

namespace {

using crm::testing::StatusIs;
using testing::D;
using testing::Due;
using ::testing::ElementsAre;
using ::testing::Field;
using testing::Line;

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

Aging MakeAging(int64_t current, int64_t d1_30, int64_t d31_60, int64_t d61_90, int64_t d91_120,
                int64_t over_120) {
  Aging a;
  a.outstanding = {current, d1_30, d31_60, d61_90, d91_120, over_120};
  return a;
}

// The value of a query that must succeed (a failure is reported and an
// empty value compared instead).
template <typename T>
T Value(absl::StatusOr<T> result) {
  if (!result.ok()) {
    ADD_FAILURE() << result.status();
    return T{};
  }
  return *std::move(result);
}

// The balances projection as version 1 wrote its rows: reversals without
// their reason.
class BalancesProjectionV1 : public BalancesProjection {
 public:
  uint32_t version() const override { return 1; }
  absl::Status Apply(const engine::RecordedEvent& event, ViewWriter& view) override {
    CRM_RETURN_IF_ERROR(BalancesProjection::Apply(event, view));
    constexpr absl::string_view kOrderStream = "order-";
    if (!absl::StartsWith(event.stream, kOrderStream)) return absl::OkStatus();
    const std::string key = keys::Order(event.stream.substr(kOrderStream.size()));
    CRM_ASSIGN_OR_RETURN(std::optional<std::string> stored, view.Get(key));
    if (!stored.has_value()) return absl::OkStatus();
    CRM_ASSIGN_OR_RETURN(views::OrderRow row, ParseOrderRow(*stored, key));
    for (views::PaymentRow& p : *row.mutable_payments()) {
      for (views::ReversalRow& r : *p.mutable_reversals()) r.clear_reason();
    }
    view.Put(key, row.SerializeAsString());
    return absl::OkStatus();
  }
};

class BalancesProjectionTest : public testing::HandlerFixture {
 protected:
  void SetUp() override {
    HandlerFixture::SetUp();
    std::vector<std::unique_ptr<Projection>> ps;
    ps.push_back(std::make_unique<BalancesProjection>());
    StartRunner(std::move(ps));
  }

  // The scenario; amounts in fen, dates in 2026 unless said.
  void Script() {
    const int64_t t0 = testing::At(2025, 10, 1);
    Register("c1", "天宇物流集团", "13075893910", "rep-zhang", t0);
    Register("c2", "德润化工", "13089686414", "rep-li", t0);
    Register("c3", "德润化工集团", "057146246886", "rep-li", t0);
    Register("c4", "星河置业", "13211138017", "rep-zhang", t0);

    // o1: 30,000.00 in three instalments; a tied, an untied and a tied
    // payment, the last one partly reversed on 03-10.
    Place("o1", "c1", "rep-zhang", {Line("企业版CRM年费", 3, 1000000)},
          {Due(1, 1000000, D(2026, 1, 31)), Due(2, 1000000, D(2026, 2, 28)),
           Due(3, 1000000, D(2026, 3, 31))},
          D(2026, 1, 5));
    Pay("o1", "p1", 1, 1000000, D(2026, 1, 20), "rep-zhang");
    Pay("o1", "p2", 0, 500000, D(2026, 2, 10), "rep-zhang");
    Pay("o1", "p3", 2, 300000, D(2026, 3, 5), "rep-zhang");
    Reverse("o1", "p3", 200000, testing::At(2026, 3, 10));

    // o2 (c2, later merged into c3): 12,000.00 overpaid by 3,000.00.
    Place("o2", "c2", "rep-li", {Line("培训服务", 2, 600000)}, {Due(1, 1200000, D(2026, 2, 15))},
          D(2026, 1, 10));
    Pay("o2", "p1", 0, 1500000, D(2026, 2, 1), "rep-li", /*allow_overpayment=*/true);

    // o3 (c3): nothing paid, half due 2025-12-01.
    Place("o3", "c3", "rep-li", {Line("实施服务", 1, 800000)},
          {Due(1, 400000, D(2025, 12, 1)), Due(2, 400000, D(2026, 5, 31))}, D(2025, 11, 1));

    // o4: 10,000.00 amended to 15,000.00 in two instalments, then shipped.
    Place("o4", "c1", "rep-zhang", {Line("标准版CRM年费", 1, 1000000)},
          {Due(1, 1000000, D(2026, 3, 15))}, D(2026, 2, 15));
    Amend("o4", {Line("标准版CRM年费", 1, 1000000), Line("培训服务", 1, 500000)},
          {Due(1, 500000, D(2026, 3, 15)), Due(2, 1000000, D(2026, 4, 30))},
          testing::At(2026, 2, 16));
    Pay("o4", "p1", 1, 500000, D(2026, 3, 14), "rep-zhang");
    Ship("o4", D(2026, 3, 20));

    // o5: paid 2,000.00 on 02-05, reversed in full on 02-25, cancelled 03-01.
    Place("o5", "c1", "rep-zhang", {Line("数据清洗服务", 1, 700000)},
          {Due(1, 700000, D(2026, 2, 1))}, D(2026, 1, 15));
    Pay("o5", "p1", 1, 200000, D(2026, 2, 5), "rep-zhang");
    Reverse("o5", "p1", 200000, testing::At(2026, 2, 25));
    Cancel("o5", testing::At(2026, 3, 1));

    // o6 (c4): 1,000.00 USD, signed 03-01.
    Place("o6", "c4", "rep-zhang", {Line("实施服务", 1, 100000, "USD")},
          {Due(1, 100000, D(2026, 4, 1), "USD")}, D(2026, 3, 1), "USD");

    Merge("c2", "c3", testing::At(2026, 4, 1));
    Sync(kBalancesProjectionName);
  }

  // Waits until the active view is of `version`, no rebuild runs, and
  // `done` holds of it.
  template <typename Done>
  void AwaitView(uint32_t version, Done done) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    for (;;) {
      CRM_ASSERT_OK_AND_ASSIGN(ProjectionStatus status, runner_->Status(kBalancesProjectionName));
      ASSERT_THAT(status.error, crm::testing::IsOk());
      if (status.version == version && !status.rebuilding && done()) return;
      ASSERT_LT(absl::Now(), deadline) << "the view was not rebuilt in time";
      absl::SleepFor(absl::Milliseconds(20));
    }
  }

  // o1's third payment's reversal reason as the active view has it.
  std::string ReasonOfO1P3() {
    auto reader = Reader();
    absl::StatusOr<OrderBalanceView> o1 =
        BalancesQueries(reader.get()).Order("o1", Day(2026, 4, 15));
    if (!o1.ok() || o1->payments.size() != 3 || o1->payments[2].reversals.empty()) return "?";
    return o1->payments[2].reversals[0].reason;
  }

  std::unique_ptr<ViewReader> Reader() {
    auto r = runner_->Reader(kBalancesProjectionName);
    EXPECT_TRUE(r.ok()) << r.status();
    return std::move(*r);
  }
};

TEST_F(BalancesProjectionTest, InstalmentsAllocateTiedThenUntiedPaymentsNetOfReversals) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalanceView o1, q.Order("o1", Day(2026, 4, 15)));
  EXPECT_EQ(o1.amount, 3000000);
  EXPECT_EQ(o1.paid, 1600000);
  EXPECT_EQ(o1.outstanding, 1400000);
  EXPECT_EQ(o1.status, PaymentStatus::kOverdue);
  ASSERT_EQ(o1.instalments.size(), 3u);
  EXPECT_EQ(o1.instalments[0].paid, 1000000);
  EXPECT_EQ(o1.instalments[0].status, PaymentStatus::kPaid);
  // p3's 1,000.00 left after the reversal, then 5,000.00 of untied p2.
  EXPECT_EQ(o1.instalments[1].paid, 600000);
  EXPECT_EQ(o1.instalments[1].outstanding, 400000);
  EXPECT_EQ(o1.instalments[1].status, PaymentStatus::kOverdue);
  EXPECT_EQ(o1.instalments[1].days_overdue, 46);
  EXPECT_EQ(o1.instalments[2].outstanding, 1000000);
  EXPECT_EQ(o1.instalments[2].days_overdue, 15);
  EXPECT_EQ(o1.instalments[2].due, Day(2026, 3, 31));
}

TEST_F(BalancesProjectionTest, ReversalCountsOnlyFromTheDayItWasMade) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalanceView before, q.Order("o1", Day(2026, 3, 7)));
  EXPECT_EQ(before.paid, 1800000);
  EXPECT_EQ(before.instalments[1].paid, 800000);
  EXPECT_EQ(before.instalments[1].days_overdue, 7);
  EXPECT_EQ(before.instalments[2].status, PaymentStatus::kUnpaid);
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalanceView after, q.Order("o1", Day(2026, 3, 10)));
  EXPECT_EQ(after.paid, 1600000);
}

TEST_F(BalancesProjectionTest, AmendedOrderUsesItsNewLinesAndPlan) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalanceView o4, q.Order("o4", Day(2026, 4, 15)));
  EXPECT_EQ(o4.amount, 1500000);
  EXPECT_EQ(o4.paid, 500000);
  EXPECT_EQ(o4.outstanding, 1000000);
  EXPECT_TRUE(o4.shipped);
  EXPECT_EQ(o4.status, PaymentStatus::kPartial);
  ASSERT_EQ(o4.instalments.size(), 2u);
  EXPECT_EQ(o4.instalments[0].status, PaymentStatus::kPaid);
  EXPECT_EQ(o4.instalments[1].status, PaymentStatus::kUnpaid);
  EXPECT_EQ(o4.instalments[1].due, Day(2026, 4, 30));
}

TEST_F(BalancesProjectionTest, CancelledOrderOwesNothingFromItsCancellationDay) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalanceView live, q.Order("o5", Day(2026, 2, 20)));
  EXPECT_FALSE(live.cancelled);
  EXPECT_EQ(live.paid, 200000);  // the reversal on 02-25 has not happened yet
  EXPECT_EQ(live.outstanding, 500000);
  EXPECT_EQ(live.status, PaymentStatus::kOverdue);
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalanceView gone, q.Order("o5", Day(2026, 3, 1)));
  EXPECT_TRUE(gone.cancelled);
  EXPECT_EQ(gone.paid, 0);
  EXPECT_EQ(gone.outstanding, 0);
}

TEST_F(BalancesProjectionTest, OverpaymentIsCreditNotNegativeOutstanding) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalanceView o2, q.Order("o2", Day(2026, 4, 15)));
  EXPECT_EQ(o2.paid, 1500000);
  EXPECT_EQ(o2.outstanding, 0);
  EXPECT_EQ(o2.overpaid, 300000);
  EXPECT_EQ(o2.status, PaymentStatus::kPaid);
}

TEST_F(BalancesProjectionTest, MergedCustomersOrdersBelongToTheSurvivor) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalancePage page, q.OrdersOfCustomer("c2", Day(2026, 4, 15), {}));
  ASSERT_EQ(page.orders.size(), 2u);
  EXPECT_EQ(page.orders[0].order_id, "o2");
  EXPECT_EQ(page.orders[0].customer_id, "c3");
  EXPECT_EQ(page.orders[0].placed_customer_id, "c2");
  EXPECT_EQ(page.orders[1].order_id, "o3");
  const BalanceTotals c3{"CNY", 2, 2000000, 1500000, 800000, 400000, 300000};
  EXPECT_THAT(Value(q.CustomerTotals("c3", Day(2026, 4, 15))), ElementsAre(c3));
  EXPECT_THAT(Value(q.CustomerTotals("c2", Day(2026, 4, 15))), ElementsAre(c3));
}

TEST_F(BalancesProjectionTest, RepTotalsAreKeyedByCurrencyAndSkipCancelledOrders) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  // o1 + o4 in CNY (o5 cancelled), o6 in USD.
  const BalanceTotals cny{"CNY", 2, 4500000, 2100000, 2400000, 1400000, 0};
  const BalanceTotals usd{"USD", 1, 100000, 0, 100000, 100000, 0};
  EXPECT_THAT(Value(q.RepTotals("rep-zhang", Day(2026, 4, 15))), ElementsAre(cny, usd));
  EXPECT_THAT(Value(q.RepTotals("rep-li", Day(2026, 4, 15))),
              ElementsAre(BalanceTotals{"CNY", 2, 2000000, 1500000, 800000, 400000, 300000}));
  EXPECT_THAT(Value(q.RepTotals("rep-nobody", Day(2026, 4, 15))), ::testing::IsEmpty());
}

TEST_F(BalancesProjectionTest, AgingByCustomerBucketsEachInstalmentByDaysOverdue) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  CRM_ASSERT_OK_AND_ASSIGN(AgingPage page, q.AgingByCustomer(Day(2026, 4, 15), {}));
  ASSERT_EQ(page.rows.size(), 3u);
  EXPECT_TRUE(page.next_page_token.empty());
  EXPECT_EQ(page.rows[0].group_id, "c1");
  EXPECT_EQ(page.rows[0].aging, MakeAging(1000000, 1000000, 400000, 0, 0, 0));
  EXPECT_EQ(page.rows[1].group_id, "c3");
  EXPECT_EQ(page.rows[1].aging, MakeAging(400000, 0, 0, 0, 0, 400000));
  EXPECT_EQ(page.rows[2].group_id, "c4");
  EXPECT_EQ(page.rows[2].currency_code, "USD");
  EXPECT_EQ(page.rows[2].aging, MakeAging(0, 100000, 0, 0, 0, 0));
}

TEST_F(BalancesProjectionTest, AgingAsOfAnEarlierDateSeesThatDaysPaymentsAndOrders) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  CRM_ASSERT_OK_AND_ASSIGN(AgingPage page, q.AgingByCustomer(Day(2026, 2, 20), {}));
  // c1: o1 inst 2 and 3, o4 both (amended plan), all current; o5 19 days
  // late. c3 (o3) 81 days late on half. o6 is not signed yet.
  ASSERT_EQ(page.rows.size(), 2u);
  EXPECT_EQ(page.rows[0].group_id, "c1");
  EXPECT_EQ(page.rows[0].aging, MakeAging(3000000, 500000, 0, 0, 0, 0));
  EXPECT_EQ(page.rows[1].group_id, "c3");
  EXPECT_EQ(page.rows[1].aging, MakeAging(400000, 0, 0, 400000, 0, 0));
}

TEST_F(BalancesProjectionTest, AgingByRepPagesWithOpaqueTokens) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  PageRequest req;
  req.page_size = 2;
  CRM_ASSERT_OK_AND_ASSIGN(AgingPage first, q.AgingByRep(Day(2026, 4, 15), req));
  ASSERT_EQ(first.rows.size(), 2u);
  EXPECT_EQ(first.rows[0].group_id, "rep-li");
  EXPECT_EQ(first.rows[0].aging, MakeAging(400000, 0, 0, 0, 0, 400000));
  EXPECT_EQ(first.rows[1].group_id, "rep-zhang");
  EXPECT_EQ(first.rows[1].currency_code, "CNY");
  ASSERT_FALSE(first.next_page_token.empty());
  req.page_token = first.next_page_token;
  CRM_ASSERT_OK_AND_ASSIGN(AgingPage second, q.AgingByRep(Day(2026, 4, 15), req));
  ASSERT_EQ(second.rows.size(), 1u);
  EXPECT_EQ(second.rows[0].group_id, "rep-zhang");
  EXPECT_EQ(second.rows[0].currency_code, "USD");
  EXPECT_TRUE(second.next_page_token.empty());
  // The token is tied to its query.
  EXPECT_THAT(q.AgingByRep(Day(2026, 4, 16), req),
              StatusIs(absl::StatusCode::kInvalidArgument, "page_token"));
  EXPECT_THAT(q.AgingByCustomer(Day(2026, 4, 15), req),
              StatusIs(absl::StatusCode::kInvalidArgument, "page_token"));
}

TEST_F(BalancesProjectionTest, OrdersOfRepPageThroughEveryOrderOnce) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  PageRequest req;
  req.page_size = 2;
  std::vector<std::string> ids;
  for (int pages = 0; pages < 10; ++pages) {
    CRM_ASSERT_OK_AND_ASSIGN(OrderBalancePage page,
                             q.OrdersOfRep("rep-zhang", Day(2026, 4, 15), req));
    for (const OrderBalanceView& o : page.orders) ids.push_back(o.order_id);
    if (page.next_page_token.empty()) break;
    req.page_token = page.next_page_token;
  }
  EXPECT_THAT(ids, ElementsAre("o1", "o4", "o5", "o6"));
}

TEST_F(BalancesProjectionTest, OrderListsItsPaymentsWithInstalmentDateAndPartialReversal) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalanceView o1, q.Order("o1", Day(2026, 4, 15)));
  ASSERT_EQ(o1.payments.size(), 3u);
  const PaymentView& p1 = o1.payments[0];
  EXPECT_EQ(p1.payment_id, "p1");
  EXPECT_EQ(p1.instalment_number, 1);
  EXPECT_EQ(p1.amount, 1000000);
  EXPECT_EQ(p1.paid_on, Day(2026, 1, 20));
  EXPECT_EQ(p1.rep_id, "rep-zhang");
  EXPECT_EQ(p1.reversed, 0);
  EXPECT_TRUE(p1.reversals.empty());
  EXPECT_EQ(o1.payments[1].payment_id, "p2");
  EXPECT_EQ(o1.payments[1].instalment_number, 0) << "p2 was not tied to an instalment";
  // p3: 3,000.00, 2,000.00 of it reversed on 03-10.
  const PaymentView& p3 = o1.payments[2];
  EXPECT_EQ(p3.payment_id, "p3");
  EXPECT_EQ(p3.amount, 300000);
  EXPECT_EQ(p3.reversed, 200000);
  EXPECT_EQ(p3.Remaining(), 100000);
  ASSERT_EQ(p3.reversals.size(), 1u);
  EXPECT_EQ(p3.reversals[0].amount, 200000);
  EXPECT_EQ(p3.reversals[0].reversed_on, Day(2026, 3, 10));
  EXPECT_EQ(p3.reversals[0].reason, "transfer bounced");
  // The listed payments add up to what the balance counts as paid.
  int64_t remaining = 0;
  for (const PaymentView& p : o1.payments) remaining += p.Remaining();
  EXPECT_EQ(remaining, o1.paid);
}

TEST_F(BalancesProjectionTest, PaymentsAndReversalsAfterTheAsOfDateAreNotListed) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalanceView feb, q.Order("o1", Day(2026, 2, 15)));
  ASSERT_EQ(feb.payments.size(), 2u);
  EXPECT_EQ(feb.payments[0].payment_id, "p1");
  EXPECT_EQ(feb.payments[1].payment_id, "p2");
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalanceView before, q.Order("o1", Day(2026, 3, 9)));
  ASSERT_EQ(before.payments.size(), 3u);
  EXPECT_EQ(before.payments[2].reversed, 0) << "reversed on 03-10";
  EXPECT_TRUE(before.payments[2].reversals.empty());
}

TEST_F(BalancesProjectionTest, AFullyReversedPaymentOfACancelledOrderIsStillListed) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalanceView live, q.Order("o5", Day(2026, 2, 20)));
  ASSERT_EQ(live.payments.size(), 1u);
  EXPECT_EQ(live.payments[0].Remaining(), 200000);
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalanceView gone, q.Order("o5", Day(2026, 3, 1)));
  EXPECT_TRUE(gone.cancelled);
  ASSERT_EQ(gone.payments.size(), 1u);
  EXPECT_EQ(gone.payments[0].payment_id, "p1");
  EXPECT_EQ(gone.payments[0].reversed, 200000);
  EXPECT_EQ(gone.payments[0].Remaining(), 0);
  ASSERT_EQ(gone.payments[0].reversals.size(), 1u);
  EXPECT_EQ(gone.payments[0].reversals[0].reversed_on, Day(2026, 2, 25));
  EXPECT_EQ(gone.payments[0].reversals[0].reason, "transfer bounced");
}

TEST_F(BalancesProjectionTest, OrdersOfASetOfRepsPageThroughTheirOrdersOnceByOrderId) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  const RepSet both{"team:t1", {"rep-zhang", "rep-li", "rep-zhang", "rep-nobody"}};
  PageRequest req;
  req.page_size = 2;
  std::vector<std::string> ids;
  int pages = 0;
  for (; pages < 10; ++pages) {
    CRM_ASSERT_OK_AND_ASSIGN(OrderBalancePage page, q.OrdersOfReps(both, Day(2026, 4, 15), req));
    EXPECT_LE(page.orders.size(), 2u);
    for (const OrderBalanceView& o : page.orders) ids.push_back(o.order_id);
    if (page.next_page_token.empty()) break;
    req.page_token = page.next_page_token;
  }
  EXPECT_THAT(ids, ElementsAre("o1", "o2", "o3", "o4", "o5", "o6"));
  EXPECT_EQ(pages, 2);
  // Listed orders carry their payments, as Order() does.
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalancePage li,
                           q.OrdersOfReps(RepSet{"team:t2", {"rep-li"}}, Day(2026, 4, 15), {}));
  ASSERT_EQ(li.orders.size(), 2u);
  EXPECT_EQ(li.orders[0].order_id, "o2");
  ASSERT_EQ(li.orders[0].payments.size(), 1u);
  EXPECT_EQ(li.orders[0].payments[0].amount, 1500000);
  // A token is tied to its set of reps.
  PageRequest first;
  first.page_size = 1;
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalancePage one, q.OrdersOfReps(both, Day(2026, 4, 15), first));
  first.page_token = one.next_page_token;
  EXPECT_THAT(q.OrdersOfReps(RepSet{"team:t2", {"rep-li"}}, Day(2026, 4, 15), first),
              StatusIs(absl::StatusCode::kInvalidArgument, "page_token"));
  EXPECT_THAT(Value(q.OrdersOfReps(RepSet{"team:t3", {}}, Day(2026, 4, 15), {})).orders,
              ::testing::IsEmpty());
}

TEST_F(BalancesProjectionTest, TotalsAndAgingOfASetOfRepsCountOnlyTheirOrders) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  const RepSet both{"team:t1", {"rep-li", "rep-zhang"}};
  EXPECT_THAT(Value(q.RepsTotals(both, Day(2026, 4, 15))),
              ElementsAre(BalanceTotals{"CNY", 4, 6500000, 3600000, 3200000, 1800000, 300000},
                          BalanceTotals{"USD", 1, 100000, 0, 100000, 100000, 0}));

  const RepSet zhang{"rep:rep-zhang", {"rep-zhang"}};
  CRM_ASSERT_OK_AND_ASSIGN(AgingPage all, q.AgingByCustomer(Day(2026, 4, 15), {}));
  CRM_ASSERT_OK_AND_ASSIGN(AgingPage mine, q.AgingByCustomer(Day(2026, 4, 15), {}, &zhang));
  ASSERT_EQ(all.rows.size(), 3u);
  ASSERT_EQ(mine.rows.size(), 2u) << "c3's orders are rep-li's";
  EXPECT_EQ(mine.rows[0].group_id, "c1");
  EXPECT_EQ(mine.rows[0].aging, all.rows[0].aging);
  EXPECT_EQ(mine.rows[1].group_id, "c4");
  EXPECT_EQ(mine.rows[1].aging, all.rows[2].aging);
  CRM_ASSERT_OK_AND_ASSIGN(AgingPage by_rep, q.AgingByRep(Day(2026, 4, 15), {}, &zhang));
  ASSERT_EQ(by_rep.rows.size(), 2u);
  EXPECT_EQ(by_rep.rows[0].group_id, "rep-zhang");
  EXPECT_EQ(by_rep.rows[1].currency_code, "USD");

  // Pages of a filtered aging resume only for the same filter.
  PageRequest req;
  req.page_size = 1;
  CRM_ASSERT_OK_AND_ASSIGN(AgingPage first, q.AgingByCustomer(Day(2026, 4, 15), req, &zhang));
  ASSERT_EQ(first.rows.size(), 1u);
  req.page_token = first.next_page_token;
  CRM_ASSERT_OK_AND_ASSIGN(AgingPage second, q.AgingByCustomer(Day(2026, 4, 15), req, &zhang));
  ASSERT_EQ(second.rows.size(), 1u);
  EXPECT_EQ(second.rows[0].group_id, "c4");
  EXPECT_THAT(q.AgingByCustomer(Day(2026, 4, 15), req),
              StatusIs(absl::StatusCode::kInvalidArgument, "page_token"));
  EXPECT_THAT(q.AgingByCustomer(Day(2026, 4, 15), req, &both),
              StatusIs(absl::StatusCode::kInvalidArgument, "page_token"));
}

TEST_F(BalancesProjectionTest, CreditedRepsNamesEveryRepWithAnOrderOnce) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  EXPECT_THAT(Value(q.CreditedReps()), ElementsAre("rep-li", "rep-zhang"));
}

TEST_F(BalancesProjectionTest, PaymentsAreListedAgainAfterARebuild) {
  Script();
  // Drop o1's payments from the active view: only a rebuild from the log
  // brings them back.
  views::OrderRow row;
  {
    auto reader = Reader();
    CRM_ASSERT_OK_AND_ASSIGN(std::optional<std::string> stored, reader->Get(keys::Order("o1")));
    ASSERT_TRUE(stored.has_value());
    ASSERT_TRUE(row.ParseFromString(*stored));
  }
  row.clear_payments();
  CRM_ASSERT_OK(
      runner_->TamperForTest(kBalancesProjectionName, keys::Order("o1"), row.SerializeAsString()));
  ASSERT_EQ(ReasonOfO1P3(), "?");

  CRM_ASSERT_OK(runner_->Rebuild(kBalancesProjectionName));
  AwaitView(BalancesProjection().version(), [&] { return ReasonOfO1P3() != "?"; });
  auto reader = Reader();
  BalancesQueries q(reader.get());
  CRM_ASSERT_OK_AND_ASSIGN(OrderBalanceView o1, q.Order("o1", Day(2026, 4, 15)));
  ASSERT_EQ(o1.payments.size(), 3u);
  EXPECT_EQ(o1.payments[0].payment_id, "p1");
  EXPECT_EQ(o1.payments[2].reversed, 200000);
  EXPECT_EQ(o1.payments[2].reversals[0].reason, "transfer bounced");
  EXPECT_EQ(o1.paid, 1600000);
}

TEST_F(BalancesProjectionTest, AViewBuiltByVersionOneIsRebuiltSoReversalsGainTheirReason) {
  std::vector<std::unique_ptr<Projection>> old;
  old.push_back(std::make_unique<BalancesProjectionV1>());
  StartRunner(std::move(old));
  Script();
  ASSERT_EQ(ReasonOfO1P3(), "") << "version 1 rows have no reason";

  std::vector<std::unique_ptr<Projection>> current;
  current.push_back(std::make_unique<BalancesProjection>());
  StartRunner(std::move(current));
  ASSERT_GT(BalancesProjection().version(), 1u);
  AwaitView(BalancesProjection().version(), [] { return true; });
  EXPECT_EQ(ReasonOfO1P3(), "transfer bounced");
}

TEST_F(BalancesProjectionTest, BadQueryInputIsInvalidArgumentNamingTheField) {
  Script();
  auto reader = Reader();
  BalancesQueries q(reader.get());
  PageRequest negative;
  negative.page_size = -1;
  EXPECT_THAT(q.AgingByCustomer(Day(2026, 4, 15), negative),
              StatusIs(absl::StatusCode::kInvalidArgument, "page_size"));
  PageRequest garbage;
  garbage.page_token = "not a token!";
  EXPECT_THAT(q.OrdersOfCustomer("c1", Day(2026, 4, 15), garbage),
              StatusIs(absl::StatusCode::kInvalidArgument, "page_token"));
  EXPECT_THAT(q.Order("o404", Day(2026, 4, 15)), StatusIs(absl::StatusCode::kNotFound, "o404"));
}

}  // namespace
}  // namespace crm::projections::balances
