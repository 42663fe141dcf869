// A failed WAL write or fsync poisons the writer: the failing append and every
// later one are refused until the store is reopened, and nothing unsynced is
// ever shown to readers.
#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/match.h"
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
      if (fs_->fail_sync) return rocksdb::IOStatus::IOError("injected fsync failure");
      return FSWritableFileOwnerWrapper::Sync(o, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override {
      if (fs_->fail_sync) return rocksdb::IOStatus::IOError("injected fsync failure");
      return FSWritableFileOwnerWrapper::Fsync(o, dbg);
    }

   private:
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

}  // namespace
}  // namespace crm::engine
