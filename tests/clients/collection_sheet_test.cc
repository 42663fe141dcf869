// The collection sheet planner against ../shared/data/collection-sheet.csv
// (expectations worked out by hand, line by line) and inline sheets.
#include "clients/import/collection_sheet.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_join.h"
#include "clients/import/csv_reader.h"
#include "clients/import/text_encoding.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::clients {
namespace {

using ::testing::HasSubstr;

CollectionSheetOptions Options() {
  CollectionSheetOptions o;
  o.today = absl::CivilDay(2026, 12, 3);
  return o;
}

std::vector<CsvRow> SeedRows() {
  const std::string path = std::string(CRM_SHARED_DATA_DIR) + "/collection-sheet.csv";
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "this test needs " << path << " (the shared data folder)";
  std::stringstream bytes;
  bytes << in.rdbuf();
  auto text = DecodeToUtf8(bytes.str(), Encoding::kAuto);
  EXPECT_TRUE(text.ok());
  auto rows = ParseCsv(text.ok() ? text->utf8 : "");
  EXPECT_TRUE(rows.ok());
  return rows.ok() ? *rows : std::vector<CsvRow>{};
}

std::string Lines(const std::vector<RowProblem>& problems) {
  std::vector<int> lines;
  for (const RowProblem& p : problems) lines.push_back(p.line);
  return absl::StrJoin(lines, ",");
}

TEST(CollectionSheetTest, SeedSheetPaidRowsArePlannedAndEveryOtherRowIsExplained) {
  auto plan = PlanCollectionSheet(SeedRows(), Options());
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->rows_read, 32);
  EXPECT_EQ(plan->total_line, 34);
  // Unpaid without a date: 2,8,14,15,25,26,28,31. Partial without 合同金额:
  // 4,11,16,19,20,23. 2026/2/30: 32. -300: 33. The total: 34.
  EXPECT_EQ(Lines(plan->problems), "2,4,8,11,14,15,16,19,20,23,25,26,28,31,32,33,34");
  ASSERT_EQ(plan->rows.size(), 16u);
  int64_t paid = 0;
  for (const PlannedCollection& r : plan->rows) {
    EXPECT_EQ(r.status, CollectionStatus::kPaid);
    EXPECT_EQ(r.order_amount, r.paid_amount);
    ASSERT_TRUE(r.paid_on.has_value());
    EXPECT_EQ(r.due_date, *r.paid_on);
    paid += r.paid_amount;
  }
  EXPECT_EQ(paid, 28'569'850);  // 285,698.50: all 已回款 but the 2/30 and -300 rows
  const PlannedCollection& first = plan->rows[0];  // line 3
  EXPECT_EQ(first.line, 3);
  EXPECT_EQ(first.rep_name, "张伟");
  EXPECT_EQ(first.product_name, "企业版CRM年费");
  EXPECT_EQ(first.customer_key, "星河置业");
  EXPECT_EQ(*first.paid_on, absl::CivilDay(2026, 1, 5));
  EXPECT_EQ(first.paid_amount, 120'000);
}

TEST(CollectionSheetTest, TheTotalRowIsCheckedNotImported) {
  auto plan = PlanCollectionSheet(SeedRows(), Options());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->rows_sum, 43'369'700);  // every parseable amount, as the sheet's SUM() would
  const RowProblem& total = plan->problems.back();
  EXPECT_EQ(total.line, 34);
  EXPECT_THAT(total.reason, HasSubstr("says 396898.00 but the rows above sum to 433697.00"));
}

TEST(CollectionSheetTest, UnpaidRowsTakeTheDefaultDueDateWhenGiven) {
  CollectionSheetOptions o = Options();
  o.unpaid_due = absl::CivilDay(2026, 12, 31);
  auto plan = PlanCollectionSheet(SeedRows(), o);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->rows.size(), 24u);
  EXPECT_EQ(Lines(plan->problems), "4,11,16,19,20,23,32,33,34");
  const PlannedCollection& unpaid = plan->rows[0];  // line 2
  EXPECT_EQ(unpaid.status, CollectionStatus::kUnpaid);
  EXPECT_EQ(unpaid.order_amount, 499'950);
  EXPECT_EQ(unpaid.paid_amount, 0);
  EXPECT_FALSE(unpaid.paid_on.has_value());
  EXPECT_EQ(unpaid.due_date, absl::CivilDay(2026, 12, 31));
}

TEST(CollectionSheetTest, PartialPaymentsNeedTheOrderTotal) {
  auto rows = ParseCsv(
      "销售人员姓名,产品名称,客户名称,回款日期,回款金额,回款状态,合同金额\n"
      "王磊,培训服务,卓越印务,2026-02-03,15000,部分回款,\"20,000\"\n"
      "王磊,培训服务,卓越印务,2026-02-04,15000,部分回款,15000\n"
      "王磊,培训服务,卓越印务,2026-02-05,100,部分回款,\n");
  ASSERT_TRUE(rows.ok());
  auto plan = PlanCollectionSheet(*rows, Options());
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->rows.size(), 1u);
  EXPECT_EQ(plan->rows[0].order_amount, 2'000'000);
  EXPECT_EQ(plan->rows[0].paid_amount, 1'500'000);
  ASSERT_EQ(plan->problems.size(), 2u);
  EXPECT_THAT(plan->problems[0].reason, HasSubstr("needs an order total above it"));
  EXPECT_THAT(plan->problems[1].reason, HasSubstr("ambiguous"));
}

TEST(CollectionSheetTest, UnknownStatusAndFuturePaymentsAreProblems) {
  auto rows = ParseCsv(
      "销售人员姓名,产品名称,客户名称,回款日期,回款金额,回款状态\n"
      "王磊,培训服务,卓越印务,2026-02-03,100,大概付了\n"
      "王磊,培训服务,卓越印务,2027-01-01,100,已回款\n");
  ASSERT_TRUE(rows.ok());
  auto plan = PlanCollectionSheet(*rows, Options());
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->rows.empty());
  ASSERT_EQ(plan->problems.size(), 2u);
  EXPECT_THAT(plan->problems[0].reason, HasSubstr("unknown status"));
  EXPECT_THAT(plan->problems[1].reason, HasSubstr("after today"));
}

}  // namespace
}  // namespace crm::clients
