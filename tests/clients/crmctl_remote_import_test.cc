// The imports of ../shared/data through a real crmd (CrmServer on
// 127.0.0.1:0): GrpcImportBackend gives the same counts as the embedded
// import (follow_up_import_test.cc, collection_import_test.cc), a second run
// writes nothing, a sheet with problems writes nothing; and the crmctl
// binary with --server does the same and says clearly when crmd cannot be
// reached or refuses the key.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/import/collection_import.h"
#include "clients/import/collection_sheet.h"
#include "clients/import/follow_up_import.h"
#include "clients/import/follow_up_sheet.h"
#include "clients/import/grpc_backend.h"
#include "clients/import/intent_table.h"
#include "engine/domain/business_calendar.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/clients/crmctl_run.h"
#include "tests/clients/import_fixture.h"
#include "tests/service/service_fixture.h"

namespace crm::clients {
namespace {

using ::testing::HasSubstr;

class RemoteImportTest : public service::testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    GrpcBackendOptions options;
    options.api_key = std::string("key-") + service::testing::kAdmin;
    backend_ = std::make_unique<GrpcImportBackend>(channel_, options);
  }

  FollowUpSheetPlan FollowUpPlan() {
    FollowUpSheetOptions o;
    o.year = 2026;
    o.today = testing::ImportToday();
    o.intents = &intents_;
    auto plan = PlanFollowUpSheet(testing::SharedDataRows("follow-up-sheet.csv"), o);
    EXPECT_TRUE(plan.ok()) << plan.status();
    return plan.ok() ? *plan : FollowUpSheetPlan{};
  }

  CollectionSheetPlan CollectionPlan() {
    CollectionSheetOptions o;
    o.today = testing::ImportToday();
    o.unpaid_due = absl::CivilDay(2026, 12, 31);
    auto plan = PlanCollectionSheet(testing::SharedDataRows("collection-sheet.csv"), o);
    EXPECT_TRUE(plan.ok()) << plan.status();
    return plan.ok() ? *plan : CollectionSheetPlan{};
  }

  ImportOptions Options(const std::string& digest, bool skip_invalid) {
    ImportOptions o;
    o.file_digest = digest;
    o.actor = "user-import";
    o.now_us = testing::ImportNowUs();
    o.zone = engine::domain::DefaultBusinessTimeZone();
    o.skip_invalid = skip_invalid;
    return o;
  }

  // How many events crmd's log holds, read through its event store API.
  uint64_t LogEnd() {
    v1::ReadAllRequest read;
    read.set_from_end(true);
    read.set_direction(v1::READ_DIRECTION_BACKWARD);
    read.set_limit(1);
    v1::ReadResponse response;
    auto context = As(service::testing::kAdmin);
    grpc::Status s = events_->ReadAll(context.get(), read, &response);
    EXPECT_TRUE(s.ok()) << service::testing::Describe(s);
    return response.events_size() == 0 ? 0 : response.events(0).position() + 1;
  }

  v1::Customer Customer(const std::string& id) {
    v1::GetCustomerRequest get;
    get.set_customer_id(id);
    v1::Customer customer;
    grpc::Status s =
        Call(service::testing::kAdmin, &v1::CrmService::Stub::GetCustomer, get, &customer);
    EXPECT_TRUE(s.ok()) << service::testing::Describe(s);
    return customer;
  }

  IntentTable intents_;
  std::unique_ptr<GrpcImportBackend> backend_;
};

TEST_F(RemoteImportTest, AFollowUpSheetWithProblemsWritesNothing) {
  auto report = ImportFollowUps(FollowUpPlan(), *backend_, Options("digest-1", false));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->wrote);
  EXPECT_EQ(report->problems.size(), 8u);  // as embedded
  EXPECT_EQ(LogEnd(), 0u);
}

TEST_F(RemoteImportTest, TheFollowUpSheetGivesTheEmbeddedCountsAndARerunWritesNothing) {
  const auto start = std::chrono::steady_clock::now();
  auto report = ImportFollowUps(FollowUpPlan(), *backend_, Options("digest-1", true));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(report.ok()) << report.status();
  std::cout << "follow-up sheet through crmd: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms, "
            << LogEnd() << " events\n";
  EXPECT_TRUE(report->wrote);
  EXPECT_EQ(report->rows_imported, 39);
  EXPECT_EQ(report->reps_registered, 4);
  EXPECT_EQ(report->customers_registered, 19);
  EXPECT_EQ(report->contacts_added, 38);
  EXPECT_EQ(report->follow_ups_logged, 62);

  // 德润化工 is in crmd, owned by 张伟, with its 5 calls and 4 contacts, and a
  // contact's phone finds it too.
  auto holder = backend_->CustomerHoldingCompanyName("德润化工");
  ASSERT_TRUE(holder.ok()) << holder.status();
  const v1::Customer customer = Customer(*holder);
  EXPECT_EQ(customer.owner_rep_id(), StableId("rep", {"张伟"}));
  EXPECT_EQ(customer.follow_up_ids_size(), 5);
  EXPECT_EQ(customer.contacts_size(), 4);
  auto by_phone = backend_->CustomerHoldingPhone("0571-46246886");
  ASSERT_TRUE(by_phone.ok()) << by_phone.status();
  EXPECT_EQ(*by_phone, *holder);

  const uint64_t written = LogEnd();
  auto again = ImportFollowUps(FollowUpPlan(), *backend_, Options("digest-1", true));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->customers_registered, 0);
  EXPECT_EQ(again->customers_matched, 19);
  EXPECT_EQ(again->contacts_added, 0);
  EXPECT_EQ(again->follow_ups_logged, 0);
  EXPECT_EQ(again->follow_ups_already_there, 62);
  EXPECT_EQ(again->reps_registered, 0);
  EXPECT_EQ(LogEnd(), written);
}

TEST_F(RemoteImportTest, TheCollectionSheetPlacesOrdersAndPaymentsOnceEvenWhenRerun) {
  auto followups = ImportFollowUps(FollowUpPlan(), *backend_, Options("digest-1", true));
  ASSERT_TRUE(followups.ok()) << followups.status();
  ASSERT_EQ(followups->customers_registered, 19);

  // Unknown customers and products refuse the whole sheet first.
  uint64_t before = LogEnd();
  auto refused = ImportCollections(CollectionPlan(), *backend_, Options("digest-c", false));
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_FALSE(refused->wrote);
  int unknown_customer = 0, unknown_product = 0;
  for (const RowProblem& p : refused->problems) {
    if (absl::StrContains(p.reason, "no customer of this name")) ++unknown_customer;
    if (absl::StrContains(p.reason, "is not defined")) ++unknown_product;
  }
  EXPECT_EQ(unknown_customer, 14);
  EXPECT_EQ(unknown_product, 24);
  EXPECT_EQ(LogEnd(), before);

  ImportOptions o = Options("digest-c", true);
  o.create_missing = true;
  auto report = ImportCollections(CollectionPlan(), *backend_, o);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->wrote);
  EXPECT_EQ(report->rows_imported, 10);
  EXPECT_EQ(report->orders_placed, 10);
  EXPECT_EQ(report->payments_recorded, 6);
  EXPECT_EQ(report->products_defined, 4);
  EXPECT_EQ(report->reps_registered, 0);

  const uint64_t written = LogEnd();
  auto again = ImportCollections(CollectionPlan(), *backend_, o);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->orders_placed, 0);
  EXPECT_EQ(again->orders_already_there, 10);
  EXPECT_EQ(again->payments_recorded, 0);
  EXPECT_EQ(again->products_defined, 0) << "defined the first time, found by LookUpProduct now";
  EXPECT_EQ(LogEnd(), written);
}

TEST_F(RemoteImportTest, AWrongKeyFailsTheConnectionCheckAsUnauthenticated) {
  GrpcBackendOptions options;
  options.api_key = "key-nobody";
  GrpcImportBackend wrong(channel_, options);
  absl::Status s = wrong.CheckConnection(absl::Seconds(5));
  EXPECT_TRUE(absl::IsUnauthenticated(s)) << s;
  EXPECT_TRUE(backend_->CheckConnection(absl::Seconds(5)).ok());
  auto holder = wrong.CustomerHoldingPhone("13800138000");
  EXPECT_TRUE(absl::IsUnauthenticated(holder.status())) << holder.status();
}

using testing::CliRun;

// Runs crmctl with `args`, after the shell assignments in `env` if any.
CliRun Crmctl(const std::string& args, const std::string& env = "") {
  return testing::RunCrmctl(args, env);
}

TEST_F(RemoteImportTest, CrmctlImportsThroughTheServerAndSaysWhenItCannot) {
  const std::string sheet = std::string(CRM_SHARED_DATA_DIR) + "/follow-up-sheet.csv";
  ASSERT_FALSE(testing::SharedDataBytes("follow-up-sheet.csv").empty());
  const std::string server = absl::StrCat("127.0.0.1:", server_->port());
  // No store folder here: with --server the import must not open one.
  const std::string common =
      absl::StrCat("--server=", server, " --data-dir=", dir_.path(), "/absent --year=2026");

  CliRun run = Crmctl(absl::StrCat("import followups ", sheet, " ", common,
                                   " --key=key-admin --skip-invalid --json"));
  EXPECT_EQ(run.code, 1) << run.out;  // imported, but the sheet had problem rows
  EXPECT_THAT(run.out, HasSubstr("\"wrote\":true"));
  EXPECT_THAT(run.out, HasSubstr("\"customers_registered\":19"));
  EXPECT_THAT(run.out, HasSubstr("\"contacts_added\":38"));
  EXPECT_THAT(run.out, HasSubstr("\"follow_ups_logged\":62"));
  const uint64_t written = LogEnd();
  EXPECT_GT(written, 0u);

  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/absent"));

  // The key from the environment; the same file again writes nothing.
  run = Crmctl(absl::StrCat("import followups ", sheet, " ", common, " --skip-invalid --json"),
               "CRM_API_KEY=key-admin");
  EXPECT_EQ(run.code, 1) << run.out;
  EXPECT_THAT(run.out, HasSubstr("\"follow_ups_already_there\":62"));
  EXPECT_EQ(LogEnd(), written);

  run = Crmctl(absl::StrCat("import followups ", sheet, " ", common, " --key=key-wrong"));
  EXPECT_EQ(run.code, 2) << run.out;
  EXPECT_THAT(run.out, HasSubstr("refused the API key: it is missing or wrong"));

  run = Crmctl(absl::StrCat("import followups ", sheet, " --server=127.0.0.1:1 --key=key-admin"));
  EXPECT_EQ(run.code, 2) << run.out;
  EXPECT_THAT(run.out, HasSubstr("cannot reach crmd at 127.0.0.1:1: "));
  EXPECT_EQ(LogEnd(), written);
}

}  // namespace
}  // namespace crm::clients
