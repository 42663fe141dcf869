// `crmctl whoami` against a real crmd (CrmServer on 127.0.0.1:0), and the
// guesses WhoAmI removes: `pool claim` and `followup log` without --rep act
// as a rep key's rep, customer times are printed in crmd's business time
// zone rather than an assumed one, and `payment record` / `order ship`
// without a date take today in that zone.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "crm/v1/balances_service.pb.h"
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

// The civil day at `t` in `zone`, as crmctl prints it.
std::string DayIn(absl::Time t, const std::string& zone) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(zone, &tz)) << zone;
  return absl::FormatCivilTime(absl::ToCivilDay(t, tz));
}

// Whether `zone`'s day differs from Asia/Shanghai's all through [t, t + 2
// minutes]: the days change at most once each in so short a span, and
// never at the same moment for these zones, so both ends differing is
// enough.
bool DayDiffersFromShanghaisAround(absl::Time t, const std::string& zone) {
  for (const absl::Time at : {t, t + absl::Minutes(2)}) {
    if (DayIn(at, zone) == DayIn(at, "Asia/Shanghai")) return false;
  }
  return true;
}

// crmd counting days in a zone whose day is not Shanghai's right now:
// Kiritimati (UTC+14) is a day ahead from 10:00 to 16:00 UTC, Pago Pago
// (UTC-11) a day behind from 16:00 to 11:00 UTC, so one of them always is
// and "today" is told apart whatever the hour the test runs. Only in the
// minutes before Shanghai's midnight (16:00 UTC) neither lasts long
// enough, and the test waits them out.
class CrmctlTodayInCrmdsZoneTest : public CrmctlWhoAmITest {
 protected:
  void Configure(service::CrmdConfig& config) override {
    for (int waited = 0; zone_.empty() && waited <= 6; ++waited) {
      for (const char* zone : {"Pacific/Kiritimati", "Pacific/Pago_Pago"}) {
        if (DayDiffersFromShanghaisAround(absl::Now(), zone)) {
          zone_ = zone;
          break;
        }
      }
      if (zone_.empty()) absl::SleepFor(absl::Minutes(1));
    }
    ASSERT_FALSE(zone_.empty()) << "no zone whose day differs from Shanghai's";
    config.set_time_zone(zone_);
  }

  void SetUp() override {
    CrmctlWhoAmITest::SetUp();
    Ok(st::kAdmin, &Stub::RegisterCustomer,
       st::Registration("", "c1", "r1", "恒达贸易有限公司", "13800138001"));
    v1::DefineProductRequest define;
    define.mutable_command()->set_product_id("p-crm");
    define.mutable_command()->set_name("企业版CRM年费");
    *define.mutable_command()->mutable_unit_price() = st::Cny(500000);
    Ok(st::kAdmin, &Stub::DefineProduct, define);
    CliRun place =
        Crmctl("order place --customer=c1 --product=p-crm --quantity=1 --due=2030-12-31 --id=o1",
               "key-admin");
    ASSERT_EQ(place.code, 0) << place.out;
    CliRun approve = Crmctl("order approve o1", "key-admin");
    ASSERT_EQ(approve.code, 0) << approve.out;
    // A payment reads the order's balance first: wait for the approval.
    approved_ = absl::StrCat(" --min-position=", LogSize() - 1);
  }

  // Runs crmctl `args` as the admin; `*today` is crmd's day while it ran,
  // after checking that it is not Shanghai's (else the run would prove
  // nothing).
  CliRun RunAndTellToday(const std::string& args, std::string* today) {
    const absl::Time before = absl::Now();
    CliRun run = Crmctl(args, "key-admin");
    const absl::Time after = absl::Now();
    EXPECT_EQ(DayIn(before, zone_), DayIn(after, zone_)) << "crmd's day changed during the run";
    for (const absl::Time t : {before, after}) {
      EXPECT_NE(DayIn(t, zone_), DayIn(t, "Asia/Shanghai")) << zone_;
    }
    *today = DayIn(after, zone_);
    return run;
  }

  std::string zone_;
  std::string approved_;
};

TEST_F(CrmctlTodayInCrmdsZoneTest, APaymentWithoutPaidOnIsDatedTodayInCrmdsZone) {
  std::string today;
  CliRun pay = RunAndTellToday("payment record o1 --amount=100.00 --id=pay1" + approved_, &today);
  ASSERT_EQ(pay.code, 0) << pay.out;
  EXPECT_THAT(pay.out, HasSubstr(absl::StrCat("recorded on order o1, paid ", today, " by ")));

  // What crmd holds: the payment's day in the order's balance.
  CliRun show = Crmctl(
      "order show o1 --json --as-of=2099-12-31 --min-position=" + std::to_string(LogSize() - 1),
      "key-admin");
  ASSERT_EQ(show.code, 0) << show.out;
  v1::OrderBalance balance;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(show.out, &balance).ok()) << show.out;
  ASSERT_EQ(balance.payments_size(), 1) << show.out;
  const v1::Date& paid_on = balance.payments(0).paid_on();
  EXPECT_EQ(absl::FormatCivilTime(absl::CivilDay(paid_on.year(), paid_on.month(), paid_on.day())),
            today);
}

TEST_F(CrmctlTodayInCrmdsZoneTest, AShipmentWithoutShippedOnIsDatedTodayInCrmdsZone) {
  std::string today;
  CliRun ship = RunAndTellToday("order ship o1 --reference=SF-1", &today);
  ASSERT_EQ(ship.code, 0) << ship.out;
  EXPECT_THAT(ship.out, HasSubstr(absl::StrCat("order o1 shipped on ", today, ";")));
}

TEST_F(CrmctlTodayInCrmdsZoneTest, AGivenDayIsSentAsTyped) {
  CliRun pay =
      Crmctl("payment record o1 --amount=100.00 --paid-on=2030-01-02" + approved_, "key-admin");
  ASSERT_EQ(pay.code, 0) << pay.out;
  EXPECT_THAT(pay.out, HasSubstr(", paid 2030-01-02 by "));
  CliRun ship = Crmctl("order ship o1 --shipped-on=2030-01-03", "key-admin");
  ASSERT_EQ(ship.code, 0) << ship.out;
  EXPECT_THAT(ship.out, HasSubstr("order o1 shipped on 2030-01-03;"));
}

}  // namespace
}  // namespace crm::clients
