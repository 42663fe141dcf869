#include "service/server.h"

#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/domain/command_handler.h"
#include "engine/store/event_store.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "service/balances_service.h"
#include "service/call_gate.h"
#include "service/crm_service.h"
#include "service/demo_data.h"
#include "service/directory_service.h"
#include "service/event_store_service.h"
#include "service/history_service.h"
#include "service/in_flight_calls.h"
#include "service/metrics.h"
#include "service/pipeline_service.h"
#include "service/read_models.h"
#include "service/reports_service.h"
#include "service/subscribe_reactor.h"
#include "service/thread_pool.h"

namespace crm::service {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(field, ": cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const TlsConfig& tls) {
  if (tls.cert_file().empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  absl::StatusOr<std::string> cert = ReadFile(tls.cert_file(), "tls.cert_file");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFile(tls.key_file(), "tls.key_file");
  if (!key.ok()) return key.status();
  pair.cert_chain = *cert;
  pair.private_key = *key;
  options.pem_key_cert_pairs.push_back(std::move(pair));
  if (!tls.client_ca_file().empty()) {
    absl::StatusOr<std::string> ca = ReadFile(tls.client_ca_file(), "tls.client_ca_file");
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

class ServerImpl final : public CrmServer {
 public:
  ServerImpl(const CrmdConfig& config, KeyRing keys)
      : config_(config),
        gate_(std::move(keys)),
        pool_(config.limits().command_threads()),
        subscriptions_(config.limits().max_subscriptions()) {}

  ~ServerImpl() override { Shutdown(); }

  absl::Status Init() {
    engine::StoreOptions store_options;
    store_options.path = config_.data_dir();
    store_options.sync_writes = !config_.unsafe_skip_fsync();
    absl::StatusOr<std::unique_ptr<engine::EventStore>> store =
        engine::EventStore::Open(store_options);
    if (!store.ok()) {
      return absl::Status(store.status().code(), absl::StrCat("data_dir ", config_.data_dir(), ": ",
                                                              store.status().message()));
    }
    store_ = std::move(*store);

    absl::TimeZone zone;
    absl::LoadTimeZone(config_.time_zone(), &zone);  // validated before
    absl::StatusOr<std::unique_ptr<ReadModels>> models =
        ReadModels::Open(store_.get(), config_.data_dir() + "/views", zone);
    if (!models.ok()) return models.status();
    models_ = std::move(*models);

    engine::domain::CommandHandlerOptions handler_options;
    handler_options.zone = zone;
    handler_options.pool_rules = config_.pool_rules();
    // The pool's claim limits count claims and owned customers in the
    // pipeline view, which is at most a moment behind the log.
    const projections::pipeline::PipelineQueries* pipeline = &models_->pipeline();
    handler_options.claimant_load = [pipeline](const std::string& rep_id, absl::CivilDay today) {
      return pipeline->ClaimantLoad(rep_id, today);
    };
    handler_ = std::make_unique<engine::domain::CommandHandler>(store_.get(), handler_options);
    models_->AttachHandler(handler_.get());
    if (config_.demo()) {
      absl::Status loaded = LoadDemoCompany(*handler_, absl::ToUnixMicros(absl::Now()), zone);
      if (!loaded.ok()) {
        return absl::Status(loaded.code(),
                            absl::StrCat("demo: loading the sample company: ", loaded.message()));
      }
    }
    access_ = std::make_unique<AccessControl>(handler_.get());

    crm_service_ =
        std::make_unique<CrmServiceImpl>(store_.get(), handler_.get(), &gate_, &pool_, zone.name());
    event_store_service_ =
        std::make_unique<EventStoreServiceImpl>(store_.get(), &gate_, &pool_, &subscriptions_);
    const QueryDeps deps{&gate_, &pool_, models_.get(), access_.get(), handler_.get()};
    pipeline_service_ = std::make_unique<PipelineServiceImpl>(deps);
    directory_service_ = std::make_unique<DirectoryServiceImpl>(deps);
    history_service_ = std::make_unique<HistoryServiceImpl>(deps);
    balances_service_ = std::make_unique<BalancesServiceImpl>(deps);
    reports_service_ = std::make_unique<ReportsServiceImpl>(deps);

    if (!config_.metrics_address().empty()) {
      absl::StatusOr<std::unique_ptr<Metrics>> metrics = Metrics::Start(
          config_.metrics_address(), store_.get(), &models_->runner(), &subscriptions_);
      if (!metrics.ok()) return metrics.status();
      metrics_ = std::move(*metrics);
    }

    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
        Credentials(config_.tls());
    if (!credentials.ok()) return credentials.status();

    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.AddListeningPort(config_.listen_address(), *credentials, &port_);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(in_flight_.NewInterceptorFactory());
    if (metrics_ != nullptr) creators.push_back(metrics_->NewInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(creators));
    builder.RegisterService(crm_service_.get());
    builder.RegisterService(event_store_service_.get());
    builder.RegisterService(pipeline_service_.get());
    builder.RegisterService(directory_service_.get());
    builder.RegisterService(history_service_.get());
    builder.RegisterService(balances_service_.get());
    builder.RegisterService(reports_service_.get());
    const Limits& limits = config_.limits();
    builder.SetMaxReceiveMessageSize(limits.max_message_bytes());
    builder.SetMaxSendMessageSize(limits.max_message_bytes());
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, limits.max_concurrent_streams());
    // Clients of other stacks ping every ~10 s to keep long-lived
    // subscriptions open; gRPC's default policy (one ping per 5 minutes, two
    // strikes) would drop them with "too_many_pings". Accept pings every 5 s,
    // also on idle connections, and ping idle clients ourselves to find dead
    // ones.
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 5000);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60000);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      return absl::UnavailableError(
          absl::StrCat("listen_address ", config_.listen_address(),
                       ": cannot listen there (in use, or not a host:port this machine has)"));
    }
    return absl::OkStatus();
  }

  int port() const override { return port_; }
  int metrics_port() const override { return metrics_ == nullptr ? 0 : metrics_->port(); }

  void Shutdown() override {
    absl::MutexLock lock(&shutdown_mu_);
    if (done_) return;
    done_ = true;
    gate_.BeginShutdown();
    subscriptions_.ShutdownAll();
    if (server_ != nullptr) {
      server_->GetHealthCheckService()->Shutdown();
      // Calls that got in before the gate closed finish (up to the grace
      // period); then every connection is closed at once, also those of
      // idle clients, which Shutdown(deadline) would wait for
      // (in_flight_calls.h). Calls still running then are cancelled.
      in_flight_.WaitUntilIdle(absl::Now() +
                               absl::Seconds(config_.limits().shutdown_grace_seconds()));
      server_->Shutdown(absl::ToChronoTime(absl::Now()));
    }
    // Calls already handed to the pool are answered before it stops.
    pool_.Stop();
    if (server_ != nullptr) server_->Wait();
    server_.reset();
    // Metrics read the runner and the store; the runner reads the store.
    metrics_.reset();
    models_.reset();
    handler_.reset();
    store_.reset();
  }

 private:
  const CrmdConfig config_;
  CallGate gate_;
  InFlightCalls in_flight_;
  ThreadPool pool_;
  SubscriptionRegistry subscriptions_;
  std::unique_ptr<engine::EventStore> store_;
  std::unique_ptr<ReadModels> models_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<engine::domain::CommandHandler> handler_;
  std::unique_ptr<AccessControl> access_;
  std::unique_ptr<CrmServiceImpl> crm_service_;
  std::unique_ptr<EventStoreServiceImpl> event_store_service_;
  std::unique_ptr<PipelineServiceImpl> pipeline_service_;
  std::unique_ptr<DirectoryServiceImpl> directory_service_;
  std::unique_ptr<HistoryServiceImpl> history_service_;
  std::unique_ptr<BalancesServiceImpl> balances_service_;
  std::unique_ptr<ReportsServiceImpl> reports_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  absl::Mutex shutdown_mu_;
  bool done_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<CrmServer>> CrmServer::Start(const CrmdConfig& config,
                                                            KeyRing keys) {
  auto server = std::make_unique<ServerImpl>(config, std::move(keys));
  absl::Status status = server->Init();
  if (!status.ok()) return status;
  return server;
}

}  // namespace crm::service
