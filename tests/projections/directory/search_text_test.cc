// The directory's text normalisation and n-grams.
#include "projections/directory/search_text.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace crm::projections::directory {
namespace {

using ::crm::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

TEST(SearchTextTest, FoldsWidthCaseSpacesAndPunctuation) {
  EXPECT_EQ(*SearchText(" Ｌｉ  Ming "), "liming");
  EXPECT_EQ(*SearchText("王·芳"), "王芳");
  EXPECT_EQ(*SearchText("（深圳）天宇，物流"), "深圳天宇物流");
  EXPECT_THAT(SearchText("\xff"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SearchTextTest, CompanyTextIsTheDuplicateKeyWhenItLeavesSomething) {
  EXPECT_EQ(*CompanyText("天宇物流集团（有限公司）"), "天宇物流集团");
  EXPECT_EQ(*CompanyText("有限公司"), "有限公司");  // nothing left as a key: plain text
}

TEST(SearchTextTest, BigramsEndWithTheLastCharacterSoEveryCharacterStartsOne) {
  EXPECT_THAT(Bigrams("天宇物"), UnorderedElementsAre("天宇", "宇物", std::string("物\x01")));
  EXPECT_THAT(Bigrams("aa"), UnorderedElementsAre("aa", std::string("a\x01")));
  EXPECT_THAT(CodePoints("a天"), ElementsAre("a", "天"));
}

}  // namespace
}  // namespace crm::projections::directory
