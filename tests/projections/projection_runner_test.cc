// The projection runtime against a real store: exactly-once application,
// read-your-writes, reopen, rebuild on version change and on request,
// verify, lag, and a projection that fails.
#include "projections/projection_runner.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "engine/store/keyspace.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/engine/store_test_util.h"
#include "tests/projections/counting_projection.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace crm::projections {
namespace {

using crm::testing::IsOk;
using crm::testing::StatusIs;
using engine::ExpectedRevision;
using engine::testing::Events;
using engine::testing::One;
using testing::CountingProjection;

absl::Time Soon() { return absl::Now() + absl::Seconds(30); }

class ProjectionRunnerTest : public engine::testing::StoreFixture {
 protected:
  void TearDown() override { runner_.reset(); }

  void StartRunner(uint32_t version = 1, std::string fail_on = "") {
    runner_.reset();
    std::vector<std::unique_ptr<Projection>> ps;
    ps.push_back(std::make_unique<CountingProjection>(version, std::move(fail_on)));
    RunnerOptions o;
    o.path = views_.path();
    o.batch_events = 16;  // small, so tests cross many batches
    auto r = ProjectionRunner::Open(store_.get(), std::move(ps), o);
    ASSERT_TRUE(r.ok()) << r.status();
    runner_ = std::move(*r);
  }

  engine::Position AppendTo(const std::string& stream, int n, const std::string& type = "test.A") {
    auto r = store_->Append(One(stream, ExpectedRevision::Any(), Events(n, type)));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->last_position : 0;
  }

  // All rows of the active view.
  std::map<std::string, std::string> Rows() {
    std::map<std::string, std::string> rows;
    auto reader = runner_->Reader("counts");
    EXPECT_TRUE(reader.ok());
    EXPECT_THAT((*reader)->Scan("",
                                [&](absl::string_view k, absl::string_view v) {
                                  rows.emplace(std::string(k), std::string(v));
                                  return true;
                                }),
                IsOk());
    return rows;
  }

  crm::testing::TempDir views_;
  std::unique_ptr<ProjectionRunner> runner_;
};

TEST_F(ProjectionRunnerTest, AppliesEveryEventOnceAndWaitForGivesReadYourWrites) {
  StartRunner();
  for (int i = 0; i < 20; ++i) AppendTo(absl::StrCat("s-", i % 3), 5);
  const engine::Position last = AppendTo("s-0", 1, "test.B");
  AppendTo("s-9", 2, "other.Ignored");  // not in event_types()
  ASSERT_THAT(runner_->WaitFor("counts", last, Soon()), IsOk());
  auto rows = Rows();
  EXPECT_EQ(rows["stream/s-0"], "36");  // 7 appends of 5, plus 1
  EXPECT_EQ(rows["stream/s-1"], "35");
  EXPECT_EQ(rows["stream/s-2"], "30");
  EXPECT_EQ(rows["type/test.A"], "100");
  EXPECT_EQ(rows["type/test.B"], "1");
  EXPECT_EQ(rows.count("stream/s-9"), 0u);
}

TEST_F(ProjectionRunnerTest, WaitForAPositionNotYetWrittenTimesOut) {
  StartRunner();
  const engine::Position last = AppendTo("s-1", 1);
  EXPECT_THAT(runner_->WaitFor("counts", last + 5, absl::Now() + absl::Milliseconds(100)),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(runner_->WaitFor("nope", 0, Soon()), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ProjectionRunnerTest, RestartContinuesFromTheCheckpointWithoutDoubleCounting) {
  StartRunner();
  ASSERT_THAT(runner_->WaitFor("counts", AppendTo("s-1", 40), Soon()), IsOk());
  runner_.reset();
  AppendTo("s-1", 10);  // while no runner runs
  Reopen();             // and the store restarts too
  StartRunner();
  ASSERT_THAT(runner_->WaitFor("counts", AppendTo("s-1", 1), Soon()), IsOk());
  EXPECT_EQ(Rows()["stream/s-1"], "51");
  auto report = runner_->Verify("counts");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << report->differences.front();
}

TEST_F(ProjectionRunnerTest, NewVersionRebuildsWhileTheOldViewServesThenSwitches) {
  StartRunner(/*version=*/1);
  ASSERT_THAT(runner_->WaitFor("counts", AppendTo("s-1", 300), Soon()), IsOk());
  StartRunner(/*version=*/2);
  // Right after the restart the old view still answers (version 1 counts).
  auto status = runner_->Status("counts");
  ASSERT_TRUE(status.ok());
  std::string early = Rows()["stream/s-1"];
  EXPECT_TRUE(early == "300" || early == "600") << early;
  // Eventually the rebuilt version-2 view takes over, with new events in it.
  const engine::Position last = AppendTo("s-1", 1);
  for (int i = 0; i < 3000; ++i) {
    status = runner_->Status("counts");
    if (status->version == 2 && !status->rebuilding && status->checkpoint > last) break;
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(status->version, 2u);
  EXPECT_FALSE(status->rebuilding);
  EXPECT_EQ(Rows()["stream/s-1"], "602");
  auto report = runner_->Verify("counts");
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

TEST_F(ProjectionRunnerTest, RebuildOnRequestEndsWithTheSameView) {
  StartRunner();
  ASSERT_THAT(runner_->WaitFor("counts", AppendTo("s-1", 100), Soon()), IsOk());
  auto before = Rows();
  ASSERT_THAT(runner_->Rebuild("counts"), IsOk());
  EXPECT_TRUE(runner_->Status("counts")->rebuilding || Rows() == before);
  for (int i = 0; i < 3000 && runner_->Status("counts")->rebuilding; ++i) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_FALSE(runner_->Status("counts")->rebuilding);
  EXPECT_EQ(Rows(), before);
}

TEST_F(ProjectionRunnerTest, VerifyFindsNoDifferenceThenReportsATamperedRow) {
  StartRunner();
  ASSERT_THAT(runner_->WaitFor("counts", AppendTo("s-1", 50), Soon()), IsOk());
  auto clean = runner_->Verify("counts");
  ASSERT_TRUE(clean.ok()) << clean.status();
  EXPECT_TRUE(clean->ok());
  EXPECT_EQ(clean->rows_compared, 2u);
  ASSERT_THAT(runner_->TamperForTest("counts", "stream/s-1", "49"), IsOk());
  ASSERT_THAT(runner_->TamperForTest("counts", "stream/ghost", "1"), IsOk());
  auto dirty = runner_->Verify("counts");
  ASSERT_TRUE(dirty.ok());
  ASSERT_EQ(dirty->differences.size(), 2u);
  EXPECT_NE(dirty->differences[0].find("ghost"), std::string::npos);
  EXPECT_NE(dirty->differences[1].find("differs"), std::string::npos);
}

TEST_F(ProjectionRunnerTest, AFailingProjectionStopsAtTheEventAndSaysWhy) {
  // Both appends before the runner starts: they are one batch, and the good
  // events before the bad one must still be applied.
  AppendTo("s-1", 3);
  const engine::Position bad = AppendTo("s-1", 1, "test.Poison");
  StartRunner(1, /*fail_on=*/"test.Poison");
  EXPECT_THAT(runner_->WaitFor("counts", bad, Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, "cannot read test.Poison"));
  auto status = runner_->Status("counts");
  EXPECT_EQ(status->checkpoint, bad);  // everything before it is applied
  EXPECT_EQ(Rows()["stream/s-1"], "3");
}

TEST_F(ProjectionRunnerTest, ACorruptEventInTheLogStopsTheViewThereAndSaysWhy) {
  AppendTo("s-1", 3);
  // Damage the record at position 1 behind the store's back.
  store_.reset();
  {
    rocksdb::DB* raw = nullptr;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir_.path(), &names).ok());
    for (const std::string& n : names) cfs.push_back({n, rocksdb::ColumnFamilyOptions()});
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir_.path(), cfs, &handles, &raw).ok());
    rocksdb::ColumnFamilyHandle* events = nullptr;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == engine::keyspace::kEventsCf) events = handles[i];
    }
    ASSERT_NE(events, nullptr);
    ASSERT_TRUE(
        raw->Put(rocksdb::WriteOptions(), events, engine::keyspace::U64BE(1), "not a record").ok());
    for (rocksdb::ColumnFamilyHandle* h : handles) raw->DestroyColumnFamilyHandle(h);
    delete raw;
  }
  Reopen();
  StartRunner();
  EXPECT_THAT(runner_->WaitFor("counts", 2, Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, "reading the log at position 1"));
  auto status = runner_->Status("counts");
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_THAT(status->error,
              StatusIs(absl::StatusCode::kDataLoss, "reading the log at position 1"));
  EXPECT_EQ(status->checkpoint, 1u);  // the event before it is applied
  EXPECT_EQ(Rows()["stream/s-1"], "1");
}

TEST_F(ProjectionRunnerTest, ReportsLagInEventsAndTime) {
  AppendTo("s-1", 10);
  StartRunner();
  ASSERT_THAT(runner_->WaitFor("counts", 9, Soon()), IsOk());
  auto status = runner_->Status("counts");
  EXPECT_EQ(status->lag_events, 0u);
  EXPECT_EQ(status->lag_time, absl::ZeroDuration());
  EXPECT_EQ(status->committed, 10u);
  EXPECT_EQ(runner_->Statuses().size(), 1u);
}

}  // namespace
}  // namespace crm::projections
