#include "engine/domain/public_pool.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/domain/customer_fixture.h"
#include "tests/support/status_matchers.h"

namespace crm::engine::domain {
namespace {

using ::crm::testing::StatusIs;
using namespace ::crm::engine::domain::testing;  // NOLINT: test fixture helpers

v1::PoolRules Rules(int recycle_after_days) {
  v1::PoolRules rules;
  rules.set_recycle_after_days(recycle_after_days);
  return rules;
}

v1::CustomerEvent FollowUpAt(const std::string& id, int64_t at_us, v1::Intent intent) {
  v1::CustomerEvent e;
  e.mutable_follow_up_logged()->set_follow_up_id(id);
  e.mutable_follow_up_logged()->set_occurred_us(at_us);
  e.mutable_follow_up_logged()->set_intent(intent);
  return e;
}

const absl::TimeZone kZone = DefaultBusinessTimeZone();

TEST(PublicPoolTest, GivenOwnedCustomerIdleForNDaysWhenRecyclingThenItGoesBackToThePool) {
  CustomerState state =
      Given({RegisteredEvent("c1", ShanghaiUs(2026, 3, 1)),
             FollowUpAt("f1", ShanghaiUs(2026, 3, 2, 18), v1::INTENT_CONSIDERING)});
  // 30 civil days after March 2 is April 1, whatever the hour.
  EXPECT_FALSE(DecideRecycle(Rules(30), state, ShanghaiUs(2026, 3, 31, 23, 59), kZone));
  std::optional<v1::CustomerEvent> e =
      DecideRecycle(Rules(30), state, ShanghaiUs(2026, 4, 1, 0, 1), kZone);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->recycled_to_pool().previous_owner_rep_id(), "rep-lina");
  EXPECT_EQ(e->recycled_to_pool().last_activity_us(), ShanghaiUs(2026, 3, 2, 18));
  EXPECT_EQ(e->recycled_to_pool().days_without_follow_up(), 30);
  Evolve(state, *e);
  EXPECT_TRUE(state.owner_rep_id.empty());
  EXPECT_EQ(state.last_lost_owner_rep_id, "rep-lina");
}

TEST(PublicPoolTest, GivenRecycledCustomerWhenRecyclingAgainAtSameNowThenNothingIsDue) {
  CustomerState state = Given({RegisteredEvent("c1", ShanghaiUs(2026, 1, 1))});
  const int64_t now = ShanghaiUs(2026, 3, 1);
  std::optional<v1::CustomerEvent> first = DecideRecycle(Rules(30), state, now, kZone);
  ASSERT_TRUE(first.has_value());
  Evolve(state, *first);
  EXPECT_FALSE(DecideRecycle(Rules(30), state, now, kZone).has_value());
}

TEST(PublicPoolTest, GivenLockedOrWonOrPooledCustomerWhenRecyclingThenItIsKept) {
  const int64_t now = ShanghaiUs(2026, 6, 1);
  v1::CustomerEvent locked;
  locked.mutable_locked();
  v1::CustomerEvent released;
  released.mutable_released_to_pool()->set_released_us(ShanghaiUs(2026, 1, 2));
  for (const std::vector<v1::CustomerEvent>& history : std::vector<std::vector<v1::CustomerEvent>>{
           {RegisteredEvent("c1", ShanghaiUs(2026, 1, 1)), locked},
           {RegisteredEvent("c1", ShanghaiUs(2026, 1, 1)),
            FollowUpAt("f1", ShanghaiUs(2026, 1, 5), v1::INTENT_DEAL_CLOSED)},
           {RegisteredEvent("c1", ShanghaiUs(2026, 1, 1)), released},
       }) {
    EXPECT_FALSE(DecideRecycle(Rules(30), Given(history), now, kZone).has_value());
  }
}

TEST(PublicPoolTest, GivenRecentlyClaimedCustomerWhenRecyclingThenClockRunsFromTheClaim) {
  v1::CustomerEvent claimed;
  claimed.mutable_claimed_from_pool()->set_rep_id("rep-wang");
  claimed.mutable_claimed_from_pool()->set_claimed_us(ShanghaiUs(2026, 5, 20));
  CustomerState state =
      Given({RegisteredEvent("c1", ShanghaiUs(2026, 1, 1)),
             FollowUpAt("f1", ShanghaiUs(2026, 1, 2), v1::INTENT_REFUSED), claimed});
  EXPECT_FALSE(DecideRecycle(Rules(30), state, ShanghaiUs(2026, 6, 1), kZone).has_value());
  EXPECT_TRUE(DecideRecycle(Rules(30), state, ShanghaiUs(2026, 6, 19), kZone).has_value());
}

TEST(PublicPoolTest, GivenRecyclingDisabledWhenRecyclingThenNothingIsDue) {
  CustomerState state = Given({RegisteredEvent("c1", ShanghaiUs(2020, 1, 1))});
  EXPECT_FALSE(DecideRecycle(Rules(0), state, ShanghaiUs(2026, 1, 1), kZone).has_value());
}

TEST(PublicPoolTest, GivenManyCustomersWhenRecyclePoolThenOnlyDueOnesInInputOrder) {
  CustomerState old_a = Given({RegisteredEvent("a", ShanghaiUs(2026, 1, 1))});
  CustomerState fresh = Given({RegisteredEvent("b", ShanghaiUs(2026, 2, 25))});
  CustomerState old_c = Given({RegisteredEvent("c", ShanghaiUs(2026, 1, 2))});
  std::vector<Recycling> out =
      DecideRecyclePool(Rules(30), {&old_a, &fresh, &old_c}, ShanghaiUs(2026, 3, 1), kZone);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].customer_id, "a");
  EXPECT_EQ(out[1].customer_id, "c");
  std::vector<Recycling> again =
      DecideRecyclePool(Rules(30), {&old_a, &fresh, &old_c}, ShanghaiUs(2026, 3, 1), kZone);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].event.SerializeAsString(), out[0].event.SerializeAsString());
}

TEST(PublicPoolTest, WhenRulesHaveNegativeCountsThenInvalidArgumentNamesTheRule) {
  v1::PoolRules rules;
  rules.set_reclaim_cooldown_days(-1);
  EXPECT_THAT(ValidatePoolRules("rules", rules),
              StatusIs(absl::StatusCode::kInvalidArgument, "rules.reclaim_cooldown_days"));
  EXPECT_THAT(ValidatePoolRules("rules", Rules(30)), ::crm::testing::IsOk());
}

}  // namespace
}  // namespace crm::engine::domain
