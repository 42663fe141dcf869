// crmd --demo: the sample company is there at once — a pipeline with calls
// due and overdue, the pool, receivables — and loading it again writes
// nothing.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/service_fixture.h"

namespace crm::service::testing {
namespace {

class DemoTest : public ServiceTest {
 protected:
  void Configure(CrmdConfig& config) override { config.set_demo(true); }

  // The last committed position (the demo's last event).
  uint64_t LastPosition() { return LogSize() - 1; }

  int Pipeline(v1::PipelineScope scope, v1::PipelineDueFilter due = {}) {
    v1::ListPipelineRequest r;
    *r.mutable_scope() = scope;
    r.set_due(due);
    r.set_min_position(LastPosition());
    v1::ListPipelineResponse out;
    auto context = As(kAdmin);
    grpc::Status s = pipeline_->ListPipeline(context.get(), r, &out);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return out.entries_size();
  }
};

TEST_F(DemoTest, TheSampleCompanyHasAPipelineThePoolAndReceivables) {
  v1::PipelineScope everyone;
  everyone.set_everyone(true);
  EXPECT_EQ(Pipeline(everyone), 18);
  EXPECT_GT(Pipeline(everyone, v1::PIPELINE_DUE_FILTER_OVERDUE), 0);
  EXPECT_GT(Pipeline(everyone, v1::PIPELINE_DUE_FILTER_DUE_TODAY), 0);
  v1::PipelineScope pool;
  pool.set_public_pool(true);
  EXPECT_EQ(Pipeline(pool), 2);

  v1::GetOrderBalanceRequest order;
  order.set_order_id("demo-o2");
  order.set_min_position(LastPosition());
  v1::OrderBalance balance;
  auto context = As(kAdmin);
  grpc::Status s = balances_->GetOrderBalance(context.get(), order, &balance);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(balance.outstanding().minor_units(), 1080000);  // 15,800.00 - 5,000.00
  EXPECT_EQ(balance.status(), v1::PAYMENT_STATUS_OVERDUE);
}

TEST_F(DemoTest, LoadingTheDemoAgainWritesNothing) {
  const uint64_t before = LastPosition();
  server_->Shutdown();
  server_.reset();
  StartServer();  // same folder, demo again
  EXPECT_EQ(LastPosition(), before);
}

}  // namespace
}  // namespace crm::service::testing
