// The follow-up import applied to a real store through the CommandHandler:
// validation before writing, counts worked out by hand from the shared sheet,
// re-import writing nothing, matching customers already in the CRM.
#include "clients/import/follow_up_import.h"

#include <fstream>
#include <sstream>

#include "clients/import/csv_reader.h"
#include "clients/import/embedded_backend.h"
#include "clients/import/text_encoding.h"
#include "engine/domain/business_calendar.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/clients/import_fixture.h"
#include "tests/support/status_matchers.h"

namespace crm::clients {
namespace {

using ::testing::HasSubstr;

const int64_t kNow = absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(2026, 12, 3, 10, 0, 0),
                                                        engine::domain::DefaultBusinessTimeZone()));

class FollowUpImportTest : public testing::ImportStoreTest {
 protected:
  FollowUpSheetPlan Plan(const std::string& csv) {
    auto rows = ParseCsv(csv);
    EXPECT_TRUE(rows.ok()) << rows.status();
    FollowUpSheetOptions o;
    o.year = 2026;
    o.today = testing::ImportToday();
    o.intents = &intents_;
    auto plan = PlanFollowUpSheet(rows.ok() ? *rows : std::vector<CsvRow>{}, o);
    EXPECT_TRUE(plan.ok()) << plan.status();
    return plan.ok() ? *plan : FollowUpSheetPlan{};
  }

  FollowUpSheetPlan SeedPlan() {
    FollowUpSheetOptions o;
    o.year = 2026;
    o.today = testing::ImportToday();
    o.intents = &intents_;
    auto plan = PlanFollowUpSheet(testing::SharedDataRows("follow-up-sheet.csv"), o);
    EXPECT_TRUE(plan.ok()) << plan.status();
    return plan.ok() ? *plan : FollowUpSheetPlan{};
  }

  ImportOptions Options(bool skip_invalid = false) {
    ImportOptions o;
    o.file_digest = "digest-1";
    o.actor = "user-import";
    o.now_us = kNow;
    o.zone = engine::domain::DefaultBusinessTimeZone();
    o.skip_invalid = skip_invalid;
    return o;
  }

  absl::Status RegisterCompany(const std::string& id, const std::string& name,
                               const std::string& phone) {
    v1::CommandContext ctx;
    ctx.set_request_id("pre-" + id);
    ctx.set_actor("user-li");
    ctx.set_now_us(kNow);
    v1::CustomerCommand c;
    c.mutable_register_()->set_customer_id(id);
    c.mutable_register_()->set_kind(v1::CUSTOMER_KIND_COMPANY);
    c.mutable_register_()->mutable_profile()->set_company_name(name);
    if (!phone.empty()) c.mutable_register_()->mutable_profile()->add_phones(phone);
    c.mutable_register_()->set_owner_rep_id("rep-admin");
    return handler_->Execute(ctx, c).status();
  }

  IntentTable intents_;
};

TEST_F(FollowUpImportTest, ASheetWithProblemsWritesNothingAndListsThem) {
  auto report = ImportFollowUps(SeedPlan(), *backend_, Options());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->wrote);
  EXPECT_EQ(report->problems.size(), 8u);
  EXPECT_EQ(store_->CommittedPosition(), 0u);
}

TEST_F(FollowUpImportTest, SkipInvalidImportsTheSeedSheetAndARerunWritesNothing) {
  auto report = ImportFollowUps(SeedPlan(), *backend_, Options(/*skip_invalid=*/true));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->wrote);
  EXPECT_EQ(report->rows_imported, 39);
  EXPECT_EQ(report->reps_registered, 4);  // 李娜 张伟 王磊 赵敏
  EXPECT_EQ(report->customers_registered, 19);
  EXPECT_EQ(report->contacts_added, 38);
  EXPECT_EQ(report->follow_ups_logged, 62);

  // The customer 德润化工 is in the store, owned by 张伟, with its 5 calls.
  auto holder = handler_->CustomerHoldingCompanyName("德润化工");
  ASSERT_TRUE(holder.ok()) << holder.status();
  auto state = handler_->LoadCustomer(*holder);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->owner_rep_id, StableId("rep", {"张伟"}));
  EXPECT_EQ(state->follow_up_ids.size(), 5u);
  EXPECT_EQ(state->contacts.size(), 4u);
  // And a phone of one of its contacts finds it too.
  EXPECT_THAT(handler_->CustomerHoldingPhone("0571-46246886"),
              ::crm::testing::IsOkAndHolds(*holder));

  const uint64_t written = store_->CommittedPosition();
  auto again = ImportFollowUps(SeedPlan(), *backend_, Options(/*skip_invalid=*/true));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->customers_registered, 0);
  EXPECT_EQ(again->customers_matched, 19);
  EXPECT_EQ(again->contacts_added, 0);
  EXPECT_EQ(again->follow_ups_logged, 0);
  EXPECT_EQ(again->follow_ups_already_there, 62);
  EXPECT_EQ(store_->CommittedPosition(), written);
}

TEST_F(FollowUpImportTest, ACustomerAlreadyInTheCrmGetsTheFollowUpsNotASecondCustomer) {
  ASSERT_TRUE(RegisterCompany("c-tianyu", "天宇物流集团有限公司", "").ok());
  auto report = ImportFollowUps(Plan("客户公司,客户姓名,联系电话,首电日期,意向,业务员\n"
                                     "天宇物流集团,高娟,13075893910,2.21,考虑中,李娜\n"),
                                *backend_, Options());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->problems.empty());
  EXPECT_EQ(report->customers_matched, 1);
  EXPECT_EQ(report->customers_registered, 0);
  auto state = handler_->LoadCustomer("c-tianyu");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->follow_up_ids.size(), 1u);
  ASSERT_EQ(state->contacts.size(), 1u);
  EXPECT_EQ(state->contacts[0].name(), "高娟");
  EXPECT_EQ(state->owner_rep_id, "rep-admin");  // an import does not take customers over
}

TEST_F(FollowUpImportTest, APhoneHeldByAnotherCustomerIsReportedAndNothingIsWritten) {
  ASSERT_TRUE(RegisterCompany("c-other", "银河纺织", "13075893910").ok());
  const uint64_t before = store_->CommittedPosition();
  auto report = ImportFollowUps(Plan("客户公司,客户姓名,联系电话,首电日期,意向,业务员\n"
                                     "天宇物流集团,高娟,130-7589-3910,2.21,考虑中,李娜\n"
                                     "宏达机械制造,朱静,020-77196458,2.4,有意向,张伟\n"),
                                *backend_, Options());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->wrote);
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_EQ(report->problems[0].line, 2);
  EXPECT_THAT(report->problems[0].reason, HasSubstr("belongs to customer c-other"));
  EXPECT_EQ(store_->CommittedPosition(), before);
}

TEST_F(FollowUpImportTest, DryRunCountsWithoutWriting) {
  ImportOptions o = Options(/*skip_invalid=*/true);
  o.dry_run = true;
  auto report = ImportFollowUps(SeedPlan(), *backend_, o);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->wrote);
  EXPECT_EQ(report->customers_registered, 19);
  EXPECT_EQ(report->follow_ups_logged, 62);
  EXPECT_EQ(store_->CommittedPosition(), 0u);
}

TEST_F(FollowUpImportTest, ARowWithoutCompanyWhosePhoneNobodyHoldsIsReported) {
  auto report = ImportFollowUps(Plan("客户公司,客户姓名,联系电话,首电日期,意向,业务员\n"
                                     ",刘洋,13800000000,2.3,有兴趣,张伟\n"),
                                *backend_, Options());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_THAT(report->problems[0].reason, HasSubstr("belongs to no customer"));
  EXPECT_EQ(store_->CommittedPosition(), 0u);
}

}  // namespace
}  // namespace crm::clients
