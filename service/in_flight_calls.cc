#include "service/in_flight_calls.h"

namespace crm::service {

// Counts its call from creation (the call arrived) to destruction (gRPC is
// done with it).
class CountingInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit CountingInterceptor(InFlightCalls* calls) : calls_(calls) { calls_->Add(1); }
  ~CountingInterceptor() override { calls_->Add(-1); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    methods->Proceed();
  }

 private:
  InFlightCalls* calls_;
};

namespace {

class CountingFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CountingFactory(InFlightCalls* calls) : calls_(calls) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo*) override {
    return new CountingInterceptor(calls_);
  }

 private:
  InFlightCalls* calls_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
InFlightCalls::NewInterceptorFactory() {
  return std::make_unique<CountingFactory>(this);
}

void InFlightCalls::Add(int64_t delta) {
  absl::MutexLock lock(&mu_);
  count_ += delta;
}

int64_t InFlightCalls::count() const {
  absl::MutexLock lock(&mu_);
  return count_;
}

bool InFlightCalls::WaitUntilIdle(absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return count_ == 0; };
  return mu_.AwaitWithDeadline(absl::Condition(&idle), deadline);
}

}  // namespace crm::service
