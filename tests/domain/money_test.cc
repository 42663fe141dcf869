// Money as people read it: the grouped formatter beside the plain one that
// error messages keep.
#include "engine/domain/money.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace crm::engine::domain {
namespace {

TEST(MoneyTest, GroupedFormatSeparatesThousandsOfTheWholePart) {
  EXPECT_EQ(FormatMinorUnitsGrouped(123456750, "CNY"), "1,234,567.50 CNY");
  EXPECT_EQ(FormatMinorUnitsGrouped(500000, "CNY"), "5,000.00 CNY");
  EXPECT_EQ(FormatMinorUnitsGrouped(10000000, "USD"), "100,000.00 USD");
}

TEST(MoneyTest, GroupedFormatLeavesAmountsUnderAThousandAlone) {
  EXPECT_EQ(FormatMinorUnitsGrouped(0, "CNY"), "0.00 CNY");
  EXPECT_EQ(FormatMinorUnitsGrouped(5, "CNY"), "0.05 CNY");
  EXPECT_EQ(FormatMinorUnitsGrouped(99999, "CNY"), "999.99 CNY");
}

TEST(MoneyTest, GroupedFormatKeepsTheSignOutsideTheGroups) {
  EXPECT_EQ(FormatMinorUnitsGrouped(-100000, "CNY"), "-1,000.00 CNY");
  EXPECT_EQ(FormatMinorUnitsGrouped(-99999, "CNY"), "-999.99 CNY");
}

TEST(MoneyTest, GroupedFormatPrintsTheExtremesWithoutOverflow) {
  EXPECT_EQ(FormatMinorUnitsGrouped(std::numeric_limits<int64_t>::max(), "CNY"),
            "92,233,720,368,547,758.07 CNY");
  EXPECT_EQ(FormatMinorUnitsGrouped(std::numeric_limits<int64_t>::min(), "CNY"),
            "-92,233,720,368,547,758.08 CNY");
}

TEST(MoneyTest, TheAmountAloneIsGroupedTheSameForTableColumns) {
  EXPECT_EQ(GroupedMinorUnits(123456750), "1,234,567.50");
  EXPECT_EQ(GroupedMinorUnits(-99999), "-999.99");
  EXPECT_EQ(GroupedMinorUnits(std::numeric_limits<int64_t>::min()), "-92,233,720,368,547,758.08");
}

TEST(MoneyTest, PlainFormatStaysUngroupedForErrorMessages) {
  EXPECT_EQ(FormatMinorUnits(123456750, "CNY"), "1234567.50 CNY");
}

}  // namespace
}  // namespace crm::engine::domain
