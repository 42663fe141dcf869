// `crmctl whoami` against a real crmd (CrmServer on 127.0.0.1:0), and the
// guesses WhoAmI removes: `pool claim` and `followup log` without --rep act
// as a rep key's rep, and customer times are printed in crmd's business
// time zone rather than an assumed one.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "crm/v1/crm_service.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/clients/crmctl_run.h"
#include "tests/service/crm_calls.h"
#include "tests/service/service_fixture.h"

namespace crm::clients {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Stub = v1::CrmService::Stub;
namespace st = service::testing;

using testing::CliRun;

class CrmctlWhoAmITest : public st::ServiceTest {
 protected:
  void SetUp() override {
    st::ServiceTest::SetUp();
    CreateOrg();
  }

  // crmctl with `args` against this test's server, as `key`.
  CliRun Crmctl(const std::string& args, const std::string& key = "key-rep1") {
    return testing::RunCrmctlAgainst(server_->port(), key, args);
  }
};

TEST_F(CrmctlWhoAmITest, WhoAmIPrintsTheKeysNameRoleRepAndTimeZone) {
  CliRun run = Crmctl("whoami");
  ASSERT_EQ(run.code, 0) << run.out;
  EXPECT_THAT(run.out, HasSubstr("name       rep1\n"));
  EXPECT_THAT(run.out, HasSubstr("role       rep\n"));
  EXPECT_THAT(run.out, HasSubstr("scope      own\n"));
  EXPECT_THAT(run.out, HasSubstr("rep        r1\n"));
  EXPECT_THAT(run.out, HasSubstr("team       -\n"));
  EXPECT_THAT(run.out, HasSubstr("time zone  Asia/Shanghai\n"));
}

TEST_F(CrmctlWhoAmITest, WhoAmIJsonIsTheResponse) {
  CliRun run = Crmctl("whoami --json", "key-manager-south");
  ASSERT_EQ(run.code, 0) << run.out;
  v1::WhoAmIResponse who;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(run.out, &who).ok()) << run.out;
  EXPECT_EQ(who.name(), "manager-south");
  EXPECT_EQ(who.role(), v1::API_KEY_ROLE_MANAGER);
  EXPECT_EQ(who.scope(), v1::API_KEY_SCOPE_TEAM);
  EXPECT_EQ(who.team_id(), "t-south");
  EXPECT_EQ(who.business_time_zone(), "Asia/Shanghai");
}

TEST_F(CrmctlWhoAmITest, WhoAmIWithAnUnknownKeyExitsThreeUnauthenticated) {
  CliRun run = Crmctl("whoami", "key-nobody");
  EXPECT_EQ(run.code, 3) << run.out;
  EXPECT_THAT(run.out, HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(run.out, HasSubstr("--key"));
}

TEST_F(CrmctlWhoAmITest, PoolClaimWithoutRepClaimsForTheRepKeysRep) {
  Ok(st::kAdmin, &Stub::RegisterCustomer,
     st::Registration("", "p1", "", "无主客户", "13600136000"));
  CliRun claim = Crmctl("pool claim p1", "key-rep2");
  ASSERT_EQ(claim.code, 0) << claim.out;
  EXPECT_THAT(claim.out, HasSubstr("r2 claimed p1; position "));
  EXPECT_EQ(CustomerAsAdmin("p1").owner_rep_id(), "r2");
}

TEST_F(CrmctlWhoAmITest, PoolClaimWithoutRepNamesRepForAKeyThatIsNoRep) {
  Ok(st::kAdmin, &Stub::RegisterCustomer,
     st::Registration("", "p1", "", "无主客户", "13600136000"));
  CliRun claim = Crmctl("pool claim p1", "key-manager-south");
  EXPECT_EQ(claim.code, 2) << claim.out;
  EXPECT_THAT(claim.out, HasSubstr("--rep: required"));
  EXPECT_THAT(claim.out, HasSubstr("manager-south"));
  EXPECT_EQ(CustomerAsAdmin("p1").owner_rep_id(), "");
}

TEST_F(CrmctlWhoAmITest, FollowUpLogWithoutRepIsByTheRepKeysRep) {
  Ok(st::kAdmin, &Stub::RegisterCustomer,
     st::Registration("", "c1", "r1", "恒达贸易有限公司", "13800138001"));
  CliRun logged = Crmctl("followup log c1 --intent=interested");
  ASSERT_EQ(logged.code, 0) << logged.out;
  EXPECT_THAT(logged.out, HasSubstr(" on c1 by r1 "));
  // Any other key: the owner, as before.
  CliRun by_admin = Crmctl("followup log c1 --intent=considering", "key-admin");
  ASSERT_EQ(by_admin.code, 0) << by_admin.out;
  EXPECT_THAT(by_admin.out, HasSubstr(" on c1 by r1 "));
}

class CrmctlWhoAmIInNewYorkTest : public CrmctlWhoAmITest {
 protected:
  void Configure(service::CrmdConfig& config) override { config.set_time_zone("America/New_York"); }
};

TEST_F(CrmctlWhoAmIInNewYorkTest, CustomerTimesArePrintedInCrmdsZone) {
  Ok(st::kAdmin, &Stub::RegisterCustomer,
     st::Registration("", "c1", "r1", "恒达贸易有限公司", "13800138001"));
  CliRun who = Crmctl("whoami");
  ASSERT_EQ(who.code, 0) << who.out;
  EXPECT_THAT(who.out, HasSubstr("time zone  America/New_York\n"));

  const v1::Customer c = CustomerAsAdmin("c1");
  const absl::Time owned = absl::FromUnixSeconds(c.owned_since().seconds());
  absl::TimeZone new_york, shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &new_york));
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  CliRun show = Crmctl("customer show c1");
  ASSERT_EQ(show.code, 0) << show.out;
  EXPECT_THAT(show.out, HasSubstr(absl::StrCat(
                            "r1 since ", absl::FormatTime("%Y-%m-%d %H:%M", owned, new_york))));
  EXPECT_THAT(show.out, Not(HasSubstr(absl::FormatTime("%Y-%m-%d %H:%M", owned, shanghai))));
}

}  // namespace
}  // namespace crm::clients
