// Authentication and authorisation through a real server: no key or a wrong
// key is UNAUTHENTICATED; each role may call only its methods; each scope
// sees only its customers, and a customer outside the scope looks exactly
// like one that does not exist.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/crm_calls.h"
#include "tests/service/service_fixture.h"

namespace crm::service::testing {
namespace {

using ::testing::HasSubstr;
using Stub = v1::CrmService::Stub;

// Customers: c1 owned by r1 (t-south), c2 by r2 (t-south-gz, a sub-team of
// t-south), c3 by r3 (t-north), c4 in the public pool.
class AccessControlTest : public ServiceTest {
 protected:
  void Configure(CrmdConfig& config) override {
    config.mutable_pool_rules()->set_reclaim_cooldown_days(30);
  }

  void SetUp() override {
    ServiceTest::SetUp();
    CreateOrg();
    Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138001"));
    Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c2", "r2", "顺丰五金", "13800138002"));
    Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c3", "r3", "美达电器", "13800138003"));
    Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c4", "r1", "华南建材", "13800138004"));
    v1::ReleaseCustomerToPoolRequest release;
    release.mutable_command()->set_customer_id("c4");
    release.mutable_command()->set_reason("长期未跟进");
    Ok(kAdmin, &Stub::ReleaseCustomerToPool, release);
  }

  grpc::Status Get(const char* who, const std::string& id) {
    v1::GetCustomerRequest get;
    get.set_customer_id(id);
    v1::Customer customer;
    return Call(who, &Stub::GetCustomer, get, &customer);
  }

  // The ids among c1..c4 (and a missing c9) that `who` may read.
  std::vector<std::string> Visible(const char* who) {
    std::vector<std::string> seen;
    for (const char* id : {"c1", "c2", "c3", "c4", "c9"}) {
      grpc::Status s = Get(who, id);
      if (s.ok()) {
        seen.push_back(id);
      } else {
        // Only scope all may learn that an id does not exist.
        const bool scope_all = who == std::string(kAdmin) || who == std::string(kViewerAll);
        EXPECT_EQ(s.error_code(), id == std::string("c9") && scope_all
                                      ? grpc::StatusCode::NOT_FOUND
                                      : grpc::StatusCode::PERMISSION_DENIED)
            << who << " reading " << id << ": " << Describe(s);
      }
    }
    return seen;
  }
};

TEST_F(AccessControlTest, ACallWithoutAKeyIsUnauthenticated) {
  grpc::Status s = Get(nullptr, "c1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("x-api-key"));
}

TEST_F(AccessControlTest, AnUnknownKeyIsUnauthenticated) {
  v1::GetCustomerRequest get;
  get.set_customer_id("c1");
  v1::Customer customer;
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", "key-admin-but-wrong");
  grpc::Status s = crm_->GetCustomer(&context, get, &customer);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(s);
}

TEST_F(AccessControlTest, ABearerAuthorizationHeaderCarriesTheKeyToo) {
  v1::GetCustomerRequest get;
  get.set_customer_id("c1");
  v1::Customer customer;
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer key-rep1");
  grpc::Status s = crm_->GetCustomer(&context, get, &customer);
  EXPECT_TRUE(s.ok()) << Describe(s);
}

TEST_F(AccessControlTest, EachScopeSeesExactlyItsCustomersAndThePool) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Visible(kAdmin), (V{"c1", "c2", "c3", "c4"}));
  EXPECT_EQ(Visible(kViewerAll), (V{"c1", "c2", "c3", "c4"}));
  EXPECT_EQ(Visible(kRep1), (V{"c1", "c4"}));
  EXPECT_EQ(Visible(kRep2), (V{"c2", "c4"}));
  EXPECT_EQ(Visible(kManagerSouth), (V{"c1", "c2", "c4"})) << "t-south includes t-south-gz";
  EXPECT_EQ(Visible(kManagerNorth), (V{"c3", "c4"}));
}

TEST_F(AccessControlTest, AManagersScopeFollowsARepMovedToAnotherTeamAtOnce) {
  using V = std::vector<std::string>;
  // Read first, so the rep and team states are cached when r2 moves.
  ASSERT_EQ(Visible(kManagerSouth), (V{"c1", "c2", "c4"}));
  ASSERT_EQ(Visible(kManagerNorth), (V{"c3", "c4"}));
  v1::MoveRepToTeamRequest move;
  move.mutable_command()->set_rep_id("r2");
  move.mutable_command()->set_team_id("t-north");
  Ok(kAdmin, &Stub::MoveRepToTeam, move);
  EXPECT_EQ(Visible(kManagerSouth), (V{"c1", "c4"}));
  EXPECT_EQ(Visible(kManagerNorth), (V{"c2", "c3", "c4"}));
}

TEST_F(AccessControlTest, ARepCannotTellAnotherRepsCustomerFromAMissingOne) {
  grpc::Status other = Get(kRep1, "c2");
  grpc::Status missing = Get(kRep1, "c9");
  EXPECT_EQ(other.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // The same words apart from the id.
  std::string a = other.error_message(), b = missing.error_message();
  a.replace(a.find("c2"), 2, "X");
  b.replace(b.find("c9"), 2, "X");
  EXPECT_EQ(a, b);
}

TEST_F(AccessControlTest, ARepCannotChangeAnotherRepsCustomer) {
  EXPECT_EQ(Code(kRep1, &Stub::LogFollowUp, FollowUp("", "c2", "f1", "r1")),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::TagCustomerRequest tag;
  tag.mutable_command()->set_customer_id("c3");
  tag.mutable_command()->set_tag("key");
  EXPECT_EQ(Code(kRep1, &Stub::TagCustomer, tag), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Code(kManagerNorth, &Stub::TagCustomer, tag), grpc::StatusCode::OK);
  tag.mutable_command()->set_customer_id("c1");
  EXPECT_EQ(Code(kManagerNorth, &Stub::TagCustomer, tag), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AccessControlTest, ARepCannotActAsAnotherRep) {
  EXPECT_EQ(Code(kRep1, &Stub::LogFollowUp, FollowUp("", "c1", "f1", "r2")),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      Code(kRep1, &Stub::RegisterCustomer, Registration("", "c5", "r2", "新客户", "13800138005")),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AccessControlTest, ARepClaimsFromThePoolOnlyForItself) {
  v1::ClaimCustomerFromPoolRequest claim;
  claim.mutable_command()->set_customer_id("c4");
  claim.mutable_command()->set_rep_id("r2");
  EXPECT_EQ(Code(kRep1, &Stub::ClaimCustomerFromPool, claim), grpc::StatusCode::PERMISSION_DENIED);
  claim.mutable_command()->set_rep_id("r1");
  v1::CommandResponse response;
  grpc::Status s = Call(kRep1, &Stub::ClaimCustomerFromPool, claim, &response);
  // r1 released c4 a moment ago: the pool's cooldown keeps the previous
  // owner from taking it straight back.
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(s);
  claim.mutable_command()->set_rep_id("r2");
  EXPECT_EQ(Code(kRep2, &Stub::ClaimCustomerFromPool, claim), grpc::StatusCode::OK);
  EXPECT_EQ(Get(kRep2, "c4").error_code(), grpc::StatusCode::OK);
  EXPECT_EQ(Get(kRep1, "c4").error_code(), grpc::StatusCode::PERMISSION_DENIED) << "c4 is r2's now";
}

TEST_F(AccessControlTest, ReleasingACustomerAlreadyInThePoolIsAlreadyDoneNotOutOfScope) {
  v1::ReleaseCustomerToPoolRequest release;
  release.mutable_command()->set_customer_id("c4");
  release.mutable_command()->set_reason("再放一次");
  v1::CommandResponse response;
  grpc::Status s = Call(kRep1, &Stub::ReleaseCustomerToPool, release, &response);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_TRUE(response.already_done());
  EXPECT_EQ(response.events_written(), 0u);
  // Another rep's customer is still out of scope.
  release.mutable_command()->set_customer_id("c2");
  EXPECT_EQ(Code(kRep1, &Stub::ReleaseCustomerToPool, release),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AccessControlTest, ViewersAndAnalyticsCannotWrite) {
  for (const char* who : {kViewerAll, kAnalytics}) {
    grpc::StatusCode code = Code(who, &Stub::LogFollowUp, FollowUp("", "c1", "f1", "r1"));
    EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED) << who;
  }
}

TEST_F(AccessControlTest, AnalyticsReadsEventsButNotCustomers) {
  EXPECT_EQ(Get(kAnalytics, "c1").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::ReadAllRequest read;
  v1::ReadResponse response;
  auto context = As(kAnalytics);
  grpc::Status s = events_->ReadAll(context.get(), read, &response);
  EXPECT_TRUE(s.ok()) << Describe(s);
  EXPECT_GT(response.events_size(), 0);
}

TEST_F(AccessControlTest, OnlyAdminsAppendRawEventsAndOnlyAdminsAndAnalyticsReadThem) {
  v1::AppendRequest append;
  v1::StreamAppend* stream = append.add_streams();
  stream->set_stream("audit-1");
  stream->add_events()->set_type("test.Note");
  for (const char* who : {kRep1, kManagerSouth, kViewerAll, kAnalytics}) {
    v1::AppendResponse response;
    auto context = As(who);
    EXPECT_EQ(events_->Append(context.get(), append, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << who;
  }
  for (const char* who : {kRep1, kManagerSouth, kViewerAll}) {
    v1::ReadAllRequest read;
    v1::ReadResponse response;
    auto context = As(who);
    EXPECT_EQ(events_->ReadAll(context.get(), read, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << who << ": the raw log holds every customer";
  }
  v1::AppendResponse response;
  auto context = As(kAdmin);
  grpc::Status s = events_->Append(context.get(), append, &response);
  EXPECT_TRUE(s.ok()) << Describe(s);
}

TEST_F(AccessControlTest, RepsAndTeamsAreManagedByAdminsOnly) {
  v1::RegisterRepRequest rep;
  rep.mutable_command()->set_rep_id("r9");
  rep.mutable_command()->set_name("新人");
  rep.mutable_command()->set_team_id("t-south");
  EXPECT_EQ(Code(kManagerSouth, &Stub::RegisterRep, rep), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Code(kAdmin, &Stub::RegisterRep, rep), grpc::StatusCode::OK);
}

}  // namespace
}  // namespace crm::service::testing
