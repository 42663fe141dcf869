// Durability under kill -9: a child process appends in a loop and reports
// each acknowledged append; the test kills it at random moments, reopens the
// store, and checks that every acknowledged event is there and that no append
// is partly visible.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "gtest/gtest.h"
#include "tests/engine/store_test_util.h"

namespace crm::engine {
namespace {

struct Ack {
  std::string stream;
  Revision revision;
  Position position;
};

struct ChildRun {
  std::vector<Ack> acks;
  // power-loss mode: the WAL files the child created and their synced lengths.
  absl::flat_hash_map<std::string, uint64_t> synced;
};

// Runs crash_child for `run_for`, SIGKILLs it, and returns what it reported.
ChildRun RunAndKill(const std::string& dir, absl::Duration run_for, bool power_loss) {
  int out[2];
  EXPECT_EQ(pipe(out), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl(CRM_CRASH_CHILD_PATH, "crash_child", dir.c_str(), "4",
          power_loss ? "power-loss" : nullptr, nullptr);
    _exit(127);
  }
  close(out[1]);
  // Wait until the child has opened the store, then let it run.
  std::string text;
  char buf[65536];
  while (text.find("ready\n") == std::string::npos) {
    ssize_t n = read(out[0], buf, sizeof(buf));
    if (n <= 0) break;
    text.append(buf, n);
  }
  absl::SleepFor(run_for);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  // Anything but our SIGKILL (an abort on a failed append, say) is a failure.
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "child ended on its own with status " << status;
  // Everything the child wrote before it died is in the pipe.
  for (ssize_t n; (n = read(out[0], buf, sizeof(buf))) > 0;) text.append(buf, n);
  close(out[0]);

  ChildRun run;
  std::istringstream in(text);
  std::string word;
  while (in >> word) {
    if (word == "ack") {
      Ack a;
      in >> a.stream >> a.revision >> a.position;
      run.acks.push_back(a);
    } else if (word == "created") {
      std::string name;
      in >> name;
      run.synced.emplace(name, 0);
    } else if (word == "synced") {
      std::string name;
      uint64_t length;
      in >> name >> length;
      run.synced[name] = std::max(run.synced[name], length);
    }
  }
  return run;
}

// What a power cut does: data written since the last fsync is gone.
uint64_t DropUnsyncedWal(const std::string& dir, const ChildRun& run) {
  uint64_t dropped = 0;
  for (const auto& [name, length] : run.synced) {
    const std::string path = dir + "/" + name;
    struct stat st;
    if (stat(path.c_str(), &st) != 0) continue;  // already deleted by RocksDB
    if (static_cast<uint64_t>(st.st_size) > length) {
      dropped += st.st_size - length;
      EXPECT_EQ(truncate(path.c_str(), static_cast<off_t>(length)), 0) << path;
    }
  }
  return dropped;
}

// Reopens the store and checks it against the acks: every acknowledged event
// is where its ack said, the log and every stream are dense, and the two
// halves of every pair append are both present or both absent.
void CheckStore(const std::string& dir, const std::vector<Ack>& acks, int round) {
  StoreOptions o;
  o.path = dir;
  auto store = EventStore::Open(o);
  ASSERT_TRUE(store.ok()) << "round " << round << ": " << store.status();
  for (const Ack& a : acks) {
    auto e = (*store)->ReadStream(a.stream, a.revision, Direction::kForward, 1);
    ASSERT_TRUE(e.ok()) << "round " << round << ": lost " << a.stream << "@" << a.revision << ": "
                        << e.status();
    ASSERT_EQ(e->size(), 1u) << "round " << round << ": lost " << a.stream << "@" << a.revision;
    ASSERT_EQ(e->front().position, a.position);
  }
  auto all = (*store)->ReadAll(0, Direction::kForward, 100000000);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), (*store)->CommittedPosition());
  absl::flat_hash_map<std::string, Revision> next;
  for (size_t i = 0; i < all->size(); ++i) {
    const RecordedEvent& e = (*all)[i];
    ASSERT_EQ(e.position, i);
    ASSERT_EQ(e.revision, next[e.stream]++) << e.stream;
    if (e.type == "crash.Pair" && e.data == "a") {
      ASSERT_LT(i + 1, all->size()) << "pair append torn at the end of the log";
      const RecordedEvent& b = (*all)[i + 1];
      ASSERT_EQ(b.data, "b") << "pair append torn at position " << i;
      ASSERT_EQ(b.stream, e.stream.substr(0, e.stream.size() - 1) + "b");
    }
  }
  for (const auto& [stream, n] : next) {
    if (stream.rfind("pair-", 0) == 0 && stream.back() == 'a') {
      ASSERT_EQ(n, next[stream.substr(0, stream.size() - 1) + "b"]) << stream;
    }
  }
}

TEST(CrashTest, AcknowledgedAppendsSurviveSigkillAndNoAppendIsPartlyVisible) {
  crm::testing::TempDir dir;
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> ms(30, 400);
  size_t total_acks = 0;
  for (int round = 0; round < 20; ++round) {
    ChildRun run = RunAndKill(dir.path(), absl::Milliseconds(ms(rng)), /*power_loss=*/false);
    total_acks += run.acks.size();
    CheckStore(dir.path(), run.acks, round);
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(total_acks, 0u) << "the child never acknowledged an append";
  RecordProperty("acks_checked", static_cast<int>(total_acks));
}

TEST(CrashTest, AcknowledgedAppendsSurvivePowerLossOfUnsyncedWalData) {
  crm::testing::TempDir dir;
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> ms(30, 300);
  size_t total_acks = 0;
  uint64_t total_dropped = 0;
  for (int round = 0; round < 10; ++round) {
    ChildRun run = RunAndKill(dir.path(), absl::Milliseconds(ms(rng)), /*power_loss=*/true);
    ASSERT_FALSE(run.synced.empty()) << "the child reported no WAL file";
    total_acks += run.acks.size();
    total_dropped += DropUnsyncedWal(dir.path(), run);
    CheckStore(dir.path(), run.acks, round);
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(total_acks, 0u) << "the child never acknowledged an append";
  RecordProperty("acks_checked", static_cast<int>(total_acks));
  RecordProperty("unsynced_wal_bytes_dropped", static_cast<int>(total_dropped));
}

}  // namespace
}  // namespace crm::engine
