// crmd's Prometheus endpoint, scraped over HTTP as Prometheus would: calls
// per method and status, appends, projection lag, live subscriptions.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/config.h"
#include "tests/service/crm_calls.h"
#include "tests/service/service_fixture.h"

namespace crm::service::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Stub = v1::CrmService::Stub;

// GET /metrics from 127.0.0.1:port; the whole HTTP response.
std::string Scrape(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return "";
  }
  std::string response;
  char buf[8192];
  for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) response.append(buf, n);
  close(fd);
  return response;
}

class MetricsTest : public ServiceTest {
 protected:
  void Configure(CrmdConfig& config) override { config.set_metrics_address("127.0.0.1:0"); }
};

TEST_F(MetricsTest, CallsAppendsLagAndSubscriptionsAreScraped) {
  ASSERT_GT(server_->metrics_port(), 0);
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c1", "", "恒达贸易", "13800138000"));
  v1::GetCustomerRequest get;
  get.set_customer_id("c1");
  v1::Customer customer;
  EXPECT_EQ(Call(nullptr, &Stub::GetCustomer, get, &customer).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  auto context = As(kAnalytics);
  auto reader = events_->Subscribe(context.get(), v1::SubscribeRequest());
  v1::SubscribeResponse message;
  ASSERT_TRUE(reader->Read(&message));  // the registration's first event: live now

  const std::string text = Scrape(server_->metrics_port());
  EXPECT_THAT(text, HasSubstr("200 OK"));
  EXPECT_THAT(text, HasSubstr("crmd_calls_total{code=\"OK\","
                              "method=\"/crm.v1.CrmService/RegisterCustomer\"} 1"));
  EXPECT_THAT(text, HasSubstr("crmd_calls_total{code=\"UNAUTHENTICATED\","
                              "method=\"/crm.v1.CrmService/GetCustomer\"} 1"));
  EXPECT_THAT(text, HasSubstr("crmd_call_duration_seconds_count{"
                              "method=\"/crm.v1.CrmService/RegisterCustomer\"} 1"));
  EXPECT_THAT(text, HasSubstr("crmd_projection_lag_events{projection=\"pipeline\"}"));
  EXPECT_THAT(text, HasSubstr("crmd_live_subscriptions 1"));
  // A registration with a phone and a company name writes three events.
  EXPECT_THAT(text, HasSubstr("crmd_events_appended_total 3"));
  EXPECT_THAT(text, HasSubstr("crmd_appends_total 1"));
  EXPECT_THAT(text, Not(HasSubstr("crmd_live_subscriptions 0")));

  context->TryCancel();
  reader->Finish();
}

TEST(MetricsConfigTest, AnAddressThatCannotBeBoundFailsTheStartNamingIt) {
  crm::testing::TempDir dir;
  CrmdConfig config;
  config.set_listen_address("127.0.0.1:0");
  config.set_data_dir(dir.path() + "/data");
  config.set_metrics_address("203.0.113.7:9464");  // not an address of this machine
  ApplyDefaults(config);
  absl::StatusOr<KeyRing> keys = KeyRing::FromProto(TestKeys());
  ASSERT_TRUE(keys.ok());
  absl::StatusOr<std::unique_ptr<CrmServer>> server = CrmServer::Start(config, *keys);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), HasSubstr("metrics_address"));
}

}  // namespace
}  // namespace crm::service::testing
