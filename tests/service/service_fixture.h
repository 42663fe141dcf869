// A real crmd server (CrmServer) on 127.0.0.1:0 over a temp folder, with one
// API key per role and scope, and helpers to call it through the generated
// stubs.
//
// Org chart of the keys: team t-south has sub-team t-south-gz; rep r1 is in
// t-south, rep r2 in t-south-gz, rep r3 in t-north. Keys are created by
// the fixture; reps and teams only exist once a test calls CreateOrg().
#ifndef CRM_TESTS_SERVICE_SERVICE_FIXTURE_H_
#define CRM_TESTS_SERVICE_SERVICE_FIXTURE_H_

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "crm/v1/balances_service.grpc.pb.h"
#include "crm/v1/crm_service.grpc.pb.h"
#include "crm/v1/directory_service.grpc.pb.h"
#include "crm/v1/event_store_service.grpc.pb.h"
#include "crm/v1/history_service.grpc.pb.h"
#include "crm/v1/pipeline_service.grpc.pb.h"
#include "crm/v1/reports_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/api_keys.h"
#include "service/server.h"
#include "tests/support/temp_dir.h"

namespace crm::service::testing {

// The text of each test key is "key-" + its name.
inline constexpr const char* kAdmin = "admin";
inline constexpr const char* kAnalytics = "analytics";
inline constexpr const char* kViewerAll = "viewer-all";
inline constexpr const char* kRep1 = "rep1";                   // rep r1, scope own
inline constexpr const char* kRep2 = "rep2";                   // rep r2, scope own
inline constexpr const char* kManagerSouth = "manager-south";  // team t-south
inline constexpr const char* kManagerNorth = "manager-north";  // team t-north

inline ApiKeys TestKeys() {
  ApiKeys keys;
  auto add = [&](const char* name, Role role, Scope scope, const std::string& rep,
                 const std::string& team) {
    ApiKey* k = keys.add_key();
    k->set_name(name);
    k->set_sha256_hex(HashApiKey(std::string("key-") + name));
    k->set_role(role);
    k->set_scope(scope);
    k->set_rep_id(rep);
    k->set_team_id(team);
  };
  add(kAdmin, ROLE_ADMIN, SCOPE_ALL, "", "");
  add(kAnalytics, ROLE_ANALYTICS, SCOPE_ALL, "", "");
  add(kViewerAll, ROLE_VIEWER, SCOPE_ALL, "", "");
  add(kRep1, ROLE_REP, SCOPE_OWN, "r1", "");
  add(kRep2, ROLE_REP, SCOPE_OWN, "r2", "");
  add(kManagerSouth, ROLE_MANAGER, SCOPE_TEAM, "", "t-south");
  add(kManagerNorth, ROLE_MANAGER, SCOPE_TEAM, "", "t-north");
  return keys;
}

// "code: message" of a status, for assertion messages.
inline std::string Describe(const grpc::Status& s) {
  return absl::StrCat(static_cast<int>(s.error_code()), ": ", s.error_message());
}

// A context carrying `who`'s key (nullptr: no key) and a 10 s deadline.
inline std::unique_ptr<grpc::ClientContext> ContextAs(const char* who) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (who != nullptr) context->AddMetadata("x-api-key", std::string("key-") + who);
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  return context;
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  virtual void Configure(CrmdConfig& config) { (void)config; }

  void StartServer() {
    CrmdConfig config;
    config.set_listen_address("127.0.0.1:0");
    config.set_data_dir(dir_.path() + "/data");
    config.set_unsafe_skip_fsync(true);  // tests do not survive power loss
    config.set_time_zone("Asia/Shanghai");
    config.mutable_limits()->set_max_message_bytes(4 << 20);
    config.mutable_limits()->set_max_concurrent_streams(256);
    config.mutable_limits()->set_max_subscriptions(8);
    config.mutable_limits()->set_command_threads(4);
    config.mutable_limits()->set_shutdown_grace_seconds(5);
    Configure(config);
    absl::StatusOr<KeyRing> keys = KeyRing::FromProto(TestKeys());
    ASSERT_TRUE(keys.ok()) << keys.status();
    absl::StatusOr<std::unique_ptr<CrmServer>> server = CrmServer::Start(config, *keys);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    crm_ = v1::CrmService::NewStub(channel_);
    events_ = v1::EventStoreService::NewStub(channel_);
    pipeline_ = v1::PipelineService::NewStub(channel_);
    directory_ = v1::DirectoryService::NewStub(channel_);
    history_ = v1::HistoryService::NewStub(channel_);
    balances_ = v1::BalancesService::NewStub(channel_);
    reports_ = v1::ReportsService::NewStub(channel_);
  }

  static std::unique_ptr<grpc::ClientContext> As(const char* who) { return ContextAs(who); }

  // How many events the log holds (its last position + 1), read through the
  // event store API as admin.
  uint64_t LogSize() {
    v1::ReadAllRequest read;
    read.set_from_end(true);
    read.set_direction(v1::READ_DIRECTION_BACKWARD);
    read.set_limit(1);
    v1::ReadResponse response;
    auto context = As(kAdmin);
    const grpc::Status s = events_->ReadAll(context.get(), read, &response);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return response.events_size() == 1 ? response.events(0).position() + 1 : 0;
  }

  // The customer as an admin sees it now (GetCustomer), expecting success.
  v1::Customer CustomerAsAdmin(const std::string& id) {
    v1::GetCustomerRequest request;
    request.set_customer_id(id);
    v1::Customer customer;
    auto context = As(kAdmin);
    const grpc::Status s = crm_->GetCustomer(context.get(), request, &customer);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return customer;
  }

  // Calls CrmService method `m` as `who`; a request without request_id gets
  // a fresh one.
  template <typename Req, typename Resp>
  grpc::Status Call(const char* who,
                    grpc::Status (v1::CrmService::Stub::*m)(grpc::ClientContext*, const Req&,
                                                            Resp*),
                    Req request, Resp* response) {
    if constexpr (requires { request.request_id(); }) {
      if (request.request_id().empty()) request.set_request_id(NextRequestId());
    }
    auto context = As(who);
    return (crm_.get()->*m)(context.get(), request, response);
  }

  // As Call, for a command expected to succeed; returns its response.
  template <typename Req>
  v1::CommandResponse Ok(const char* who,
                         grpc::Status (v1::CrmService::Stub::*m)(grpc::ClientContext*, const Req&,
                                                                 v1::CommandResponse*),
                         const Req& request) {
    v1::CommandResponse response;
    grpc::Status s = Call(who, m, request, &response);
    EXPECT_TRUE(s.ok()) << Describe(s) << " for " << request.ShortDebugString();
    return response;
  }

  // The status code of a command call.
  template <typename Req, typename Resp>
  grpc::StatusCode Code(const char* who,
                        grpc::Status (v1::CrmService::Stub::*m)(grpc::ClientContext*, const Req&,
                                                                Resp*),
                        const Req& request) {
    Resp response;
    return Call(who, m, request, &response).error_code();
  }

  // Teams t-south > t-south-gz and t-north; reps r1 (t-south), r2
  // (t-south-gz), r3 (t-north).
  void CreateOrg() {
    auto team = [&](const std::string& id, const std::string& parent) {
      v1::CreateTeamRequest r;
      r.mutable_command()->set_team_id(id);
      r.mutable_command()->set_name(id);
      r.mutable_command()->set_parent_team_id(parent);
      Ok(kAdmin, &v1::CrmService::Stub::CreateTeam, r);
    };
    auto rep = [&](const std::string& id, const std::string& team_id) {
      v1::RegisterRepRequest r;
      r.mutable_command()->set_rep_id(id);
      r.mutable_command()->set_name(id);
      r.mutable_command()->set_team_id(team_id);
      Ok(kAdmin, &v1::CrmService::Stub::RegisterRep, r);
    };
    team("t-south", "");
    team("t-south-gz", "t-south");
    team("t-north", "");
    rep("r1", "t-south");
    rep("r2", "t-south-gz");
    rep("r3", "t-north");
  }

  // A fresh request id per call.
  std::string NextRequestId() { return absl::StrCat("req-", ++requests_); }

  crm::testing::TempDir dir_;
  std::unique_ptr<CrmServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CrmService::Stub> crm_;
  std::unique_ptr<v1::EventStoreService::Stub> events_;
  std::unique_ptr<v1::PipelineService::Stub> pipeline_;
  std::unique_ptr<v1::DirectoryService::Stub> directory_;
  std::unique_ptr<v1::HistoryService::Stub> history_;
  std::unique_ptr<v1::BalancesService::Stub> balances_;
  std::unique_ptr<v1::ReportsService::Stub> reports_;
  int requests_ = 0;
};

}  // namespace crm::service::testing

#endif  // CRM_TESTS_SERVICE_SERVICE_FIXTURE_H_
