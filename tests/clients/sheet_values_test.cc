#include "clients/import/sheet_values.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace crm::clients {
namespace {

using ::crm::testing::StatusIs;
using ::testing::HasSubstr;

TEST(SheetDateTest, EverySeedShapeParses) {
  const absl::CivilDay want(2026, 3, 12);
  for (const char* text : {"3.12", "3月12日", "3/12", "2026-03-12", "2026/3/12", "2026年3月12日",
                           "2026.3.12", " ３.１２ ", "3-12", "03/12"}) {
    auto d = ParseSheetDate(text, 2026);
    ASSERT_TRUE(d.ok()) << text << ": " << d.status();
    EXPECT_EQ(*d, want) << text;
  }
}

TEST(SheetDateTest, AYearInTheTextWinsOverTheDefault) {
  EXPECT_EQ(*ParseSheetDate("2025-12-30", 2026), absl::CivilDay(2025, 12, 30));
}

TEST(SheetDateTest, ImpossibleDatesAreRefusedNotRolledOver) {
  EXPECT_THAT(ParseSheetDate("2.30", 2026),
              StatusIs(absl::StatusCode::kInvalidArgument, ("has no day 30")));
  EXPECT_THAT(ParseSheetDate("2026/2/30", std::nullopt),
              StatusIs(absl::StatusCode::kInvalidArgument, ("has no day 30")));
  EXPECT_THAT(ParseSheetDate("13.40", 2026),
              StatusIs(absl::StatusCode::kInvalidArgument, ("no month 13")));
  EXPECT_THAT(ParseSheetDate("2.0", 2026), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SheetDateTest, AYearlessDateWithoutDefaultYearAsksForOne) {
  EXPECT_THAT(ParseSheetDate("3.12", std::nullopt),
              StatusIs(absl::StatusCode::kInvalidArgument, ("--year")));
}

TEST(SheetDateTest, GarbageIsRefused) {
  for (const char* text : {"", "tomorrow", "3.12.1.1", "3月12", "12345.1", "3..12", "26-3-12"}) {
    EXPECT_THAT(ParseSheetDate(text, 2026), StatusIs(absl::StatusCode::kInvalidArgument)) << text;
  }
}

TEST(AmountTest, SeedShapesParseToFen) {
  EXPECT_EQ(*ParseAmount("12,500.00"), 1'250'000);
  EXPECT_EQ(*ParseAmount("¥3,000"), 300'000);
  EXPECT_EQ(*ParseAmount("4999.5"), 499'950);
  EXPECT_EQ(*ParseAmount("15000"), 1'500'000);
  EXPECT_EQ(*ParseAmount("￥1,234,567.89元"), 123'456'789);
  EXPECT_EQ(*ParseAmount("RMB 200"), 20'000);
  EXPECT_EQ(*ParseAmount("-150"), -15'000);
  EXPECT_EQ(*ParseAmount("¥-3.5"), -350);
}

TEST(AmountTest, AmbiguousOrLossyAmountsAreRefused) {
  for (const char* text :
       {"", "1.234", "12,50.00", "1,2345", ",100", "abc", "1.", "1e5", "1234567890123456"}) {
    EXPECT_THAT(ParseAmount(text), StatusIs(absl::StatusCode::kInvalidArgument)) << text;
  }
}

}  // namespace
}  // namespace crm::clients
