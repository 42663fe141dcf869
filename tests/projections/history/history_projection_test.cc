// A customer's timeline across its stream, orders, payments and
// opportunities, and its state as of a past time, against a scripted history
// driven through the real CommandHandler and ProjectionRunner. Expectations
// were worked out by hand from the script in SetUpTestSuite.
#include "projections/history/history_projection.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "engine/domain/money.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/history/event_summary.h"
#include "projections/history/history_queries.h"
#include "tests/projections/pipeline/crm_world.h"
#include "tests/projections/pipeline/random_workload.h"
#include "tests/support/status_matchers.h"

namespace crm::projections::history {
namespace {

using ::crm::projections::testing::At;
using ::crm::projections::testing::CrmWorld;
using ::crm::projections::testing::CustomerSpec;
using ::crm::projections::testing::DateOf;
using ::crm::testing::IsOk;
using ::crm::testing::StatusIs;
using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::unique_ptr<Projection>> Projections() {
  std::vector<std::unique_ptr<Projection>> p;
  p.push_back(std::make_unique<HistoryProjection>());
  return p;
}

absl::Status Order(CrmWorld& w, const v1::OrderCommand& c, int64_t at, const std::string& actor) {
  return w.handler()->Execute(w.Ctx(at, actor), c).status();
}

v1::OrderCommand Place(const std::string& order, const std::string& customer,
                       const std::string& contract) {
  v1::OrderCommand c;
  v1::PlaceOrder* p = c.mutable_place();
  p->set_order_id(order);
  p->set_contract_number(contract);
  p->set_customer_id(customer);
  p->set_rep_id("lina");
  p->set_currency_code("CNY");
  v1::OrderLine* line = p->add_lines();
  line->set_product_id("p-crm");
  line->set_product_name("企业版CRM年费");
  line->set_quantity(2);
  *line->mutable_unit_price() = engine::domain::MakeMoney("CNY", 500000);
  v1::Instalment* i = p->add_plan();
  i->set_number(1);
  *i->mutable_amount() = engine::domain::MakeMoney("CNY", 1000000);
  *i->mutable_due_date() = DateOf(2026, 4, 30);
  *p->mutable_signed_on() = DateOf(2026, 3, 3);
  return c;
}

// The product Place's lines sell; orders may name only defined products.
absl::Status DefineProduct(CrmWorld& w) {
  v1::ProductCommand c;
  c.mutable_define()->set_product_id("p-crm");
  c.mutable_define()->set_name("企业版CRM年费");
  *c.mutable_define()->mutable_unit_price() = engine::domain::MakeMoney("CNY", 500000);
  return w.handler()->Execute(w.Ctx(At(2026, 2, 1), "admin"), c).status();
}

v1::OrderCommand Approve(const std::string& order) {
  v1::OrderCommand c;
  c.mutable_approve()->set_order_id(order);
  c.mutable_approve()->set_approver("manager-zhou");
  return c;
}

v1::OrderCommand Pay(const std::string& order, const std::string& payment, int64_t fen) {
  v1::OrderCommand c;
  v1::RecordPayment* p = c.mutable_record_payment();
  p->set_order_id(order);
  p->set_payment_id(payment);
  p->set_instalment_number(1);
  *p->mutable_amount() = engine::domain::MakeMoney("CNY", fen);
  *p->mutable_paid_on() = DateOf(2026, 3, 4);
  p->set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
  p->set_rep_id("lina");
  return c;
}

// The script:
//   02-01 admin defines product p-crm (not on any customer's timeline)
//   03-01 user-li registers c1 天宇物流; user-wu registers c2 (duplicate)
//   03-02 rep-lina logs follow-up f1 on c1; opens opportunity op1 for c1,
//         moves it to PROPOSAL                         <- state_before_merge_us_
//   03-03 rep-lina places o1 for c1; manager-zhou approves it;
//         rep-wu places o2 for c2; manager-zhou cancels o2
//   03-04 clerk-wang records p1 5000.00 on o1, reverses 1000.00 of it;
//         rep-lina wins op1 with o1
//   03-05 user-li merges c2 into c1; rep-lina places o3 for c1
class HistoryScriptTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new CrmWorld(Projections());
    ASSERT_THAT(world_->status(), IsOk());
    CrmWorld& w = *world_;
    ASSERT_THAT(DefineProduct(w), IsOk());
    CustomerSpec c1;
    c1.id = "c1";
    c1.name = "天宇物流";
    c1.owner = "lina";
    ASSERT_THAT(w.Register(c1, At(2026, 3, 1), "user-li"), IsOk());
    CustomerSpec c2 = c1;
    c2.id = "c2";
    c2.owner = "wang";
    c2.allow_duplicate = true;
    ASSERT_THAT(w.Register(c2, At(2026, 3, 1, 11), "user-wu"), IsOk());
    ASSERT_THAT(w.FollowUp("c1", "f1", "lina", At(2026, 3, 2), v1::INTENT_INTERESTED,
                           DateOf(2026, 3, 9), "rep-lina"),
                IsOk());
    v1::OpportunityCommand open;
    v1::OpenOpportunity* o = open.mutable_open();
    o->set_opportunity_id("op1");
    o->set_customer_id("c1");
    o->set_source("电话营销");
    *o->mutable_expected_amount() = engine::domain::MakeMoney("CNY", 1000000);
    *o->mutable_expected_close_date() = DateOf(2026, 4, 1);
    o->set_stage(v1::OPPORTUNITY_STAGE_QUALIFICATION);
    o->set_owner_rep_id("lina");
    ASSERT_THAT(w.handler()->Execute(w.Ctx(At(2026, 3, 2, 11), "rep-lina"), open), IsOk());
    v1::OpportunityCommand stage;
    stage.mutable_change_stage()->set_opportunity_id("op1");
    stage.mutable_change_stage()->set_stage(v1::OPPORTUNITY_STAGE_PROPOSAL);
    ASSERT_THAT(w.handler()->Execute(w.Ctx(At(2026, 3, 2, 12), "rep-lina"), stage), IsOk());
    // Commit times are the store's clock: everything so far is at or before
    // this instant, everything below after it.
    absl::SleepFor(absl::Milliseconds(2));
    state_before_merge_us_ = absl::ToUnixMicros(absl::Now());
    absl::SleepFor(absl::Milliseconds(2));

    ASSERT_THAT(Order(w, Place("o1", "c1", "HT-001"), At(2026, 3, 3), "rep-lina"), IsOk());
    ASSERT_THAT(Order(w, Approve("o1"), At(2026, 3, 3, 11), "manager-zhou"), IsOk());
    ASSERT_THAT(Order(w, Place("o2", "c2", "HT-002"), At(2026, 3, 3, 12), "rep-wu"), IsOk());
    v1::OrderCommand cancel;
    cancel.mutable_cancel()->set_order_id("o2");
    cancel.mutable_cancel()->set_reason("duplicate customer");
    ASSERT_THAT(Order(w, cancel, At(2026, 3, 3, 13), "manager-zhou"), IsOk());
    ASSERT_THAT(Order(w, Pay("o1", "p1", 500000), At(2026, 3, 4), "clerk-wang"), IsOk());
    v1::OrderCommand reverse;
    reverse.mutable_reverse_payment()->set_order_id("o1");
    reverse.mutable_reverse_payment()->set_payment_id("p1");
    *reverse.mutable_reverse_payment()->mutable_amount() = engine::domain::MakeMoney("CNY", 100000);
    reverse.mutable_reverse_payment()->set_reason("bounced");
    ASSERT_THAT(Order(w, reverse, At(2026, 3, 4, 11), "clerk-wang"), IsOk());
    v1::OpportunityCommand win;
    win.mutable_win()->set_opportunity_id("op1");
    win.mutable_win()->set_order_id("o1");
    ASSERT_THAT(w.handler()->Execute(w.Ctx(At(2026, 3, 4, 12), "rep-lina"), win), IsOk());
    ASSERT_THAT(w.Merge("c2", "c1", At(2026, 3, 5)), IsOk());
    ASSERT_THAT(Order(w, Place("o3", "c1", "HT-003"), At(2026, 3, 5, 11), "rep-lina"), IsOk());
    ASSERT_THAT(w.Sync(), IsOk());
    queries_ = new HistoryQueries(w.runner(), w.handler());
  }

  static void TearDownTestSuite() {
    delete queries_;
    delete world_;
  }

  static std::vector<std::string> Types(const absl::StatusOr<TimelinePage>& page) {
    EXPECT_THAT(page, IsOk());
    std::vector<std::string> out;
    if (!page.ok()) return out;
    for (const TimelineEntry& e : page->entries) {
      out.push_back(absl::StrCat(e.stream, " ", e.type.substr(sizeof("crm.v1.") - 1)));
    }
    return out;
  }

  static TimelineQuery Query(const std::string& id) {
    TimelineQuery q;
    q.customer_id = id;
    return q;
  }

  static CrmWorld* world_;
  static HistoryQueries* queries_;
  static int64_t state_before_merge_us_;
};

CrmWorld* HistoryScriptTest::world_ = nullptr;
HistoryQueries* HistoryScriptTest::queries_ = nullptr;
int64_t HistoryScriptTest::state_before_merge_us_ = 0;

TEST_F(HistoryScriptTest,
       TimelineSpansTheCustomerItsOrdersPaymentsOpportunitiesAndMergedDuplicate) {
  EXPECT_THAT(
      Types(queries_->Timeline(Query("c1"))),
      ElementsAre("customer-c1 CustomerRegistered", "customer-c2 CustomerRegistered",
                  "customer-c1 FollowUpLogged", "opportunity-op1 OpportunityOpened",
                  "opportunity-op1 OpportunityStageChanged", "order-o1 OrderPlaced",
                  "order-o1 OrderApproved", "order-o2 OrderPlaced", "order-o2 OrderCancelled",
                  "order-o1 PaymentRecorded", "order-o1 PaymentReversed",
                  "opportunity-op1 OpportunityWon", "customer-c2 CustomerMergedInto",
                  "customer-c1 CustomerDuplicateAbsorbed", "order-o3 OrderPlaced"));
}

TEST_F(HistoryScriptTest, WithoutMergedDuplicatesOnlyTheCustomersOwnEntries) {
  TimelineQuery q = Query("c1");
  q.include_merged_duplicates = false;
  EXPECT_THAT(
      Types(queries_->Timeline(q)),
      ElementsAre("customer-c1 CustomerRegistered", "customer-c1 FollowUpLogged",
                  "opportunity-op1 OpportunityOpened", "opportunity-op1 OpportunityStageChanged",
                  "order-o1 OrderPlaced", "order-o1 OrderApproved", "order-o1 PaymentRecorded",
                  "order-o1 PaymentReversed", "opportunity-op1 OpportunityWon",
                  "customer-c1 CustomerDuplicateAbsorbed", "order-o3 OrderPlaced"));
  EXPECT_THAT(Types(queries_->Timeline(Query("c2"))),
              ElementsAre("customer-c2 CustomerRegistered", "order-o2 OrderPlaced",
                          "order-o2 OrderCancelled", "customer-c2 CustomerMergedInto"));
}

TEST_F(HistoryScriptTest, EntriesCarryActorTimesAndASummary) {
  TimelineQuery q = Query("c1");
  q.include_merged_duplicates = false;
  auto page = queries_->Timeline(q);
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->entries.size(), 11u);
  const TimelineEntry& registered = page->entries[0];
  EXPECT_EQ(registered.actor, "user-li");
  EXPECT_EQ(registered.occurred_us, At(2026, 3, 1));
  EXPECT_GT(registered.committed_us, 0);
  EXPECT_EQ(registered.customer_id, "c1");
  EXPECT_EQ(registered.summary, "registered 天宇物流, owner lina");
  const TimelineEntry& approved = page->entries[5];
  EXPECT_EQ(approved.actor, "manager-zhou");
  EXPECT_EQ(approved.summary, "order o1 approved by manager-zhou");
  const TimelineEntry& paid = page->entries[6];
  EXPECT_EQ(paid.actor, "clerk-wang");
  EXPECT_EQ(paid.occurred_us, At(2026, 3, 4));
  EXPECT_EQ(paid.summary, "payment p1 of 5,000.00 CNY on order o1");
  for (size_t i = 1; i < page->entries.size(); ++i) {
    EXPECT_LT(page->entries[i - 1].position, page->entries[i].position);
  }
}

TEST_F(HistoryScriptTest, SummariesReadAsWordsNotEnumNames) {
  TimelineQuery q = Query("c1");
  q.include_merged_duplicates = false;
  auto page = queries_->Timeline(q);
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->entries.size(), 11u);
  // Intents in the sheet's words, as crmctl prints them everywhere else.
  EXPECT_EQ(page->entries[1].summary,
            "follow-up f1 by lina via phone: 有兴趣, next call 2026-03-09");
  EXPECT_EQ(page->entries[2].summary,
            "opportunity op1 opened: qualification, expected 10,000.00 CNY");
  EXPECT_EQ(page->entries[3].summary, "opportunity op1 stage qualification -> proposal");
  for (const TimelineEntry& e : page->entries) {
    EXPECT_THAT(e.summary, Not(ContainsRegex("INTENT_|FOLLOW_UP_CHANNEL_|OPPORTUNITY_STAGE_")))
        << e.type;
  }
}

TEST(HistorySummaryTest, AProfileChangeNamesEachChangedFieldWithItsNewValue) {
  v1::CustomerEvent e;
  v1::CustomerProfileChanged* c = e.mutable_profile_changed();
  c->mutable_profile()->set_company_name("恒达贸易有限公司");
  c->mutable_profile()->add_phones("13800138000");
  c->mutable_profile()->add_phones("020-88886666");
  c->mutable_profile()->mutable_address()->set_province("广东省");
  c->mutable_profile()->mutable_address()->set_city("广州市");
  for (const char* path : {"company_name", "phones", "address", "email"}) {
    c->mutable_changed_fields()->add_paths(path);
  }
  EXPECT_EQ(Summarise(e),
            "profile changed: company name -> 恒达贸易有限公司; phones -> 13800138000, "
            "020-88886666; address -> 广东省 广州市; email -> (cleared)");
}

TEST_F(HistoryScriptTest, MoneyInSummariesIsGroupedInThousands) {
  TimelineQuery q = Query("c1");
  q.include_merged_duplicates = false;
  auto page = queries_->Timeline(q);
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->entries.size(), 11u);
  EXPECT_EQ(page->entries[4].summary, "order o1 (contract HT-001) placed: 10,000.00 CNY, rep lina");
  EXPECT_EQ(page->entries[6].summary, "payment p1 of 5,000.00 CNY on order o1");
  EXPECT_EQ(page->entries[7].summary, "payment p1 on order o1 reversed: 1,000.00 CNY (bounced)");
}

TEST_F(HistoryScriptTest, OnlyAFollowUpCarriesWhenItHappened) {
  TimelineQuery q = Query("c1");
  q.include_merged_duplicates = false;
  auto page = queries_->Timeline(q);
  ASSERT_THAT(page, IsOk());
  for (const TimelineEntry& e : page->entries) {
    if (e.type == "crm.v1.FollowUpLogged") {
      EXPECT_EQ(e.happened_us, At(2026, 3, 2));
    } else {
      EXPECT_EQ(e.happened_us, 0) << e.type;
    }
  }
}

// A rep logs in the evening the call made that morning: the timeline says
// when the call happened, and still when it was logged.
TEST(HistoryFollowUpTimeTest, AFollowUpLoggedLaterHappenedAtTheCallsTime) {
  CrmWorld w(Projections());
  ASSERT_THAT(w.status(), IsOk());
  ASSERT_THAT(
      w.Register({"k1", "宏远建材", "lina", {"13900000021"}, "", "", "", "", {}}, At(2026, 3, 1)),
      IsOk());
  v1::CustomerCommand c;
  v1::LogFollowUp* f = c.mutable_log_follow_up();
  f->set_customer_id("k1");
  f->set_follow_up_id("f1");
  f->set_channel(v1::FOLLOW_UP_CHANNEL_VISIT);
  f->set_occurred_us(At(2026, 3, 2, 9));
  f->set_rep_id("lina");
  f->set_intent(v1::INTENT_CONSIDERING);
  ASSERT_THAT(w.Customer(c, At(2026, 3, 2, 18), "rep-lina"), IsOk());
  ASSERT_THAT(w.Sync(), IsOk());

  HistoryQueries q(w.runner(), w.handler());
  TimelineQuery query;
  query.customer_id = "k1";
  auto page = q.Timeline(query);
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->entries.size(), 2u);
  const TimelineEntry& call = page->entries[1];
  EXPECT_EQ(call.happened_us, At(2026, 3, 2, 9));
  EXPECT_EQ(call.occurred_us, At(2026, 3, 2, 18));
  EXPECT_EQ(call.summary, "follow-up f1 by lina via visit: 需考虑");
  EXPECT_EQ(page->entries[0].happened_us, 0);
}

TEST_F(HistoryScriptTest, TimeRangeSelectsByWhenTheCommandHappened) {
  TimelineQuery q = Query("c1");
  q.from_us = At(2026, 3, 2);
  q.to_us = At(2026, 3, 3);
  EXPECT_THAT(Types(queries_->Timeline(q)),
              ElementsAre("customer-c1 FollowUpLogged", "opportunity-op1 OpportunityOpened",
                          "opportunity-op1 OpportunityStageChanged"));
}

TEST_F(HistoryScriptTest, PagesConcatenateToTheWholeTimeline) {
  const std::vector<std::string> whole = Types(queries_->Timeline(Query("c1")));
  TimelineQuery q = Query("c1");
  q.page_size = 4;
  std::vector<std::string> paged;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = queries_->Timeline(q);
    ASSERT_THAT(page, IsOk());
    for (const std::string& t : Types(page)) paged.push_back(t);
    if (page->next_page_token.empty()) break;
    q.page_token = page->next_page_token;
  }
  EXPECT_EQ(paged, whole);
  TimelineQuery other = Query("c2");
  other.page_token = q.page_token;
  EXPECT_THAT(queries_->Timeline(other),
              StatusIs(absl::StatusCode::kInvalidArgument, "page_token"));
}

TEST_F(HistoryScriptTest, StateAsOfAPastTimeIsWhatWasKnownThen) {
  auto before = queries_->StateAsOf("c1", state_before_merge_us_);
  ASSERT_THAT(before, IsOk());
  EXPECT_EQ(before->intent, v1::INTENT_INTERESTED);
  EXPECT_TRUE(before->absorbed_duplicate_ids.empty());
  auto dup_before = queries_->StateAsOf("c2", state_before_merge_us_);
  ASSERT_THAT(dup_before, IsOk());
  EXPECT_EQ(dup_before->merged_into, "");

  auto now = queries_->StateAsOf("c1", absl::ToUnixMicros(absl::Now()));
  ASSERT_THAT(now, IsOk());
  EXPECT_THAT(now->absorbed_duplicate_ids, ElementsAre("c2"));
  auto dup_now = queries_->StateAsOf("c2", absl::ToUnixMicros(absl::Now()));
  ASSERT_THAT(dup_now, IsOk());
  EXPECT_EQ(dup_now->merged_into, "c1");

  EXPECT_THAT(queries_->StateAsOf("c1", 1), StatusIs(absl::StatusCode::kNotFound, "c1"));
}

TEST_F(HistoryScriptTest, BadInputIsInvalidArgumentAndUnknownCustomerNotFound) {
  EXPECT_THAT(queries_->Timeline(Query("")),
              StatusIs(absl::StatusCode::kInvalidArgument, "customer_id"));
  EXPECT_THAT(queries_->Timeline(Query("c99")), StatusIs(absl::StatusCode::kNotFound, "c99"));
  TimelineQuery q = Query("c1");
  q.from_us = 10;
  q.to_us = 5;
  EXPECT_THAT(queries_->Timeline(q), StatusIs(absl::StatusCode::kInvalidArgument, "to_us"));
  q = Query("c1");
  q.page_size = -1;
  EXPECT_THAT(queries_->Timeline(q), StatusIs(absl::StatusCode::kInvalidArgument, "page_size"));
  EXPECT_THAT(queries_->StateAsOf("c1", 0),
              StatusIs(absl::StatusCode::kInvalidArgument, "as_of_us"));
}

// The pool's moves are in a customer's timeline with who made them: the
// recycling rule, the claiming rep, the manager who reassigned a deactivated
// rep's customers.
TEST(HistoryPoolTest, RecyclingClaimsAndReassignmentAppearWithTheirActors) {
  CrmWorld w(Projections());
  ASSERT_THAT(w.status(), IsOk());
  const int64_t t = At(2026, 3, 1);
  for (const char* rep : {"wang", "lina", "chen"}) ASSERT_THAT(w.Rep(rep, "", t), IsOk());
  ASSERT_THAT(w.Register({"h1", "公司h1", "wang", {"13900000011"}, "", "", "", "", {}}, t), IsOk());
  ASSERT_THAT(w.Recycle(30, At(2026, 5, 1)), IsOk());
  ASSERT_THAT(w.Claim("h1", "chen", At(2026, 5, 2)), IsOk());
  ASSERT_THAT(w.Deactivate("chen", At(2026, 5, 3)), IsOk());
  ASSERT_THAT(w.Reassign("chen", "lina", At(2026, 5, 3)), IsOk());
  ASSERT_THAT(w.Sync(), IsOk());

  HistoryQueries q(w.runner(), w.handler());
  TimelineQuery query;
  query.customer_id = "h1";
  auto page = q.Timeline(query);
  ASSERT_THAT(page, IsOk());
  std::vector<std::string> seen;
  for (const TimelineEntry& e : page->entries) {
    seen.push_back(absl::StrCat(e.type.substr(sizeof("crm.v1.") - 1), " by ", e.actor));
  }
  EXPECT_THAT(
      seen,
      ElementsAre("CustomerRegistered by user-li", "CustomerRecycledToPool by system-pool",
                  "CustomerClaimedFromPool by user-li", "CustomerOwnerAssigned by manager-zhou"));
}

TEST_F(HistoryScriptTest, VerifyFindsNoDifferenceFromARebuild) {
  auto report = world_->runner()->Verify(kHistoryProjectionName);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->differences.front();
  EXPECT_GT(report->rows_compared, 18u);
}

TEST(HistoryRandomWorkloadTest, IncrementalViewEqualsRebuildAndHoldsEveryEventOfTheStreams) {
  CrmWorld w(Projections());
  ASSERT_THAT(w.status(), IsOk());
  constexpr int kCustomers = 40;
  testing::RandomWorkload(w, kCustomers, 800, 777);
  ASSERT_THAT(DefineProduct(w), IsOk());
  // Orders with payments for some customers still live.
  int orders = 0;
  for (int i = 0; i < kCustomers; ++i) {
    const std::string id = absl::StrCat("c", i);
    const std::string order = absl::StrCat("o", i);
    const int64_t at = At(2026, 12, 1);
    if (!Order(w, Place(order, id, absl::StrCat("HT-", i)), at, "rep-x").ok()) continue;
    ++orders;
    ASSERT_THAT(Order(w, Approve(order), at, "manager-zhou"), IsOk());
    ASSERT_THAT(Order(w, Pay(order, "p1", 1000 * (i + 1)), at, "clerk-wang"), IsOk());
  }
  EXPECT_GT(orders, 0);
  ASSERT_THAT(w.Sync(), IsOk());
  auto report = w.runner()->Verify(kHistoryProjectionName);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->differences.front();

  HistoryQueries queries(w.runner(), w.handler());
  for (int i = 0; i < kCustomers; ++i) {
    const std::string id = absl::StrCat("c", i);
    TimelineQuery q;
    q.customer_id = id;
    q.include_merged_duplicates = false;
    q.page_size = 1000;
    auto page = queries.Timeline(q);
    ASSERT_THAT(page, IsOk());
    size_t expected = 0;
    for (const std::string& stream : {absl::StrCat("customer-", id), absl::StrCat("order-o", i)}) {
      auto events = w.store()->ReadStream(stream, 0, engine::Direction::kForward, 100000);
      if (events.ok()) expected += events->size();
    }
    EXPECT_EQ(page->entries.size(), expected) << id;
  }
}

}  // namespace
}  // namespace crm::projections::history
