// crm.v1.BalancesService through a real server on 127.0.0.1.
//
// Orders come from crm_calls.h's Order(): 10,000.00 CNY, signed 2026-03-01,
// instalment 1 of 4,000.00 due 2030-03-31 and instalment 2 of 6,000.00 due
// 2030-04-30. Payments are dated in 2030; reversals and cancellations are
// dated the day the test runs, which is after 2026-03-20 and before 2030.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "engine/domain/business_calendar.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/crm_calls.h"
#include "tests/service/service_fixture.h"

namespace crm::service::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Crm = v1::CrmService::Stub;
using Balances = v1::BalancesService::Stub;

class BalancesServiceTest : public ServiceTest {
 protected:
  // Customer `customer` of `rep`, with order `order` placed by that rep's key
  // and approved by admin. Returns the last position.
  uint64_t CustomerWithOrder(const char* who, const std::string& customer, const std::string& rep,
                             const std::string& order, const std::string& phone) {
    Ok(who, &Crm::RegisterCustomer, Registration("", customer, rep, "公司" + customer, phone));
    Ok(kAdmin, &Crm::DefineProduct, OrderProduct());  // a no-op after the first
    Ok(who, &Crm::PlaceOrder, Order("", order, "HT-" + order, customer, rep));
    v1::ApproveOrderRequest approve;
    approve.mutable_command()->set_order_id(order);
    approve.mutable_command()->set_approver("admin");
    return Ok(kAdmin, &Crm::ApproveOrder, approve).position();
  }

  uint64_t Pay(const std::string& order, const std::string& payment, int64_t fen, v1::Date paid_on,
               int instalment = 0) {
    v1::RecordPaymentRequest pay;
    pay.mutable_command()->set_order_id(order);
    pay.mutable_command()->set_payment_id(payment);
    pay.mutable_command()->set_instalment_number(instalment);
    *pay.mutable_command()->mutable_amount() = Cny(fen);
    *pay.mutable_command()->mutable_paid_on() = paid_on;
    pay.mutable_command()->set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
    pay.mutable_command()->set_rep_id("r1");
    return Ok(kAdmin, &Crm::RecordPayment, pay).position();
  }

  grpc::Status GetOrder(const char* who, const std::string& order, v1::Date as_of,
                        uint64_t min_position, v1::OrderBalance* out) {
    v1::GetOrderBalanceRequest request;
    request.set_order_id(order);
    *request.mutable_as_of() = as_of;
    request.set_min_position(min_position);
    auto context = As(who);
    return balances_->GetOrderBalance(context.get(), request, out);
  }

  // GetOrderBalance expected to succeed.
  v1::OrderBalance OrderAsOf(const std::string& order, v1::Date as_of, uint64_t min_position) {
    v1::OrderBalance out;
    grpc::Status s = GetOrder(kAdmin, order, as_of, min_position, &out);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return out;
  }

  grpc::Status Totals(const char* who, const std::string& customer, const std::string& rep,
                      v1::Date as_of, uint64_t min_position, v1::GetBalanceTotalsResponse* out) {
    v1::GetBalanceTotalsRequest request;
    request.set_customer_id(customer);
    request.set_rep_id(rep);
    *request.mutable_as_of() = as_of;
    request.set_min_position(min_position);
    auto context = As(who);
    return balances_->GetBalanceTotals(context.get(), request, out);
  }

  grpc::Status List(const char* who, v1::ListOrderBalancesRequest request,
                    v1::ListOrderBalancesResponse* out) {
    auto context = As(who);
    return balances_->ListOrderBalances(context.get(), request, out);
  }

  grpc::Status Aging(const char* who, const v1::GetAgingRequest& request,
                     v1::GetAgingResponse* out) {
    auto context = As(who);
    return balances_->GetAging(context.get(), request, out);
  }
};

TEST_F(BalancesServiceTest, OrderStatusFollowsPaymentsAndDueDatesAsOfEachDate) {
  CustomerWithOrder(kAdmin, "c1", "r1", "o1", "13800138000");
  const uint64_t paid_first = Pay("o1", "pay1", 400000, Day(2030, 3, 20), 1);

  // Before the payment was received: nothing paid, nothing due yet.
  v1::OrderBalance before = OrderAsOf("o1", Day(2030, 3, 19), paid_first);
  EXPECT_EQ(before.status(), v1::PAYMENT_STATUS_UNPAID);
  EXPECT_EQ(before.paid().minor_units(), 0);
  EXPECT_EQ(before.outstanding().minor_units(), 1000000);
  EXPECT_EQ(before.outstanding().currency_code(), "CNY");
  EXPECT_EQ(before.customer_id(), "c1");
  EXPECT_EQ(before.rep_id(), "r1");
  EXPECT_EQ(before.contract_number(), "HT-o1");
  EXPECT_TRUE(before.approved());
  EXPECT_FALSE(before.cancelled());
  ASSERT_EQ(before.instalments_size(), 2);
  EXPECT_EQ(before.instalments(0).status(), v1::PAYMENT_STATUS_UNPAID);
  EXPECT_EQ(before.instalments(0).due_date().month(), 3);
  EXPECT_EQ(before.instalments(0).due_date().day(), 31);

  // The day it arrived: the first instalment is paid, the order partly.
  v1::OrderBalance partial = OrderAsOf("o1", Day(2030, 3, 20), paid_first);
  EXPECT_EQ(partial.status(), v1::PAYMENT_STATUS_PARTIAL);
  EXPECT_EQ(partial.paid().minor_units(), 400000);
  EXPECT_EQ(partial.outstanding().minor_units(), 600000);
  EXPECT_EQ(partial.instalments(0).status(), v1::PAYMENT_STATUS_PAID);
  EXPECT_EQ(partial.instalments(0).outstanding().minor_units(), 0);
  EXPECT_EQ(partial.instalments(1).status(), v1::PAYMENT_STATUS_UNPAID);
  EXPECT_EQ(partial.instalments(1).outstanding().minor_units(), 600000);

  // The second instalment (due 2030-04-30) is 15 days late on 2030-05-15.
  v1::OrderBalance late = OrderAsOf("o1", Day(2030, 5, 15), paid_first);
  EXPECT_EQ(late.status(), v1::PAYMENT_STATUS_OVERDUE);
  EXPECT_EQ(late.instalments(1).status(), v1::PAYMENT_STATUS_OVERDUE);
  EXPECT_EQ(late.instalments(1).days_overdue(), 15);
  EXPECT_EQ(late.instalments(0).days_overdue(), 0);

  const uint64_t paid_all = Pay("o1", "pay2", 600000, Day(2030, 5, 20));
  v1::OrderBalance still_late = OrderAsOf("o1", Day(2030, 5, 19), paid_all);
  EXPECT_EQ(still_late.status(), v1::PAYMENT_STATUS_OVERDUE);
  EXPECT_EQ(still_late.instalments(1).days_overdue(), 19);
  v1::OrderBalance paid = OrderAsOf("o1", Day(2030, 5, 20), paid_all);
  EXPECT_EQ(paid.status(), v1::PAYMENT_STATUS_PAID);
  EXPECT_EQ(paid.paid().minor_units(), 1000000);
  EXPECT_EQ(paid.outstanding().minor_units(), 0);
  EXPECT_EQ(paid.instalments(1).status(), v1::PAYMENT_STATUS_PAID);
}

TEST_F(BalancesServiceTest, AReversalTakesThePaymentBackFromTheDayItWasReversed) {
  CustomerWithOrder(kAdmin, "c1", "r1", "o1", "13800138000");
  Pay("o1", "pay1", 400000, Day(2026, 3, 20), 1);
  v1::ReversePaymentRequest reverse;
  reverse.mutable_command()->set_order_id("o1");
  reverse.mutable_command()->set_payment_id("pay1");
  *reverse.mutable_command()->mutable_amount() = Cny(150000);
  reverse.mutable_command()->set_reason("退票");
  const uint64_t reversed = Ok(kAdmin, &Crm::ReversePayment, reverse).position();

  // Reversed today: on the payment's own day it still counted in full.
  v1::OrderBalance then = OrderAsOf("o1", Day(2026, 3, 20), reversed);
  EXPECT_EQ(then.paid().minor_units(), 400000);
  EXPECT_EQ(then.instalments(0).status(), v1::PAYMENT_STATUS_PAID);

  v1::OrderBalance now = OrderAsOf("o1", Day(2030, 1, 1), reversed);
  EXPECT_EQ(now.paid().minor_units(), 250000);
  EXPECT_EQ(now.outstanding().minor_units(), 750000);
  EXPECT_EQ(now.status(), v1::PAYMENT_STATUS_PARTIAL);
  EXPECT_EQ(now.instalments(0).outstanding().minor_units(), 150000);
  EXPECT_EQ(now.instalments(0).status(), v1::PAYMENT_STATUS_PARTIAL);
}

TEST_F(BalancesServiceTest, ACancelledOrderOwesNothingAndLeavesTheTotals) {
  CustomerWithOrder(kAdmin, "c1", "r1", "o1", "13800138000");
  Ok(kAdmin, &Crm::PlaceOrder, Order("", "o2", "HT-o2", "c1", "r1"));
  v1::CancelOrderRequest cancel;
  cancel.mutable_command()->set_order_id("o2");
  cancel.mutable_command()->set_reason("客户取消");
  Ok(kAdmin, &Crm::CancelOrder, cancel);
  const uint64_t last = Pay("o1", "pay1", 400000, Day(2030, 3, 20));

  // Cancelled today: before that it was a receivable like any other.
  v1::OrderBalance before = OrderAsOf("o2", Day(2026, 3, 1), last);
  EXPECT_FALSE(before.cancelled());
  EXPECT_EQ(before.outstanding().minor_units(), 1000000);
  v1::OrderBalance after = OrderAsOf("o2", Day(2030, 5, 15), last);
  EXPECT_TRUE(after.cancelled());
  EXPECT_EQ(after.outstanding().minor_units(), 0);
  EXPECT_EQ(after.status(), v1::PAYMENT_STATUS_PAID);
  EXPECT_EQ(after.instalments(1).outstanding().minor_units(), 0);

  // As of 2030-05-15 only o1 counts: 4,000.00 paid, 6,000.00 overdue.
  for (const auto& [customer, rep] :
       std::vector<std::pair<std::string, std::string>>{{"c1", ""}, {"", "r1"}}) {
    v1::GetBalanceTotalsResponse totals;
    grpc::Status s = Totals(kAdmin, customer, rep, Day(2030, 5, 15), last, &totals);
    ASSERT_TRUE(s.ok()) << Describe(s);
    ASSERT_EQ(totals.totals_size(), 1) << totals.ShortDebugString();
    const v1::BalanceTotals& t = totals.totals(0);
    EXPECT_EQ(t.currency_code(), "CNY");
    EXPECT_EQ(t.orders(), 1);
    EXPECT_EQ(t.amount().minor_units(), 1000000);
    EXPECT_EQ(t.paid().minor_units(), 400000);
    EXPECT_EQ(t.outstanding().minor_units(), 600000);
    EXPECT_EQ(t.overdue().minor_units(), 600000);
    EXPECT_EQ(t.overpaid().minor_units(), 0);
  }

  // Listing shows both, the cancelled one included, by order id.
  v1::ListOrderBalancesRequest list;
  list.set_customer_id("c1");
  *list.mutable_as_of() = Day(2030, 5, 15);
  list.set_min_position(last);
  v1::ListOrderBalancesResponse listed;
  grpc::Status s = List(kAdmin, list, &listed);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(listed.orders_size(), 2);
  EXPECT_EQ(listed.orders(0).order_id(), "o1");
  EXPECT_FALSE(listed.orders(0).cancelled());
  EXPECT_EQ(listed.orders(1).order_id(), "o2");
  EXPECT_TRUE(listed.orders(1).cancelled());
  EXPECT_EQ(listed.next_page_token(), "");
}

TEST_F(BalancesServiceTest, AgingPutsEachInstalmentInTheBucketOfItsDaysOverdue) {
  const uint64_t last = CustomerWithOrder(kAdmin, "c1", "r1", "o1", "13800138000");

  // 2030-05-15: instalment 1 (due 03-31) is 45 days late, instalment 2
  // (due 04-30) 15 days.
  for (v1::AgingGrouping group_by : {v1::AGING_GROUPING_CUSTOMER, v1::AGING_GROUPING_REP}) {
    v1::GetAgingRequest request;
    request.set_group_by(group_by);
    *request.mutable_as_of() = Day(2030, 5, 15);
    request.set_min_position(last);
    v1::GetAgingResponse aging;
    grpc::Status s = Aging(kViewerAll, request, &aging);
    ASSERT_TRUE(s.ok()) << Describe(s);
    ASSERT_EQ(aging.rows_size(), 1) << aging.ShortDebugString();
    const v1::AgingRow& row = aging.rows(0);
    if (group_by == v1::AGING_GROUPING_CUSTOMER) {
      EXPECT_EQ(row.customer_id(), "c1");
      EXPECT_EQ(row.rep_id(), "");
    } else {
      EXPECT_EQ(row.rep_id(), "r1");
      EXPECT_EQ(row.customer_id(), "");
    }
    EXPECT_EQ(row.currency_code(), "CNY");
    EXPECT_EQ(row.current().minor_units(), 0);
    EXPECT_EQ(row.days_1_to_30().minor_units(), 600000);
    EXPECT_EQ(row.days_31_to_60().minor_units(), 400000);
    EXPECT_EQ(row.days_61_to_90().minor_units(), 0);
    EXPECT_EQ(row.days_91_to_120().minor_units(), 0);
    EXPECT_EQ(row.over_120_days().minor_units(), 0);
    EXPECT_EQ(row.total().minor_units(), 1000000);
    EXPECT_EQ(aging.as_of().year(), 2030);
    EXPECT_EQ(aging.next_page_token(), "");
  }

  // Due on the as-of date itself is still current; 2030-09-01 puts
  // instalment 1 at 154 days and instalment 2 at 124 days.
  v1::GetAgingRequest request;
  request.set_group_by(v1::AGING_GROUPING_CUSTOMER);
  *request.mutable_as_of() = Day(2030, 3, 31);
  v1::GetAgingResponse aging;
  ASSERT_TRUE(Aging(kAdmin, request, &aging).ok());
  ASSERT_EQ(aging.rows_size(), 1);
  EXPECT_EQ(aging.rows(0).current().minor_units(), 1000000);
  *request.mutable_as_of() = Day(2030, 9, 1);
  aging.Clear();
  ASSERT_TRUE(Aging(kAdmin, request, &aging).ok());
  ASSERT_EQ(aging.rows_size(), 1);
  EXPECT_EQ(aging.rows(0).over_120_days().minor_units(), 1000000);
}

TEST_F(BalancesServiceTest, PagesRunToTheEndWithoutRepeatsOrGaps) {
  CustomerWithOrder(kAdmin, "c1", "r1", "o1", "13800138001");
  CustomerWithOrder(kAdmin, "c2", "r1", "o2", "13800138002");
  const uint64_t last = CustomerWithOrder(kAdmin, "c3", "r1", "o3", "13800138003");

  std::vector<std::string> orders;
  v1::ListOrderBalancesRequest list;
  list.set_rep_id("r1");
  list.set_page_size(2);
  list.set_min_position(last);
  for (int pages = 0; pages < 5; ++pages) {
    v1::ListOrderBalancesResponse page;
    grpc::Status s = List(kAdmin, list, &page);
    ASSERT_TRUE(s.ok()) << Describe(s);
    EXPECT_LE(page.orders_size(), 2);
    for (const v1::OrderBalance& o : page.orders()) orders.push_back(o.order_id());
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  EXPECT_THAT(orders, ElementsAre("o1", "o2", "o3"));

  std::vector<std::string> customers;
  v1::GetAgingRequest aging;
  aging.set_group_by(v1::AGING_GROUPING_CUSTOMER);
  *aging.mutable_as_of() = Day(2030, 5, 15);
  aging.set_page_size(2);
  int pages = 0;
  for (; pages < 5; ++pages) {
    v1::GetAgingResponse page;
    grpc::Status s = Aging(kAdmin, aging, &page);
    ASSERT_TRUE(s.ok()) << Describe(s);
    for (const v1::AgingRow& r : page.rows()) customers.push_back(r.customer_id());
    if (page.next_page_token().empty()) break;
    aging.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(pages, 1) << "3 rows in pages of 2 are two pages";
  EXPECT_THAT(customers, ElementsAre("c1", "c2", "c3"));

  // A token is only good for the query that made it.
  v1::GetAgingRequest other = aging;
  *other.mutable_as_of() = Day(2030, 6, 1);
  v1::GetAgingResponse refused;
  grpc::Status s = Aging(kAdmin, other, &refused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("page_token"));
}

TEST_F(BalancesServiceTest, MalformedRequestsAreInvalidArgumentNamingTheField) {
  auto order_error = [&](const std::string& id, v1::Date as_of) {
    v1::GetOrderBalanceRequest request;
    request.set_order_id(id);
    *request.mutable_as_of() = as_of;
    v1::OrderBalance out;
    auto context = As(kAdmin);
    return balances_->GetOrderBalance(context.get(), request, &out);
  };
  struct Case {
    grpc::Status status;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({order_error("", Day(2030, 1, 1)), "order_id"});
  cases.push_back({order_error("o 1", Day(2030, 1, 1)), "order_id"});
  cases.push_back({order_error("o1", Day(2030, 13, 1)), "as_of"});
  cases.push_back({order_error("o1", Day(2030, 2, 30)), "as_of"});

  v1::ListOrderBalancesResponse listed;
  v1::ListOrderBalancesRequest neither;
  cases.push_back({List(kAdmin, neither, &listed), "customer_id, rep_id"});
  v1::ListOrderBalancesRequest both;
  both.set_customer_id("c1");
  both.set_rep_id("r1");
  cases.push_back({List(kAdmin, both, &listed), "customer_id, rep_id"});
  v1::ListOrderBalancesRequest negative;
  negative.set_rep_id("r1");
  negative.set_page_size(-1);
  cases.push_back({List(kAdmin, negative, &listed), "page_size"});
  v1::ListOrderBalancesRequest garbage;
  garbage.set_rep_id("r1");
  garbage.set_page_token("not a token");
  cases.push_back({List(kAdmin, garbage, &listed), "page_token"});
  v1::ListOrderBalancesRequest bad_customer;
  bad_customer.set_customer_id("c/1");
  cases.push_back({List(kAdmin, bad_customer, &listed), "customer_id"});

  v1::GetBalanceTotalsResponse totals;
  cases.push_back({Totals(kAdmin, "", "r 1", Day(2030, 1, 1), 0, &totals), "rep_id"});
  cases.push_back({Totals(kAdmin, "", "", Day(2030, 1, 1), 0, &totals), "customer_id, rep_id"});
  cases.push_back({Totals(kAdmin, "", "r1", Day(0, 1, 1), 0, &totals), "as_of"});

  v1::GetAgingResponse aging;
  v1::GetAgingRequest no_grouping;
  cases.push_back({Aging(kAdmin, no_grouping, &aging), "group_by"});
  v1::GetAgingRequest negative_aging;
  negative_aging.set_group_by(v1::AGING_GROUPING_REP);
  negative_aging.set_page_size(-5);
  cases.push_back({Aging(kAdmin, negative_aging, &aging), "page_size"});

  for (const Case& c : cases) {
    EXPECT_EQ(c.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.field << ": " << Describe(c.status);
    EXPECT_THAT(c.status.error_message(), HasSubstr(c.field));
  }
}

TEST_F(BalancesServiceTest, AnOrderOutsideTheScopeIsDeniedExactlyLikeAnUnknownOne) {
  CreateOrg();
  const uint64_t last = CustomerWithOrder(kRep2, "c2", "r2", "o2", "13800138002");

  v1::OrderBalance out;
  grpc::Status theirs = GetOrder(kRep1, "o2", Day(2030, 5, 15), last, &out);
  grpc::Status unknown = GetOrder(kRep1, "o9", Day(2030, 5, 15), last, &out);
  EXPECT_EQ(theirs.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(theirs);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(unknown);
  EXPECT_EQ(absl::StrReplaceAll(theirs.error_message(), {{"o2", "X"}}),
            absl::StrReplaceAll(unknown.error_message(), {{"o9", "X"}}));
  EXPECT_THAT(theirs.error_message(), ::testing::Not(HasSubstr("c2")))
      << "the denial must not reveal the order's customer";

  // Team t-south includes sub-team t-south-gz (r2); t-north does not.
  EXPECT_TRUE(GetOrder(kRep2, "o2", Day(2030, 5, 15), last, &out).ok());
  EXPECT_TRUE(GetOrder(kManagerSouth, "o2", Day(2030, 5, 15), last, &out).ok());
  EXPECT_TRUE(GetOrder(kViewerAll, "o2", Day(2030, 5, 15), last, &out).ok());
  grpc::Status north = GetOrder(kManagerNorth, "o2", Day(2030, 5, 15), last, &out);
  EXPECT_EQ(north.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(north);
  EXPECT_EQ(absl::StrReplaceAll(north.error_message(), {{"o2", "X"}}),
            absl::StrReplaceAll(unknown.error_message(), {{"o9", "X"}}));

  // Only scope all learns that an id does not exist.
  grpc::Status admin_unknown = GetOrder(kAdmin, "o9", Day(2030, 5, 15), last, &out);
  EXPECT_EQ(admin_unknown.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(admin_unknown);

  // Analytics reads the raw log, not customer data.
  grpc::Status analytics = GetOrder(kAnalytics, "o2", Day(2030, 5, 15), last, &out);
  EXPECT_EQ(analytics.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(analytics);
}

TEST_F(BalancesServiceTest, ACustomersAndARepsBalancesNeedThemInScope) {
  CreateOrg();
  const uint64_t last = CustomerWithOrder(kRep2, "c2", "r2", "o2", "13800138002");
  v1::GetBalanceTotalsResponse totals;
  const v1::Date as_of = Day(2030, 5, 15);

  grpc::Status s = Totals(kRep1, "c2", "", as_of, last, &totals);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  grpc::Status unknown = Totals(kRep1, "c9", "", as_of, last, &totals);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(unknown);
  EXPECT_EQ(absl::StrReplaceAll(s.error_message(), {{"c2", "X"}}),
            absl::StrReplaceAll(unknown.error_message(), {{"c9", "X"}}));
  s = Totals(kRep1, "", "r2", as_of, last, &totals);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("rep_id"));
  s = Totals(kManagerNorth, "c2", "", as_of, last, &totals);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  s = Totals(kManagerNorth, "", "r2", as_of, last, &totals);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);

  totals.Clear();
  s = Totals(kManagerSouth, "c2", "", as_of, last, &totals);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(totals.totals_size(), 1);
  EXPECT_EQ(totals.totals(0).overdue().minor_units(), 1000000);
  totals.Clear();
  s = Totals(kRep2, "", "r2", as_of, last, &totals);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(totals.totals_size(), 1);
  EXPECT_EQ(totals.totals(0).outstanding().minor_units(), 1000000);

  s = Totals(kAdmin, "c9", "", as_of, last, &totals);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);

  v1::ListOrderBalancesRequest list;
  list.set_customer_id("c2");
  list.set_min_position(last);
  v1::ListOrderBalancesResponse listed;
  s = List(kRep1, list, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  EXPECT_EQ(listed.orders_size(), 0);
  s = List(kManagerSouth, list, &listed);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(listed.orders_size(), 1);
}

TEST_F(BalancesServiceTest, AMergedDuplicatesBalancesFollowTheSurvivorsOwner) {
  CreateOrg();
  CustomerWithOrder(kRep1, "c1", "r1", "o1", "13800138001");
  CustomerWithOrder(kRep2, "c2", "r2", "o2", "13800138002");
  v1::MergeCustomersRequest merge;
  merge.mutable_command()->set_duplicate_customer_id("c2");
  merge.mutable_command()->set_survivor_customer_id("c1");
  const uint64_t last = Ok(kAdmin, &Crm::MergeCustomers, merge).position();

  // o2 now belongs to c1, which r1 owns; r2 no longer sees it.
  v1::OrderBalance out;
  grpc::Status s = GetOrder(kRep1, "o2", Day(2030, 5, 15), last, &out);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(out.customer_id(), "c1");
  EXPECT_EQ(out.placed_customer_id(), "c2");
  s = GetOrder(kRep2, "o2", Day(2030, 5, 15), last, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);

  // Asking for the duplicate answers the survivor's figures: both orders.
  v1::GetBalanceTotalsResponse totals;
  s = Totals(kRep1, "c2", "", Day(2030, 5, 15), last, &totals);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(totals.totals_size(), 1);
  EXPECT_EQ(totals.totals(0).orders(), 2);
  EXPECT_EQ(totals.totals(0).outstanding().minor_units(), 2000000);
  s = Totals(kRep2, "c2", "", Day(2030, 5, 15), last, &totals);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
}

TEST_F(BalancesServiceTest, UnfilteredCompanyWideAgingNeedsScopeAll) {
  CreateOrg();
  const uint64_t last = CustomerWithOrder(kRep1, "c1", "r1", "o1", "13800138001");
  v1::GetAgingRequest request;
  request.set_group_by(v1::AGING_GROUPING_REP);
  *request.mutable_as_of() = Day(2030, 5, 15);
  request.set_min_position(last);
  for (const char* who : {kRep1, kManagerSouth}) {
    v1::GetAgingResponse aging;
    grpc::Status s = Aging(who, request, &aging);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << who << Describe(s);
    EXPECT_THAT(s.error_message(), HasSubstr("scope all"));
    EXPECT_EQ(aging.rows_size(), 0);
  }
  v1::GetAgingResponse aging;
  grpc::Status s = Aging(kViewerAll, request, &aging);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(aging.rows_size(), 1);
}

TEST_F(BalancesServiceTest, AnOrderBalanceListsItsPaymentsWithTheirReversals) {
  CustomerWithOrder(kAdmin, "c1", "r1", "o1", "13800138000");
  Pay("o1", "pay1", 400000, Day(2026, 3, 20), 1);
  Pay("o1", "pay2", 100000, Day(2026, 3, 21));
  v1::ReversePaymentRequest reverse;
  reverse.mutable_command()->set_order_id("o1");
  reverse.mutable_command()->set_payment_id("pay1");
  *reverse.mutable_command()->mutable_amount() = Cny(150000);
  reverse.mutable_command()->set_reason("退票");
  Ok(kAdmin, &Crm::ReversePayment, reverse);
  reverse.mutable_command()->set_payment_id("pay2");
  *reverse.mutable_command()->mutable_amount() = Cny(100000);
  reverse.mutable_command()->set_reason("重复入账");
  const uint64_t last = Ok(kAdmin, &Crm::ReversePayment, reverse).position();
  const v1::Date today = engine::domain::ToDate(
      absl::ToCivilDay(absl::Now(), engine::domain::DefaultBusinessTimeZone()));

  v1::OrderBalance o = OrderAsOf("o1", Day(2030, 1, 1), last);
  ASSERT_EQ(o.payments_size(), 2) << o.ShortDebugString();
  const v1::PaymentBalance& pay1 = o.payments(0);
  EXPECT_EQ(pay1.payment_id(), "pay1");
  EXPECT_EQ(pay1.instalment_number(), 1);
  EXPECT_EQ(pay1.amount().minor_units(), 400000);
  EXPECT_EQ(pay1.amount().currency_code(), "CNY");
  EXPECT_EQ(pay1.paid_on().day(), 20);
  EXPECT_EQ(pay1.rep_id(), "r1");
  EXPECT_EQ(pay1.reversed_amount().minor_units(), 150000);
  EXPECT_EQ(pay1.remaining().minor_units(), 250000);
  EXPECT_FALSE(pay1.reversed()) << "partly reversed is not reversed";
  ASSERT_EQ(pay1.reversals_size(), 1);
  EXPECT_EQ(pay1.reversals(0).amount().minor_units(), 150000);
  EXPECT_EQ(pay1.reversals(0).reason(), "退票");
  EXPECT_EQ(pay1.reversals(0).reversed_on().ShortDebugString(), today.ShortDebugString());
  const v1::PaymentBalance& pay2 = o.payments(1);
  EXPECT_EQ(pay2.payment_id(), "pay2");
  EXPECT_EQ(pay2.instalment_number(), 0);
  EXPECT_TRUE(pay2.reversed());
  EXPECT_EQ(pay2.remaining().minor_units(), 0);
  EXPECT_EQ(pay2.reversals(0).reason(), "重复入账");
  EXPECT_EQ(o.paid().minor_units(), pay1.remaining().minor_units());

  // On the first payment's day only it had arrived, and nothing was reversed.
  v1::OrderBalance then = OrderAsOf("o1", Day(2026, 3, 20), last);
  ASSERT_EQ(then.payments_size(), 1);
  EXPECT_EQ(then.payments(0).remaining().minor_units(), 400000);
  EXPECT_EQ(then.payments(0).reversals_size(), 0);
}

TEST_F(BalancesServiceTest, ATeamsBalancesCoverItsRepsAndItsSubTeamsReps) {
  CreateOrg();
  CustomerWithOrder(kRep1, "c1", "r1", "o1", "13800138001");  // t-south
  CustomerWithOrder(kRep2, "c2", "r2", "o2", "13800138002");  // t-south-gz, below t-south
  const uint64_t last = CustomerWithOrder(kAdmin, "c3", "r3", "o3", "13800138003");  // t-north
  auto list = [&](const char* who, const std::string& team, std::vector<std::string>* ids) {
    v1::ListOrderBalancesRequest request;
    request.set_team_id(team);
    request.set_min_position(last);
    request.set_page_size(1);  // pages across the team's reps
    for (int pages = 0; pages < 10; ++pages) {
      v1::ListOrderBalancesResponse page;
      grpc::Status s = List(who, request, &page);
      if (!s.ok()) return s;
      for (const v1::OrderBalance& o : page.orders()) ids->push_back(o.order_id());
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    return grpc::Status::OK;
  };
  std::vector<std::string> south;
  grpc::Status s = list(kManagerSouth, "t-south", &south);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_THAT(south, ElementsAre("o1", "o2"));
  std::vector<std::string> gz;
  s = list(kManagerSouth, "t-south-gz", &gz);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_THAT(gz, ElementsAre("o2"));
  std::vector<std::string> north;
  s = list(kViewerAll, "t-north", &north);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_THAT(north, ElementsAre("o3"));
  std::vector<std::string> unknown;
  s = list(kAdmin, "t-nowhere", &unknown);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_TRUE(unknown.empty());

  v1::GetBalanceTotalsRequest totals;
  totals.set_team_id("t-south");
  *totals.mutable_as_of() = Day(2030, 5, 15);
  totals.set_min_position(last);
  v1::GetBalanceTotalsResponse sums;
  auto context = As(kManagerSouth);
  s = balances_->GetBalanceTotals(context.get(), totals, &sums);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(sums.totals_size(), 1);
  EXPECT_EQ(sums.totals(0).orders(), 2);
  EXPECT_EQ(sums.totals(0).outstanding().minor_units(), 2000000);
}

TEST_F(BalancesServiceTest, ATeamOutsideTheScopeIsDeniedNamingTeamId) {
  CreateOrg();
  const uint64_t last = CustomerWithOrder(kRep2, "c2", "r2", "o2", "13800138002");
  v1::ListOrderBalancesRequest request;
  request.set_min_position(last);
  for (const auto& [who, team] : std::vector<std::pair<const char*, std::string>>{
           {kManagerNorth, "t-south"},
           {kManagerNorth, "t-south-gz"},
           {kManagerSouth, "t-north"},
           {kRep2, "t-south-gz"},
       }) {
    request.set_team_id(team);
    v1::ListOrderBalancesResponse out;
    grpc::Status s = List(who, request, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << who << " " << Describe(s);
    EXPECT_THAT(s.error_message(), HasSubstr("team_id")) << who;
    EXPECT_EQ(out.orders_size(), 0);
  }
}

TEST_F(BalancesServiceTest, AgingFilteredByRepOrTeamCountsOnlyTheirOrders) {
  CreateOrg();
  CustomerWithOrder(kRep1, "c1", "r1", "o1", "13800138001");
  CustomerWithOrder(kRep2, "c2", "r2", "o2", "13800138002");
  const uint64_t last = CustomerWithOrder(kAdmin, "c3", "r3", "o3", "13800138003");
  auto aging = [&](const char* who, v1::AgingGrouping by, const std::string& rep,
                   const std::string& team, std::vector<std::string>* ids) {
    v1::GetAgingRequest request;
    request.set_group_by(by);
    request.set_rep_id(rep);
    request.set_team_id(team);
    *request.mutable_as_of() = Day(2030, 5, 15);
    request.set_min_position(last);
    v1::GetAgingResponse out;
    grpc::Status s = Aging(who, request, &out);
    for (const v1::AgingRow& r : out.rows()) {
      ids->push_back(by == v1::AGING_GROUPING_REP ? r.rep_id() : r.customer_id());
      EXPECT_EQ(r.total().minor_units(), 1000000);
    }
    return s;
  };
  struct Case {
    const char* who;
    v1::AgingGrouping by;
    std::string rep, team;
    std::vector<std::string> want;
  };
  const v1::AgingGrouping kCustomer = v1::AGING_GROUPING_CUSTOMER;
  const v1::AgingGrouping kRep = v1::AGING_GROUPING_REP;
  for (const Case& c : std::vector<Case>{
           {kRep1, kCustomer, "r1", "", {"c1"}},
           {kRep1, kRep, "r1", "", {"r1"}},
           {kManagerSouth, kRep, "r2", "", {"r2"}},
           {kManagerSouth, kRep, "", "t-south", {"r1", "r2"}},
           {kManagerSouth, kCustomer, "", "t-south-gz", {"c2"}},
           {kViewerAll, kCustomer, "", "t-north", {"c3"}},
           {kAdmin, kRep, "r9", "", {}},
       }) {
    std::vector<std::string> ids;
    grpc::Status s = aging(c.who, c.by, c.rep, c.team, &ids);
    ASSERT_TRUE(s.ok()) << c.who << " " << c.rep << c.team << ": " << Describe(s);
    EXPECT_EQ(ids, c.want) << c.who << " " << c.rep << c.team;
  }
}

TEST_F(BalancesServiceTest, AgingByRepHidesTheNameOfACustomerTheRepNoLongerOwns) {
  CreateOrg();
  CustomerWithOrder(kRep1, "c1", "r1", "o1", "13800138001");
  auto aging_as_rep1 = [&](uint64_t min_position) {
    v1::GetAgingRequest request;
    request.set_group_by(v1::AGING_GROUPING_CUSTOMER);
    request.set_rep_id("r1");
    *request.mutable_as_of() = Day(2030, 5, 15);
    request.set_min_position(min_position);
    v1::GetAgingResponse out;
    grpc::Status s = Aging(kRep1, request, &out);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return out;
  };
  v1::GetAgingResponse before = aging_as_rep1(LogSize() - 1);
  ASSERT_EQ(before.rows_size(), 1);
  EXPECT_EQ(before.rows(0).customer_name(), "公司c1");

  // The customer goes to r3 (another team); the order stays filed under r1.
  v1::AssignCustomerOwnerRequest assign;
  assign.mutable_command()->set_customer_id("c1");
  assign.mutable_command()->set_owner_rep_id("r3");
  assign.mutable_command()->set_reason("territory change");
  const uint64_t moved = Ok(kAdmin, &Crm::AssignCustomerOwner, assign).position();
  v1::GetAgingResponse after = aging_as_rep1(moved);
  ASSERT_EQ(after.rows_size(), 1);
  EXPECT_EQ(after.rows(0).customer_id(), "c1");
  EXPECT_EQ(after.rows(0).customer_name(), "");
  v1::GetCustomerRequest get;
  get.set_customer_id("c1");
  v1::Customer customer;
  EXPECT_EQ(Call(kRep1, &Crm::GetCustomer, get, &customer).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(BalancesServiceTest, ARepAskingForAnotherRepsOrTeamsAgingIsDeniedNamingTheField) {
  CreateOrg();
  const uint64_t last = CustomerWithOrder(kRep2, "c2", "r2", "o2", "13800138002");
  struct Case {
    const char* who;
    std::string rep, team, field;
  };
  for (const Case& c : std::vector<Case>{
           {kRep1, "r2", "", "rep_id"},
           {kManagerNorth, "r2", "", "rep_id"},
           {kRep1, "", "t-south", "team_id"},
           {kManagerNorth, "", "t-south-gz", "team_id"},
       }) {
    v1::GetAgingRequest request;
    request.set_group_by(v1::AGING_GROUPING_CUSTOMER);
    request.set_rep_id(c.rep);
    request.set_team_id(c.team);
    request.set_min_position(last);
    v1::GetAgingResponse out;
    grpc::Status s = Aging(c.who, request, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << c.who << Describe(s);
    EXPECT_THAT(s.error_message(), HasSubstr(c.field)) << c.who;
    EXPECT_EQ(out.rows_size(), 0);
  }
}

TEST_F(BalancesServiceTest, MalformedTeamAndRepFiltersAreInvalidArgumentNamingTheField) {
  struct Case {
    grpc::Status status;
    std::string field;
  };
  std::vector<Case> cases;
  v1::ListOrderBalancesResponse listed;
  v1::ListOrderBalancesRequest bad_team;
  bad_team.set_team_id("t 1");
  cases.push_back({List(kAdmin, bad_team, &listed), "team_id"});
  v1::ListOrderBalancesRequest two;
  two.set_rep_id("r1");
  two.set_team_id("t-south");
  cases.push_back({List(kAdmin, two, &listed), "customer_id, rep_id, team_id"});
  v1::GetAgingResponse aging;
  v1::GetAgingRequest both;
  both.set_group_by(v1::AGING_GROUPING_REP);
  both.set_rep_id("r1");
  both.set_team_id("t-south");
  cases.push_back({Aging(kAdmin, both, &aging), "rep_id, team_id"});
  v1::GetAgingRequest bad_rep;
  bad_rep.set_group_by(v1::AGING_GROUPING_REP);
  bad_rep.set_rep_id("r/1");
  cases.push_back({Aging(kAdmin, bad_rep, &aging), "rep_id"});
  for (const Case& c : cases) {
    EXPECT_EQ(c.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.field << ": " << Describe(c.status);
    EXPECT_THAT(c.status.error_message(), HasSubstr(c.field));
  }
}

TEST_F(BalancesServiceTest, AMinPositionBeyondTheLogIsDeadlineExceeded) {
  const uint64_t last = CustomerWithOrder(kAdmin, "c1", "r1", "o1", "13800138001");
  v1::GetOrderBalanceRequest request;
  request.set_order_id("o1");
  request.set_min_position(last + 1000000);
  v1::OrderBalance out;
  auto context = As(kAdmin);
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(300)));
  const absl::Time start = absl::Now();
  grpc::Status s = balances_->GetOrderBalance(context.get(), request, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << Describe(s);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));

  // The position a command returned is reached: the same call then answers.
  request.set_min_position(last);
  auto again = As(kAdmin);
  s = balances_->GetOrderBalance(again.get(), request, &out);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(out.order_id(), "o1");
}

}  // namespace
}  // namespace crm::service::testing
