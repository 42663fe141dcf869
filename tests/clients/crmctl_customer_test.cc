// `crmctl customer`, `followup log` and `pool` against a real crmd
// (CrmServer on 127.0.0.1:0): what a sales person does with customers, and
// that each command either does it, visibly, or exits 2 or 3 saying why.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "crm/v1/crm_service.pb.h"
#include "crm/v1/directory_service.pb.h"
#include "crm/v1/history_service.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
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

// The string field `name` of the one JSON object crmctl printed.
std::string JsonField(const std::string& line, const std::string& name) {
  google::protobuf::Struct object;
  if (!google::protobuf::util::JsonStringToMessage(line, &object).ok()) return "<not JSON>";
  auto it = object.fields().find(name);
  if (it == object.fields().end()) return "";
  if (it->second.has_bool_value()) return it->second.bool_value() ? "true" : "false";
  return it->second.string_value();
}

// N of the "; position N" a write printed for people.
std::string PositionIn(const std::string& out) {
  const size_t at = out.find("; position ");
  if (at == std::string::npos) return "<no position>";
  const size_t start = at + 11;
  return out.substr(start, out.find_first_not_of("0123456789", start) - start);
}

template <typename Message>
Message ParseJson(const std::string& line) {
  Message m;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &m).ok()) << line;
  return m;
}

class CrmctlCustomerTest : public st::ServiceTest {
 protected:
  void SetUp() override {
    st::ServiceTest::SetUp();
    CreateOrg();
    Ok(st::kAdmin, &Stub::RegisterCustomer,
       st::Registration("", "c1", "r1", "恒达贸易有限公司", "13800138001"));
    last_ = Ok(st::kAdmin, &Stub::RegisterCustomer,
               st::Registration("", "c3", "r2", "美达电器", "13800138003"))
                .position();
  }

  // crmctl with `args` against this test's server, as `key`.
  CliRun Crmctl(const std::string& args, const std::string& key = "key-rep1") {
    return testing::RunCrmctlAgainst(server_->port(), key, args);
  }

  uint64_t last_ = 0;
};

TEST_F(CrmctlCustomerTest, FollowUpLogShowsTheNewIntentInShowAndThePipeline) {
  CliRun logged = Crmctl(
      "followup log c1 --intent=有兴趣 --note='首电：要报价' --next=2030-03-01 --channel=电话");
  ASSERT_EQ(logged.code, 0) << logged.out;
  EXPECT_THAT(logged.out, HasSubstr("by r1")) << "the owner, when no --rep";
  EXPECT_THAT(logged.out, HasSubstr("position "));
  EXPECT_THAT(logged.out, HasSubstr("request id crmctl-"));

  CliRun show = Crmctl("customer show c1");
  ASSERT_EQ(show.code, 0) << show.out;
  EXPECT_THAT(show.out, HasSubstr("恒达贸易有限公司"));
  EXPECT_THAT(show.out, HasSubstr("有兴趣  (1 follow-ups"));
  EXPECT_THAT(show.out, HasSubstr("2030-03-01"));
  EXPECT_THAT(show.out, HasSubstr("r1 since"));

  CliRun closed = Crmctl("followup log c1 --intent=deal-closed --json");
  ASSERT_EQ(closed.code, 0) << closed.out;
  const std::string position = JsonField(closed.out, "position");
  ASSERT_FALSE(position.empty()) << closed.out;
  EXPECT_EQ(JsonField(closed.out, "customer_id"), "c1");
  EXPECT_THAT(JsonField(closed.out, "follow_up_id"), HasSubstr("f-"));

  CliRun pipeline = Crmctl(absl::StrCat("pipeline --rep=r1 --min-position=", position));
  ASSERT_EQ(pipeline.code, 0) << pipeline.out;
  EXPECT_THAT(pipeline.out, HasSubstr("已成交"));

  const v1::Customer c = ParseJson<v1::Customer>(Crmctl("customer show c1 --json").out);
  EXPECT_EQ(c.intent(), v1::INTENT_DEAL_CLOSED);
  EXPECT_TRUE(c.won());
  EXPECT_EQ(c.follow_up_count(), 2u);
}

TEST_F(CrmctlCustomerTest, AFollowUpRetriedWithItsRequestIdIsLoggedOnce) {
  CliRun first = Crmctl("followup log c1 --intent=considering --request-id=call-7");
  ASSERT_EQ(first.code, 0) << first.out;
  CliRun again = Crmctl("followup log c1 --intent=considering --request-id=call-7");
  ASSERT_EQ(again.code, 0) << again.out;
  EXPECT_THAT(again.out, HasSubstr("already done"));
  EXPECT_EQ(CustomerAsAdmin("c1").follow_up_count(), 1u);
}

TEST_F(CrmctlCustomerTest, RegisterTwiceWithTheSameRequestIdWritesOnce) {
  const std::string command =
      "customer register --company=顺丰五金 --phone=13800138002 --contact=李雷 --owner=r1 "
      "--request-id=reg-shunfeng --json";
  CliRun first = Crmctl(command);
  ASSERT_EQ(first.code, 0) << first.out;
  CliRun again = Crmctl(command);
  ASSERT_EQ(again.code, 0) << again.out;
  const std::string id = JsonField(first.out, "customer_id");
  EXPECT_THAT(id, HasSubstr("c-"));
  EXPECT_EQ(JsonField(again.out, "customer_id"), id) << "the id is derived from the request id";
  EXPECT_EQ(JsonField(again.out, "already_done"), "true");

  CliRun history = Crmctl(absl::StrCat(
      "customer history ", id, " --json --min-position=", JsonField(again.out, "position")));
  ASSERT_EQ(history.code, 0) << history.out;
  std::vector<std::string> types;
  for (absl::string_view line : absl::StrSplit(history.out, '\n', absl::SkipEmpty())) {
    types.push_back(ParseJson<v1::TimelineEntry>(std::string(line)).type());
  }
  EXPECT_THAT(types, ::testing::ElementsAre(HasSubstr("Registered")));
  const v1::Customer c = CustomerAsAdmin(id);
  EXPECT_EQ(c.profile().company_name(), "顺丰五金");
  EXPECT_EQ(c.profile().contact_person(), "李雷");
  EXPECT_EQ(c.owner_rep_id(), "r1");
}

TEST_F(CrmctlCustomerTest, RegisterPrintsTheIdsAndPositionAndRefusesADuplicate) {
  CliRun run = Crmctl("customer register --company=新光科技 --phone=13900139000,0571-46246886");
  ASSERT_EQ(run.code, 0) << run.out;
  EXPECT_THAT(run.out, HasSubstr("registered customer c-"));
  EXPECT_THAT(run.out, HasSubstr("; position "));
  EXPECT_THAT(run.out, HasSubstr("request id crmctl-"));

  CliRun duplicate = Crmctl("customer register --company=恒达贸易 --phone=13700137000");
  EXPECT_EQ(duplicate.code, 3) << duplicate.out;
  EXPECT_THAT(duplicate.out, HasSubstr("ALREADY_EXISTS"));
  EXPECT_THAT(duplicate.out, HasSubstr("customer duplicates"));
}

TEST_F(CrmctlCustomerTest, ARepCannotShowAnotherRepsCustomer) {
  CliRun run = Crmctl("customer show c3");
  EXPECT_EQ(run.code, 3) << run.out;
  EXPECT_THAT(run.out, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(run.out, Not(HasSubstr("美达电器")));
  CliRun history = Crmctl("customer history c3");
  EXPECT_EQ(history.code, 3) << history.out;
  EXPECT_THAT(history.out, HasSubstr("PERMISSION_DENIED"));
}

TEST_F(CrmctlCustomerTest, ShowAsOfAPastMomentShowsWhatWasKnownThen) {
  const absl::Time before_call = absl::Now();
  absl::SleepFor(absl::Milliseconds(20));
  ASSERT_EQ(Crmctl("followup log c1 --intent=refused").code, 0);

  CliRun then = Crmctl(absl::StrCat(
      "customer show c1 --as-of=",
      absl::FormatTime(absl::RFC3339_full, before_call, absl::FixedTimeZone(8 * 3600))));
  ASSERT_EQ(then.code, 0) << then.out;
  EXPECT_THAT(then.out, HasSubstr("未联系"));
  EXPECT_THAT(then.out, HasSubstr("(as of "));
  CliRun now = Crmctl("customer show c1");
  EXPECT_THAT(now.out, HasSubstr("拒绝"));

  CliRun before_it_existed = Crmctl("customer show c1 --as-of=2020-01-01");
  EXPECT_EQ(before_it_existed.code, 3) << before_it_existed.out;
  EXPECT_THAT(before_it_existed.out, HasSubstr("NOT_FOUND"));
}

TEST_F(CrmctlCustomerTest, SearchAndDuplicatesFindTheCustomer) {
  v1::RegisterCustomerRequest twin =
      st::Registration("", "c9", "r1", "恒达贸易(深圳)", "13800138001");
  twin.mutable_command()->set_allow_duplicate(true);
  last_ = Ok(st::kAdmin, &Stub::RegisterCustomer, twin).position();
  const std::string wait = absl::StrCat(" --min-position=", last_);

  CliRun by_name = Crmctl("customer search 恒达" + wait);
  ASSERT_EQ(by_name.code, 0) << by_name.out;
  EXPECT_THAT(by_name.out, HasSubstr("2 customers"));
  EXPECT_THAT(by_name.out, HasSubstr("恒达贸易有限公司"));
  CliRun by_phone = Crmctl("customer search 138-0013-8003" + wait, "key-admin");
  ASSERT_EQ(by_phone.code, 0) << by_phone.out;
  EXPECT_THAT(by_phone.out, HasSubstr("美达电器"));
  CliRun out_of_scope = Crmctl("customer search 美达" + wait);
  ASSERT_EQ(out_of_scope.code, 0) << out_of_scope.out;
  EXPECT_THAT(out_of_scope.out, HasSubstr("0 customers")) << "r2's customer is left out";

  CliRun duplicates = Crmctl("customer duplicates c1 --json" + wait);
  ASSERT_EQ(duplicates.code, 0) << duplicates.out;
  std::vector<std::string> ids;
  for (absl::string_view line : absl::StrSplit(duplicates.out, '\n', absl::SkipEmpty())) {
    ids.push_back(ParseJson<v1::DuplicateCandidate>(std::string(line)).customer().customer_id());
  }
  EXPECT_THAT(ids, ::testing::ElementsAre("c9")) << "not c1 itself";
  CliRun before_registering = Crmctl("customer duplicates --phone=13800138001" + wait);
  ASSERT_EQ(before_registering.code, 0) << before_registering.out;
  EXPECT_THAT(before_registering.out, HasSubstr("2 possible duplicates"));
}

TEST_F(CrmctlCustomerTest, PoolClaimAndReleaseMoveTheCustomer) {
  last_ = Ok(st::kAdmin, &Stub::RegisterCustomer,
             st::Registration("", "p1", "", "无主客户", "13600136000"))
              .position();
  CliRun list = Crmctl(absl::StrCat("pool list --min-position=", last_));
  ASSERT_EQ(list.code, 0) << list.out;
  EXPECT_THAT(list.out, HasSubstr("无主客户"));

  CliRun not_mine = Crmctl("pool claim p1 --rep=r1", "key-rep2");
  EXPECT_EQ(not_mine.code, 3) << not_mine.out;
  EXPECT_THAT(not_mine.out, HasSubstr("PERMISSION_DENIED"));

  CliRun claim = Crmctl("pool claim p1 --rep=r1");
  ASSERT_EQ(claim.code, 0) << claim.out;
  EXPECT_THAT(claim.out, HasSubstr("r1 claimed p1; position "));
  EXPECT_EQ(CustomerAsAdmin("p1").owner_rep_id(), "r1");
  CliRun listed = Crmctl(absl::StrCat("pool list --json --min-position=", PositionIn(claim.out)));
  ASSERT_EQ(listed.code, 0) << listed.out;
  EXPECT_THAT(listed.out, Not(HasSubstr("p1")));

  CliRun release = Crmctl("pool release p1 --reason=没有预算");
  ASSERT_EQ(release.code, 0) << release.out;
  EXPECT_EQ(CustomerAsAdmin("p1").owner_rep_id(), "");
  // Released again (a new request, not a retry): already in the pool, so
  // nothing is written, and crmctl says so.
  CliRun again = Crmctl("pool release p1");
  EXPECT_EQ(again.code, 0) << again.out;
  EXPECT_THAT(again.out, HasSubstr("already done: nothing new written"));
  EXPECT_EQ(CustomerAsAdmin("p1").owner_rep_id(), "");
}

TEST_F(CrmctlCustomerTest, BadOptionsExitTwoNamingTheFlagAndWriteNothing) {
  struct Case {
    std::string args;
    std::string named;
  };
  const std::vector<Case> cases = {
      {"followup log c1 --intent=maybe", "--intent=maybe"},
      {"followup log c1", "--intent: required"},
      {"followup log c1 --intent=refused,interested", "--intent"},
      {"followup log c1 --intent=refused --next=2030-02-30", "--next=2030-02-30"},
      {"followup log c1 --intent=refused --channel=fax", "--channel=fax"},
      {"followup log c1 --intent=refused --frobnicate", "unknown flag --frobnicate"},
      {"followup log c1 --intent=refused --min-position=soon", "--min_position=soon"},
      {"customer register --phone=13800138009", "--company"},
      {"customer register --company=X --id='bad id'", "--id"},
      {"customer show c1 --as-of=yesterday", "--as-of=yesterday"},
      {"customer search 恒达 --by=colour", "--by=colour"},
      {"customer duplicates", "give a customer id"},
  };
  for (const Case& c : cases) {
    CliRun run = Crmctl(c.args);
    EXPECT_EQ(run.code, 2) << c.args << ": " << run.out;
    EXPECT_THAT(run.out, HasSubstr(c.named)) << c.args;
  }
  // A key that is no rep's must name the rep who claims (a rep's key claims
  // for its rep: crmctl_whoami_test.cc).
  CliRun no_rep = Crmctl("pool claim c1", "key-admin");
  EXPECT_EQ(no_rep.code, 2) << no_rep.out;
  EXPECT_THAT(no_rep.out, HasSubstr("--rep: required"));
  EXPECT_EQ(CustomerAsAdmin("c1").follow_up_count(), 0u);
  EXPECT_EQ(CustomerAsAdmin("c1").owner_rep_id(), "r1");

  CliRun no_server = testing::RunCrmctl("customer show c1 --key=key-rep1");
  EXPECT_EQ(no_server.code, 2) << no_server.out;
  EXPECT_THAT(no_server.out, HasSubstr("--server"));
}

TEST_F(CrmctlCustomerTest, HistoryListsWhatHappenedAndWhoDidIt) {
  CliRun logged = Crmctl("followup log c1 --intent=interested --json");
  ASSERT_EQ(logged.code, 0) << logged.out;
  CliRun history = Crmctl(
      absl::StrCat("customer history c1 --all --min-position=", JsonField(logged.out, "position")));
  ASSERT_EQ(history.code, 0) << history.out;
  EXPECT_THAT(history.out, HasSubstr("c1: 2 entries"));
  EXPECT_THAT(history.out, HasSubstr("registered 恒达贸易有限公司"));
  EXPECT_THAT(history.out, HasSubstr("follow-up f-"));
  EXPECT_THAT(history.out, HasSubstr(" via phone: 有兴趣"));
  EXPECT_THAT(history.out, HasSubstr("rep1"));
  EXPECT_THAT(history.out, HasSubstr("admin"));
}

// A call made yesterday and logged today is on the timeline at yesterday's
// time, in words, with when it was logged beside it.
TEST_F(CrmctlCustomerTest, HistoryShowsAFollowUpAtTheTimeOfTheCall) {
  const absl::Time call = absl::Now() - absl::Hours(26);
  v1::LogFollowUpRequest request = st::FollowUp("", "c1", "f-yesterday", "r1");
  request.mutable_command()->set_occurred_us(absl::ToUnixMicros(call));
  const uint64_t position = Ok(st::kAdmin, &Stub::LogFollowUp, request).position();
  absl::TimeZone shanghai;  // the fixture's business time zone
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  const std::string call_text = absl::FormatTime("%Y-%m-%d %H:%M", call, shanghai);

  CliRun history = Crmctl(absl::StrCat("customer history c1 --min-position=", position));
  ASSERT_EQ(history.code, 0) << history.out;
  std::string line;
  for (absl::string_view l : absl::StrSplit(history.out, '\n')) {
    if (absl::StrContains(l, "follow-up f-yesterday")) line = std::string(l);
  }
  ASSERT_FALSE(line.empty()) << history.out;
  EXPECT_EQ(line.substr(10, call_text.size()), call_text) << history.out;
  EXPECT_THAT(line,
              HasSubstr("follow-up f-yesterday by r1 via phone: 有兴趣, next call 2030-01-15"));
  EXPECT_THAT(line, HasSubstr("  (logged "));
  EXPECT_THAT(history.out, Not(HasSubstr("INTENT_")));
  EXPECT_THAT(history.out, Not(HasSubstr("FOLLOW_UP_CHANNEL_")));

  CliRun json = Crmctl(absl::StrCat("customer history c1 --json --min-position=", position));
  ASSERT_EQ(json.code, 0) << json.out;
  int follow_ups = 0;
  for (absl::string_view l : absl::StrSplit(json.out, '\n', absl::SkipEmpty())) {
    const v1::TimelineEntry e = ParseJson<v1::TimelineEntry>(std::string(l));
    if (e.type() != "crm.v1.FollowUpLogged") {
      EXPECT_FALSE(e.has_happened_time()) << l;
      continue;
    }
    ++follow_ups;
    EXPECT_EQ(e.happened_time().seconds(), absl::ToUnixSeconds(call)) << l;
    EXPECT_GT(e.occurred_time().seconds(), e.happened_time().seconds()) << l;
  }
  EXPECT_EQ(follow_ups, 1) << json.out;
}

}  // namespace
}  // namespace crm::clients
