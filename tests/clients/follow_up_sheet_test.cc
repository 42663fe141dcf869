// The follow-up sheet planner against the seed-like sheet in ../shared/data
// (expectations worked out by hand from the file, row by row) and against
// small inline sheets for each rule.
#include "clients/import/follow_up_sheet.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_join.h"
#include "clients/import/csv_reader.h"
#include "clients/import/text_encoding.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace crm::clients {
namespace {

using ::crm::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

FollowUpSheetOptions Options(const IntentTable& intents, std::optional<int> year = 2026) {
  FollowUpSheetOptions o;
  o.year = year;
  o.today = absl::CivilDay(2026, 12, 3);
  o.intents = &intents;
  return o;
}

absl::StatusOr<FollowUpSheetPlan> PlanText(const std::string& csv, const IntentTable& intents,
                                           std::optional<int> year = 2026) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(csv);
  if (!rows.ok()) return rows.status();
  return PlanFollowUpSheet(*rows, Options(intents, year));
}

const PlannedCustomer* Find(const FollowUpSheetPlan& plan, const std::string& key) {
  for (const PlannedCustomer& c : plan.customers) {
    if (c.key == key) return &c;
  }
  return nullptr;
}

std::string ProblemLines(const FollowUpSheetPlan& plan) {
  std::vector<std::string> out;
  for (const RowProblem& p : plan.problems) {
    out.push_back(absl::StrCat(p.line, ":", p.column, ":", p.value));
  }
  return absl::StrJoin(out, " | ");
}

class SeedSheetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path = std::string(CRM_SHARED_DATA_DIR) + "/follow-up-sheet.csv";
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in.good()) << "this test needs " << path << " (the shared data folder)";
    std::stringstream bytes;
    bytes << in.rdbuf();
    auto text = DecodeToUtf8(bytes.str(), Encoding::kAuto);
    ASSERT_TRUE(text.ok()) << text.status();
    auto rows = ParseCsv(text->utf8);
    ASSERT_TRUE(rows.ok()) << rows.status();
    auto plan = PlanFollowUpSheet(*rows, Options(intents_));
    ASSERT_TRUE(plan.ok()) << plan.status();
    plan_ = *std::move(plan);
  }
  IntentTable intents_;
  FollowUpSheetPlan plan_;
};

TEST_F(SeedSheetTest, EveryRowIsPlannedOrReported) {
  EXPECT_EQ(plan_.rows_read, 45);  // 45 numbered rows; the blank last row is not a row
  EXPECT_EQ(plan_.rows_planned, 39);
  // Rows 4, 28, 35 (second call without intent), 41 (second before first),
  // 43 (2.30), 45 (bad phone, 13.40, unknown intent) — file lines are +1.
  EXPECT_EQ(ProblemLines(plan_),
            "5:意向 (column 8): | 29:意向 (column 8): | 36:意向 (column 8): | "
            "42:二电日期 (column 7):3.20 | 44:首电日期 (column 5):2.30 | "
            "46:联系电话 (column 4):1380000 | 46:首电日期 (column 5):13.40 | "
            "46:意向 (column 6):随便");
}

TEST_F(SeedSheetTest, CompaniesBecomeOneCustomerEachWithTheirContacts) {
  EXPECT_EQ(plan_.customers.size(), 19u);
  const PlannedCustomer* derun = Find(plan_, "德润化工");
  ASSERT_NE(derun, nullptr);
  EXPECT_EQ(derun->owner_rep_name, "张伟");  // rep of its first row
  std::vector<std::string> contacts;
  for (const PlannedContact& c : derun->contacts) contacts.push_back(c.name + "/" + c.phone_key);
  EXPECT_THAT(contacts, ElementsAre("郭娟/13089686414", "郭娜/13260288912", "杨艳/057146246886",
                                    "孙涛/13969358465"));
  EXPECT_EQ(derun->follow_ups.size(), 5u);

  // "华信科技有限公司" and "恒通贸易有限公司" are keyed without the legal suffix.
  const PlannedCustomer* hengtong = Find(plan_, "恒通贸易");
  ASSERT_NE(hengtong, nullptr);
  EXPECT_EQ(hengtong->company_name, "恒通贸易有限公司");
  EXPECT_TRUE(hengtong->contacts.empty());  // the row has neither name nor phone
  ASSERT_EQ(hengtong->follow_ups.size(), 1u);
  EXPECT_EQ(hengtong->follow_ups[0].date, absl::CivilDay(2026, 3, 5));
  EXPECT_NE(Find(plan_, "华信科技"), nullptr);
  // Row 28 was its only row, and it is rejected: no customer.
  EXPECT_EQ(Find(plan_, "东方之星文化传媒"), nullptr);
}

TEST_F(SeedSheetTest, TheCallEnteredTwiceIsPlannedOnce) {
  // Rows 11 and 42: 宏达机械制造, 王静, 3.5, 不需要, 赵敏 (second time with a
  // full-width, different phone, which becomes a second contact).
  EXPECT_EQ(plan_.duplicate_follow_ups, 1);
  const PlannedCustomer* hongda = Find(plan_, "宏达机械制造");
  ASSERT_NE(hongda, nullptr);
  EXPECT_EQ(hongda->contacts.size(), 3u);
  EXPECT_EQ(hongda->follow_ups.size(), 3u);
  size_t total = 0;
  for (const PlannedCustomer& c : plan_.customers) total += c.follow_ups.size();
  EXPECT_EQ(total, 62u);  // 24 rows with two calls, 15 with one, minus the duplicate
}

TEST_F(SeedSheetTest, WithoutAYearEveryYearlessDateIsReported) {
  auto rows = ParseCsv(
      "客户公司,客户姓名,联系电话,首电日期,意向,业务员\n甲公司,张三,13800000001,3.12,有兴趣,李娜\n"
      "乙公司,李四,13800000002,2026-03-12,有兴趣,李娜\n");
  ASSERT_TRUE(rows.ok());
  auto plan = PlanFollowUpSheet(*rows, Options(intents_, std::nullopt));
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->problems.size(), 1u);
  EXPECT_EQ(plan->problems[0].line, 2);
  EXPECT_THAT(plan->problems[0].reason, HasSubstr("--year"));
  EXPECT_EQ(plan->rows_planned, 1);
}

TEST(FollowUpSheetPlanTest, APhoneOnTwoCompaniesIsAConflictNotAGuess) {
  IntentTable intents;
  auto plan = PlanText(
      "客户公司,客户姓名,联系电话,首电日期,意向,业务员\n"
      "甲公司,张三,138-0000-0001,3.1,有兴趣,李娜\n"
      "乙公司,李四,+86 13800000001,3.2,有兴趣,李娜\n",
      intents);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->problems.size(), 1u);
  EXPECT_EQ(plan->problems[0].line, 3);
  EXPECT_THAT(plan->problems[0].reason, HasSubstr("also on line 2 for \"甲公司\""));
  EXPECT_EQ(plan->customers.size(), 1u);
}

TEST(FollowUpSheetPlanTest, ARowWithoutCompanyJoinsTheCompanyOfItsPhone) {
  IntentTable intents;
  auto plan = PlanText(
      "客户公司,客户姓名,联系电话,首电日期,意向,业务员\n"
      ",张三,13800000001,3.5,考虑中,王磊\n"
      "甲公司有限公司,张三,138 0000 0001,3.1,有兴趣,李娜\n"
      ",王五,13800000009,3.6,拒绝,王磊\n",
      intents);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->problems.empty()) << ProblemLines(*plan);
  ASSERT_EQ(plan->customers.size(), 2u);
  const PlannedCustomer* jia = Find(*plan, "甲公司");  // one suffix removed
  ASSERT_NE(jia, nullptr);
  EXPECT_EQ(jia->follow_ups.size(), 2u);
  EXPECT_EQ(jia->contacts.size(), 1u);
  // Owner: the rep of the customer's first row in the file (line 2).
  EXPECT_EQ(jia->owner_rep_name, "王磊");
  const PlannedCustomer* unknown = Find(*plan, "phone:13800000009");
  ASSERT_NE(unknown, nullptr);
  EXPECT_TRUE(unknown->match_by_phone_only);  // the store decides at execution
}

TEST(FollowUpSheetPlanTest, CallsAfterTodayAreRefused) {
  IntentTable intents;
  auto plan = PlanText(
      "客户公司,客户姓名,联系电话,首电日期,意向,业务员\n甲公司,张三,13800000001,2026-12-04,有兴趣,"
      "李娜\n",
      intents);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->problems.size(), 1u);
  EXPECT_THAT(plan->problems[0].reason, HasSubstr("after today"));
}

TEST(FollowUpSheetPlanTest, APhoneWithoutANameOnACompanyRowIsAProblem) {
  IntentTable intents;
  auto plan = PlanText(
      "客户公司,客户姓名,联系电话,首电日期,意向,业务员\n甲公司,,13800000001,3.1,有兴趣,李娜\n",
      intents);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->problems.size(), 1u);
  EXPECT_THAT(plan->problems[0].reason, HasSubstr("without a name"));
}

TEST(FollowUpSheetPlanTest, AHeaderThatDoesNotFitReadsNothing) {
  IntentTable intents;
  EXPECT_THAT(PlanText("name,amount\nx,1\n", intents),
              StatusIs(absl::StatusCode::kInvalidArgument, ("header row does not fit")));
  EXPECT_THAT(PlanText("", intents), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace crm::clients
