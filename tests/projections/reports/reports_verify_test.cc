// The reports view after a long random workload run through the real
// CommandHandler: the incremental view equals a rebuild (Verify), the money
// of per-rep performance adds up to the orders' own streams, and Verify
// notices a tampered row.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "projections/reports/collection_report.h"
#include "projections/reports/opportunity_funnel.h"
#include "projections/reports/rep_performance.h"
#include "projections/reports/report_rows.pb.h"
#include "projections/reports/reports_keys.h"
#include "projections/reports/reports_projection.h"
#include "tests/projections/balances/random_workload.h"
#include "tests/support/status_matchers.h"

namespace crm::projections::reports {
namespace {

const absl::CivilDay kBegin(2020, 1, 1);
const absl::CivilDay kEnd(2030, 12, 31);

class ReportsVerifyTest : public testing::RandomWorkloadFixture {
 protected:
  void SetUp() override {
    RandomWorkloadFixture::SetUp();
    std::vector<std::unique_ptr<Projection>> ps;
    ps.push_back(std::make_unique<ReportsProjection>());
    StartRunner(std::move(ps));
    RandomWorkload();
    Sync(kReportsProjectionName);
  }
};

TEST_F(ReportsVerifyTest, MoneyOfEveryRepAddsUpToTheOrdersOwnStreams) {
  std::map<std::string, int64_t> ordered, collected, collected_by_payment_rep;  // by currency
  for (int i = 0; i < order_count_; ++i) {
    CRM_ASSERT_OK_AND_ASSIGN(engine::domain::OrderState s,
                             handler_->LoadOrder(absl::StrCat("o", i)));
    if (!s.exists) continue;
    if (!s.cancelled) ordered[s.currency_code] += s.amount;
    collected[s.currency_code] += s.Paid();
  }
  auto reader = runner_->Reader(kReportsProjectionName);
  ASSERT_TRUE(reader.ok());
  CRM_ASSERT_OK_AND_ASSIGN(std::vector<RepPerformanceRow> rows,
                           RepPerformance(**reader, kBegin, kEnd, Period::kWhole));
  std::map<std::string, int64_t> got_ordered, got_collected;
  for (const RepPerformanceRow& r : rows) {
    for (const MoneyFigures& m : r.money) {
      got_ordered[m.currency_code] += m.ordered;
      got_collected[m.currency_code] += m.collected;
    }
  }
  EXPECT_EQ(got_ordered, ordered);
  EXPECT_EQ(got_collected, collected);
  EXPECT_GT(collected["CNY"], 0);

  CRM_ASSERT_OK_AND_ASSIGN(CollectionReport report,
                           BuildCollectionReport(**reader, kBegin, kEnd, {}));
  std::map<std::string, int64_t> report_total;
  for (const CurrencyTotal& t : report.overall) report_total[t.currency_code] = t.amount;
  for (auto it = collected.begin(); it != collected.end();) {
    it = it->second == 0 ? collected.erase(it) : std::next(it);
  }
  for (auto it = report_total.begin(); it != report_total.end();) {
    it = it->second == 0 ? report_total.erase(it) : std::next(it);
  }
  EXPECT_EQ(report_total, collected);
}

TEST_F(ReportsVerifyTest, IncrementalViewEqualsARebuildAndTamperingIsReported) {
  CRM_ASSERT_OK_AND_ASSIGN(VerifyReport clean, runner_->Verify(kReportsProjectionName));
  EXPECT_TRUE(clean.ok()) << clean.differences.front();
  EXPECT_GT(clean.rows_compared, static_cast<uint64_t>(order_count_));
  {
    // The workload reached every kind of row, opportunities included.
    auto reader = runner_->Reader(kReportsProjectionName);
    ASSERT_TRUE(reader.ok());
    CRM_ASSERT_OK_AND_ASSIGN(OpportunityFunnel funnel, BuildOpportunityFunnel(**reader));
    int64_t open = 0;
    for (const FunnelStage& s : funnel.stages) open += s.open;
    EXPECT_GT(open, 0);
    EXPECT_GT(funnel.won + funnel.lost, 0);
  }

  // One more follow-up than there was, on a day that has a row.
  std::string key, value;
  {
    auto reader = runner_->Reader(kReportsProjectionName);
    ASSERT_TRUE(reader.ok());
    CRM_ASSERT_OK(
        (*reader)->Scan(keys::kRepDayPrefix, [&](absl::string_view k, absl::string_view v) {
          key = std::string(k);
          value = std::string(v);
          return false;
        }));
  }
  ASSERT_FALSE(key.empty());
  views::RepDayRow row;
  ASSERT_TRUE(row.ParseFromString(value));
  row.set_follow_ups(row.follow_ups() + 1);
  CRM_ASSERT_OK(runner_->TamperForTest(kReportsProjectionName, key, row.SerializeAsString()));
  CRM_ASSERT_OK_AND_ASSIGN(VerifyReport tampered, runner_->Verify(kReportsProjectionName));
  EXPECT_FALSE(tampered.ok());
}

}  // namespace
}  // namespace crm::projections::reports
