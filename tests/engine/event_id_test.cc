#include "engine/store/event_id.h"

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace crm::engine {
namespace {

using crm::testing::StatusIs;

TEST(EventIdTest, ParsesAndFormatsCanonicalForm) {
  auto id = EventId::Parse("123E4567-e89b-12d3-a456-426614174000");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->ToString(), "123e4567-e89b-12d3-a456-426614174000");
  EXPECT_FALSE(id->IsNil());
  EXPECT_TRUE(EventId().IsNil());
}

TEST(EventIdTest, RejectsMalformedText) {
  for (const char* bad :
       {"", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400g",
        "123e4567-e89b-12d3-a456_426614174000", "123e4567-e89b-12d3-a456-4266141740000"}) {
    EXPECT_THAT(EventId::Parse(bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
  EXPECT_THAT(EventId::FromBytes("short"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(EventIdTest, RandomIdsAreVersion4AndDistinct) {
  absl::flat_hash_set<EventId> seen;
  for (int i = 0; i < 10000; ++i) {
    EventId id = EventId::Random();
    EXPECT_EQ(id.ToString()[14], '4');
    EXPECT_TRUE(seen.insert(id).second);
  }
}

TEST(EventIdTest, NameBasedIdsAreDeterministicPerNamespaceAndName) {
  EventId a = EventId::NameBased("crm.request", "req-1");
  EXPECT_EQ(a, EventId::NameBased("crm.request", "req-1"));
  EXPECT_NE(a, EventId::NameBased("crm.request", "req-2"));
  EXPECT_NE(a, EventId::NameBased("crm.other", "req-1"));
  EXPECT_EQ(a.ToString()[14], '5');
}

}  // namespace
}  // namespace crm::engine
