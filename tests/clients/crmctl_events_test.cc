// crmctl events export / tail against a real crmd (CrmServer on
// 127.0.0.1:0): the export through crmd is byte for byte the export of the
// stopped store, a tail stopped by SIGINT says where to resume and resuming
// there gives the next events with no gap and no duplicate, and only admin
// and analytics keys read the raw log.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/clients/crmctl_run.h"
#include "tests/service/crm_calls.h"
#include "tests/service/service_fixture.h"

namespace crm::clients {
namespace {

using ::testing::HasSubstr;
namespace st = service::testing;
using Stub = v1::CrmService::Stub;
using testing::CliRun;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The "position" of each JSON line (crmctl's other lines are skipped).
std::vector<uint64_t> Positions(const std::string& lines) {
  std::vector<uint64_t> out;
  static const std::regex kPosition("^\\{\"position\":([0-9]+),");
  for (absl::string_view line : absl::StrSplit(lines, '\n', absl::SkipEmpty())) {
    if (!absl::StartsWith(line, "{")) continue;
    std::cmatch m;
    const std::string text(line);
    if (!std::regex_search(text.c_str(), m, kPosition)) {
      ADD_FAILURE() << "not an event line: " << text;
      continue;
    }
    uint64_t p = 0;
    EXPECT_TRUE(absl::SimpleAtoi(m[1].str(), &p));
    out.push_back(p);
  }
  return out;
}

// N of the "resume with --from=N" crmctl printed; nullopt when it did not.
std::optional<uint64_t> ResumeFrom(const std::string& text) {
  static const std::regex kResume("resume with --from=([0-9]+)");
  std::smatch m;
  if (!std::regex_search(text, m, kResume)) return std::nullopt;
  uint64_t p = 0;
  if (!absl::SimpleAtoi(m[1].str(), &p)) return std::nullopt;
  return p;
}

// crmctl running in the background, its stdout and stderr kept apart, so a
// test can watch its output and then signal it.
class Background {
 public:
  explicit Background(const std::vector<std::string>& args) {
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      dup2(err[1], STDERR_FILENO);
      close(out[0]);
      close(err[0]);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(CRMCTL_PATH));
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(CRMCTL_PATH, argv.data());
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    out_ = out[0];
    err_ = err[0];
    fcntl(out_, F_SETFL, O_NONBLOCK);
    fcntl(err_, F_SETFL, O_NONBLOCK);
  }

  ~Background() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
    if (err_ >= 0) close(err_);
  }

  // Reads what is there, waiting until stdout holds `lines` lines or
  // `timeout` passes; returns stdout so far.
  const std::string& WaitForLines(size_t lines, absl::Duration timeout = absl::Seconds(10)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (std::count(stdout_.begin(), stdout_.end(), '\n') < static_cast<ptrdiff_t>(lines) &&
           absl::Now() < deadline) {
      Pump(50);
    }
    return stdout_;
  }

  // Waits until stderr holds `text` or `timeout` passes; true when it does.
  bool WaitForError(const std::string& text, absl::Duration timeout = absl::Seconds(10)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (!absl::StrContains(stderr_, text) && absl::Now() < deadline) Pump(50);
    return absl::StrContains(stderr_, text);
  }

  // Sends `signal` and waits for the exit; returns the exit code (-1 when it
  // did not exit normally).
  int Stop(int signal) {
    kill(pid_, signal);
    int status = 0;
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (absl::Now() > deadline) return -2;
      Pump(20);
    }
    exited_ = true;
    while (Pump(0)) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  const std::string& out() const { return stdout_; }
  const std::string& err() const { return stderr_; }

 private:
  // True when something was read.
  bool Pump(int timeout_ms) {
    pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
    poll(fds, 2, timeout_ms);
    bool got = false;
    char buffer[4096];
    ssize_t n;
    while ((n = read(out_, buffer, sizeof(buffer))) > 0) stdout_.append(buffer, n), got = true;
    while ((n = read(err_, buffer, sizeof(buffer))) > 0) stderr_.append(buffer, n), got = true;
    return got;
  }

  pid_t pid_ = -1;
  int out_ = -1, err_ = -1;
  bool exited_ = false;
  std::string stdout_, stderr_;
};

class CrmctlEventsTest : public st::ServiceTest {
 protected:
  void SetUp() override {
    st::ServiceTest::SetUp();
    CreateOrg();
    Register("c1", "恒达贸易有限公司");
    Register("c2", "顺丰五金");
    Ok(st::kRep1, &Stub::LogFollowUp, st::FollowUp("", "c1", "f1", "r1"));
  }

  // A customer of r1, with a phone of its own.
  uint64_t Register(const std::string& id, const std::string& company) {
    return Ok(st::kAdmin, &Stub::RegisterCustomer,
              st::Registration("", id, "r1", company, absl::StrCat("1380013", 8000 + ++phones_)))
        .position();
  }

  std::string Server() const { return absl::StrCat("--server=127.0.0.1:", server_->port()); }

  CliRun Crmctl(const std::string& args, const std::string& key = "key-analytics") {
    return testing::RunCrmctlAgainst(server_->port(), key, args);
  }

  int phones_ = 0;
};

TEST_F(CrmctlEventsTest, ExportThroughCrmdIsTheStoppedStoresExportByteForByte) {
  const uint64_t size = LogSize();
  ASSERT_GT(size, 5u);
  const std::string remote = dir_.path() + "/remote.jsonl";
  CliRun run = Crmctl("events export --out=" + remote);
  ASSERT_EQ(run.code, 0) << run.out;
  EXPECT_THAT(run.out,
              HasSubstr(absl::StrCat(size, " events exported; resume with --from=", size)));
  const std::string lines = ReadFile(remote);
  std::vector<uint64_t> expected(size);
  for (uint64_t i = 0; i < size; ++i) expected[i] = i;
  EXPECT_EQ(Positions(lines), expected);
  EXPECT_THAT(lines, HasSubstr("\"type\":\"crm.v1.CustomerRegistered\""));
  EXPECT_THAT(lines, HasSubstr("\"company_name\":\"恒达贸易有限公司\""));
  EXPECT_THAT(lines, HasSubstr("\"metadata\":{"));

  // A page boundary inside the range: --from and --limit, to stdout.
  CliRun middle = Crmctl("events export --from=2 --limit=3");
  ASSERT_EQ(middle.code, 0) << middle.out;
  EXPECT_THAT(middle.out, HasSubstr("3 events exported; resume with --from=5"));
  EXPECT_THAT(Positions(middle.out), ::testing::ElementsAre(2, 3, 4));

  server_->Shutdown();
  server_.reset();
  const std::string embedded = dir_.path() + "/embedded.jsonl";
  CliRun stopped = testing::RunCrmctl(
      absl::StrCat("events export --data-dir=", dir_.path(), "/data --out=", embedded));
  ASSERT_EQ(stopped.code, 0) << stopped.out;
  EXPECT_EQ(ReadFile(embedded), lines);
}

TEST_F(CrmctlEventsTest, ATailStoppedBySigintResumesWithNoGapAndNoDuplicate) {
  const uint64_t before = LogSize();
  Background tail({Server(), "--key=key-analytics", "events", "tail"});
  // Catch-up: every stored event.
  ASSERT_EQ(Positions(tail.WaitForLines(before)).size(), before) << tail.err();
  // Live: events committed while it runs.
  Register("c3", "美达电器");
  Register("c4", "远景科技");
  const uint64_t live = LogSize();
  ASSERT_GT(live, before);
  ASSERT_EQ(Positions(tail.WaitForLines(live)).size(), live) << tail.err();
  EXPECT_EQ(tail.Stop(SIGINT), 0) << tail.err();
  const std::vector<uint64_t> first = Positions(tail.out());
  const std::optional<uint64_t> resume = ResumeFrom(tail.err());
  ASSERT_TRUE(resume.has_value()) << tail.err();
  EXPECT_EQ(*resume, first.back() + 1);

  // Events committed while nothing tails, then the resumed tail.
  Register("c5", "新纪元广告");
  const uint64_t end = LogSize();
  CliRun resumed = Crmctl(absl::StrCat("events tail --from=", *resume, " --limit=", end - *resume));
  ASSERT_EQ(resumed.code, 0) << resumed.out;
  const std::vector<uint64_t> second = Positions(resumed.out);
  ASSERT_FALSE(second.empty()) << resumed.out;
  EXPECT_EQ(second.front(), *resume) << "no gap";
  std::vector<uint64_t> all = first;
  all.insert(all.end(), second.begin(), second.end());
  std::vector<uint64_t> expected(end);
  for (uint64_t i = 0; i < end; ++i) expected[i] = i;
  EXPECT_EQ(all, expected) << "every position once, in order";
  EXPECT_EQ(ResumeFrom(resumed.out), end);
}

TEST_F(CrmctlEventsTest, ATypeFilteredTailResumesPastTheEventsItSkipped) {
  // The one follow-up is followed by a customer's events: the resume point
  // is the log's end (the caught_up mark), not just past the follow-up, so
  // a resumed tail does not read the skipped events again.
  const uint64_t follow_up = LogSize() - 1;
  Register("c3", "美达电器");
  const uint64_t size = LogSize();
  Background tail({Server(), "--key=key-admin", "events", "tail", "--type-prefix=crm.v1.FollowUp"});
  ASSERT_TRUE(tail.WaitForError("caught up at position")) << tail.err();
  EXPECT_THAT(Positions(tail.out()), ::testing::ElementsAre(follow_up));
  EXPECT_THAT(tail.out(), HasSubstr("\"type\":\"crm.v1.FollowUpLogged\""));
  EXPECT_EQ(tail.Stop(SIGTERM), 0) << tail.err();
  const std::optional<uint64_t> resume = ResumeFrom(tail.err());
  ASSERT_TRUE(resume.has_value()) << tail.err();
  EXPECT_EQ(*resume, size) << "the log's end, past the customer registered after the call";
}

TEST_F(CrmctlEventsTest, OnlyAdminAndAnalyticsKeysReadTheRawLog) {
  CliRun rep = Crmctl("events export", "key-rep1");
  EXPECT_EQ(rep.code, 3) << rep.out;
  EXPECT_THAT(rep.out, HasSubstr("PERMISSION_DENIED"));
  CliRun rep_tail = Crmctl("events tail", "key-rep1");
  EXPECT_EQ(rep_tail.code, 3) << rep_tail.out;
  EXPECT_THAT(rep_tail.out, HasSubstr("PERMISSION_DENIED"));
  CliRun manager = Crmctl("events export --limit=1", "key-manager-south");
  EXPECT_EQ(manager.code, 3) << manager.out;
  CliRun admin = Crmctl("events export --limit=1", "key-admin");
  EXPECT_EQ(admin.code, 0) << admin.out;
  EXPECT_THAT(admin.out, HasSubstr("1 events exported; resume with --from=1"));
  // A tail past the log's end is refused, not left waiting.
  CliRun beyond = Crmctl(absl::StrCat("events tail --from=", LogSize() + 5));
  EXPECT_EQ(beyond.code, 3) << beyond.out;
  EXPECT_THAT(beyond.out, HasSubstr("INVALID_ARGUMENT"));
  // tail has no embedded form.
  CliRun no_server = testing::RunCrmctl("events tail");
  EXPECT_EQ(no_server.code, 2) << no_server.out;
  EXPECT_THAT(no_server.out, HasSubstr("needs crmd"));
}

}  // namespace
}  // namespace crm::clients
