#include "bench/peer/grpc_reads.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "bench/crmd_in_process.h"
#include "crm/v1/event_store_service.grpc.pb.h"
#include "engine/store/types.h"
#include "grpcpp/grpcpp.h"

namespace crm::bench {
namespace {

constexpr char kKey[] = "peer-bench-reader";

absl::Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat("crm-engine-grpc: ", s.error_message()));
}

void Prepare(grpc::ClientContext& context) {
  context.AddMetadata("x-api-key", kKey);
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
}

absl::Status Check(bool ok, absl::string_view what, uint64_t want, uint64_t got) {
  if (ok) return absl::OkStatus();
  return absl::DataLossError(
      absl::StrCat("crm-engine-grpc ", what, ": expected ", want, ", got ", got));
}

// What a client keeps of an event: the same fields the other systems'
// readers materialise.
void Materialise(const v1::RecordedEvent& in, engine::RecordedEvent& out) {
  out.stream = in.stream();
  out.revision = in.revision();
  out.position = in.position();
  out.type = in.type();
  out.data = in.data();
  out.metadata = in.metadata();
}

// One GET of crmd's Prometheus endpoint; the body.
absl::StatusOr<std::string> HttpGet(int port, absl::string_view path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("metrics: socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  absl::Status status;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    status = absl::UnavailableError("metrics: connect failed");
  } else {
    const std::string request =
        absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
      status = absl::UnavailableError("metrics: write failed");
    }
    char buf[16384];
    for (ssize_t n; status.ok() && (n = read(fd, buf, sizeof(buf))) > 0;) reply.append(buf, n);
  }
  close(fd);
  if (!status.ok()) return status;
  const size_t body = reply.find("\r\n\r\n");
  if (body == std::string::npos) return absl::UnavailableError("metrics: no HTTP body");
  return reply.substr(body + 4);
}

// Waits until every read model of the server reports no lag. Polling the
// metrics endpoint is the only way a client can see it.
absl::Status AwaitReadModels(int metrics_port, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  std::string last = "no answer";
  while (absl::Now() < deadline) {
    absl::StatusOr<std::string> body = HttpGet(metrics_port, "/metrics");
    if (body.ok()) {
      int projections = 0;
      bool lagging = false;
      for (absl::string_view line : absl::StrSplit(*body, '\n')) {
        if (!absl::StartsWith(line, "crmd_projection_lag_events{")) continue;
        ++projections;
        double lag = 0;
        const size_t space = line.rfind(' ');
        if (space == absl::string_view::npos ||
            !absl::SimpleAtod(absl::StripAsciiWhitespace(line.substr(space + 1)), &lag) ||
            lag != 0) {
          lagging = true;
          last = std::string(line);
        }
      }
      if (projections > 0 && !lagging) return absl::OkStatus();
      if (projections == 0) last = "no crmd_projection_lag_events metric";
    } else {
      last = body.status().ToString();
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("crm-engine-grpc: read models did not catch up: ", last));
}

class GrpcReads : public ReadTarget {
 public:
  GrpcReads(std::unique_ptr<service::CrmServer> server, const ReadShape& shape, double load_seconds)
      : server_(std::move(server)), shape_(shape), load_seconds_(load_seconds) {
    stub_ = v1::EventStoreService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));
  }

  ~GrpcReads() override { server_->Shutdown(); }

  double load_seconds() const override { return load_seconds_; }

  absl::StatusOr<uint64_t> Pass(ReadKind kind, LapTimer& timer) override {
    switch (kind) {
      case ReadKind::kStream:
        return ReadStream(timer);
      case ReadKind::kLog:
        return ReadLog(timer);
      case ReadKind::kCatchUp:
        return CatchUp(timer);
    }
    return absl::InternalError("unknown read kind");
  }

 private:
  absl::StatusOr<uint64_t> ReadStream(LapTimer& timer) {
    v1::ReadStreamRequest request;
    request.set_stream(ReadTargetStreamName(shape_));
    request.set_limit(static_cast<uint32_t>(shape_.page));
    uint64_t next = 0;
    for (;;) {
      request.set_from_revision(next);
      v1::ReadResponse response;
      grpc::ClientContext context;
      Prepare(context);
      if (absl::Status s = FromGrpc(stub_->ReadStream(&context, request, &response)); !s.ok()) {
        return s;
      }
      page_.resize(response.events_size());
      for (int i = 0; i < response.events_size(); ++i) {
        Materialise(response.events(i), page_[i]);
        if (absl::Status s = Check(
                page_[i].revision == next && page_[i].data.size() == shape_.payload->event_bytes(),
                "ReadStream revision", next, page_[i].revision);
            !s.ok()) {
          return s;
        }
        ++next;
      }
      timer.Lap();
      if (response.end_reached()) break;
    }
    if (absl::Status s =
            Check(next == shape_.stream_events, "ReadStream events", shape_.stream_events, next);
        !s.ok()) {
      return s;
    }
    return next;
  }

  absl::StatusOr<uint64_t> ReadLog(LapTimer& timer) {
    v1::ReadAllRequest request;
    request.set_limit(static_cast<uint32_t>(shape_.page));
    uint64_t next = 0;
    for (;;) {
      request.set_from_position(next);
      v1::ReadResponse response;
      grpc::ClientContext context;
      Prepare(context);
      if (absl::Status s = FromGrpc(stub_->ReadAll(&context, request, &response)); !s.ok()) {
        return s;
      }
      page_.resize(response.events_size());
      for (int i = 0; i < response.events_size(); ++i) {
        Materialise(response.events(i), page_[i]);
        if (absl::Status s = Check(
                page_[i].position == next && page_[i].data.size() == shape_.payload->event_bytes(),
                "ReadAll position", next, page_[i].position);
            !s.ok()) {
          return s;
        }
        ++next;
      }
      timer.Lap();
      if (response.end_reached()) break;
    }
    if (absl::Status s = Check(next == shape_.total(), "ReadAll events", shape_.total(), next);
        !s.ok()) {
      return s;
    }
    return next;
  }

  absl::StatusOr<uint64_t> CatchUp(LapTimer& timer) {
    v1::SubscribeRequest request;
    request.set_from_position(0);
    // As a catch-up consumer would ask: the backlog in messages of up to a
    // page, like the paged reads.
    request.set_max_events_per_message(static_cast<uint32_t>(shape_.page));
    grpc::ClientContext context;
    Prepare(context);
    std::unique_ptr<grpc::ClientReader<v1::SubscribeResponse>> reader =
        stub_->Subscribe(&context, request);
    v1::SubscribeResponse message;
    engine::RecordedEvent event;
    uint64_t next = 0;
    bool caught_up = false;
    absl::Status failed;
    while (reader->Read(&message)) {
      if (message.has_caught_up()) {
        caught_up = true;
        break;
      }
      for (const v1::RecordedEvent& e : message.events().events()) {
        Materialise(e, event);
        failed = Check(event.position == next && event.data.size() == shape_.payload->event_bytes(),
                       "Subscribe position", next, event.position);
        if (!failed.ok()) break;
        if (++next % shape_.page == 0) timer.Lap();
      }
      if (!failed.ok()) break;
    }
    // A consumer that has caught up would stay live; this one is done, and
    // the cancel ends the call on the server (freeing its subscription).
    context.TryCancel();
    const grpc::Status end = reader->Finish();
    if (!failed.ok()) return failed;
    if (!caught_up) {
      return end.ok() ? absl::DataLossError("crm-engine-grpc: Subscribe ended before caught_up")
                      : FromGrpc(end);
    }
    if (absl::Status s = Check(next == shape_.total(), "Subscribe events", shape_.total(), next);
        !s.ok()) {
      return s;
    }
    return next;
  }

  std::unique_ptr<service::CrmServer> server_;
  ReadShape shape_;
  double load_seconds_;
  std::unique_ptr<v1::EventStoreService::Stub> stub_;
  std::vector<engine::RecordedEvent> page_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ReadTarget>> OpenGrpcReads(const std::string& path,
                                                          const ReadShape& shape) {
  absl::StatusOr<double> load = LoadEngineLog(path, shape);
  if (!load.ok()) return load.status();
  service::CrmdConfig config;
  config.set_data_dir(path);
  config.set_unsafe_skip_fsync(false);
  config.set_metrics_address("127.0.0.1:0");
  absl::StatusOr<std::unique_ptr<service::CrmServer>> server = StartCrmdInProcess(config, kKey);
  if (!server.ok()) return server.status();
  if (absl::Status s = AwaitReadModels((*server)->metrics_port(), absl::Minutes(2)); !s.ok()) {
    (*server)->Shutdown();
    return s;
  }
  return std::make_unique<GrpcReads>(*std::move(server), shape, *load);
}

}  // namespace crm::bench
