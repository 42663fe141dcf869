#include "clients/import/csv_reader.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace crm::clients {
namespace {

using ::crm::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CsvReaderTest, QuotedFieldsKeepCommasNewlinesAndDoubledQuotes) {
  auto rows = ParseCsv("a,\"4,999.50\",\"line1\nline2\",\"say \"\"hi\"\"\"\r\nb,2,,\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_THAT((*rows)[0].fields, ElementsAre("a", "4,999.50", "line1\nline2", "say \"hi\""));
  EXPECT_EQ((*rows)[0].line, 1);
  EXPECT_THAT((*rows)[1].fields, ElementsAre("b", "2", "", ""));
  EXPECT_EQ((*rows)[1].line, 3);  // the quoted newline moved it down a line
}

TEST(CsvReaderTest, BomIsSkippedAndBlankRowsAreDroppedButLinesStayTrue) {
  auto rows = ParseCsv("\xEF\xBB\xBFh1,h2\n,,\n  , \nx,y");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_THAT((*rows)[0].fields, ElementsAre("h1", "h2"));
  EXPECT_THAT((*rows)[1].fields, ElementsAre("x", "y"));
  EXPECT_EQ((*rows)[1].line, 4);
}

TEST(CsvReaderTest, UnclosedQuoteIsAnErrorNamingItsLine) {
  EXPECT_THAT(ParseCsv("a,b\nc,\"open\n\nmore"),
              StatusIs(absl::StatusCode::kInvalidArgument, ("line 2")));
}

TEST(CsvReaderTest, TextAfterAClosingQuoteIsAnError) {
  EXPECT_THAT(ParseCsv("\"a\"b,c\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, ("after a closing quote")));
}

}  // namespace
}  // namespace crm::clients
