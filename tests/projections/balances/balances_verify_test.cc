// The balances view after a long random workload run through the real
// CommandHandler: the incremental view equals a rebuild from position 0
// (Verify), every order's balance equals the one the domain derives from the
// order's own stream, and Verify notices a tampered row.
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/payment_status.h"
#include "gtest/gtest.h"
#include "projections/balances/balances_keys.h"
#include "projections/balances/balances_projection.h"
#include "projections/balances/balances_queries.h"
#include "projections/balances/order_row.pb.h"
#include "tests/projections/balances/random_workload.h"
#include "tests/support/status_matchers.h"

namespace crm::projections::balances {
namespace {


class BalancesVerifyTest : public testing::RandomWorkloadFixture {
 protected:
  void SetUp() override {
    RandomWorkloadFixture::SetUp();
    std::vector<std::unique_ptr<Projection>> ps;
    ps.push_back(std::make_unique<BalancesProjection>());
    StartRunner(std::move(ps));
  }
};

TEST_F(BalancesVerifyTest, EveryOrderMatchesTheDomainsBalanceOfItsOwnStream) {
  RandomWorkload();
  Sync(kBalancesProjectionName);
  auto reader = runner_->Reader(kBalancesProjectionName);
  ASSERT_TRUE(reader.ok());
  BalancesQueries q(reader->get());
  int checked = 0;
  for (int i = 0; i < order_count_; ++i) {
    const std::string id = absl::StrCat("o", i);
    CRM_ASSERT_OK_AND_ASSIGN(engine::domain::OrderState s, handler_->LoadOrder(id));
    if (!s.exists) continue;
    for (absl::CivilDay as_of : {absl::CivilDay(2026, 1, 15), absl::CivilDay(2026, 6, 30)}) {
      const engine::domain::OrderBalance want = engine::domain::BalanceAsOf(s, as_of);
      CRM_ASSERT_OK_AND_ASSIGN(OrderBalanceView got, q.Order(id, as_of));
      EXPECT_EQ(got.customer_id, Survivor(s.customer_id)) << id;
      EXPECT_EQ(got.amount, want.amount) << id;
      EXPECT_EQ(got.paid, want.paid) << id;
      ASSERT_EQ(got.instalments.size(), want.instalments.size()) << id;
      if (got.cancelled) continue;
      EXPECT_EQ(got.outstanding - got.overpaid, want.outstanding) << id;
      for (size_t k = 0; k < want.instalments.size(); ++k) {
        EXPECT_EQ(got.instalments[k].paid, want.instalments[k].paid) << id;
        EXPECT_EQ(got.instalments[k].status, want.instalments[k].status) << id;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

TEST_F(BalancesVerifyTest, IncrementalViewEqualsARebuildAndTamperingIsReported) {
  RandomWorkload();
  Sync(kBalancesProjectionName);
  CRM_ASSERT_OK_AND_ASSIGN(VerifyReport clean, runner_->Verify(kBalancesProjectionName));
  EXPECT_TRUE(clean.ok()) << clean.differences.front();
  EXPECT_GT(clean.rows_compared, static_cast<uint64_t>(order_count_));

  crm::views::OrderRow row;
  {
    auto reader = runner_->Reader(kBalancesProjectionName);
    ASSERT_TRUE(reader.ok());
    CRM_ASSERT_OK_AND_ASSIGN(auto stored, (*reader)->Get(keys::Order("o1")));
    ASSERT_TRUE(stored.has_value());
    ASSERT_TRUE(row.ParseFromString(*stored));
  }
  row.set_amount(row.amount() + 1);  // one fen off
  CRM_ASSERT_OK(
      runner_->TamperForTest(kBalancesProjectionName, keys::Order("o1"), row.SerializeAsString()));
  CRM_ASSERT_OK_AND_ASSIGN(VerifyReport tampered, runner_->Verify(kBalancesProjectionName));
  EXPECT_FALSE(tampered.ok());
}

}  // namespace
}  // namespace crm::projections::balances
