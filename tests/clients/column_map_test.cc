#include "clients/import/column_map.h"

#include "clients/import/follow_up_sheet.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace crm::clients {
namespace {

using ::crm::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

const std::vector<std::string> kSeedHeader = {
    "序号", "客户公司", "客户姓名", "联系电话", "首电日期", "意向", "二电日期", "意向", "业务员"};

TEST(ColumnMapTest, TheRepeatedIntentHeadingIsReadByPosition) {
  auto map = MapColumns(kSeedHeader, FollowUpSheetColumns(), {});
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(map->Index("first_intent"), 5);
  EXPECT_EQ(map->Index("second_intent"), 7);
  EXPECT_EQ(map->Index("rep"), 8);
  EXPECT_EQ(map->Cell({"1", "x", "", "", "", " 有兴趣 "}, "first_intent"), "有兴趣");
  EXPECT_EQ(map->Cell({"1"}, "rep"), "");  // short row
}

TEST(ColumnMapTest, EnglishHeadingsAndReorderedColumnsWork) {
  auto map = MapColumns({"Sales Rep", "Phone", "Company", "First Call Date", "Intent"},
                        FollowUpSheetColumns(), {});
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(map->Index("company"), 2);
  EXPECT_EQ(map->Index("first_intent"), 4);
}

TEST(ColumnMapTest, UnknownAndMissingColumnsAreAllReportedAtOnce) {
  auto map = MapColumns({"客户公司", "备注", "意向"}, FollowUpSheetColumns(), {});
  ASSERT_EQ(map.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(map.status().message()),
              AllOf(HasSubstr("\"备注\" is not a known heading"), HasSubstr("column 3 \"意向\""),
                    HasSubstr("required column phone is missing"),
                    HasSubstr("required column rep is missing")));
}

TEST(ColumnMapTest, MapOverridesNameOrIgnoreColumns) {
  std::vector<std::string> header = kSeedHeader;
  header[8] = "跟进人";
  header.push_back("备注");
  auto map = MapColumns(header, FollowUpSheetColumns(), {"跟进人=rep", "备注=-"});
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(map->Index("rep"), 8);
  EXPECT_THAT(MapColumns(header, FollowUpSheetColumns(), {"跟进人=owner"}),
              StatusIs(absl::StatusCode::kInvalidArgument, ("no field \"owner\"")));
}

TEST(ColumnMapTest, TwoColumnsForOneFieldIsAnError) {
  EXPECT_THAT(MapColumns({"公司", "客户公司"}, FollowUpSheetColumns(), {}),
              StatusIs(absl::StatusCode::kInvalidArgument, ("both hold company")));
}

}  // namespace
}  // namespace crm::clients
