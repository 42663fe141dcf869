#include "service/metrics.h"

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"

namespace crm::service {
namespace {

const char* CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "UNKNOWN";
}

prometheus::MetricFamily Family(std::string name, std::string help, prometheus::MetricType type) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

prometheus::ClientMetric Value(double value, prometheus::MetricType type,
                               std::vector<prometheus::ClientMetric::Label> labels = {}) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  if (type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  return m;
}

// What is read at scrape time: the store's counters, the projections' lag,
// the live subscriptions.
class StateCollector final : public prometheus::Collectable {
 public:
  StateCollector(const engine::EventStore* store, const projections::ProjectionRunner* runner,
                 const SubscriptionRegistry* subscriptions)
      : store_(store), runner_(runner), subscriptions_(subscriptions) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    using prometheus::MetricType;
    const engine::StoreStats stats = store_->Stats();
    std::vector<prometheus::MetricFamily> out;
    auto counter = [&](const char* name, const char* help, uint64_t value) {
      prometheus::MetricFamily f = Family(name, help, MetricType::Counter);
      f.metric.push_back(Value(static_cast<double>(value), MetricType::Counter));
      out.push_back(std::move(f));
    };
    counter("crmd_events_appended_total", "Events the store committed.", stats.events_committed);
    counter("crmd_appends_total", "Append calls that wrote events.", stats.appends_committed);
    counter("crmd_wal_syncs_total", "fsyncs of the store's write-ahead log.", stats.wal_syncs);

    prometheus::MetricFamily lag_events =
        Family("crmd_projection_lag_events", "Committed events a projection has not applied yet.",
               MetricType::Gauge);
    prometheus::MetricFamily lag_seconds = Family(
        "crmd_projection_lag_seconds",
        "Age of the oldest committed event a projection has not applied yet.", MetricType::Gauge);
    for (const projections::ProjectionStatus& s : runner_->Statuses()) {
      lag_events.metric.push_back(
          Value(static_cast<double>(s.lag_events), MetricType::Gauge, {{"projection", s.name}}));
      lag_seconds.metric.push_back(
          Value(absl::ToDoubleSeconds(s.lag_time), MetricType::Gauge, {{"projection", s.name}}));
    }
    out.push_back(std::move(lag_events));
    out.push_back(std::move(lag_seconds));

    prometheus::MetricFamily live =
        Family("crmd_live_subscriptions", "Subscribe calls streaming now.", MetricType::Gauge);
    live.metric.push_back(Value(subscriptions_->live(), MetricType::Gauge));
    out.push_back(std::move(live));
    return out;
  }

 private:
  const engine::EventStore* store_;
  const projections::ProjectionRunner* runner_;
  const SubscriptionRegistry* subscriptions_;
};

class CallMetrics {
 public:
  explicit CallMetrics(prometheus::Registry& registry)
      : calls_(prometheus::BuildCounter()
                   .Name("crmd_calls_total")
                   .Help("gRPC calls finished, by method and status code.")
                   .Register(registry)),
        durations_(prometheus::BuildHistogram()
                       .Name("crmd_call_duration_seconds")
                       .Help("How long gRPC calls took, from their arrival to their status.")
                       .Register(registry)) {}

  void Record(const std::string& method, grpc::StatusCode code, absl::Duration took) {
    calls_.Add({{"method", method}, {"code", CodeName(code)}}).Increment();
    durations_
        .Add({{"method", method}},
             prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})
        .Observe(absl::ToDoubleSeconds(took));
  }

 private:
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Histogram>& durations_;
};

// One per call: notes when it arrived, records it when its status is sent.
class CallInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(std::string method, CallMetrics* metrics)
      : method_(std::move(method)), metrics_(metrics), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      metrics_->Record(method_, methods->GetSendStatus().error_code(), absl::Now() - start_);
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  CallMetrics* metrics_;
  const absl::Time start_;
};

class InterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit InterceptorFactory(CallMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallInterceptor(info->method(), metrics_);
  }

 private:
  CallMetrics* metrics_;
};

class MetricsImpl final : public Metrics {
 public:
  MetricsImpl(std::unique_ptr<prometheus::Exposer> exposer,
              std::shared_ptr<prometheus::Registry> registry, std::shared_ptr<StateCollector> state)
      : registry_(std::move(registry)),
        state_(std::move(state)),
        calls_(*registry_),
        exposer_(std::move(exposer)) {
    exposer_->RegisterCollectable(registry_);
    exposer_->RegisterCollectable(state_);
  }

  int port() const override {
    const std::vector<int> ports = exposer_->GetListeningPorts();
    return ports.empty() ? 0 : ports.front();
  }

  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewInterceptorFactory()
      override {
    return std::make_unique<InterceptorFactory>(&calls_);
  }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<StateCollector> state_;
  CallMetrics calls_;
  // Last, so it stops serving scrapes before what it reads goes away.
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Start(const std::string& address,
                                                        const engine::EventStore* store,
                                                        const projections::ProjectionRunner* runner,
                                                        const SubscriptionRegistry* subscriptions) {
  std::unique_ptr<prometheus::Exposer> exposer;
  // prometheus-cpp reports a bind failure by throwing; it stops here.
  try {
    exposer = std::make_unique<prometheus::Exposer>(address);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("metrics_address ", address, ": cannot serve metrics there: ", e.what()));
  }
  return std::unique_ptr<Metrics>(
      new MetricsImpl(std::move(exposer), std::make_shared<prometheus::Registry>(),
                      std::make_shared<StateCollector>(store, runner, subscriptions)));
}

}  // namespace crm::service
