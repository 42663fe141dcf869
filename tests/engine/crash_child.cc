// crash_child: appends in a loop until killed, and reports every acknowledged
// append on stdout. crash_test kills it with SIGKILL and checks the store.
//
// Usage: crash_child DATA_DIR THREADS [power-loss]
// Each thread t appends, alternately, one event to "crash-<t>" (exact expected
// revision) and one event each to "pair-<t>a" and "pair-<t>b" in one call.
// After each acknowledged append it writes one line "ack STREAM REVISION
// POSITION" per stream (a single write(2), so lines never interleave).
//
// With "power-loss", every write-ahead-log file the store creates is reported
// as "created NAME", and every successful fsync of one as "synced NAME LENGTH"
// (printed before the fsync returns to RocksDB, hence before any ack it
// covers). The test then cuts each such file back to its last synced length,
// which is what a power cut does to data still in the page cache.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/store/event_store.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

using crm::engine::EventId;
using crm::engine::EventStore;
using crm::engine::ExpectedRevision;
using crm::engine::Revision;
using crm::engine::StreamAppend;

namespace {

ExpectedRevision After(EventStore& store, const std::string& stream) {
  auto head = store.StreamRevision(stream);
  return head.ok() ? ExpectedRevision::Exact(*head) : ExpectedRevision::NoStream();
}

void Report(const std::string& lines) {
  if (write(STDOUT_FILENO, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) {
    std::abort();
  }
}

// Reports WAL creation and synced lengths (see the file comment).
class SyncReportingFileSystem : public rocksdb::FileSystemWrapper {
 public:
  using FileSystemWrapper::FileSystemWrapper;
  const char* Name() const override { return "SyncReportingFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& opts,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(f, opts, r, dbg);
    if (s.ok() && absl::EndsWith(f, ".log")) {
      std::string name = f.substr(f.rfind('/') + 1);
      Report(absl::StrCat("created ", name, "\n"));
      *r = std::make_unique<File>(std::move(*r), std::move(name));
    }
    return s;
  }

 private:
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> f, std::string name)
        : FSWritableFileOwnerWrapper(std::move(f)), name_(std::move(name)) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& d, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* dbg) override {
      size_ += d.size();
      return FSWritableFileOwnerWrapper::Append(d, o, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& d, const rocksdb::IOOptions& o,
                             const rocksdb::DataVerificationInfo& v,
                             rocksdb::IODebugContext* dbg) override {
      size_ += d.size();
      return FSWritableFileOwnerWrapper::Append(d, o, v, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override {
      return Reported(FSWritableFileOwnerWrapper::Sync(o, dbg));
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override {
      return Reported(FSWritableFileOwnerWrapper::Fsync(o, dbg));
    }

   private:
    rocksdb::IOStatus Reported(rocksdb::IOStatus s) {
      if (s.ok()) Report(absl::StrCat("synced ", name_, " ", size_, "\n"));
      return s;
    }
    std::string name_;
    uint64_t size_ = 0;
  };
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: crash_child DATA_DIR THREADS [power-loss]\n");
    return 2;
  }
  crm::engine::StoreOptions options;
  options.path = argv[1];
  std::unique_ptr<rocksdb::Env> env;
  if (argc == 4 && std::string(argv[3]) == "power-loss") {
    env = rocksdb::NewCompositeEnv(
        std::make_shared<SyncReportingFileSystem>(rocksdb::FileSystem::Default()));
    options.env = env.get();
  }
  auto store = EventStore::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "crash_child: %s\n", store.status().ToString().c_str());
    return 1;
  }
  Report("ready\n");
  const int threads = std::atoi(argv[2]);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&store, t] {
      const std::string own = absl::StrCat("crash-", t);
      const std::string a = absl::StrCat("pair-", t, "a"), b = absl::StrCat("pair-", t, "b");
      for (uint64_t i = 0;; ++i) {
        std::vector<StreamAppend> req;
        if (i % 2 == 0) {
          req.push_back({own, After(**store, own), {{EventId::Random(), "crash.Own", "x", ""}}});
        } else {
          req.push_back({a, After(**store, a), {{EventId::Random(), "crash.Pair", "a", ""}}});
          req.push_back({b, After(**store, b), {{EventId::Random(), "crash.Pair", "b", ""}}});
        }
        auto r = (*store)->Append(req);
        if (!r.ok()) {
          std::fprintf(stderr, "crash_child: %s\n", r.status().ToString().c_str());
          std::abort();
        }
        std::string lines;
        Revision pos = r->first_position;
        for (const auto& s : r->streams) {
          absl::StrAppend(&lines, "ack ", s.stream, " ", s.last_revision, " ", pos++, "\n");
        }
        Report(lines);
      }
    });
  }
  for (auto& w : workers) w.join();
  return 0;
}
