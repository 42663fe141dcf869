// CrmService's batch RPCs through a real server on 127.0.0.1: ExecuteCommands
// runs each command as its own RPC would (result, idempotent retry, role and
// scope per command), one target's commands in order and stopped at its
// first failure, other targets unaffected; LookupCustomers and
// BatchGetCustomers answer as their single calls, in order.
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/crm_calls.h"
#include "tests/service/service_fixture.h"

namespace crm::service::testing {
namespace {

using ::testing::HasSubstr;
using Stub = v1::CrmService::Stub;

constexpr int kOk = 0;
constexpr int kAborted = static_cast<int>(grpc::StatusCode::ABORTED);
constexpr int kAlreadyExists = static_cast<int>(grpc::StatusCode::ALREADY_EXISTS);
constexpr int kNotFound = static_cast<int>(grpc::StatusCode::NOT_FOUND);
constexpr int kPermissionDenied = static_cast<int>(grpc::StatusCode::PERMISSION_DENIED);

v1::BatchedCommand Batched(const v1::RegisterCustomerRequest& r) {
  v1::BatchedCommand b;
  b.set_request_id(r.request_id());
  *b.mutable_customer()->mutable_register_() = r.command();
  return b;
}

v1::BatchedCommand Batched(const v1::LogFollowUpRequest& r) {
  v1::BatchedCommand b;
  b.set_request_id(r.request_id());
  *b.mutable_customer()->mutable_log_follow_up() = r.command();
  return b;
}

class CrmBatchTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    CreateOrg();
  }

  v1::ExecuteCommandsResponse Execute(const char* who, const v1::ExecuteCommandsRequest& request,
                                      grpc::Status* status = nullptr) {
    v1::ExecuteCommandsResponse response;
    auto context = As(who);
    grpc::Status s = crm_->ExecuteCommands(context.get(), request, &response);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_TRUE(s.ok()) << Describe(s);
    }
    return response;
  }

  int FollowUpCount(const std::string& customer) {
    v1::GetCustomerRequest get;
    get.set_customer_id(customer);
    v1::Customer c;
    grpc::Status s = Call(kAdmin, &Stub::GetCustomer, get, &c);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return c.follow_up_ids_size();
  }
};

TEST_F(CrmBatchTest, OneCustomersCommandsRunInOrderAndARetriedBatchWritesNothing) {
  v1::ExecuteCommandsRequest request;
  *request.add_commands() = Batched(Registration("b-reg-1", "c1", "r1", "恒达贸易", "13800138001"));
  *request.add_commands() = Batched(FollowUp("b-fu-1", "c1", "f1", "r1"));
  *request.add_commands() = Batched(FollowUp("b-fu-2", "c1", "f2", "r1"));
  *request.add_commands() = Batched(Registration("b-reg-2", "c2", "r1", "顺丰五金", "13800138002"));
  v1::ExecuteCommandsResponse first = Execute(kAdmin, request);
  ASSERT_EQ(first.outcomes_size(), 4);
  for (const v1::CommandOutcome& o : first.outcomes()) {
    EXPECT_EQ(o.code(), kOk) << o.message();
    EXPECT_FALSE(o.response().already_done());
  }
  // The follow-ups came after the registration of their customer.
  EXPECT_EQ(first.outcomes(1).response().revision(), 1u);
  EXPECT_EQ(first.outcomes(2).response().revision(), 2u);
  EXPECT_EQ(FollowUpCount("c1"), 2);

  v1::ExecuteCommandsResponse again = Execute(kAdmin, request);
  ASSERT_EQ(again.outcomes_size(), 4);
  for (const v1::CommandOutcome& o : again.outcomes()) {
    EXPECT_EQ(o.code(), kOk) << o.message();
    EXPECT_TRUE(o.response().already_done());
  }
  EXPECT_EQ(FollowUpCount("c1"), 2);
}

TEST_F(CrmBatchTest, AFailureStopsItsTargetsLaterCommandsButNotOtherTargets) {
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138001"));
  v1::ExecuteCommandsRequest request;
  // The same company name again: ALREADY_EXISTS; its follow-up is not run.
  *request.add_commands() = Batched(Registration("b-dup", "c9", "r1", "恒达贸易", "13900000000"));
  *request.add_commands() = Batched(FollowUp("b-fu-9", "c9", "f9", "r1"));
  *request.add_commands() = Batched(FollowUp("b-fu-1", "c1", "f1", "r1"));
  v1::ExecuteCommandsResponse r = Execute(kAdmin, request);
  ASSERT_EQ(r.outcomes_size(), 3);
  EXPECT_EQ(r.outcomes(0).code(), kAlreadyExists);
  EXPECT_THAT(r.outcomes(0).message(), HasSubstr("c1"));
  EXPECT_EQ(r.outcomes(1).code(), kAborted);
  EXPECT_THAT(r.outcomes(1).message(), HasSubstr("not run"));
  EXPECT_EQ(r.outcomes(2).code(), kOk) << r.outcomes(2).message();
  EXPECT_EQ(FollowUpCount("c1"), 1);
}

TEST_F(CrmBatchTest, EachCommandIsCheckedAgainstTheCallersRoleAndScope) {
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138001"));
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c3", "r2", "美达电器", "13800138003"));
  v1::ExecuteCommandsRequest request;
  *request.add_commands() = Batched(FollowUp("b-own", "c1", "f1", "r1"));
  *request.add_commands() = Batched(FollowUp("b-other", "c3", "f3", "r1"));
  v1::ExecuteCommandsResponse r = Execute(kRep1, request);
  ASSERT_EQ(r.outcomes_size(), 2);
  EXPECT_EQ(r.outcomes(0).code(), kOk) << r.outcomes(0).message();
  EXPECT_EQ(r.outcomes(1).code(), kPermissionDenied);
  EXPECT_EQ(FollowUpCount("c3"), 0);
}

TEST_F(CrmBatchTest, AnEmptyOrOversizedBatchOrAMissingKeyIsRefusedWhole) {
  grpc::Status s;
  Execute(kAdmin, v1::ExecuteCommandsRequest(), &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("commands"));

  v1::ExecuteCommandsRequest big;
  for (int i = 0; i < 501; ++i) {
    *big.add_commands() =
        Batched(FollowUp(absl::StrCat("b-", i), "c1", absl::StrCat("f", i), "r1"));
  }
  Execute(kAdmin, big, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("at most 500"));

  v1::ExecuteCommandsRequest one;
  *one.add_commands() = Batched(Registration("b-x", "cx", "r1", "某公司", "13700000000"));
  Execute(nullptr, one, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(CrmBatchTest, LookupsAndGetsAnswerEachAsTheirSingleCallsInOrder) {
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138001"));
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c3", "r2", "美达电器", "13800138003"));
  v1::LookupCustomersRequest lookups;
  lookups.add_lookups()->set_phone("138 0013 8001");
  lookups.add_lookups()->set_company_name("无此公司");
  lookups.add_lookups()->set_company_name("美达电器有限公司");
  v1::LookupCustomersResponse found;
  {
    auto context = As(kRep1);
    grpc::Status s = crm_->LookupCustomers(context.get(), lookups, &found);
    ASSERT_TRUE(s.ok()) << Describe(s);
  }
  ASSERT_EQ(found.results_size(), 3);
  EXPECT_EQ(found.results(0).code(), kOk);
  EXPECT_EQ(found.results(0).customer_id(), "c1");
  EXPECT_EQ(found.results(1).code(), kNotFound);
  // r2's customer: refused without its id.
  EXPECT_EQ(found.results(2).code(), kPermissionDenied);
  EXPECT_EQ(found.results(2).customer_id(), "");

  v1::BatchGetCustomersRequest get;
  get.add_customer_ids("c3");
  get.add_customer_ids("c1");
  v1::BatchGetCustomersResponse customers;
  {
    auto context = As(kAdmin);
    grpc::Status s = crm_->BatchGetCustomers(context.get(), get, &customers);
    ASSERT_TRUE(s.ok()) << Describe(s);
  }
  ASSERT_EQ(customers.customers_size(), 2);
  EXPECT_EQ(customers.customers(0).customer_id(), "c3");
  EXPECT_EQ(customers.customers(1).profile().company_name(), "恒达贸易");

  get.add_customer_ids("nobody");
  auto context = As(kAdmin);
  grpc::Status s = crm_->BatchGetCustomers(context.get(), get, &customers);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("nobody"));
}

// Two command threads, so four full batches keep the pool busy for a while.
class CrmBatchFairnessTest : public CrmBatchTest {
 protected:
  void Configure(CrmdConfig& config) override { config.mutable_limits()->set_command_threads(2); }
};

TEST_F(CrmBatchFairnessTest, CallsSentWhileBigBatchesRunAreNotQueuedBehindAllTheirCommands) {
  constexpr int kBatches = 4;
  constexpr int kPerBatch = 500;
  const uint64_t before = LogSize();
  std::vector<std::thread> senders;
  for (int b = 0; b < kBatches; ++b) {
    v1::ExecuteCommandsRequest request;
    for (int i = 0; i < kPerBatch; ++i) {
      const std::string id = absl::StrCat("fair-", b, "-", i);
      *request.add_commands() =
          Batched(Registration(id, id, "r1", absl::StrCat("公平贸易", b, "号", i, "厂"),
                               absl::StrCat(13900000000 + b * 1000 + i)));
    }
    senders.emplace_back([this, request] {
      v1::ExecuteCommandsResponse response = Execute(kAdmin, request);
      for (const v1::CommandOutcome& o : response.outcomes())
        EXPECT_EQ(o.code(), kOk) << o.message();
    });
  }
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (LogSize() == before && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(1));
  const uint64_t sent_at = LogSize();

  v1::CommandResponse single;
  grpc::Status s =
      Call(kAdmin, &Stub::RegisterCustomer,
           Registration("fair-single", "fair-single", "r1", "独立五金", "13700001111"), &single);
  ASSERT_TRUE(s.ok()) << Describe(s);
  for (std::thread& t : senders) t.join();
  const uint64_t end = LogSize();
  const uint64_t per_command = (end - before) / (kBatches * kPerBatch + 1);
  ASSERT_GE(per_command, 1u);
  // The reads polling LogSize() were answered while the batches had most of
  // their commands still to run (when every chain is queued at once, the
  // first answer comes only after all of them).
  ASSERT_LT(sent_at - before, (end - before) / 2);
  // Each batch keeps at most 4 chains on the pool, so the single command
  // waited behind about 16 commands, not the ~2,000 still queued.
  EXPECT_LT(single.position(), sent_at + 100 * per_command)
      << "sent when the log held " << sent_at << " events; the batches ended at " << end;
}

}  // namespace
}  // namespace crm::service::testing
