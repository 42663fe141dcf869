#include "engine/domain/order_decider.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/domain/customer_fixture.h"
#include "tests/domain/order_fixture.h"
#include "tests/support/status_matchers.h"

namespace crm::engine::domain {
namespace {

using ::crm::testing::IsOk;
using ::crm::testing::StatusIs;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using namespace ::crm::engine::domain::testing;  // NOLINT: test fixture helpers

const int64_t kNow = ShanghaiUs(2026, 3, 15);

v1::OrderCommand Place(v1::PlaceOrder p = Placement()) {
  v1::OrderCommand c;
  *c.mutable_place() = std::move(p);
  return c;
}

v1::OrderCommand Approve() {
  v1::OrderCommand c;
  c.mutable_approve()->set_order_id("o1");
  c.mutable_approve()->set_approver("manager-zhao");
  return c;
}

v1::OrderCommand Cancel() {
  v1::OrderCommand c;
  c.mutable_cancel()->set_order_id("o1");
  c.mutable_cancel()->set_reason("customer withdrew");
  return c;
}

v1::OrderCommand Ship() {
  v1::OrderCommand c;
  c.mutable_ship()->set_order_id("o1");
  c.mutable_ship()->set_shipment_reference("SF123");
  *c.mutable_ship()->mutable_shipped_on() = D(2026, 3, 20);
  return c;
}

v1::OrderCommand Pay(const std::string& id, int64_t fen, int instalment = 0) {
  v1::OrderCommand c;
  v1::RecordPayment* p = c.mutable_record_payment();
  p->set_order_id("o1");
  p->set_payment_id(id);
  p->set_instalment_number(instalment);
  *p->mutable_amount() = MakeMoney("CNY", fen);
  *p->mutable_paid_on() = D(2026, 3, 14);
  p->set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
  p->set_rep_id("rep-zhang");
  p->set_external_reference("ICBC-778");
  return c;
}

v1::OrderCommand Reverse(const std::string& id, int64_t fen) {
  v1::OrderCommand c;
  c.mutable_reverse_payment()->set_order_id("o1");
  c.mutable_reverse_payment()->set_payment_id(id);
  *c.mutable_reverse_payment()->mutable_amount() = MakeMoney("CNY", fen);
  c.mutable_reverse_payment()->set_reason("transfer bounced");
  return c;
}

ProductState Product(const std::string& id, bool retired = false) {
  ProductState p;
  p.exists = true;
  p.product_id = id;
  p.name = "企业版CRM年费";
  p.unit_price = MakeMoney("CNY", 499950);
  p.retired = retired;
  return p;
}

// What the command handler read of the products: Placement()'s two, plus
// `extra`.
OrderEnvironment WithProducts(std::vector<ProductState> extra = {}) {
  OrderEnvironment env;
  env.products.emplace();
  for (ProductState p : {Product("p-crm"), Product("p-impl")}) (*env.products)[p.product_id] = p;
  for (ProductState& p : extra) (*env.products)[p.product_id] = std::move(p);
  return env;
}

class OrderDeciderTest : public ::testing::Test {
 protected:
  OrderState State() const {
    OrderState state;
    for (const v1::OrderEvent& e : given_) Evolve(state, e);
    return state;
  }
  absl::StatusOr<std::vector<v1::OrderEvent>> When(const v1::OrderCommand& command,
                                                   const OrderEnvironment& env = {}) {
    return DecideOrder(Context(kNow), command, State(), env);
  }
  // Given: the command was decided and its events stored.
  void Given(const v1::OrderCommand& command) {
    absl::StatusOr<std::vector<v1::OrderEvent>> events = When(command);
    ASSERT_THAT(events, IsOk());
    for (v1::OrderEvent& e : *events) given_.push_back(std::move(e));
  }
  void GivenApproved() {
    Given(Place());
    Given(Approve());
  }
  std::vector<v1::OrderEvent> given_;
};

// ---- PlaceOrder ---------------------------------------------------------------

TEST_F(OrderDeciderTest, WhenPlacedThenAmountIsComputedFromTheLines) {
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(Place()));
  ASSERT_THAT(events, SizeIs(1));
  const v1::OrderPlaced& e = events[0].placed();
  EXPECT_EQ(e.lines(0).amount().minor_units(), 999900);
  EXPECT_EQ(e.lines(1).amount().minor_units(), 1500000);
  EXPECT_EQ(e.amount().minor_units(), 2499900);
  EXPECT_EQ(e.amount().currency_code(), "CNY");
  EXPECT_THAT(e.plan(), SizeIs(2));
}

TEST_F(OrderDeciderTest, WhenPlanTotalDiffersFromLinesTotalThenInvalidArgumentWithBothAmounts) {
  v1::PlaceOrder p = Placement();
  p.mutable_plan(1)->mutable_amount()->set_minor_units(1499800);
  EXPECT_THAT(When(Place(p)), StatusIs(absl::StatusCode::kInvalidArgument,
                                       "place.plan: the instalments add up to 24998.00 CNY but "
                                       "the lines to 24999.00 CNY"));
}

TEST_F(OrderDeciderTest, WhenPlacedWithMalformedFieldsThenInvalidArgumentNamesTheField) {
  struct Case {
    std::function<void(v1::PlaceOrder&)> mutate;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](auto& p) { p.set_order_id(""); }, "place.order_id"},
      {[](auto& p) { p.set_contract_number(" "); }, "place.contract_number"},
      {[](auto& p) { p.set_customer_id(""); }, "place.customer_id"},
      {[](auto& p) { p.set_currency_code("rmb"); }, "place.currency_code"},
      {[](auto& p) { p.clear_lines(); }, "place.lines"},
      {[](auto& p) { p.mutable_lines(0)->set_quantity(0); }, "place.lines[0].quantity"},
      {[](auto& p) { p.mutable_lines(1)->mutable_unit_price()->set_minor_units(-1); },
       "place.lines[1].unit_price.minor_units"},
      {[](auto& p) { p.mutable_lines(1)->mutable_unit_price()->set_currency_code("USD"); },
       "place.lines[1].unit_price.currency_code"},
      {[](auto& p) { p.mutable_lines(0)->set_quantity(INT64_MAX / 2); }, "place.lines[0].quantity"},
      {[](auto& p) { p.clear_plan(); }, "place.plan"},
      {[](auto& p) { p.mutable_plan(1)->set_number(3); }, "place.plan[1].number"},
      {[](auto& p) { *p.mutable_plan(1)->mutable_due_date() = D(2026, 2, 30); },
       "place.plan[1].due_date"},
      {[](auto& p) { *p.mutable_plan(1)->mutable_due_date() = D(2026, 3, 1); },
       "place.plan[1].due_date: is before"},
      {[](auto& p) { p.mutable_plan(0)->mutable_amount()->set_minor_units(0); },
       "place.plan[0].amount"},
      {[](auto& p) { p.mutable_plan(0)->set_remind_days_before(-2); },
       "place.plan[0].remind_days_before"},
  };
  for (const Case& c : cases) {
    v1::PlaceOrder p = Placement();
    c.mutate(p);
    EXPECT_THAT(When(Place(p)), StatusIs(absl::StatusCode::kInvalidArgument, c.field)) << c.field;
  }
}

TEST_F(OrderDeciderTest, WhenPlacedWithDefinedProductsThenAccepted) {
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(Place(), WithProducts()));
  EXPECT_THAT(events, SizeIs(1));
}

TEST_F(OrderDeciderTest, WhenALineNamesAnUndefinedProductThenNotFoundNamingTheLineAndProduct) {
  OrderEnvironment env = WithProducts();
  env.products->erase("p-impl");
  EXPECT_THAT(When(Place(), env),
              StatusIs(absl::StatusCode::kNotFound,
                       "place.lines[1].product_id: product p-impl is not defined"));
  // A product the handler read but found no stream for is just as undefined.
  (*env.products)["p-impl"] = ProductState{};
  EXPECT_THAT(When(Place(), env),
              StatusIs(absl::StatusCode::kNotFound,
                       "place.lines[1].product_id: product p-impl is not defined"));
}

TEST_F(OrderDeciderTest, WhenALineNamesARetiredProductThenRefusedNamingTheLineAndProduct) {
  EXPECT_THAT(When(Place(), WithProducts({Product("p-crm", /*retired=*/true)})),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "place.lines[0].product_id: product p-crm (企业版CRM年费) is retired"));
}

TEST_F(OrderDeciderTest, WhenTheHandlerReadNoProductsThenTheLinesAreOnlyValidated) {
  // The handler's first pass, before it reads anything.
  EXPECT_THAT(When(Place(), OrderEnvironment{}), IsOk());
}

TEST_F(OrderDeciderTest, GivenPlacedWhenPlacedAgainThenAlreadyExists) {
  Given(Place());
  EXPECT_THAT(When(Place()), StatusIs(absl::StatusCode::kAlreadyExists, "order o1"));
}

TEST_F(OrderDeciderTest, GivenNoOrderWhenApprovedThenNotFound) {
  EXPECT_THAT(When(Approve()), StatusIs(absl::StatusCode::kNotFound, "order o1"));
}

// ---- Approval, shipment, cancellation -------------------------------------------

TEST_F(OrderDeciderTest, GivenApprovedWhenApprovedAgainThenNoEvent) {
  GivenApproved();
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(Approve()));
  EXPECT_THAT(events, IsEmpty());
  EXPECT_TRUE(State().approved);
}

TEST_F(OrderDeciderTest, GivenUnapprovedWhenShippedThenRefused) {
  Given(Place());
  EXPECT_THAT(When(Ship()), StatusIs(absl::StatusCode::kFailedPrecondition, "not approved"));
}

TEST_F(OrderDeciderTest, GivenShippedWhenCancelledOrAmendedThenRefused) {
  GivenApproved();
  Given(Ship());
  EXPECT_THAT(When(Cancel()), StatusIs(absl::StatusCode::kFailedPrecondition, "shipped"));
  v1::OrderCommand amend;
  amend.mutable_amend()->set_order_id("o1");
  *amend.mutable_amend()->mutable_lines() = Placement().lines();
  *amend.mutable_amend()->mutable_plan() = Placement().plan();
  EXPECT_THAT(When(amend), StatusIs(absl::StatusCode::kFailedPrecondition, "shipped"));
}

TEST_F(OrderDeciderTest, GivenPaymentsHeldWhenCancelledThenRefusedUntilReversed) {
  GivenApproved();
  Given(Pay("pay1", 500000));
  EXPECT_THAT(When(Cancel()), StatusIs(absl::StatusCode::kFailedPrecondition, "reverse them"));
  Given(Reverse("pay1", 500000));
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(Cancel()));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].cancelled().reason(), "customer withdrew");
}

TEST_F(OrderDeciderTest, GivenCancelledWhenCancelledAgainThenNoEventAndApprovalIsRefused) {
  Given(Place());
  Given(Cancel());
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(Cancel()));
  EXPECT_THAT(events, IsEmpty());
  EXPECT_THAT(When(Approve()), StatusIs(absl::StatusCode::kFailedPrecondition, "cancelled"));
}

// ---- Amendment -----------------------------------------------------------------

TEST_F(OrderDeciderTest, GivenPlacedWhenAmendedThenNewLinesAmountAndPlanReplaceTheOld) {
  Given(Place());
  v1::OrderCommand amend;
  amend.mutable_amend()->set_order_id("o1");
  *amend.mutable_amend()->add_lines() = Line("p-crm", 3, 499950);
  *amend.mutable_amend()->add_plan() = Instalment(1, 1499850, D(2026, 4, 30));
  amend.mutable_amend()->set_reason("one more seat");
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(amend));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].amended().amount().minor_units(), 1499850);
  given_.push_back(events[0]);
  EXPECT_EQ(State().amount, 1499850);
  EXPECT_THAT(State().plan, SizeIs(1));
  CRM_ASSERT_OK_AND_ASSIGN(auto again, When(amend));
  EXPECT_THAT(again, IsEmpty());
}

TEST_F(OrderDeciderTest, GivenPlacedWhenAmendedWithANewUndefinedOrRetiredProductThenRefused) {
  Given(Place());
  v1::OrderCommand amend;
  amend.mutable_amend()->set_order_id("o1");
  *amend.mutable_amend()->add_lines() = Line("p-crm", 2, 499950);
  *amend.mutable_amend()->add_lines() = Line("p-new", 1, 1500000);
  *amend.mutable_amend()->add_plan() = Instalment(1, 2499900, D(2026, 4, 30));
  EXPECT_THAT(When(amend, WithProducts()),
              StatusIs(absl::StatusCode::kNotFound,
                       "amend.lines[1].product_id: product p-new is not defined"));
  EXPECT_THAT(When(amend, WithProducts({Product("p-new", /*retired=*/true)})),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "amend.lines[1].product_id: product p-new (企业版CRM年费) is retired"));
  EXPECT_THAT(When(amend, WithProducts({Product("p-new")})), IsOk());
}

TEST_F(OrderDeciderTest, GivenPlacedWhenItsProductIsRetiredThenAnAmendmentMayStillKeepIt) {
  Given(Place());
  v1::OrderCommand amend;
  amend.mutable_amend()->set_order_id("o1");
  *amend.mutable_amend()->add_lines() = Line("p-crm", 3, 499950);
  *amend.mutable_amend()->add_plan() = Instalment(1, 1499850, D(2026, 4, 30));
  CRM_ASSERT_OK_AND_ASSIGN(auto events,
                           When(amend, WithProducts({Product("p-crm", /*retired=*/true)})));
  EXPECT_THAT(events, SizeIs(1));
}

TEST_F(OrderDeciderTest, GivenPaidWhenAmendedBelowWhatWasPaidThenRefused) {
  GivenApproved();
  Given(Pay("pay1", 2000000));
  v1::OrderCommand amend;
  amend.mutable_amend()->set_order_id("o1");
  *amend.mutable_amend()->add_lines() = Line("p-crm", 1, 499950);
  *amend.mutable_amend()->add_plan() = Instalment(1, 499950, D(2026, 4, 30));
  EXPECT_THAT(When(amend), StatusIs(absl::StatusCode::kFailedPrecondition, "already paid"));
}

// ---- Payments --------------------------------------------------------------------

TEST_F(OrderDeciderTest, GivenApprovedWhenPaymentRecordedThenOutstandingDrops) {
  GivenApproved();
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(Pay("pay1", 1000000, 1)));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_FALSE(events[0].payment_recorded().overpayment());
  given_.push_back(events[0]);
  EXPECT_EQ(State().Paid(), 1000000);
  EXPECT_EQ(State().Outstanding(), 1499900);
}

TEST_F(OrderDeciderTest, GivenUnapprovedOrCancelledOrderWhenPaymentRecordedThenRefused) {
  Given(Place());
  EXPECT_THAT(When(Pay("pay1", 100)),
              StatusIs(absl::StatusCode::kFailedPrecondition, "not approved"));
  Given(Cancel());
  EXPECT_THAT(When(Pay("pay1", 100)), StatusIs(absl::StatusCode::kFailedPrecondition, "cancelled"));
}

TEST_F(OrderDeciderTest, WhenPaymentExceedsOutstandingThenRefusedUnlessOverpaymentIsIntended) {
  GivenApproved();
  Given(Pay("pay1", 2000000));
  EXPECT_THAT(When(Pay("pay2", 500000)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "exceeds the order's outstanding 4999.00 CNY; set allow_overpayment"));
  v1::OrderCommand intended = Pay("pay2", 500000);
  intended.mutable_record_payment()->set_allow_overpayment(true);
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(intended));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_TRUE(events[0].payment_recorded().overpayment());
  given_.push_back(events[0]);
  EXPECT_EQ(State().Outstanding(), -100);  // 1.00 CNY overpaid
}

TEST_F(OrderDeciderTest, WhenPaymentExceedsItsInstalmentThenRefused) {
  GivenApproved();
  EXPECT_THAT(When(Pay("pay1", 1000001, 1)), StatusIs(absl::StatusCode::kFailedPrecondition,
                                                      "instalment 1's outstanding 10000.00"));
}

TEST_F(OrderDeciderTest, WhenPaymentNamesUnknownInstalmentThenNotFound) {
  GivenApproved();
  EXPECT_THAT(When(Pay("pay1", 100, 3)), StatusIs(absl::StatusCode::kNotFound, "instalment 3"));
}

TEST_F(OrderDeciderTest, WhenPaymentIsMalformedThenInvalidArgumentNamesTheField) {
  GivenApproved();
  v1::OrderCommand usd = Pay("pay1", 100);
  usd.mutable_record_payment()->mutable_amount()->set_currency_code("USD");
  EXPECT_THAT(When(usd),
              StatusIs(absl::StatusCode::kInvalidArgument, "record_payment.amount.currency_code"));
  EXPECT_THAT(When(Pay("pay1", 0)),
              StatusIs(absl::StatusCode::kInvalidArgument, "record_payment.amount.minor_units"));
  v1::OrderCommand no_method = Pay("pay1", 100);
  no_method.mutable_record_payment()->clear_method();
  EXPECT_THAT(When(no_method),
              StatusIs(absl::StatusCode::kInvalidArgument, "record_payment.method"));
}

TEST_F(OrderDeciderTest,
       GivenPaymentWhenSamePaymentRecordedAgainThenNoEventButOtherIsAlreadyExists) {
  GivenApproved();
  Given(Pay("pay1", 1000));
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(Pay("pay1", 1000)));
  EXPECT_THAT(events, IsEmpty());
  EXPECT_THAT(When(Pay("pay1", 2000)), StatusIs(absl::StatusCode::kAlreadyExists, "payment pay1"));
}

TEST_F(OrderDeciderTest, GivenPaymentWhenReversedPartlyThenAtMostWhatIsLeftCanBeReversed) {
  GivenApproved();
  Given(Pay("pay1", 300000));
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(Reverse("pay1", 100000)));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].payment_reversed().reversed_on().day(), 15);
  given_.push_back(events[0]);
  EXPECT_EQ(State().Paid(), 200000);
  EXPECT_THAT(When(Reverse("pay1", 200001)),
              StatusIs(absl::StatusCode::kFailedPrecondition, "exceeds the 2000.00 CNY left"));
  EXPECT_THAT(When(Reverse("pay1", 200000)), IsOk());
}

TEST_F(OrderDeciderTest, WhenUnknownPaymentReversedThenNotFound) {
  GivenApproved();
  EXPECT_THAT(When(Reverse("nope", 1)), StatusIs(absl::StatusCode::kNotFound, "payment nope"));
}

TEST_F(OrderDeciderTest, GivenCancelledOrderWithReversedPaymentsThenHistoryStillFolds) {
  GivenApproved();
  Given(Pay("pay1", 1000));
  Given(Reverse("pay1", 1000));
  Given(Cancel());
  OrderState state = State();
  EXPECT_TRUE(state.cancelled);
  EXPECT_EQ(state.Paid(), 0);
  ASSERT_THAT(state.payments, SizeIs(1));
  EXPECT_EQ(state.payments[0].Reversed(), 1000);
}

}  // namespace
}  // namespace crm::engine::domain
