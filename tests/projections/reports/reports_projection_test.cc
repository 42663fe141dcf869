// The reports read model against figures worked out by hand from a scripted
// sequence run through the real CommandHandler: follow-ups, an amended then
// cancelled order, a fully reversed payment, a payment credited to another
// rep than the order's, and a duplicate customer merged into another.
#include "projections/reports/reports_projection.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/reports/collection_report.h"
#include "projections/reports/customer_reports.h"
#include "projections/reports/opportunity_funnel.h"
#include "projections/reports/rep_performance.h"
#include "tests/projections/balances/handler_fixture.h"
#include "tests/support/status_matchers.h"

namespace crm::projections::reports {

void PrintTo(const MoneyFigures& m, std::ostream* os) {
  *os << "{" << m.currency_code << " ordered=" << m.ordered << " collected=" << m.collected << "}";
}
void PrintTo(const FunnelAmount& a, std::ostream* os) {
  *os << "{" << a.currency_code << " expected=" << a.expected << " weighted=" << a.weighted << "}";
}
void PrintTo(const CurrencyTotal& t, std::ostream* os) {
  *os << "{" << t.currency_code << " payments=" << t.payments << " amount=" << t.amount << "}";
}

namespace {

using crm::testing::StatusIs;
using engine::domain::PaymentStatus;
using testing::At;
using testing::D;
using testing::Due;
using ::testing::ElementsAre;
using testing::Line;

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

class ReportsProjectionTest : public testing::HandlerFixture {
 protected:
  void SetUp() override {
    HandlerFixture::SetUp();
    std::vector<std::unique_ptr<Projection>> ps;
    ps.push_back(std::make_unique<ReportsProjection>());
    StartRunner(std::move(ps));
  }

  // Amounts in fen; every date in 2026.
  void Script() {
    Register("c1", "天宇物流集团", "13075893910", "rep-zhang", At(2026, 1, 5));
    Register("c2", "德润化工", "13089686414", "rep-li", At(2026, 1, 6));
    Register("c3", "德润化工集团", "057146246886", "rep-li", At(2026, 1, 20));
    Register("c4", "星河置业", "13211138017", "rep-zhang", At(2026, 2, 2));
    Register("c5", "凯旋酒店", "13800138000", "rep-zhang", At(2026, 2, 3));

    FollowUp("c1", "f1", "rep-zhang", v1::INTENT_INTERESTED, At(2026, 1, 6));
    FollowUp("c1", "f2", "rep-zhang", v1::INTENT_CONSIDERING, At(2026, 1, 9));
    FollowUp("c1", "f3", "rep-zhang", v1::INTENT_DEAL_CLOSED, At(2026, 1, 20));
    FollowUp("c2", "f1", "rep-li", v1::INTENT_INTERESTED, At(2026, 1, 7));
    FollowUp("c2", "f2", "rep-li", v1::INTENT_CONSIDERING, At(2026, 1, 17));
    FollowUp("c3", "f1", "rep-li", v1::INTENT_INTERESTED, At(2026, 1, 21));
    FollowUp("c4", "f1", "rep-zhang", v1::INTENT_REFUSED, At(2026, 2, 3));
    FollowUp("c4", "f2", "rep-zhang", v1::INTENT_INTERESTED, At(2026, 2, 10));

    Place("o1", "c1", "rep-zhang", {Line("企业版CRM年费", 1, 1200000)},
          {Due(1, 1200000, D(2026, 2, 20))}, D(2026, 1, 20));
    Pay("o1", "p1", 0, 500000, D(2026, 2, 5), "rep-zhang");
    Pay("o1", "p2", 0, 700000, D(2026, 3, 3), "rep-zhang");

    Place("o2", "c2", "rep-li", {Line("培训服务", 1, 1500000)}, {Due(1, 1500000, D(2026, 3, 31))},
          D(2026, 1, 18));
    Pay("o2", "p1", 0, 600000, D(2026, 2, 10), "rep-li");
    Pay("o2", "p2", 0, 300000, D(2026, 2, 20), "rep-li");
    Reverse("o2", "p2", 300000, At(2026, 2, 25));

    Place("o3", "c4", "rep-zhang", {Line("实施服务", 1, 800000)}, {Due(1, 800000, D(2026, 3, 1))},
          D(2026, 2, 12));
    Amend("o3", {Line("实施服务", 1, 800000), Line("培训服务", 1, 200000)},
          {Due(1, 500000, D(2026, 3, 1)), Due(2, 500000, D(2026, 4, 1))}, At(2026, 2, 13));
    Cancel("o3", At(2026, 2, 14));

    Place("o4", "c5", "rep-zhang", {Line("数据清洗服务", 2, 300000)},
          {Due(1, 600000, D(2026, 3, 15))}, D(2026, 2, 15));
    Pay("o4", "p1", 0, 600000, D(2026, 2, 28), "rep-li");

    Merge("c2", "c3", At(2026, 3, 1));
    Sync(kReportsProjectionName);
  }

  void Open(const std::string& id, const std::string& customer, const std::string& rep,
            int64_t amount, v1::OpportunityStage stage, const std::string& currency = "CNY") {
    v1::OpportunityCommand c;
    v1::OpenOpportunity* o = c.mutable_open();
    o->set_opportunity_id(id);
    o->set_customer_id(customer);
    o->set_source("referral");
    *o->mutable_expected_amount() = engine::domain::MakeMoney(currency, amount);
    *o->mutable_expected_close_date() = D(2026, 6, 30);
    o->set_stage(stage);
    o->set_owner_rep_id(rep);
    Done(handler_->Execute(Ctx(At(2026, 3, 2)), c));
  }

  void Opportunities() {
    Open("y1", "c1", "rep-zhang", 1000000, v1::OPPORTUNITY_STAGE_QUALIFICATION);
    v1::OpportunityCommand stage;
    stage.mutable_change_stage()->set_opportunity_id("y1");
    stage.mutable_change_stage()->set_stage(v1::OPPORTUNITY_STAGE_PROPOSAL);
    Done(handler_->Execute(Ctx(At(2026, 3, 3)), stage));
    Open("y2", "c3", "rep-li", 300000, v1::OPPORTUNITY_STAGE_NEEDS_ANALYSIS);
    v1::OpportunityCommand revise;
    revise.mutable_revise()->set_opportunity_id("y2");
    *revise.mutable_revise()->mutable_expected_amount() = engine::domain::MakeMoney("CNY", 333333);
    Done(handler_->Execute(Ctx(At(2026, 3, 3)), revise));
    Open("y3", "c4", "rep-zhang", 200000, v1::OPPORTUNITY_STAGE_PROPOSAL);
    Open("y4", "c1", "rep-zhang", 500000, v1::OPPORTUNITY_STAGE_NEGOTIATION);
    v1::OpportunityCommand win;
    win.mutable_win()->set_opportunity_id("y4");
    win.mutable_win()->set_order_id("o1");
    Done(handler_->Execute(Ctx(At(2026, 3, 4)), win));
    Open("y5", "c4", "rep-zhang", 100000, v1::OPPORTUNITY_STAGE_QUALIFICATION);
    v1::OpportunityCommand lose;
    lose.mutable_lose()->set_opportunity_id("y5");
    lose.mutable_lose()->set_reason("chose a competitor");
    Done(handler_->Execute(Ctx(At(2026, 3, 4)), lose));
    Open("y6", "c1", "rep-zhang", 50000, v1::OPPORTUNITY_STAGE_NEGOTIATION, "USD");
    Sync(kReportsProjectionName);
  }

  std::unique_ptr<ViewReader> Reader() {
    auto r = runner_->Reader(kReportsProjectionName);
    EXPECT_TRUE(r.ok()) << r.status();
    return std::move(*r);
  }
};

TEST_F(ReportsProjectionTest, CollectionReportListsPaymentsOfTheRangeWithTotalsPerRep) {
  Script();
  auto reader = Reader();
  CRM_ASSERT_OK_AND_ASSIGN(CollectionReport feb,
                           BuildCollectionReport(*reader, Day(2026, 2, 1), Day(2026, 2, 28), {}));
  ASSERT_EQ(feb.rows.size(), 4u);
  const CollectionRow& first = feb.rows[0];
  EXPECT_EQ(first.rep_id, "rep-zhang");
  EXPECT_EQ(first.products, "企业版CRM年费");
  EXPECT_EQ(first.customer_id, "c1");
  EXPECT_EQ(first.customer_name, "天宇物流集团");
  EXPECT_EQ(first.paid_on, Day(2026, 2, 5));
  EXPECT_EQ(first.amount, 500000);
  EXPECT_EQ(first.order_status, PaymentStatus::kOverdue);  // due 02-20, 7,000.00 still open
  // The merged duplicate's order is reported under the survivor.
  EXPECT_EQ(feb.rows[1].customer_id, "c3");
  EXPECT_EQ(feb.rows[1].customer_name, "德润化工集团");
  EXPECT_EQ(feb.rows[1].amount, 600000);
  EXPECT_EQ(feb.rows[1].order_status, PaymentStatus::kPartial);
  // The bounced transfer shows, with nothing collected.
  EXPECT_EQ(feb.rows[2].received, 300000);
  EXPECT_EQ(feb.rows[2].reversed, 300000);
  EXPECT_EQ(feb.rows[2].amount, 0);
  // Credited to rep-li although the order is rep-zhang's.
  EXPECT_EQ(feb.rows[3].rep_id, "rep-li");
  EXPECT_EQ(feb.rows[3].products, "数据清洗服务");
  EXPECT_EQ(feb.rows[3].order_status, PaymentStatus::kPaid);

  ASSERT_EQ(feb.by_rep.size(), 2u);
  EXPECT_EQ(feb.by_rep[0].rep_id, "rep-li");
  EXPECT_THAT(feb.by_rep[0].totals, ElementsAre(CurrencyTotal{"CNY", 3, 1200000}));
  EXPECT_EQ(feb.by_rep[1].rep_id, "rep-zhang");
  EXPECT_THAT(feb.by_rep[1].totals, ElementsAre(CurrencyTotal{"CNY", 1, 500000}));
  EXPECT_THAT(feb.overall, ElementsAre(CurrencyTotal{"CNY", 4, 1700000}));

  CRM_ASSERT_OK_AND_ASSIGN(CollectionReport mar,
                           BuildCollectionReport(*reader, Day(2026, 3, 1), Day(2026, 3, 31), {}));
  ASSERT_EQ(mar.rows.size(), 1u);
  EXPECT_EQ(mar.rows[0].amount, 700000);
  EXPECT_EQ(mar.rows[0].order_status, PaymentStatus::kPaid);
}

TEST_F(ReportsProjectionTest, CollectionReportPagesKeepWholeRangeTotals) {
  Script();
  auto reader = Reader();
  PageRequest req;
  req.page_size = 3;
  CRM_ASSERT_OK_AND_ASSIGN(CollectionReport first,
                           BuildCollectionReport(*reader, Day(2026, 2, 1), Day(2026, 2, 28), req));
  ASSERT_EQ(first.rows.size(), 3u);
  ASSERT_FALSE(first.next_page_token.empty());
  req.page_token = first.next_page_token;
  CRM_ASSERT_OK_AND_ASSIGN(CollectionReport second,
                           BuildCollectionReport(*reader, Day(2026, 2, 1), Day(2026, 2, 28), req));
  ASSERT_EQ(second.rows.size(), 1u);
  EXPECT_EQ(second.rows[0].order_id, "o4");
  EXPECT_TRUE(second.next_page_token.empty());
  EXPECT_THAT(second.overall, ElementsAre(CurrencyTotal{"CNY", 4, 1700000}));
  EXPECT_THAT(BuildCollectionReport(*reader, Day(2026, 2, 1), Day(2026, 3, 31), req),
              StatusIs(absl::StatusCode::kInvalidArgument, "page_token"));
  EXPECT_THAT(BuildCollectionReport(*reader, Day(2026, 2, 28), Day(2026, 2, 1), {}),
              StatusIs(absl::StatusCode::kInvalidArgument, "to:"));
}

TEST_F(ReportsProjectionTest, RepPerformancePerMonthCorrectsEarlierDays) {
  Script();
  auto reader = Reader();
  CRM_ASSERT_OK_AND_ASSIGN(
      std::vector<RepPerformanceRow> rows,
      RepPerformance(*reader, Day(2026, 1, 1), Day(2026, 3, 31), Period::kMonth));
  ASSERT_EQ(rows.size(), 5u);
  // rep-li, January: c2 was merged away, so one new customer (c3).
  EXPECT_EQ(rows[0].rep_id, "rep-li");
  EXPECT_EQ(rows[0].period_start, Day(2026, 1, 1));
  EXPECT_EQ(rows[0].period_end, Day(2026, 1, 31));
  EXPECT_EQ(rows[0].follow_ups, 3);
  EXPECT_EQ(rows[0].new_customers, 1);
  EXPECT_EQ(rows[0].orders, 1);
  EXPECT_THAT(rows[0].money, ElementsAre(MoneyFigures{"CNY", 1500000, 0}));
  // rep-li, February: 6,000 + 3,000 - 3,000 reversed + 6,000 for o4.
  EXPECT_EQ(rows[1].period_start, Day(2026, 2, 1));
  EXPECT_THAT(rows[1].money, ElementsAre(MoneyFigures{"CNY", 0, 1200000}));
  // rep-zhang, January.
  EXPECT_EQ(rows[2].rep_id, "rep-zhang");
  EXPECT_EQ(rows[2].follow_ups, 3);
  EXPECT_EQ(rows[2].new_customers, 1);
  EXPECT_EQ(rows[2].orders, 1);
  EXPECT_THAT(rows[2].money, ElementsAre(MoneyFigures{"CNY", 1200000, 0}));
  // rep-zhang, February: o3 amended then cancelled counts for nothing.
  EXPECT_EQ(rows[3].follow_ups, 2);
  EXPECT_EQ(rows[3].new_customers, 2);
  EXPECT_EQ(rows[3].orders, 1);
  EXPECT_THAT(rows[3].money, ElementsAre(MoneyFigures{"CNY", 600000, 500000}));
  // rep-zhang, March.
  EXPECT_EQ(rows[4].period_start, Day(2026, 3, 1));
  EXPECT_EQ(rows[4].orders, 0);
  EXPECT_THAT(rows[4].money, ElementsAre(MoneyFigures{"CNY", 0, 700000}));
}

TEST_F(ReportsProjectionTest, RepPerformanceOverAWholeRange) {
  Script();
  auto reader = Reader();
  CRM_ASSERT_OK_AND_ASSIGN(
      std::vector<RepPerformanceRow> rows,
      RepPerformance(*reader, Day(2026, 1, 15), Day(2026, 2, 28), Period::kWhole));
  ASSERT_EQ(rows.size(), 2u);
  // From 01-15: c2's 01-07 follow-up and its registration fall outside, but
  // its merge still takes its registration out (on 01-06, outside too).
  EXPECT_EQ(rows[0].rep_id, "rep-li");
  EXPECT_EQ(rows[0].follow_ups, 2);
  EXPECT_EQ(rows[0].new_customers, 1);
  EXPECT_EQ(rows[0].orders, 1);
  EXPECT_THAT(rows[0].money, ElementsAre(MoneyFigures{"CNY", 1500000, 1200000}));
  EXPECT_EQ(rows[1].rep_id, "rep-zhang");
  EXPECT_EQ(rows[1].follow_ups, 3);  // 01-20, 02-03, 02-10
  EXPECT_EQ(rows[1].new_customers, 2);
  EXPECT_EQ(rows[1].orders, 2);
  EXPECT_THAT(rows[1].money, ElementsAre(MoneyFigures{"CNY", 1800000, 500000}));
}

TEST_F(ReportsProjectionTest, IntentDistributionCountsEachLiveCustomerOnce) {
  Script();
  auto reader = Reader();
  CRM_ASSERT_OK_AND_ASSIGN(auto intents, IntentDistribution(*reader));
  const std::map<v1::Intent, int64_t> want = {
      {v1::INTENT_NOT_CONTACTED, 1}, {v1::INTENT_INTERESTED, 2}, {v1::INTENT_DEAL_CLOSED, 1}};
  EXPECT_EQ(intents, want);
}

TEST_F(ReportsProjectionTest, FollowUpCycleUsesTheSurvivorsTwoEarliestCalls) {
  Script();
  auto reader = Reader();
  CRM_ASSERT_OK_AND_ASSIGN(FollowUpCycle cycle, ComputeFollowUpCycle(*reader));
  // c1: 3 days, c3 (with c2's calls): 10 days, c4: 7 days.
  EXPECT_EQ(cycle.customers, 3);
  EXPECT_DOUBLE_EQ(cycle.mean_days, 20.0 / 3);
  EXPECT_DOUBLE_EQ(cycle.median_days, 7);
}

TEST_F(ReportsProjectionTest, ConversionCountsContactedCustomersWithALiveOrder) {
  Script();
  auto reader = Reader();
  CRM_ASSERT_OK_AND_ASSIGN(Conversion conversion, ComputeConversion(*reader));
  // c1 and c3 (o2 via the merge) converted; c4's only order was cancelled;
  // c5 ordered but was never contacted.
  EXPECT_EQ(conversion.contacted, 3);
  EXPECT_EQ(conversion.converted, 2);
}

TEST_F(ReportsProjectionTest, FunnelWeighsOpenOpportunitiesByStageProbability) {
  Script();
  Opportunities();
  auto reader = Reader();
  CRM_ASSERT_OK_AND_ASSIGN(OpportunityFunnel funnel, BuildOpportunityFunnel(*reader));
  ASSERT_EQ(funnel.stages.size(), 4u);
  EXPECT_EQ(funnel.stages[0].stage, v1::OPPORTUNITY_STAGE_QUALIFICATION);
  EXPECT_EQ(funnel.stages[0].open, 0);  // y1 moved on, y5 was lost
  // y2 revised to 3,333.33 at 30%: 999.9999 rounds down to 999.99.
  EXPECT_EQ(funnel.stages[1].open, 1);
  EXPECT_THAT(funnel.stages[1].amounts, ElementsAre(FunnelAmount{"CNY", 333333, 99999}));
  // y1 and y3 at 50%.
  EXPECT_EQ(funnel.stages[2].open, 2);
  EXPECT_THAT(funnel.stages[2].amounts, ElementsAre(FunnelAmount{"CNY", 1200000, 600000}));
  // y6 at 80%, in its own currency; y4 was won.
  EXPECT_EQ(funnel.stages[3].open, 1);
  EXPECT_THAT(funnel.stages[3].amounts, ElementsAre(FunnelAmount{"USD", 50000, 40000}));
  EXPECT_EQ(funnel.won, 1);
  EXPECT_THAT(funnel.won_amounts, ElementsAre(FunnelAmount{"CNY", 500000, 500000}));
  EXPECT_EQ(funnel.lost, 1);

  CRM_ASSERT_OK_AND_ASSIGN(OpportunityFunnel li, BuildOpportunityFunnel(*reader, "rep-li"));
  EXPECT_EQ(li.stages[1].open, 1);
  EXPECT_EQ(li.stages[2].open, 0);
  EXPECT_EQ(li.won, 0);
}

}  // namespace
}  // namespace crm::projections::reports
