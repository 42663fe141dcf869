// Subscriptions: catch-up then live without gap or duplicate, filters,
// checkpoints, falling behind, cancellation, single-stream subscriptions.
#include "engine/store/subscription.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/engine/store_test_util.h"

namespace crm::engine {
namespace {

using crm::testing::StatusIs;
using testing::Events;
using testing::One;
using testing::StoreFixture;
using Kind = SubscriptionMessage::Kind;

absl::Time Soon() { return absl::Now() + absl::Seconds(30); }

SubscriptionOptions From(Position p) {
  SubscriptionOptions o;
  o.from_position = p;
  return o;
}

class SubscriptionTest : public StoreFixture {
 protected:
  void AppendTo(const std::string& stream, int n, const std::string& type = "test.Happened") {
    ASSERT_TRUE(store_->Append(One(stream, ExpectedRevision::Any(), Events(n, type))).ok());
  }
  // Reads messages until `n` events arrived; returns them, failing on errors.
  std::vector<RecordedEvent> ReadEvents(Subscription& sub, size_t n) {
    std::vector<RecordedEvent> out;
    while (out.size() < n) {
      auto m = sub.Next(Soon());
      EXPECT_TRUE(m.ok()) << m.status();
      if (!m.ok()) break;
      if (m->kind == Kind::kEvent) out.push_back(std::move(m->event));
    }
    return out;
  }
};

TEST_F(SubscriptionTest, CatchUpThenLiveDeliversEveryEventOnceInOrderWhileAppendsRun) {
  for (int i = 0; i < 50; ++i) AppendTo(absl::StrCat("s-", i % 5), 3);
  auto sub = store_->Subscribe(SubscriptionOptions{});
  ASSERT_TRUE(sub.ok()) << sub.status();
  constexpr int kLiveAppends = 300;
  std::thread writer([&] {
    for (int i = 0; i < kLiveAppends; ++i) AppendTo(absl::StrCat("w-", i % 7), 2);
  });
  const size_t total = 150 + 2 * kLiveAppends;
  std::vector<RecordedEvent> got = ReadEvents(**sub, total);
  writer.join();
  ASSERT_EQ(got.size(), total);
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i].position, i);
}

TEST_F(SubscriptionTest, SaysWhenCaughtUpAndResumesFromThatPosition) {
  AppendTo("s-1", 4);
  auto sub = store_->Subscribe(From(2));
  ASSERT_TRUE(sub.ok());
  std::vector<RecordedEvent> got = ReadEvents(**sub, 2);
  EXPECT_EQ(got[0].position, 2u);
  auto m = (*sub)->Next(Soon());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->kind, Kind::kCaughtUp);
  EXPECT_EQ(m->position, 4u);
  EXPECT_THAT((*sub)->Next(absl::Now() + absl::Milliseconds(20)),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  AppendTo("s-1", 1);
  got = ReadEvents(**sub, 1);
  EXPECT_EQ(got[0].position, 4u);
}

TEST_F(SubscriptionTest, FromEndDeliversOnlyNewEvents) {
  AppendTo("s-1", 3);
  auto sub = store_->Subscribe(From(kEndPosition));
  ASSERT_TRUE(sub.ok());
  AppendTo("s-2", 1);
  auto got = ReadEvents(**sub, 1);
  EXPECT_EQ(got[0].position, 3u);
  EXPECT_EQ(got[0].stream, "s-2");
}

TEST_F(SubscriptionTest, StartPastTheEndIsInvalid) {
  AppendTo("s-1", 1);
  EXPECT_THAT(store_->Subscribe(From(5)),
              StatusIs(absl::StatusCode::kInvalidArgument, "past the end"));
}

TEST_F(SubscriptionTest, FiltersByStreamPrefixAndEventTypePrefix) {
  AppendTo("customer-1", 2, "crm.v1.CustomerRegistered");
  AppendTo("order-1", 2, "crm.v1.OrderPlaced");
  AppendTo("customer-2", 1, "crm.v1.FollowUpLogged");
  AppendTo("customer-3", 1, "crm.v1.CustomerRegistered");
  SubscriptionOptions o;
  o.filter.stream_prefix = "customer-";
  o.filter.event_type_prefix = "crm.v1.Customer";
  auto sub = store_->Subscribe(o);
  ASSERT_TRUE(sub.ok());
  auto got = ReadEvents(**sub, 3);
  EXPECT_EQ(got[0].position, 0u);
  EXPECT_EQ(got[1].position, 1u);
  EXPECT_EQ(got[2].position, 5u);
  auto m = (*sub)->Next(Soon());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->kind, Kind::kCaughtUp);
  EXPECT_EQ(m->position, 6u);
}

TEST_F(SubscriptionTest, FilteredSubscriptionReportsCheckpointsWhileNothingMatches) {
  AppendTo("other-1", 25);
  SubscriptionOptions o;
  o.filter.stream_prefix = "customer-";
  o.checkpoint_interval = 10;
  o.checkpoint_period = absl::Milliseconds(50);
  auto sub = store_->Subscribe(o);
  ASSERT_TRUE(sub.ok());
  std::vector<std::pair<Kind, Position>> seen;
  for (int i = 0; i < 3; ++i) {
    auto m = (*sub)->Next(Soon());
    ASSERT_TRUE(m.ok()) << m.status();
    seen.emplace_back(m->kind, m->position);
  }
  EXPECT_EQ(seen, (std::vector<std::pair<Kind, Position>>{
                      {Kind::kCheckpoint, 10}, {Kind::kCheckpoint, 20}, {Kind::kCaughtUp, 25}}));
  // Live: non-matching events move the checkpoint on within the period.
  AppendTo("other-1", 3);
  auto m = (*sub)->Next(Soon());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->kind, Kind::kCheckpoint);
  EXPECT_EQ(m->position, 28u);
}

TEST_F(SubscriptionTest, SlowLiveSubscriberIsToldItFellBehindThenCatchesUp) {
  SubscriptionOptions o;
  o.max_live_lag = 10;
  auto sub = store_->Subscribe(o);
  ASSERT_TRUE(sub.ok());
  auto m = (*sub)->Next(Soon());
  ASSERT_EQ(m->kind, Kind::kCaughtUp);
  // Appends go on while the subscriber does not read: they never wait for it.
  for (int i = 0; i < 10; ++i) AppendTo("s-1", 5);
  m = (*sub)->Next(Soon());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->kind, Kind::kFellBehind);
  EXPECT_EQ(m->position, 0u);
  auto got = ReadEvents(**sub, 50);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].position, i);
  m = (*sub)->Next(Soon());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->kind, Kind::kCaughtUp);
  EXPECT_EQ(m->position, 50u);
}

TEST_F(SubscriptionTest, CancelUnblocksAWaitingNext) {
  auto sub = store_->Subscribe(SubscriptionOptions{});
  ASSERT_TRUE(sub.ok());
  ASSERT_EQ((*sub)->Next(Soon())->kind, Kind::kCaughtUp);
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(50));
    (*sub)->Cancel();
  });
  EXPECT_THAT((*sub)->Next(absl::Now() + absl::Seconds(60)),
              StatusIs(absl::StatusCode::kCancelled));
  canceller.join();
  EXPECT_THAT((*sub)->Next(Soon()), StatusIs(absl::StatusCode::kCancelled));
}

TEST_F(SubscriptionTest, StreamSubscriptionFromRevisionCatchesUpThenGoesLive) {
  AppendTo("customer-1", 3);
  AppendTo("customer-2", 2);
  AppendTo("customer-1", 1);
  SubscriptionOptions o;
  o.stream = "customer-1";
  o.from_revision = 1;
  auto sub = store_->Subscribe(o);
  ASSERT_TRUE(sub.ok());
  auto got = ReadEvents(**sub, 3);
  EXPECT_EQ(got[0].revision, 1u);
  EXPECT_EQ(got[2].revision, 3u);
  EXPECT_EQ(got[2].position, 5u);
  EXPECT_EQ((*sub)->Next(Soon())->kind, Kind::kCaughtUp);
  AppendTo("customer-2", 1);
  AppendTo("customer-1", 1);
  got = ReadEvents(**sub, 1);
  EXPECT_EQ(got[0].stream, "customer-1");
  EXPECT_EQ(got[0].revision, 4u);
}

TEST_F(SubscriptionTest, StreamSubscriptionHonoursTheEventTypeFilter) {
  AppendTo("customer-1", 1, "crm.v1.CustomerRegistered");
  AppendTo("customer-1", 2, "crm.v1.FollowUpLogged");
  AppendTo("customer-1", 1, "crm.v1.CustomerTagged");
  SubscriptionOptions o;
  o.stream = "customer-1";
  o.filter.event_type_prefix = "crm.v1.FollowUp";
  auto sub = store_->Subscribe(o);
  ASSERT_TRUE(sub.ok());
  auto got = ReadEvents(**sub, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].revision, 1u);
  EXPECT_EQ(got[1].revision, 2u);
  AppendTo("customer-1", 1, "crm.v1.CustomerTagged");
  AppendTo("customer-1", 1, "crm.v1.FollowUpLogged");
  got = ReadEvents(**sub, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].revision, 5u) << "revisions 3 and 4 are not follow-ups";
}

TEST_F(SubscriptionTest, StreamSubscriptionFromAFutureRevisionWaitsForIt) {
  AppendTo("customer-1", 1);
  SubscriptionOptions o;
  o.stream = "customer-1";
  o.from_revision = 2;
  auto sub = store_->Subscribe(o);
  ASSERT_TRUE(sub.ok());
  AppendTo("customer-1", 2);
  auto got = ReadEvents(**sub, 1);
  EXPECT_EQ(got[0].revision, 2u);
}

}  // namespace
}  // namespace crm::engine
