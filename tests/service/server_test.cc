// The server as a whole: health checking and reflection for generic tools,
// TLS and mutual TLS, configuration errors, and one crmd per data folder.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "service/config.h"
#include "tests/service/grpc_standard_services.grpc.pb.h"
#include "tests/service/service_fixture.h"
#include "tests/support/status_matchers.h"

namespace crm::service::testing {
namespace {

using ::crm::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;

using HealthTest = ServiceTest;

TEST_F(HealthTest, HealthIsServingAndNeedsNoKey) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  grpc::Status s = health->Check(&context, request, &response);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

// Waits for the completion of `tag` on `cq`; returns its ok.
bool Await(grpc::CompletionQueue& cq, void* tag) {
  void* got = nullptr;
  bool ok = false;
  EXPECT_TRUE(cq.Next(&got, &ok));
  EXPECT_EQ(got, tag);
  return ok;
}

// The reflection service's answer to list_services, called as a generic
// client (no generated stub: libgrpc++_reflection already registers those
// protos, and Debian does not install their headers).
std::string ListServices(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  int start, write, done, read, finish;
  call->StartCall(&start);
  if (!Await(cq, &start)) return "";
  // ServerReflectionRequest{list_services: ""}: field 7, length-delimited, 0 bytes.
  grpc::Slice slice(std::string("\x3a\x00", 2));
  grpc::ByteBuffer request(&slice, 1);
  call->Write(request, &write);
  EXPECT_TRUE(Await(cq, &write));
  call->WritesDone(&done);
  EXPECT_TRUE(Await(cq, &done));
  grpc::ByteBuffer response;
  call->Read(&response, &read);
  std::string bytes;
  if (Await(cq, &read)) {
    std::vector<grpc::Slice> slices;
    EXPECT_TRUE(response.Dump(&slices).ok());
    for (const grpc::Slice& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  grpc::Status status;
  call->Finish(&status, &finish);
  Await(cq, &finish);
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
  return bytes;
}

TEST_F(HealthTest, ReflectionListsTheCrmAndEventStoreServicesWithoutAKey) {
  // ListServiceResponse holds each service's full name as a length-delimited
  // string, so each appears verbatim in the encoded answer.
  const std::string answer = ListServices(channel_);
  EXPECT_THAT(answer, HasSubstr("crm.v1.CrmService"));
  EXPECT_THAT(answer, HasSubstr("crm.v1.EventStoreService"));
  EXPECT_THAT(answer, HasSubstr("grpc.health.v1.Health"));
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Makes a self-signed certificate for localhost / 127.0.0.1 with the openssl
// command; returns false if it could not.
bool MakeCertificate(const std::string& dir, const std::string& name) {
  const std::string command =
      absl::StrCat("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost",
                   " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout ", dir, "/", name,
                   ".key -out ", dir, "/", name, ".pem 2>/dev/null");
  return std::system(command.c_str()) == 0;
}

class TlsTest : public ServiceTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(MakeCertificate(dir_.path(), "server")) << "the openssl command is needed";
    ASSERT_TRUE(MakeCertificate(dir_.path(), "client"));
    ServiceTest::SetUp();
  }
  void Configure(CrmdConfig& config) override {
    config.mutable_tls()->set_cert_file(dir_.path() + "/server.pem");
    config.mutable_tls()->set_key_file(dir_.path() + "/server.key");
    if (mutual_) config.mutable_tls()->set_client_ca_file(dir_.path() + "/client.pem");
  }

  // GetCustomer (of a customer that does not exist) as admin over `channel`.
  grpc::Status Probe(const std::shared_ptr<grpc::Channel>& channel) {
    auto stub = v1::CrmService::NewStub(channel);
    auto context = As(kAdmin);
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    v1::GetCustomerRequest request;
    request.set_customer_id("c1");
    v1::Customer response;
    return stub->GetCustomer(context.get(), request, &response);
  }

  std::shared_ptr<grpc::Channel> TlsChannel(bool with_client_certificate) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadAll(dir_.path() + "/server.pem");
    if (with_client_certificate) {
      options.pem_cert_chain = ReadAll(dir_.path() + "/client.pem");
      options.pem_private_key = ReadAll(dir_.path() + "/client.key");
    }
    return grpc::CreateChannel(absl::StrCat("localhost:", server_->port()),
                               grpc::SslCredentials(options));
  }

  bool mutual_ = false;
};

TEST_F(TlsTest, ATlsServerServesAClientThatTrustsItAndRefusesPlaintext) {
  grpc::Status s = Probe(TlsChannel(false));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << "reached the service: " << Describe(s);
  grpc::Status plain = Probe(grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                                 grpc::InsecureChannelCredentials()));
  EXPECT_EQ(plain.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(plain);
}

class MutualTlsTest : public TlsTest {
 protected:
  MutualTlsTest() { mutual_ = true; }
};

TEST_F(MutualTlsTest, MutualTlsServesOnlyClientsWithATrustedCertificate) {
  grpc::Status with = Probe(TlsChannel(true));
  EXPECT_EQ(with.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(with);
  grpc::Status without = Probe(TlsChannel(false));
  EXPECT_EQ(without.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(without);
}

// A client that keeps its connection open but has no call running must not
// hold a shutdown up. Debian's python3-grpcio, as a backend of another stack
// connects, is such a client: grpc::Server::Shutdown(deadline) waited ~3 s
// for it to go away (out of the 5 s grace period) before crmd waited for its
// own calls instead (service/in_flight_calls.h). A C++ client goes at once.
TEST_F(HealthTest, ShutdownDoesNotWaitForAnIdlePythonClient) {
  const std::string script = dir_.path() + "/idle_client.py";
  std::ofstream(script) << "import grpc, os, time\n"
                        << "ch = grpc.insecure_channel('127.0.0.1:" << server_->port() << "')\n"
                        << "grpc.channel_ready_future(ch).result(timeout=20)\n"
                        << "print(os.getpid(), flush=True)\n"
                        << "time.sleep(30)\n";
  FILE* client = popen(absl::StrCat("/usr/bin/python3 ", script).c_str(), "r");
  ASSERT_NE(client, nullptr);
  char line[64] = {0};
  ASSERT_NE(fgets(line, sizeof(line), client), nullptr) << "the client did not connect";
  const pid_t pid = static_cast<pid_t>(std::atol(line));
  ASSERT_GT(pid, 0) << line;
  absl::SleepFor(absl::Seconds(2));  // connected a while: idle

  const absl::Time start = absl::Now();
  server_->Shutdown();
  const absl::Duration took = absl::Now() - start;
  kill(pid, SIGKILL);
  pclose(client);
  server_.reset();
  EXPECT_LT(took, absl::Milliseconds(1500));
}

TEST_F(HealthTest, ASecondServerOnTheSameDataFolderIsRefused) {
  CrmdConfig config;
  config.set_listen_address("127.0.0.1:0");
  config.set_data_dir(dir_.path() + "/data");
  ApplyDefaults(config);
  absl::StatusOr<KeyRing> keys = KeyRing::FromProto(TestKeys());
  ASSERT_TRUE(keys.ok());
  absl::StatusOr<std::unique_ptr<CrmServer>> second = CrmServer::Start(config, *keys);
  EXPECT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), HasSubstr("data_dir"));
}

TEST(ConfigTest, AConfigFileWithAnUnknownFieldNamesItsLine) {
  crm::testing::TempDir dir;
  const std::string path = dir.path() + "/crmd.textproto";
  std::ofstream(path) << "listen_address: \"127.0.0.1:0\"\nno_such_field: 3\n";
  EXPECT_THAT(LoadConfigFile(path), StatusIs(absl::StatusCode::kInvalidArgument, "line 2"));
  EXPECT_THAT(LoadConfigFile(dir.path() + "/missing"), StatusIs(absl::StatusCode::kNotFound));
}

TEST(ConfigTest, InconsistentSettingsAreRefusedNamingTheField) {
  CrmdConfig config;
  ApplyDefaults(config);
  config.mutable_tls()->set_cert_file("server.pem");
  EXPECT_THAT(ValidateConfig(config),
              StatusIs(absl::StatusCode::kInvalidArgument, "tls.cert_file and tls.key_file"));
  config.clear_tls();
  config.set_time_zone("Mars/Olympus");
  EXPECT_THAT(ValidateConfig(config), StatusIs(absl::StatusCode::kInvalidArgument, "time_zone"));
  config.set_time_zone("Asia/Shanghai");
  config.mutable_pool_rules()->set_daily_claim_limit(-1);
  EXPECT_THAT(ValidateConfig(config), StatusIs(absl::StatusCode::kInvalidArgument, "pool_rules"));
}

TEST(KeyRingTest, KeysAreStoredAsHashesAndBadEntriesAreNamed) {
  ApiKeys keys = TestKeys();
  absl::StatusOr<KeyRing> ring = KeyRing::FromProto(keys);
  ASSERT_TRUE(ring.ok()) << ring.status();
  absl::StatusOr<Principal> rep = ring->Authenticate("key-rep1");
  ASSERT_TRUE(rep.ok()) << rep.status();
  EXPECT_EQ(rep->name, "rep1");
  EXPECT_EQ(rep->rep_id, "r1");
  EXPECT_THAT(ring->Authenticate(HashApiKey("key-rep1")),
              StatusIs(absl::StatusCode::kUnauthenticated))
      << "the stored hash is not itself a key";

  keys.mutable_key(3)->clear_rep_id();  // rep1: scope own without a rep
  EXPECT_THAT(KeyRing::FromProto(keys),
              StatusIs(absl::StatusCode::kInvalidArgument, "key[3].rep_id"));
}

}  // namespace
}  // namespace crm::service::testing
