// crm.v1.ReportsService through a real server on 127.0.0.1.
//
// The shared story (Story()): c1 (rep r1) and c2 (rep r2) each buy the
// Order() of crm_calls.h, 10,000.00 CNY due 4,000.00 on 2030-03-31 and
// 6,000.00 on 2030-04-30. Payments:
//   o1 pay1  4,000.00 on 2030-03-20, credited to r1
//   o2 pay1  4,000.00 on 2030-03-25, credited to r2
//   o1 pay2  2,000.00 on 2030-04-02, credited to r1, 500.00 of it reversed
// c1 was followed up twice, three days apart; c2 never.
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/crm_calls.h"
#include "tests/service/service_fixture.h"

namespace crm::service::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Crm = v1::CrmService::Stub;

class ReportsServiceTest : public ServiceTest {
 protected:
  uint64_t Pay(const std::string& order, const std::string& payment, int64_t fen, v1::Date paid_on,
               const std::string& rep) {
    v1::RecordPaymentRequest pay;
    pay.mutable_command()->set_order_id(order);
    pay.mutable_command()->set_payment_id(payment);
    *pay.mutable_command()->mutable_amount() = Cny(fen);
    *pay.mutable_command()->mutable_paid_on() = paid_on;
    pay.mutable_command()->set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
    pay.mutable_command()->set_rep_id(rep);
    return Ok(kAdmin, &Crm::RecordPayment, pay).position();
  }

  void Approve(const std::string& order) {
    v1::ApproveOrderRequest approve;
    approve.mutable_command()->set_order_id(order);
    approve.mutable_command()->set_approver("manager-south");
    Ok(kManagerSouth, &Crm::ApproveOrder, approve);
  }

  // See the top of the file. Returns the last position.
  uint64_t Story() {
    CreateOrg();
    Ok(kRep1, &Crm::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138001"));
    Ok(kRep2, &Crm::RegisterCustomer, Registration("", "c2", "r2", "远景科技", "13800138002"));
    v1::LogFollowUpRequest first = FollowUp("", "c1", "f1", "r1");
    first.mutable_command()->set_occurred_us(absl::ToUnixMicros(absl::Now() - absl::Hours(240)));
    Ok(kRep1, &Crm::LogFollowUp, first);
    v1::LogFollowUpRequest second = FollowUp("", "c1", "f2", "r1");
    second.mutable_command()->set_occurred_us(absl::ToUnixMicros(absl::Now() - absl::Hours(168)));
    Ok(kRep1, &Crm::LogFollowUp, second);
    Ok(kAdmin, &Crm::DefineProduct, OrderProduct());
    Ok(kRep1, &Crm::PlaceOrder, Order("", "o1", "HT-001", "c1", "r1"));
    Ok(kRep2, &Crm::PlaceOrder, Order("", "o2", "HT-002", "c2", "r2"));
    Approve("o1");
    Approve("o2");
    Pay("o1", "pay1", 400000, Day(2030, 3, 20), "r1");
    Pay("o2", "pay1", 400000, Day(2030, 3, 25), "r2");
    Pay("o1", "pay2", 200000, Day(2030, 4, 2), "r1");
    v1::ReversePaymentRequest reverse;
    reverse.mutable_command()->set_order_id("o1");
    reverse.mutable_command()->set_payment_id("pay2");
    *reverse.mutable_command()->mutable_amount() = Cny(50000);
    reverse.mutable_command()->set_reason("部分退款");
    return Ok(kAdmin, &Crm::ReversePayment, reverse).position();
  }

  grpc::Status Collection(const char* who, v1::GetCollectionReportRequest request,
                          v1::GetCollectionReportResponse* out) {
    auto context = As(who);
    return reports_->GetCollectionReport(context.get(), request, out);
  }

  static v1::GetCollectionReportRequest Range(v1::Date from, v1::Date to, uint64_t min_position) {
    v1::GetCollectionReportRequest request;
    *request.mutable_from_date() = from;
    *request.mutable_to_date() = to;
    request.set_min_position(min_position);
    return request;
  }

  grpc::Status Funnel(const char* who, const std::string& rep, uint64_t min_position,
                      v1::GetOpportunityFunnelResponse* out) {
    v1::GetOpportunityFunnelRequest request;
    request.set_rep_id(rep);
    request.set_min_position(min_position);
    auto context = As(who);
    return reports_->GetOpportunityFunnel(context.get(), request, out);
  }
};

TEST_F(ReportsServiceTest, CollectionReportListsEachPaymentInTheRangeWithItsTotals) {
  const uint64_t last = Story();
  v1::GetCollectionReportResponse march;
  grpc::Status s = Collection(kAdmin, Range(Day(2030, 3, 1), Day(2030, 3, 31), last), &march);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(march.rows_size(), 2) << march.ShortDebugString();
  const v1::CollectionReportRow& first = march.rows(0);
  EXPECT_EQ(first.rep_id(), "r1");
  EXPECT_EQ(first.order_id(), "o1");
  EXPECT_EQ(first.contract_number(), "HT-001");
  EXPECT_EQ(first.payment_id(), "pay1");
  EXPECT_EQ(first.customer_id(), "c1");
  EXPECT_EQ(first.customer_name(), "恒达贸易");
  EXPECT_EQ(first.products(), "企业版CRM年费");
  EXPECT_EQ(first.paid_on().day(), 20);
  EXPECT_EQ(first.amount().minor_units(), 400000);
  EXPECT_EQ(first.amount().currency_code(), "CNY");
  // As of 2030-03-31 instalment 1 is paid and instalment 2 not yet due.
  EXPECT_EQ(first.order_status(), v1::PAYMENT_STATUS_PARTIAL);
  EXPECT_FALSE(first.order_cancelled());
  EXPECT_EQ(march.rows(1).rep_id(), "r2");
  EXPECT_EQ(march.rows(1).order_id(), "o2");
  ASSERT_EQ(march.rep_totals_size(), 2);
  EXPECT_EQ(march.rep_totals(0).rep_id(), "r1");
  ASSERT_EQ(march.rep_totals(0).totals_size(), 1);
  EXPECT_EQ(march.rep_totals(0).totals(0).payments(), 1);
  EXPECT_EQ(march.rep_totals(0).totals(0).amount().minor_units(), 400000);
  EXPECT_EQ(march.rep_totals(1).rep_id(), "r2");
  ASSERT_EQ(march.totals_size(), 1);
  EXPECT_EQ(march.totals(0).payments(), 2);
  EXPECT_EQ(march.totals(0).amount().minor_units(), 800000);
  EXPECT_EQ(march.next_page_token(), "");

  // Through April: the partly reversed payment counts net.
  v1::GetCollectionReportResponse spring;
  s = Collection(kAdmin, Range(Day(2030, 3, 1), Day(2030, 4, 30), last), &spring);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(spring.rows_size(), 3);
  const v1::CollectionReportRow& reversed = spring.rows(2);
  EXPECT_EQ(reversed.payment_id(), "pay2");
  EXPECT_EQ(reversed.received().minor_units(), 200000);
  EXPECT_EQ(reversed.reversed().minor_units(), 50000);
  EXPECT_EQ(reversed.amount().minor_units(), 150000);
  ASSERT_EQ(spring.rep_totals_size(), 2);
  EXPECT_EQ(spring.rep_totals(0).totals(0).payments(), 2);
  EXPECT_EQ(spring.rep_totals(0).totals(0).amount().minor_units(), 550000);
  ASSERT_EQ(spring.totals_size(), 1);
  EXPECT_EQ(spring.totals(0).payments(), 3);
  EXPECT_EQ(spring.totals(0).amount().minor_units(), 950000);

  // One rep: its rows, and its totals as the overall ones.
  v1::GetCollectionReportRequest only_r1 = Range(Day(2030, 3, 1), Day(2030, 4, 30), last);
  only_r1.set_rep_id("r1");
  v1::GetCollectionReportResponse mine;
  s = Collection(kRep1, only_r1, &mine);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(mine.rows_size(), 2);
  EXPECT_EQ(mine.rows(0).payment_id(), "pay1");
  EXPECT_EQ(mine.rows(1).payment_id(), "pay2");
  ASSERT_EQ(mine.rep_totals_size(), 1);
  EXPECT_EQ(mine.rep_totals(0).rep_id(), "r1");
  ASSERT_EQ(mine.totals_size(), 1);
  EXPECT_EQ(mine.totals(0).amount().minor_units(), 550000);
}

TEST_F(ReportsServiceTest, CollectionReportPagesRunToTheEndInDateOrder) {
  const uint64_t last = Story();
  v1::GetCollectionReportRequest request = Range(Day(2030, 1, 1), Day(2030, 12, 31), last);
  request.set_page_size(1);
  std::vector<std::string> seen;
  int pages = 0;
  for (; pages < 10; ++pages) {
    v1::GetCollectionReportResponse page;
    grpc::Status s = Collection(kViewerAll, request, &page);
    ASSERT_TRUE(s.ok()) << Describe(s);
    ASSERT_LE(page.rows_size(), 1);
    for (const auto& row : page.rows()) seen.push_back(row.order_id() + "/" + row.payment_id());
    ASSERT_EQ(page.totals_size(), 1) << "every page carries the totals";
    EXPECT_EQ(page.totals(0).amount().minor_units(), 950000);
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(pages, 2) << "three rows in pages of one are three pages";
  EXPECT_THAT(seen, ElementsAre("o1/pay1", "o2/pay1", "o1/pay2"));
}

TEST_F(ReportsServiceTest, MalformedRequestsAreInvalidArgumentNamingTheField) {
  struct Case {
    grpc::Status status;
    std::string field;
  };
  std::vector<Case> cases;
  v1::GetCollectionReportResponse report;
  // min_position 0 on an empty log: a malformed request must fail at once,
  // not wait for the view.
  v1::GetCollectionReportRequest no_from = Range(Day(2030, 1, 1), Day(2030, 1, 31), 0);
  no_from.clear_from_date();
  cases.push_back({Collection(kAdmin, no_from, &report), "from_date"});
  v1::GetCollectionReportRequest no_to = Range(Day(2030, 1, 1), Day(2030, 1, 31), 0);
  no_to.clear_to_date();
  cases.push_back({Collection(kAdmin, no_to, &report), "to_date"});
  cases.push_back(
      {Collection(kAdmin, Range(Day(2030, 2, 1), Day(2030, 1, 31), 0), &report), "to_date"});
  cases.push_back(
      {Collection(kAdmin, Range(Day(2030, 2, 29), Day(2030, 3, 1), 0), &report), "from_date"});
  v1::GetCollectionReportRequest bad_rep = Range(Day(2030, 1, 1), Day(2030, 1, 31), 0);
  bad_rep.set_rep_id("r 1");
  cases.push_back({Collection(kAdmin, bad_rep, &report), "rep_id"});
  v1::GetCollectionReportRequest negative = Range(Day(2030, 1, 1), Day(2030, 1, 31), 0);
  negative.set_page_size(-1);
  cases.push_back({Collection(kAdmin, negative, &report), "page_size"});

  v1::GetRepPerformanceRequest performance;
  *performance.mutable_from_date() = Day(2030, 1, 1);
  *performance.mutable_to_date() = Day(2030, 1, 31);
  performance.set_period(static_cast<v1::PerformancePeriod>(42));
  performance.set_min_position(0);
  v1::GetRepPerformanceResponse rows;
  auto context = As(kAdmin);
  cases.push_back({reports_->GetRepPerformance(context.get(), performance, &rows), "period"});
  performance.set_period(v1::PERFORMANCE_PERIOD_MONTH);
  *performance.mutable_to_date() = Day(2030, 13, 1);
  context = As(kAdmin);
  cases.push_back({reports_->GetRepPerformance(context.get(), performance, &rows), "to_date"});

  v1::GetOpportunityFunnelResponse funnel;
  cases.push_back({Funnel(kAdmin, "r/1", 0, &funnel), "rep_id"});

  for (const Case& c : cases) {
    EXPECT_EQ(c.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.field << ": " << Describe(c.status);
    EXPECT_THAT(c.status.error_message(), HasSubstr(c.field));
  }

  // A token from another range is refused. (The story's last position as
  // min_position: the view must have applied it, or there is no next page.)
  const uint64_t last = Story();
  v1::GetCollectionReportRequest paged = Range(Day(2030, 1, 1), Day(2030, 12, 31), last);
  paged.set_page_size(1);
  ASSERT_TRUE(Collection(kAdmin, paged, &report).ok());
  ASSERT_FALSE(report.next_page_token().empty());
  v1::GetCollectionReportRequest other = Range(Day(2030, 1, 1), Day(2030, 6, 30), last);
  other.set_page_token(report.next_page_token());
  grpc::Status s = Collection(kAdmin, other, &report);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("page_token"));
}

TEST_F(ReportsServiceTest, EveryRepReportsNeedScopeAllAndOneRepNeedsItInScope) {
  const uint64_t last = Story();
  const v1::GetCollectionReportRequest everyone = Range(Day(2030, 3, 1), Day(2030, 4, 30), last);
  v1::GetCollectionReportRequest r2 = everyone;
  r2.set_rep_id("r2");
  v1::GetCollectionReportResponse report;

  for (const char* who : {kRep1, kManagerSouth, kManagerNorth}) {
    grpc::Status s = Collection(who, everyone, &report);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << who << Describe(s);
    EXPECT_THAT(s.error_message(), HasSubstr("scope all"));
  }
  grpc::Status s = Collection(kRep1, r2, &report);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("rep_id"));
  s = Collection(kManagerNorth, r2, &report);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);

  // r2 is in sub-team t-south-gz, inside t-south.
  report.Clear();
  s = Collection(kManagerSouth, r2, &report);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(report.rows_size(), 1);
  EXPECT_EQ(report.rows(0).order_id(), "o2");
  report.Clear();
  ASSERT_TRUE(Collection(kViewerAll, everyone, &report).ok());
  EXPECT_EQ(report.rows_size(), 3);
  s = Collection(kAnalytics, everyone, &report);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);

  // Reports without a rep filter are for scope all only.
  v1::GetIntentDistributionRequest intents;
  v1::GetIntentDistributionResponse distribution;
  auto context = As(kManagerSouth);
  s = reports_->GetIntentDistribution(context.get(), intents, &distribution);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  v1::GetConversionRequest conversion_request;
  v1::GetConversionResponse conversion;
  context = As(kRep1);
  s = reports_->GetConversion(context.get(), conversion_request, &conversion);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  v1::GetFollowUpCycleRequest cycle_request;
  v1::GetFollowUpCycleResponse cycle;
  context = As(kRep1);
  s = reports_->GetFollowUpCycle(context.get(), cycle_request, &cycle);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);

  v1::GetOpportunityFunnelResponse funnel;
  s = Funnel(kRep1, "", last, &funnel);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  s = Funnel(kRep1, "r2", last, &funnel);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  EXPECT_TRUE(Funnel(kRep1, "r1", last, &funnel).ok());

  v1::GetRepPerformanceRequest performance;
  *performance.mutable_from_date() = Day(2030, 1, 1);
  *performance.mutable_to_date() = Day(2030, 12, 31);
  v1::GetRepPerformanceResponse rows;
  context = As(kRep2);
  s = reports_->GetRepPerformance(context.get(), performance, &rows);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  performance.set_rep_id("r2");
  context = As(kRep2);
  s = reports_->GetRepPerformance(context.get(), performance, &rows);
  EXPECT_TRUE(s.ok()) << Describe(s);
}

TEST_F(ReportsServiceTest, RepPerformanceSplitsCollectionsByMonth) {
  const uint64_t last = Story();
  v1::GetRepPerformanceRequest request;
  *request.mutable_from_date() = Day(2030, 3, 1);
  *request.mutable_to_date() = Day(2030, 4, 15);
  request.set_period(v1::PERFORMANCE_PERIOD_MONTH);
  request.set_rep_id("r1");
  request.set_min_position(last);
  v1::GetRepPerformanceResponse response;
  auto context = As(kRep1);
  grpc::Status s = reports_->GetRepPerformance(context.get(), request, &response);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(response.rows_size(), 2) << response.ShortDebugString();
  const v1::RepPerformanceRow& march = response.rows(0);
  EXPECT_EQ(march.rep_id(), "r1");
  EXPECT_EQ(march.period_start().month(), 3);
  EXPECT_EQ(march.period_start().day(), 1);
  EXPECT_EQ(march.period_end().day(), 31);
  ASSERT_EQ(march.money_size(), 1);
  EXPECT_EQ(march.money(0).collected().minor_units(), 400000);
  EXPECT_EQ(march.money(0).ordered().minor_units(), 0);
  const v1::RepPerformanceRow& april = response.rows(1);
  EXPECT_EQ(april.period_start().month(), 4);
  EXPECT_EQ(april.period_end().day(), 15) << "clipped to the range";
  ASSERT_EQ(april.money_size(), 1);
  EXPECT_EQ(april.money(0).collected().minor_units(), 150000);

  // The whole range from the signing date on: the order, both follow-ups,
  // the customer registered today.
  *request.mutable_from_date() = Day(2026, 1, 1);
  *request.mutable_to_date() = Day(2030, 12, 31);
  request.set_period(v1::PERFORMANCE_PERIOD_WHOLE_RANGE);
  response.Clear();
  context = As(kRep1);
  s = reports_->GetRepPerformance(context.get(), request, &response);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(response.rows_size(), 1);
  const v1::RepPerformanceRow& whole = response.rows(0);
  EXPECT_EQ(whole.orders(), 1);
  EXPECT_EQ(whole.follow_ups(), 2);
  EXPECT_EQ(whole.new_customers(), 1);
  ASSERT_EQ(whole.money_size(), 1);
  EXPECT_EQ(whole.money(0).ordered().minor_units(), 1000000);
  EXPECT_EQ(whole.money(0).collected().minor_units(), 550000);
}

TEST_F(ReportsServiceTest, CustomerReportsCountEachCustomerOnce) {
  const uint64_t last = Story();
  v1::GetIntentDistributionRequest intents;
  intents.set_min_position(last);
  v1::GetIntentDistributionResponse distribution;
  auto context = As(kViewerAll);
  grpc::Status s = reports_->GetIntentDistribution(context.get(), intents, &distribution);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(distribution.counts_size(), 2) << distribution.ShortDebugString();
  EXPECT_EQ(distribution.counts(0).intent(), v1::INTENT_NOT_CONTACTED);
  EXPECT_EQ(distribution.counts(0).customers(), 1);
  EXPECT_EQ(distribution.counts(1).intent(), v1::INTENT_INTERESTED);
  EXPECT_EQ(distribution.counts(1).customers(), 1);

  // c1's calls were 240 h and 168 h ago: three calendar days apart.
  v1::GetFollowUpCycleRequest cycle_request;
  cycle_request.set_min_position(last);
  v1::GetFollowUpCycleResponse cycle;
  context = As(kAdmin);
  s = reports_->GetFollowUpCycle(context.get(), cycle_request, &cycle);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(cycle.customers(), 1);
  EXPECT_EQ(cycle.mean_days(), 3);
  EXPECT_EQ(cycle.median_days(), 3);

  // Only c1 was contacted, and it ordered; c2 ordered uncontacted.
  v1::GetConversionRequest conversion_request;
  conversion_request.set_min_position(last);
  v1::GetConversionResponse conversion;
  context = As(kAdmin);
  s = reports_->GetConversion(context.get(), conversion_request, &conversion);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(conversion.contacted(), 1);
  EXPECT_EQ(conversion.converted(), 1);
}

TEST_F(ReportsServiceTest, FunnelWeightsAmountsByStageInWholeMinorUnits) {
  Story();
  auto open = [&](const std::string& id, v1::OpportunityStage stage, int64_t fen) {
    v1::OpenOpportunityRequest r;
    v1::OpenOpportunity* c = r.mutable_command();
    c->set_opportunity_id(id);
    c->set_customer_id("c1");
    c->set_source("展会");
    *c->mutable_expected_amount() = Cny(fen);
    *c->mutable_expected_close_date() = Day(2030, 6, 30);
    c->set_stage(stage);
    c->set_owner_rep_id("r1");
    return Ok(kRep1, &Crm::OpenOpportunity, r).position();
  };
  open("op1", v1::OPPORTUNITY_STAGE_PROPOSAL, 10000000);    // 100,000.00 at 50%
  open("op2", v1::OPPORTUNITY_STAGE_QUALIFICATION, 33333);  // 333.33 at 10%
  open("op3", v1::OPPORTUNITY_STAGE_QUALIFICATION, 33333);
  open("op4", v1::OPPORTUNITY_STAGE_NEGOTIATION, 500000);
  v1::LoseOpportunityRequest lose;
  lose.mutable_command()->set_opportunity_id("op4");
  lose.mutable_command()->set_reason("预算不足");
  const uint64_t last = Ok(kRep1, &Crm::LoseOpportunity, lose).position();

  v1::GetOpportunityFunnelResponse funnel;
  grpc::Status s = Funnel(kRep1, "r1", last, &funnel);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(funnel.stages_size(), 4) << funnel.ShortDebugString();
  EXPECT_EQ(funnel.stages(0).stage(), v1::OPPORTUNITY_STAGE_QUALIFICATION);
  EXPECT_EQ(funnel.stages(0).open(), 2);
  ASSERT_EQ(funnel.stages(0).amounts_size(), 1);
  EXPECT_EQ(funnel.stages(0).amounts(0).expected().minor_units(), 66666);
  // 66666 × 10 / 100 = 6666.6, rounded down once over the stage.
  EXPECT_EQ(funnel.stages(0).amounts(0).weighted().minor_units(), 6666);
  EXPECT_EQ(funnel.stages(1).open(), 0);
  EXPECT_EQ(funnel.stages(2).stage(), v1::OPPORTUNITY_STAGE_PROPOSAL);
  ASSERT_EQ(funnel.stages(2).amounts_size(), 1);
  EXPECT_EQ(funnel.stages(2).amounts(0).weighted().minor_units(), 5000000);
  EXPECT_EQ(funnel.stages(2).amounts(0).weighted().currency_code(), "CNY");
  EXPECT_EQ(funnel.stages(3).open(), 0) << "op4 was lost";
  EXPECT_EQ(funnel.lost(), 1);
  EXPECT_EQ(funnel.won(), 0);

  // r2 owns none of them.
  funnel.Clear();
  ASSERT_TRUE(Funnel(kAdmin, "r2", last, &funnel).ok());
  for (const v1::FunnelStage& stage : funnel.stages()) EXPECT_EQ(stage.open(), 0);
  funnel.Clear();
  ASSERT_TRUE(Funnel(kAdmin, "", last, &funnel).ok());
  EXPECT_EQ(funnel.stages(0).open(), 2);
}

TEST_F(ReportsServiceTest, AMinPositionBeyondTheLogIsDeadlineExceeded) {
  const uint64_t last = Story();
  v1::GetConversionRequest request;
  request.set_min_position(last + 1000000);
  v1::GetConversionResponse out;
  auto context = As(kAdmin);
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(300)));
  const absl::Time start = absl::Now();
  grpc::Status s = reports_->GetConversion(context.get(), request, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << Describe(s);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

}  // namespace
}  // namespace crm::service::testing
