// The crmd binary as an operator runs it: started from its flags, driven over
// gRPC, SIGKILLed in the middle of writes and restarted on the same folder —
// every acknowledged command is still there — and stopped cleanly by SIGTERM.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/service/crm_calls.h"
#include "tests/service/service_fixture.h"

namespace crm::service::testing {
namespace {

using Stub = v1::CrmService::Stub;

class Crmd {
 public:
  // Starts crmd on `dir` and waits until it serves.
  explicit Crmd(const std::string& dir) : dir_(dir) {
    const std::string port_file = dir + "/port";
    std::filesystem::remove(port_file);
    log_ = dir + "/crmd.log";
    pid_ = fork();
    if (pid_ == 0) {
      FILE* out = freopen(log_.c_str(), "a", stdout);
      (void)out;
      dup2(STDOUT_FILENO, STDERR_FILENO);
      const std::string data = "--data_dir=" + dir + "/data";
      const std::string keys = "--keys_file=" + dir + "/keys.textproto";
      const std::string port = "--port_file=" + port_file;
      execl(CRMD_PATH, "crmd", "--listen=127.0.0.1:0", data.c_str(), keys.c_str(), port.c_str(),
            nullptr);
      _exit(127);
    }
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (!std::filesystem::exists(port_file) && absl::Now() < deadline) {
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        ADD_FAILURE() << "crmd exited at start: " << Log();
        return;
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    std::ifstream(port_file) >> port_;
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials());
    stub_ = v1::CrmService::NewStub(channel_);
  }

  ~Crmd() {
    if (pid_ > 0) Kill();
  }

  void Kill() {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << Log();
    pid_ = -1;
  }

  // SIGTERM; returns crmd's exit status.
  int Terminate() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string Log() const {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  bool serving() const { return port_ != 0; }
  Stub* stub() { return stub_.get(); }

 private:
  std::string dir_;
  std::string log_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
};

// The keys file crmd reads: the fixture's keys (hashes only).
void WriteKeys(const std::string& path) {
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(TestKeys(), &text));
  std::ofstream(path) << text;
}

grpc::Status Register(Stub* stub, const std::string& id, int phone_seq) {
  auto context = ContextAs(kAdmin);
  v1::CommandResponse response;
  return stub->RegisterCustomer(
      context.get(),
      Registration(absl::StrCat("reg-", id), id, "", absl::StrCat("客户公司", id),
                   absl::StrFormat("139%08d", phone_seq)),
      &response);
}

TEST(CrmdProcessTest, EveryAcknowledgedCommandSurvivesSigkillDuringWrites) {
  crm::testing::TempDir dir;
  WriteKeys(dir.path() + "/keys.textproto");
  std::vector<std::string> acknowledged;
  std::mt19937 random(20261204);
  constexpr int kRounds = 5;
  constexpr int kThreads = 4;
  for (int round = 0; round < kRounds; ++round) {
    Crmd crmd(dir.path());
    ASSERT_TRUE(crmd.serving());
    // What an earlier round acknowledged is there after its SIGKILL.
    for (const std::string& id : acknowledged) {
      v1::GetCustomerRequest get;
      get.set_customer_id(id);
      v1::Customer customer;
      auto context = ContextAs(kAdmin);
      grpc::Status s = crmd.stub()->GetCustomer(context.get(), get, &customer);
      ASSERT_TRUE(s.ok()) << "acknowledged " << id << " lost: " << Describe(s);
    }
    std::mutex mu;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; !stop; ++i) {
          const std::string id = absl::StrCat("c", round, "-", t, "-", i);
          grpc::Status s = Register(crmd.stub(), id, round * 1000000 + t * 100000 + i);
          if (s.ok()) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged.push_back(id);
          } else if (s.error_code() != grpc::StatusCode::UNAVAILABLE) {
            ADD_FAILURE() << id << ": " << Describe(s);
            return;
          }
        }
      });
    }
    absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(150, 600)(random)));
    crmd.Kill();
    stop = true;
    for (std::thread& w : writers) w.join();
  }
  EXPECT_GT(acknowledged.size(), 20u) << "the rounds wrote almost nothing";

  Crmd last(dir.path());
  ASSERT_TRUE(last.serving());
  for (const std::string& id : acknowledged) {
    v1::GetCustomerRequest get;
    get.set_customer_id(id);
    v1::Customer customer;
    auto context = ContextAs(kAdmin);
    grpc::Status s = last.stub()->GetCustomer(context.get(), get, &customer);
    ASSERT_TRUE(s.ok()) << "acknowledged " << id << " lost: " << Describe(s);
    EXPECT_EQ(customer.profile().company_name(), absl::StrCat("客户公司", id));
  }
  EXPECT_EQ(last.Terminate(), 0);
}

TEST(CrmdProcessTest, SigtermDrainsAndClosesTheStoreCleanly) {
  crm::testing::TempDir dir;
  WriteKeys(dir.path() + "/keys.textproto");
  {
    Crmd crmd(dir.path());
    ASSERT_TRUE(crmd.serving());
    ASSERT_TRUE(Register(crmd.stub(), "c1", 1).ok());
    EXPECT_EQ(crmd.Terminate(), 0);
    EXPECT_NE(crmd.Log().find("stopped cleanly"), std::string::npos) << crmd.Log();
  }
  Crmd again(dir.path());
  ASSERT_TRUE(again.serving()) << "the store was released";
  EXPECT_EQ(Register(again.stub(), "c1", 1).error_code(), grpc::StatusCode::OK)
      << "a retry of the same request after restart is a no-op success";
  EXPECT_EQ(again.Terminate(), 0);
}

TEST(CrmdProcessTest, FirstStartWithoutAKeysFileMakesAnAdminKeyAndSaysHowToConnect) {
  crm::testing::TempDir dir;
  Crmd crmd(dir.path());
  ASSERT_TRUE(crmd.serving());
  const std::string log = crmd.Log();
  EXPECT_NE(log.find("x-api-key"), std::string::npos) << log;
  const size_t at = log.find("crm_");
  ASSERT_NE(at, std::string::npos) << log;
  const std::string key = log.substr(at, 4 + 64);
  std::ifstream keys_file(dir.path() + "/keys.textproto");
  const std::string keys((std::istreambuf_iterator<char>(keys_file)),
                         std::istreambuf_iterator<char>());
  EXPECT_EQ(keys.find(key), std::string::npos) << "the file keeps only the hash";
  EXPECT_NE(keys.find(HashApiKey(key)), std::string::npos);

  grpc::ClientContext context;
  context.AddMetadata("x-api-key", key);
  v1::GetCustomerRequest get;
  get.set_customer_id("nobody");
  v1::Customer customer;
  EXPECT_EQ(crmd.stub()->GetCustomer(&context, get, &customer).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(crmd.Terminate(), 0);
}

// Runs `crmd <arg>` to completion; returns its exit status and output.
std::pair<int, std::string> RunCrmd(const std::string& arg) {
  int out[2];
  EXPECT_EQ(pipe(out), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    close(out[0]);
    close(out[1]);
    execl(CRMD_PATH, "crmd", arg.c_str(), nullptr);
    _exit(127);
  }
  close(out[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(out[0], buf, sizeof(buf))) > 0;) text.append(buf, n);
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), text};
}

TEST(CrmdProcessTest, NewKeyPrintsAKeyAndAnEntryHoldingOnlyItsHash) {
  auto [status, text] = RunCrmd("--new_key=li,ROLE_REP,SCOPE_OWN,r-li");
  ASSERT_EQ(status, 0) << text;
  const size_t at = text.find("crm_");
  ASSERT_NE(at, std::string::npos) << text;
  const std::string key = text.substr(at, 4 + 64);
  ApiKeys keys;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &keys)) << text;
  ASSERT_EQ(keys.key_size(), 1);
  EXPECT_EQ(keys.key(0).sha256_hex(), HashApiKey(key));
  EXPECT_EQ(keys.key(0).rep_id(), "r-li");
  EXPECT_EQ(text.find(key, at + 1), std::string::npos) << "the key is printed once";

  auto [bad_status, bad_text] = RunCrmd("--new_key=li,ROLE_NOBODY,SCOPE_OWN");
  EXPECT_EQ(bad_status, 1) << bad_text;
  EXPECT_NE(bad_text.find("--new_key"), std::string::npos) << bad_text;
}

}  // namespace
}  // namespace crm::service::testing
