// A failed WAL write or fsync poisons the writer: the failing append and every
// later one are refused until the store is reopened, and nothing unsynced is
// ever shown to readers.
#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "tests/engine/store_test_util.h"

namespace crm::engine {
namespace {

using crm::testing::StatusIs;
using testing::Events;
using testing::One;

// Fails Sync/Fsync (or Append) of write-ahead-log files while a flag is set.
class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultyFileSystem(std::shared_ptr<rocksdb::FileSystem> base)
      : FileSystemWrapper(std::move(base)) {}
  const char* Name() const override { return "FaultyFileSystem"; }

  std::atomic<bool> fail_sync{false};
  std::atomic<bool> fail_append{false};
  // While set, a WAL sync waits (after counting itself in syncs_waiting).
  std::atomic<bool> hold_sync{false};
  std::atomic<int> syncs_waiting{0};

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& opts,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(f, opts, r, dbg);
    if (s.ok() && absl::EndsWith(f, ".log")) *r = std::make_unique<File>(std::move(*r), this);
    return s;
  }

 private:
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> f, FaultyFileSystem* fs)
        : FSWritableFileOwnerWrapper(std::move(f)), fs_(fs) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& d, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* dbg) override {
      if (fs_->fail_append) return rocksdb::IOStatus::IOError("injected append failure");
      return FSWritableFileOwnerWrapper::Append(d, o, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override {
      Hold();
      if (fs_->fail_sync) return rocksdb::IOStatus::IOError("injected fsync failure");
      return FSWritableFileOwnerWrapper::Sync(o, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override {
      Hold();
      if (fs_->fail_sync) return rocksdb::IOStatus::IOError("injected fsync failure");
      return FSWritableFileOwnerWrapper::Fsync(o, dbg);
    }

   private:
    void Hold() {
      if (!fs_->hold_sync) return;
      ++fs_->syncs_waiting;
      while (fs_->hold_sync) absl::SleepFor(absl::Milliseconds(1));
      --fs_->syncs_waiting;
    }
    FaultyFileSystem* fs_;
  };
};

class FaultInjectionTest : public ::testing::Test {
 protected:
  FaultInjectionTest()
      : fs_(std::make_shared<FaultyFileSystem>(rocksdb::FileSystem::Default())),
        env_(rocksdb::NewCompositeEnv(fs_)) {}

  std::unique_ptr<EventStore> Open() {
    StoreOptions o;
    o.path = dir_.path();
    o.env = env_.get();
    auto s = EventStore::Open(o);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? std::move(*s) : nullptr;
  }

  void ExpectPoisonedThenRecovered(std::atomic<bool>& fault) {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Append(One("s-1", ExpectedRevision::Any(), Events(1))).ok());
    fault = true;
    EXPECT_THAT(store->Append(One("s-1", ExpectedRevision::Any(), Events(1))),
                StatusIs(absl::StatusCode::kInternal, "injected"));
    // The failed append was never published.
    EXPECT_EQ(store->CommittedPosition(), 1u);
    EXPECT_EQ(store->ReadAll(0, Direction::kForward, 10)->size(), 1u);
    fault = false;
    // The disk works again, but a failed fsync cannot be retried safely.
    EXPECT_THAT(store->Append(One("s-2", ExpectedRevision::Any(), Events(1))),
                StatusIs(absl::StatusCode::kInternal, "reopen"));
    store.reset();

    store = Open();
    ASSERT_NE(store, nullptr);
    // The acknowledged event is there; the refused one may or may not be
    // (it reached the OS), but never half of it.
    EXPECT_GE(store->CommittedPosition(), 1u);
    EXPECT_EQ(store->ReadStream("s-1", 0, Direction::kForward, 1)->size(), 1u);
    auto r = store->Append(One("s-2", ExpectedRevision::Any(), Events(2)));
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->last_position + 1, store->CommittedPosition());
  }

  crm::testing::TempDir dir_;
  std::shared_ptr<FaultyFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
};

TEST_F(FaultInjectionTest, FailedFsyncRefusesAppendsUntilReopen) {
  ExpectPoisonedThenRecovered(fs_->fail_sync);
}

TEST_F(FaultInjectionTest, FailedWalWriteRefusesAppendsUntilReopen) {
  ExpectPoisonedThenRecovered(fs_->fail_append);
}

// The point-read shortcuts of ReadStream and StreamRevision (stream heads are
// written before their fsync) must not show a write whose fsync is pending.
TEST_F(FaultInjectionTest, ReadsDoNotShowAnAppendWhoseFsyncIsPending) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Append(One("old-1", ExpectedRevision::Any(), Events(2))).ok());
  fs_->hold_sync = true;
  absl::Notification new_done, more_done;
  store->AppendAsync(One("new-1", ExpectedRevision::NoStream(), Events(3)),
                     [&](absl::StatusOr<AppendResult>) { new_done.Notify(); });
  // Wait until the writer has written the group and the syncer holds it.
  while (fs_->syncs_waiting == 0) absl::SleepFor(absl::Milliseconds(1));
  store->AppendAsync(One("old-1", ExpectedRevision::Any(), Events(2)),
                     [&](absl::StatusOr<AppendResult>) { more_done.Notify(); });
  absl::SleepFor(absl::Milliseconds(50));  // let the writer write that one too

  EXPECT_THAT(store->ReadStream("new-1", 5, Direction::kForward, 10),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store->ReadStream("new-1", 0, Direction::kForward, 10),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store->StreamRevision("new-1"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(*store->StreamRevision("old-1"), 1u);
  EXPECT_TRUE(store->ReadStream("old-1", 2, Direction::kForward, 10)->empty());
  EXPECT_TRUE(store->ReadStream("old-1", 9, Direction::kForward, 10)->empty());

  fs_->hold_sync = false;
  new_done.WaitForNotification();
  more_done.WaitForNotification();
  EXPECT_EQ(*store->StreamRevision("new-1"), 2u);
  EXPECT_EQ(*store->StreamRevision("old-1"), 3u);
  EXPECT_EQ(store->ReadStream("new-1", 1, Direction::kForward, 10)->size(), 2u);
  EXPECT_EQ(store->ReadStream("old-1", 2, Direction::kForward, 10)->size(), 2u);
  EXPECT_TRUE(store->ReadStream("old-1", 4, Direction::kForward, 10)->empty());
  EXPECT_THAT(store->ReadStream("none-1", 4, Direction::kForward, 10),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace crm::engine
