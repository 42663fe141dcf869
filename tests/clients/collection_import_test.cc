// The collection import on a real store: customers come from the follow-up
// sheet imported first (both from ../shared/data); counts worked out by hand
// from the two files.
#include "clients/import/collection_import.h"

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "clients/import/csv_reader.h"
#include "clients/import/embedded_backend.h"
#include "clients/import/text_encoding.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/money.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/clients/import_fixture.h"

namespace crm::clients {
namespace {

using ::testing::HasSubstr;

const int64_t kNow = absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(2026, 12, 3, 10, 0, 0),
                                                        engine::domain::DefaultBusinessTimeZone()));

class CollectionImportTest : public testing::ImportStoreTest {
 protected:
  void SetUp() override {
    ImportStoreTest::SetUp();

    FollowUpSheetOptions fo;
    fo.year = 2026;
    fo.today = testing::ImportToday();
    fo.intents = &intents_;
    auto followups = PlanFollowUpSheet(testing::SharedDataRows("follow-up-sheet.csv"), fo);
    ASSERT_TRUE(followups.ok());
    auto done = ImportFollowUps(*followups, *backend_, Options(/*skip_invalid=*/true));
    ASSERT_TRUE(done.ok()) << done.status();
    ASSERT_EQ(done->customers_registered, 19);
  }

  ImportOptions Options(bool skip_invalid) {
    ImportOptions o;
    o.file_digest = "digest-c";
    o.actor = "user-import";
    o.now_us = kNow;
    o.zone = engine::domain::DefaultBusinessTimeZone();
    o.skip_invalid = skip_invalid;
    return o;
  }

  CollectionSheetPlan Plan() {
    CollectionSheetOptions o;
    o.today = testing::ImportToday();
    o.unpaid_due = absl::CivilDay(2026, 12, 31);
    auto plan = PlanCollectionSheet(testing::SharedDataRows("collection-sheet.csv"), o);
    EXPECT_TRUE(plan.ok());
    return plan.ok() ? *plan : CollectionSheetPlan{};
  }

  IntentTable intents_;
};

TEST_F(CollectionImportTest, UnknownCustomersAndProductsRefuseTheImportBeforeAnyWrite) {
  const uint64_t before = store_->CommittedPosition();
  auto report = ImportCollections(Plan(), *backend_, Options(/*skip_invalid=*/false));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->wrote);
  // 9 from the sheet itself; 14 rows name customers the follow-up sheet
  // does not have (凯旋酒店管理, 鼎盛建材, ...); every product is undefined.
  int unknown_customer = 0, unknown_product = 0;
  for (const RowProblem& p : report->problems) {
    if (absl::StrContains(p.reason, "no customer of this name")) ++unknown_customer;
    if (absl::StrContains(p.reason, "is not defined")) ++unknown_product;
  }
  EXPECT_EQ(unknown_customer, 14);
  EXPECT_EQ(unknown_product, 24);
  EXPECT_EQ(store_->CommittedPosition(), before);
}

TEST_F(CollectionImportTest, ARetiredProductRefusesItsRowsEvenWithCreateMissing) {
  // 企业版CRM年费 maps to p-old, which was on sale once and is retired now.
  v1::CommandContext ctx;
  ctx.set_actor("admin");
  ctx.set_now_us(kNow);
  v1::ProductCommand define;
  define.mutable_define()->set_product_id("p-old");
  define.mutable_define()->set_name("企业版CRM年费");
  *define.mutable_define()->mutable_unit_price() = engine::domain::MakeMoney("CNY", 499950);
  ctx.set_request_id("define-p-old");
  ASSERT_TRUE(handler_->Execute(ctx, define).ok());
  v1::ProductCommand retire;
  retire.mutable_retire()->set_product_id("p-old");
  retire.mutable_retire()->set_reason("replaced by the 2027 edition");
  ctx.set_request_id("retire-p-old");
  ASSERT_TRUE(handler_->Execute(ctx, retire).ok());

  const uint64_t before = store_->CommittedPosition();
  ImportOptions o = Options(/*skip_invalid=*/false);
  o.create_missing = true;
  o.product_ids["企业版CRM年费"] = "p-old";
  auto report = ImportCollections(Plan(), *backend_, o);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->wrote);
  int retired = 0;
  for (const RowProblem& p : report->problems) {
    if (p.column != "product") continue;
    EXPECT_EQ(p.value, "企业版CRM年费");
    EXPECT_THAT(p.reason, HasSubstr("product p-old is retired"));
    ++retired;
  }
  EXPECT_GT(retired, 0);
  EXPECT_EQ(store_->CommittedPosition(), before);
}

TEST_F(CollectionImportTest, KnownCustomersGetOrdersAndPaymentsOnceEvenWhenRerun) {
  ImportOptions o = Options(/*skip_invalid=*/true);
  o.create_missing = true;
  auto report = ImportCollections(Plan(), *backend_, o);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->wrote);
  // Lines 2,3,8,9,10,22,24,26,27,28 name customers of the follow-up sheet.
  EXPECT_EQ(report->rows_imported, 10);
  EXPECT_EQ(report->orders_placed, 10);
  EXPECT_EQ(report->payments_recorded, 6);  // lines 3,9,10,22,24,27 are 已回款
  EXPECT_EQ(report->products_defined, 4);
  EXPECT_EQ(report->reps_registered, 0);  // the follow-up import registered all four

  // 蓝海餐饮管理 (line 10): 12500 paid on 2026-03-09, nothing outstanding.
  auto holder = handler_->CustomerHoldingCompanyName("蓝海餐饮管理");
  ASSERT_TRUE(holder.ok());
  auto orders = store_->ReadCategory("order", 0, engine::Direction::kForward, 1000);
  ASSERT_TRUE(orders.ok());
  int64_t paid = 0, outstanding = 0;
  std::set<std::string> order_streams;
  for (const engine::RecordedEvent& e : *orders) order_streams.insert(e.stream);
  ASSERT_EQ(order_streams.size(), 10u);
  bool found_lanhai = false;
  for (const std::string& stream : order_streams) {
    auto order = handler_->LoadOrder(stream.substr(6));
    ASSERT_TRUE(order.ok());
    EXPECT_TRUE(order->approved);
    paid += order->Paid();
    outstanding += order->Outstanding();
    if (order->customer_id == *holder) {
      found_lanhai = true;
      EXPECT_EQ(order->amount, 1'250'000);
      EXPECT_EQ(order->Outstanding(), 0);
    }
  }
  EXPECT_TRUE(found_lanhai);
  EXPECT_EQ(paid, 10'619'950);  // 1200 + 4999.50 + 12500 + 60000 + 12500 + 15000
  // Unpaid lines 2, 8, 26, 28: 4999.50 + 4999.50 + 800 + 800.
  EXPECT_EQ(outstanding, 1'159'900);

  const uint64_t written = store_->CommittedPosition();
  auto again = ImportCollections(Plan(), *backend_, o);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->orders_placed, 0);
  EXPECT_EQ(again->orders_already_there, 10);
  EXPECT_EQ(again->payments_recorded, 0);
  EXPECT_EQ(store_->CommittedPosition(), written);
}

}  // namespace
}  // namespace crm::clients
