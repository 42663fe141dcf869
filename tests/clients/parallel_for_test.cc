// ParallelFor: every index once, failures reported by the smallest index.
#include "clients/import/parallel_for.h"

#include <atomic>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace crm::clients {
namespace {

TEST(ParallelForTest, EveryIndexRunsExactlyOnce) {
  for (int threads : {1, 4, 16}) {
    std::vector<std::atomic<int>> calls(1000);
    absl::Status s = ParallelFor(calls.size(), threads, [&](size_t i) {
      ++calls[i];
      return absl::OkStatus();
    });
    ASSERT_TRUE(s.ok()) << s;
    for (size_t i = 0; i < calls.size(); ++i) ASSERT_EQ(calls[i].load(), 1) << i << " " << threads;
  }
}

TEST(ParallelForTest, OneThreadRunsInOrderAndStopsAtTheFirstFailure) {
  std::vector<size_t> order;
  absl::Status s = ParallelFor(10, 1, [&](size_t i) {
    order.push_back(i);
    return i == 3 ? absl::InternalError("at 3") : absl::OkStatus();
  });
  EXPECT_EQ(s.message(), "at 3");
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3}));
}

TEST(ParallelForTest, ManyThreadsReportTheSmallestFailingIndexAndStopStartingNewOnes) {
  std::atomic<int> started{0};
  absl::Status s = ParallelFor(100000, 8, [&](size_t i) {
    ++started;
    return i % 50 == 7 ? absl::InternalError(absl::StrCat("at ", i)) : absl::OkStatus();
  });
  EXPECT_EQ(s.message(), "at 7");
  EXPECT_LT(started.load(), 100000) << "work stopped after the first failure";
}

}  // namespace
}  // namespace crm::clients
