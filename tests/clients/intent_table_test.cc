#include "clients/import/intent_table.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace crm::clients {
namespace {

using ::crm::testing::StatusIs;
using ::testing::HasSubstr;

TEST(IntentTableTest, SeedSynonymsMapToTheFourIntents) {
  IntentTable t;
  EXPECT_EQ(*t.Lookup("有意向"), v1::INTENT_INTERESTED);
  EXPECT_EQ(*t.Lookup(" 有兴趣"), v1::INTENT_INTERESTED);
  EXPECT_EQ(*t.Lookup("考虑中"), v1::INTENT_CONSIDERING);
  EXPECT_EQ(*t.Lookup("需考虑"), v1::INTENT_CONSIDERING);
  EXPECT_EQ(*t.Lookup("不需要"), v1::INTENT_REFUSED);
  EXPECT_EQ(*t.Lookup("已成交"), v1::INTENT_DEAL_CLOSED);
  EXPECT_EQ(*t.Lookup("Interested"), v1::INTENT_INTERESTED);
}

TEST(IntentTableTest, UnknownWordIsRefusedWithAHint) {
  IntentTable t;
  auto intent = t.Lookup("随便");
  ASSERT_EQ(intent.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(intent.status().message()),
              ::testing::AllOf(HasSubstr("unknown intent \"随便\""), HasSubstr("--intent")));
}

TEST(IntentTableTest, UsersExtendTheTable) {
  IntentTable t;
  ASSERT_TRUE(t.AddEntry("随便=refused").ok());
  EXPECT_EQ(*t.Lookup("随便"), v1::INTENT_REFUSED);
  ASSERT_TRUE(t.AddEntry("很想要=有兴趣").ok());  // target may itself be a synonym
  EXPECT_EQ(*t.Lookup("很想要"), v1::INTENT_INTERESTED);
  EXPECT_THAT(t.AddEntry("随便"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(t.AddEntry("x=maybe"), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace crm::clients
