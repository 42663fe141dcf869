// Kill the process while the runner is mid-batch, restart, and check the view
// equals a clean rebuild and the log itself: nothing applied twice or skipped.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <random>
#include <string>

#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "projections/projection_runner.h"
#include "tests/projections/counting_projection.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace crm::projections {
namespace {

using crm::testing::IsOk;

void RunAndKill(const std::string& store_dir, const std::string& views_dir, absl::Duration d) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl(CRM_PROJECTION_CRASH_CHILD_PATH, "projection_crash_child", store_dir.c_str(),
          views_dir.c_str(), nullptr);
    _exit(127);
  }
  close(out[1]);
  char buf[16];
  ASSERT_GT(read(out[0], buf, sizeof(buf)), 0) << "child did not start";
  absl::SleepFor(d);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  close(out[0]);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "child ended on its own with status " << status;
}

TEST(ProjectionCrashTest, ViewAfterSigkillMidBatchEqualsACleanRebuild) {
  crm::testing::TempDir store_dir, views_dir;
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> ms(50, 300);
  for (int round = 0; round < 8; ++round) {
    RunAndKill(store_dir.path(), views_dir.path(), absl::Milliseconds(ms(rng)));
    if (HasFatalFailure()) return;

    engine::StoreOptions so;
    so.path = store_dir.path();
    auto store = engine::EventStore::Open(so);
    ASSERT_TRUE(store.ok()) << store.status();
    std::vector<std::unique_ptr<Projection>> ps;
    ps.push_back(std::make_unique<testing::CountingProjection>());
    RunnerOptions ro;
    ro.path = views_dir.path();
    auto runner = ProjectionRunner::Open(store->get(), std::move(ps), ro);
    ASSERT_TRUE(runner.ok()) << runner.status();
    const engine::Position end = (*store)->CommittedPosition();
    ASSERT_GT(end, 0u);
    ASSERT_THAT((*runner)->WaitFor("counts", end - 1, absl::Now() + absl::Seconds(60)), IsOk());

    // The view against the log itself...
    std::map<std::string, uint64_t> expected;
    auto all = (*store)->ReadAll(0, engine::Direction::kForward, end);
    ASSERT_TRUE(all.ok());
    for (const auto& e : *all) ++expected["stream/" + e.stream];
    auto reader = (*runner)->Reader("counts");
    ASSERT_TRUE(reader.ok());
    std::map<std::string, uint64_t> got;
    ASSERT_THAT((*reader)->Scan("stream/",
                                [&](absl::string_view k, absl::string_view v) {
                                  uint64_t n = 0;
                                  EXPECT_TRUE(absl::SimpleAtoi(v, &n));
                                  got[std::string(k)] = n;
                                  return true;
                                }),
                IsOk());
    ASSERT_EQ(got, expected) << "round " << round;
    // ...and against a rebuild from scratch.
    auto report = (*runner)->Verify("counts");
    ASSERT_TRUE(report.ok()) << report.status();
    ASSERT_TRUE(report->ok()) << "round " << round << ": " << report->differences.front();
  }
}

}  // namespace
}  // namespace crm::projections
