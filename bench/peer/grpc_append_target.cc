#include "bench/peer/grpc_append_target.h"

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/crmd_in_process.h"
#include "crm/v1/event_store_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace crm::bench {
namespace {

constexpr char kKey[] = "peer-bench-admin";

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-api-key", kKey);
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  return context;
}

absl::Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

class GrpcWriter final : public Writer {
 public:
  GrpcWriter(const std::string& target, int thread, const AppendShape& shape)
      : shape_(shape), stream_(absl::StrCat("bench-", thread)) {
    // Equal channel arguments would share one connection.
    grpc::ChannelArguments args;
    args.SetInt("crm.bench.writer", thread);
    stub_ = v1::EventStoreService::NewStub(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
  }

  void Prepare() override {
    request_.Clear();
    v1::StreamAppend* a = request_.add_streams();
    a->set_stream(stream_);
    if (next_revision_ == 0) {
      a->mutable_expected_revision()->set_no_stream(true);
    } else {
      a->mutable_expected_revision()->set_exact(next_revision_ - 1);
    }
    for (int i = 0; i < shape_.events_per_append; ++i) {
      v1::ProposedEvent* e = a->add_events();
      e->set_type("bench.Appended");
      const absl::string_view payload = shape_.payload->Get(seq_++);
      e->set_data(payload.data(), payload.size());
    }
  }

  absl::Status Commit() override {
    v1::AppendResponse response;
    absl::Status s = FromGrpc(stub_->Append(Context().get(), request_, &response));
    if (s.ok()) next_revision_ += shape_.events_per_append;
    return s;
  }

 private:
  const AppendShape shape_;
  const std::string stream_;
  std::unique_ptr<v1::EventStoreService::Stub> stub_;
  v1::AppendRequest request_;
  uint64_t next_revision_ = 0;  // revisions written so far
  uint64_t seq_ = 0;
};

class GrpcTarget final : public AppendTarget {
 public:
  GrpcTarget(std::unique_ptr<service::CrmServer> server, const AppendShape& shape)
      : server_(std::move(server)),
        target_(absl::StrCat("127.0.0.1:", server_->port())),
        shape_(shape) {}

  ~GrpcTarget() override { server_->Shutdown(); }

  std::unique_ptr<Writer> NewWriter(int thread) override {
    return std::make_unique<GrpcWriter>(target_, thread, shape_);
  }

  // The server's store counts are not visible from a client: no fsync or
  // batch counts for this system.
  SyncCounters Counters() const override { return {}; }

  absl::Status Verify(uint64_t acknowledged_appends) const override {
    auto stub = v1::EventStoreService::NewStub(
        grpc::CreateChannel(target_, grpc::InsecureChannelCredentials()));
    v1::ReadAllRequest read;
    read.set_from_end(true);
    read.set_direction(v1::READ_DIRECTION_BACKWARD);
    read.set_limit(1);
    v1::ReadResponse response;
    absl::Status s = FromGrpc(stub->ReadAll(Context().get(), read, &response));
    if (!s.ok()) return s;
    const uint64_t stored = response.events_size() == 0 ? 0 : response.events(0).position() + 1;
    // Appends still in flight when the window closed may be stored but not
    // counted as acknowledged; none acknowledged may be missing.
    const uint64_t acknowledged = acknowledged_appends * shape_.events_per_append;
    if (stored < acknowledged) {
      return absl::DataLossError(absl::StrCat("crm-engine-grpc: ", acknowledged,
                                              " events acknowledged, ", stored, " stored"));
    }
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<service::CrmServer> server_;
  const std::string target_;
  const AppendShape shape_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<AppendTarget>> OpenGrpcTarget(const std::string& path,
                                                             const AppendShape& shape) {
  service::CrmdConfig config;
  config.set_data_dir(path);
  config.set_unsafe_skip_fsync(!shape.sync);
  absl::StatusOr<std::unique_ptr<service::CrmServer>> server = StartCrmdInProcess(config, kKey);
  if (!server.ok()) return server.status();
  return std::make_unique<GrpcTarget>(*std::move(server), shape);
}

}  // namespace crm::bench
