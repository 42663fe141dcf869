// CrmService.WhoAmI through a real server on 127.0.0.1: every role learns
// its key's name, role, scope, rep and team and the server's business time
// zone; no key, or an unknown one, is UNAUTHENTICATED as for every call.
#include <string>

#include "gtest/gtest.h"
#include "tests/service/service_fixture.h"

namespace crm::service::testing {
namespace {

using Stub = v1::CrmService::Stub;

class WhoAmITest : public ServiceTest {
 protected:
  // WhoAmI with `context`; the status and the answer.
  grpc::Status Ask(grpc::ClientContext* context, v1::WhoAmIResponse* who) {
    return crm_->WhoAmI(context, v1::WhoAmIRequest(), who);
  }
  v1::WhoAmIResponse AskAs(const char* who) {
    v1::WhoAmIResponse response;
    auto context = As(who);
    const grpc::Status s = Ask(context.get(), &response);
    EXPECT_TRUE(s.ok()) << who << ": " << Describe(s);
    return response;
  }
};

TEST_F(WhoAmITest, AnAdminKeyIsNamedWithRoleAdminAndScopeAll) {
  const v1::WhoAmIResponse who = AskAs(kAdmin);
  EXPECT_EQ(who.name(), "admin");
  EXPECT_EQ(who.role(), v1::API_KEY_ROLE_ADMIN);
  EXPECT_EQ(who.scope(), v1::API_KEY_SCOPE_ALL);
  EXPECT_EQ(who.rep_id(), "");
  EXPECT_EQ(who.team_id(), "");
  EXPECT_EQ(who.business_time_zone(), "Asia/Shanghai");
}

TEST_F(WhoAmITest, ARepKeyTellsItsRep) {
  const v1::WhoAmIResponse who = AskAs(kRep2);
  EXPECT_EQ(who.name(), "rep2");
  EXPECT_EQ(who.role(), v1::API_KEY_ROLE_REP);
  EXPECT_EQ(who.scope(), v1::API_KEY_SCOPE_OWN);
  EXPECT_EQ(who.rep_id(), "r2");
  EXPECT_EQ(who.team_id(), "");
  EXPECT_EQ(who.business_time_zone(), "Asia/Shanghai");
}

TEST_F(WhoAmITest, AManagerKeyTellsItsTeam) {
  const v1::WhoAmIResponse who = AskAs(kManagerSouth);
  EXPECT_EQ(who.role(), v1::API_KEY_ROLE_MANAGER);
  EXPECT_EQ(who.scope(), v1::API_KEY_SCOPE_TEAM);
  EXPECT_EQ(who.team_id(), "t-south");
  EXPECT_EQ(who.rep_id(), "");
}

TEST_F(WhoAmITest, EveryRoleMayAskEvenAnalyticsAndViewer) {
  EXPECT_EQ(AskAs(kAnalytics).role(), v1::API_KEY_ROLE_ANALYTICS);
  EXPECT_EQ(AskAs(kViewerAll).role(), v1::API_KEY_ROLE_VIEWER);
}

TEST_F(WhoAmITest, NoKeyOrAnUnknownKeyIsUnauthenticated) {
  v1::WhoAmIResponse who;
  auto no_key = ContextAs(nullptr);
  EXPECT_EQ(Ask(no_key.get(), &who).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  auto unknown = ContextAs("nobody");
  EXPECT_EQ(Ask(unknown.get(), &who).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(who.name(), "");
}

class WhoAmIInAnotherZoneTest : public WhoAmITest {
 protected:
  void Configure(CrmdConfig& config) override { config.set_time_zone("America/New_York"); }
};

TEST_F(WhoAmIInAnotherZoneTest, TheServersBusinessTimeZoneIsReported) {
  EXPECT_EQ(AskAs(kRep1).business_time_zone(), "America/New_York");
}

}  // namespace
}  // namespace crm::service::testing
