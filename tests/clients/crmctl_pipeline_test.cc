// `crmctl pipeline` against a real crmd (CrmServer on 127.0.0.1:0): the table
// people read, JSON lines for scripts, and clear failures.
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "crm/v1/pipeline_service.pb.h"
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

class CrmctlPipelineTest : public st::ServiceTest {
 protected:
  void SetUp() override {
    st::ServiceTest::SetUp();
    CreateOrg();
    Ok(st::kAdmin, &Stub::RegisterCustomer,
       st::Registration("", "c1", "r1", "恒达贸易有限公司", "13800138001"));
    Ok(st::kAdmin, &Stub::RegisterCustomer,
       st::Registration("", "c2", "r1", "顺丰五金", "13800138002"));
    Ok(st::kAdmin, &Stub::RegisterCustomer,
       st::Registration("", "c3", "r2", "美达电器", "13800138003"));
    // c1: called, next call 2030-01-15 (FollowUp's date): overdue on 2030-02-01.
    last_ = Ok(st::kRep1, &Stub::LogFollowUp, st::FollowUp("", "c1", "f1", "r1")).position();
  }

  // crmctl with `args` against this test's server, as `key`.
  CliRun Crmctl(const std::string& args, const std::string& key = "key-admin") {
    return testing::RunCrmctlAgainst(server_->port(), key, args);
  }

  uint64_t last_ = 0;
};

TEST_F(CrmctlPipelineTest, TheTableShowsARepsCustomersWithIntentNextCallAndOverdue) {
  CliRun run = Crmctl(absl::StrCat("pipeline --rep=r1 --as-of=2030-02-01 --min-position=", last_));
  ASSERT_EQ(run.code, 0) << run.out;
  EXPECT_THAT(run.out, HasSubstr("as of 2030-02-01: 2 customers"));
  EXPECT_THAT(run.out, HasSubstr("恒达贸易有限公司"));
  EXPECT_THAT(run.out, HasSubstr("顺丰五金"));
  EXPECT_THAT(run.out, Not(HasSubstr("美达电器"))) << "r2's customer";
  EXPECT_THAT(run.out, HasSubstr("有兴趣"));
  EXPECT_THAT(run.out, HasSubstr("2030-01-15"));
  EXPECT_THAT(run.out, HasSubstr("overdue 17 d"));

  CliRun overdue = Crmctl(
      absl::StrCat("pipeline --rep=r1 --as-of=2030-02-01 --due=overdue --min-position=", last_));
  ASSERT_EQ(overdue.code, 0) << overdue.out;
  EXPECT_THAT(overdue.out, HasSubstr("1 customers"));
  EXPECT_THAT(overdue.out, Not(HasSubstr("顺丰五金")));
}

TEST_F(CrmctlPipelineTest, JsonGivesOneParsableEntryPerLine) {
  CliRun run = Crmctl(absl::StrCat(
      "pipeline --team=t-south --as-of=2030-02-01 --json --all --min-position=", last_));
  ASSERT_EQ(run.code, 0) << run.out;
  std::vector<std::string> ids;
  for (absl::string_view line : absl::StrSplit(run.out, '\n', absl::SkipEmpty())) {
    v1::PipelineEntry e;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(std::string(line), &e).ok()) << line;
    ids.push_back(e.customer_id());
  }
  EXPECT_THAT(ids, ::testing::UnorderedElementsAre("c1", "c2", "c3")) << "t-south has t-south-gz";
}

TEST_F(CrmctlPipelineTest, BadOptionsAndRefusalsAreClearErrors) {
  CliRun none = Crmctl("pipeline");
  EXPECT_EQ(none.code, 2);
  EXPECT_THAT(none.out, HasSubstr("exactly one of --rep, --team, --everyone, --pool"));
  CliRun bad_day = Crmctl("pipeline --rep=r1 --as-of=2030-13-01");
  EXPECT_EQ(bad_day.code, 2);
  EXPECT_THAT(bad_day.out, HasSubstr("--as-of"));
  CliRun other_rep = Crmctl("pipeline --rep=r1", "key-rep2");
  EXPECT_EQ(other_rep.code, 3);
  EXPECT_THAT(other_rep.out, HasSubstr("not within your data scope"));
  CliRun wrong_key = Crmctl("pipeline --rep=r1", "key-nobody");
  EXPECT_EQ(wrong_key.code, 3);
  EXPECT_THAT(wrong_key.out, HasSubstr("UNAUTHENTICATED"));
}

}  // namespace
}  // namespace crm::clients
