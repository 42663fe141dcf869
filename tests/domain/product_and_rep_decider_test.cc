#include "engine/domain/money.h"
#include "engine/domain/product_decider.h"
#include "engine/domain/rep_decider.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/domain/customer_fixture.h"
#include "tests/support/status_matchers.h"

namespace crm::engine::domain {
namespace {

using ::crm::testing::IsOk;
using ::crm::testing::StatusIs;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using namespace ::crm::engine::domain::testing;  // NOLINT: test fixture helpers

const int64_t kNow = ShanghaiUs(2026, 3, 15);

v1::ProductCommand Define() {
  v1::ProductCommand c;
  c.mutable_define()->set_product_id("p-crm");
  c.mutable_define()->set_name("企业版CRM年费");
  c.mutable_define()->set_model("ENT");
  *c.mutable_define()->mutable_unit_price() = MakeMoney("CNY", 499950);
  return c;
}

v1::ProductCommand Price(int64_t fen) {
  v1::ProductCommand c;
  c.mutable_change_price()->set_product_id("p-crm");
  *c.mutable_change_price()->mutable_unit_price() = MakeMoney("CNY", fen);
  return c;
}

TEST(ProductDeciderTest, GivenDefinedWhenPriceChangedThenOldAndNewPriceAreRecorded) {
  ProductState state;
  CRM_ASSERT_OK_AND_ASSIGN(auto defined, DecideProduct(Context(kNow), Define(), state));
  Evolve(state, defined.at(0));
  CRM_ASSERT_OK_AND_ASSIGN(auto changed, DecideProduct(Context(kNow), Price(529900), state));
  ASSERT_THAT(changed, SizeIs(1));
  EXPECT_EQ(changed[0].price_changed().old_unit_price().minor_units(), 499950);
  Evolve(state, changed[0]);
  EXPECT_EQ(state.unit_price.minor_units(), 529900);
  CRM_ASSERT_OK_AND_ASSIGN(auto same, DecideProduct(Context(kNow), Price(529900), state));
  EXPECT_THAT(same, IsEmpty());
}

TEST(ProductDeciderTest, GivenRetiredWhenPriceChangedThenRefusedAndRetireAgainIsNoOp) {
  ProductState state;
  Evolve(state, DecideProduct(Context(kNow), Define(), state)->at(0));
  v1::ProductCommand retire;
  retire.mutable_retire()->set_product_id("p-crm");
  Evolve(state, DecideProduct(Context(kNow), retire, state)->at(0));
  EXPECT_THAT(DecideProduct(Context(kNow), Price(1), state),
              StatusIs(absl::StatusCode::kFailedPrecondition, "retired"));
  CRM_ASSERT_OK_AND_ASSIGN(auto again, DecideProduct(Context(kNow), retire, state));
  EXPECT_THAT(again, IsEmpty());
}

TEST(ProductDeciderTest, WhenDefinedWithNegativePriceOrNoNameThenInvalidArgument) {
  v1::ProductCommand bad = Define();
  bad.mutable_define()->mutable_unit_price()->set_minor_units(-1);
  EXPECT_THAT(DecideProduct(Context(kNow), bad, ProductState{}),
              StatusIs(absl::StatusCode::kInvalidArgument, "define.unit_price.minor_units"));
  bad = Define();
  bad.mutable_define()->clear_name();
  EXPECT_THAT(DecideProduct(Context(kNow), bad, ProductState{}),
              StatusIs(absl::StatusCode::kInvalidArgument, "define.name"));
}

TEST(TeamDeciderTest, WhenTeamCreatedUnderUnknownParentThenNotFound) {
  v1::CreateTeam c;
  c.set_team_id("south-2");
  c.set_name("华南销售二部");
  c.set_parent_team_id("south");
  EXPECT_THAT(DecideCreateTeam(Context(kNow), c, TeamState{}, TeamDirectory{}),
              StatusIs(absl::StatusCode::kNotFound, "team south"));
  CRM_ASSERT_OK_AND_ASSIGN(
      auto events, DecideCreateTeam(Context(kNow), c, TeamState{}, TeamDirectory{{"south"}}));
  TeamState state;
  Evolve(state, events.at(0));
  EXPECT_EQ(state.parent_team_id, "south");
  EXPECT_THAT(DecideCreateTeam(Context(kNow), c, state, TeamDirectory{{"south"}}),
              StatusIs(absl::StatusCode::kAlreadyExists));
  c.set_parent_team_id("south-2");
  EXPECT_THAT(DecideCreateTeam(Context(kNow), c, TeamState{}, TeamDirectory{{"south-2"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "own parent"));
}

TEST(RepDeciderTest, GivenRegisteredRepWhenMovedAndDeactivatedThenMovesAreRefusedAfterwards) {
  const TeamDirectory teams{{"south", "north"}};
  RepState state;
  v1::RepCommand reg;
  reg.mutable_register_()->set_rep_id("rep-lina");
  reg.mutable_register_()->set_name("李娜");
  reg.mutable_register_()->set_team_id("south");
  Evolve(state, DecideRep(Context(kNow), reg, state, teams)->at(0));
  EXPECT_TRUE(state.active);

  v1::RepCommand move;
  move.mutable_move_to_team()->set_rep_id("rep-lina");
  move.mutable_move_to_team()->set_team_id("north");
  CRM_ASSERT_OK_AND_ASSIGN(auto moved, DecideRep(Context(kNow), move, state, teams));
  ASSERT_THAT(moved, SizeIs(1));
  EXPECT_EQ(moved[0].moved_to_team().from_team_id(), "south");
  Evolve(state, moved[0]);
  EXPECT_EQ(state.team_id, "north");

  v1::RepCommand deactivate;
  deactivate.mutable_deactivate()->set_rep_id("rep-lina");
  Evolve(state, DecideRep(Context(kNow), deactivate, state, teams)->at(0));
  EXPECT_FALSE(state.active);
  CRM_ASSERT_OK_AND_ASSIGN(auto again, DecideRep(Context(kNow), deactivate, state, teams));
  EXPECT_THAT(again, IsEmpty());
  move.mutable_move_to_team()->set_team_id("south");
  EXPECT_THAT(DecideRep(Context(kNow), move, state, teams),
              StatusIs(absl::StatusCode::kFailedPrecondition, "deactivated"));
}

TEST(RepDeciderTest, WhenRepRegisteredIntoUnknownTeamThenNotFound) {
  v1::RepCommand reg;
  reg.mutable_register_()->set_rep_id("rep-lina");
  reg.mutable_register_()->set_name("李娜");
  reg.mutable_register_()->set_team_id("ghost");
  EXPECT_THAT(DecideRep(Context(kNow), reg, RepState{}, TeamDirectory{}),
              StatusIs(absl::StatusCode::kNotFound, "register.team_id"));
}

}  // namespace
}  // namespace crm::engine::domain
