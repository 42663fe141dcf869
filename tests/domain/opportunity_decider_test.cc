#include "engine/domain/opportunity_decider.h"

#include "engine/domain/money.h"
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

v1::OpportunityCommand Open() {
  v1::OpportunityCommand c;
  v1::OpenOpportunity* o = c.mutable_open();
  o->set_opportunity_id("op1");
  o->set_customer_id("c1");
  o->set_source("展会");
  *o->mutable_expected_amount() = MakeMoney("CNY", 6000000);
  *o->mutable_expected_close_date() = D(2026, 6, 30);
  o->set_owner_rep_id("rep-wang");
  return c;
}

v1::OpportunityCommand Stage(v1::OpportunityStage stage) {
  v1::OpportunityCommand c;
  c.mutable_change_stage()->set_opportunity_id("op1");
  c.mutable_change_stage()->set_stage(stage);
  return c;
}

class OpportunityDeciderTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::vector<v1::OpportunityEvent>> When(const v1::OpportunityCommand& c) {
    return DecideOpportunity(Context(kNow), c, state_);
  }
  void Given(const v1::OpportunityCommand& c) {
    auto events = When(c);
    ASSERT_THAT(events, IsOk());
    for (const auto& e : *events) Evolve(state_, e);
  }
  OpportunityState state_;
};

TEST_F(OpportunityDeciderTest, WhenOpenedWithoutStageThenQualificationAtTenPercent) {
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(Open()));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].opened().stage(), v1::OPPORTUNITY_STAGE_QUALIFICATION);
  EXPECT_EQ(events[0].opened().win_probability_percent(), 10);
}

TEST_F(OpportunityDeciderTest, GivenOpenWhenStageChangesThenProbabilityFollowsTheStage) {
  Given(Open());
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(Stage(v1::OPPORTUNITY_STAGE_NEGOTIATION)));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].stage_changed().from_stage(), v1::OPPORTUNITY_STAGE_QUALIFICATION);
  EXPECT_EQ(events[0].stage_changed().win_probability_percent(), 80);
  Evolve(state_, events[0]);
  CRM_ASSERT_OK_AND_ASSIGN(auto same, When(Stage(v1::OPPORTUNITY_STAGE_NEGOTIATION)));
  EXPECT_THAT(same, IsEmpty());
  // Stages may move backwards too.
  EXPECT_THAT(When(Stage(v1::OPPORTUNITY_STAGE_PROPOSAL)), IsOk());
}

TEST_F(OpportunityDeciderTest, GivenOpenWhenRevisedThenOnlyChangedValuesAreRecorded) {
  Given(Open());
  v1::OpportunityCommand revise;
  revise.mutable_revise()->set_opportunity_id("op1");
  *revise.mutable_revise()->mutable_expected_amount() = MakeMoney("CNY", 6000000);
  *revise.mutable_revise()->mutable_expected_close_date() = D(2026, 7, 31);
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(revise));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_FALSE(events[0].revised().has_expected_amount());
  EXPECT_EQ(events[0].revised().expected_close_date().month(), 7);
  revise.mutable_revise()->mutable_expected_amount()->set_currency_code("USD");
  EXPECT_THAT(When(revise), StatusIs(absl::StatusCode::kInvalidArgument, "currency_code"));
  revise.mutable_revise()->clear_expected_amount();
  revise.mutable_revise()->clear_expected_close_date();
  EXPECT_THAT(When(revise), StatusIs(absl::StatusCode::kInvalidArgument, "revise"));
}

TEST_F(OpportunityDeciderTest, GivenWonWhenChangedThenRefusedButWinningAgainIsNoOp) {
  Given(Open());
  v1::OpportunityCommand win;
  win.mutable_win()->set_opportunity_id("op1");
  win.mutable_win()->set_order_id("o1");
  Given(win);
  EXPECT_EQ(state_.win_probability_percent, 100);
  CRM_ASSERT_OK_AND_ASSIGN(auto again, When(win));
  EXPECT_THAT(again, IsEmpty());
  EXPECT_THAT(When(Stage(v1::OPPORTUNITY_STAGE_PROPOSAL)),
              StatusIs(absl::StatusCode::kFailedPrecondition, "closed (won)"));
  v1::OpportunityCommand lose;
  lose.mutable_lose()->set_opportunity_id("op1");
  lose.mutable_lose()->set_reason("price");
  EXPECT_THAT(When(lose), StatusIs(absl::StatusCode::kFailedPrecondition, "closed"));
}

TEST_F(OpportunityDeciderTest, WhenLostWithoutReasonThenInvalidArgument) {
  Given(Open());
  v1::OpportunityCommand lose;
  lose.mutable_lose()->set_opportunity_id("op1");
  EXPECT_THAT(When(lose), StatusIs(absl::StatusCode::kInvalidArgument, "lose.reason"));
}

TEST_F(OpportunityDeciderTest, GivenNoOpportunityWhenStageChangedThenNotFound) {
  EXPECT_THAT(When(Stage(v1::OPPORTUNITY_STAGE_PROPOSAL)),
              StatusIs(absl::StatusCode::kNotFound, "opportunity op1"));
}

TEST_F(OpportunityDeciderTest, GivenOpenedWhenOpenedAgainThenAlreadyExists) {
  Given(Open());
  EXPECT_THAT(When(Open()), StatusIs(absl::StatusCode::kAlreadyExists));
}

}  // namespace
}  // namespace crm::engine::domain
