#include "clients/crmctl/events_command.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <thread>

#include "absl/strings/str_format.h"
#include "clients/crmctl/event_json.h"
#include "crm/v1/event_store_service.grpc.pb.h"

namespace crm::clients {
namespace {

constexpr uint64_t kPage = 1000;

// Prints one line; false (having said why) when the event cannot be turned
// into JSON or `out` refuses it.
template <typename Event>
bool PrintEvent(const Event& e, std::FILE* out, std::FILE* err) {
  absl::StatusOr<std::string> line = EventToJsonLine(e);
  if (!line.ok()) {
    absl::FPrintF(err, "crmctl events: %s\n", line.status().message());
    return false;
  }
  if (absl::FPrintF(out, "%s\n", *line) < 0 || std::fflush(out) != 0) {
    absl::FPrintF(err, "crmctl events: writing the output failed\n");
    return false;
  }
  return true;
}

void PrintExported(std::FILE* err, uint64_t written, uint64_t next) {
  absl::FPrintF(err, "%d events exported; resume with --from=%d\n", written, next);
}

// The write end of the pipe SIGINT and SIGTERM write to, so that the tail's
// watcher thread (not the handler, where gRPC may not be called) cancels the
// subscription.
int stop_pipe_write = -1;

extern "C" void OnStopSignal(int) {
  const int saved = errno;
  const char byte = 1;
  // Nothing to do if the pipe is full: one byte already wakes the watcher.
  (void)!write(stop_pipe_write, &byte, 1);
  errno = saved;
}

// Installs the handlers for its lifetime and cancels `context` when one
// fires.
class StopOnSignal {
 public:
  explicit StopOnSignal(grpc::ClientContext* context) {
    if (pipe(fds_) != 0) {
      fds_[0] = fds_[1] = -1;
      return;
    }
    stop_pipe_write = fds_[1];
    struct sigaction action = {};
    action.sa_handler = OnStopSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
    // A closed pipe on stdout (`| head`) is an fwrite error to handle, not
    // a reason to die before saying where to resume.
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &old_pipe_);
    watcher_ = std::thread([this, context] {
      char byte;
      while (read(fds_[0], &byte, 1) < 0 && errno == EINTR) {
      }
      if (!done_.load()) {
        interrupted_.store(true);
        context->TryCancel();
      }
    });
  }

  ~StopOnSignal() {
    if (fds_[0] < 0) return;
    done_.store(true);
    const char byte = 0;
    (void)!write(fds_[1], &byte, 1);
    watcher_.join();
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGPIPE, &old_pipe_, nullptr);
    stop_pipe_write = -1;
    close(fds_[0]);
    close(fds_[1]);
  }

  bool interrupted() const { return interrupted_.load(); }

 private:
  int fds_[2];
  struct sigaction old_int_ = {}, old_term_ = {}, old_pipe_ = {};
  std::atomic<bool> done_{false};
  std::atomic<bool> interrupted_{false};
  std::thread watcher_;
};

}  // namespace

int RunEventsExport(engine::EventStore& store, const EventsExportOptions& o, std::FILE* out,
                    std::FILE* err) {
  uint64_t position = o.from;
  uint64_t written = 0;
  int code = kExitOk;
  while (code == kExitOk && (o.limit == 0 || written < o.limit)) {
    const size_t page = o.limit == 0 ? kPage : std::min(kPage, o.limit - written);
    auto events = store.ReadAll(position, engine::Direction::kForward, page);
    if (!events.ok()) {
      absl::FPrintF(err, "crmctl events export: reading at %d: %s\n", position,
                    events.status().message());
      code = kExitRefused;
      break;
    }
    for (const engine::RecordedEvent& e : *events) {
      if (!PrintEvent(e, out, err)) {
        code = kExitRefused;
        break;
      }
      position = e.position + 1;
      ++written;
    }
    if (events->size() < page) break;
  }
  PrintExported(err, written, position);
  return code;
}

int RunEventsExport(const Crmd& crmd, const EventsExportOptions& o, std::FILE* out,
                    std::FILE* err) {
  auto stub = v1::EventStoreService::NewStub(crmd.channel);
  uint64_t position = o.from;
  uint64_t written = 0;
  int code = kExitOk;
  while (code == kExitOk && (o.limit == 0 || written < o.limit)) {
    v1::ReadAllRequest request;
    request.set_from_position(position);
    request.set_limit(
        static_cast<uint32_t>(o.limit == 0 ? kPage : std::min(kPage, o.limit - written)));
    v1::ReadResponse response;
    const grpc::Status s = stub->ReadAll(crmd.Context().get(), request, &response);
    if (!s.ok()) {
      code = ReportRefusal(err, "events export", s);
      break;
    }
    for (const v1::RecordedEvent& e : response.events()) {
      if (!PrintEvent(e, out, err)) {
        code = kExitRefused;
        break;
      }
      position = e.position() + 1;
      ++written;
    }
    if (response.end_reached() || response.events().empty()) break;
  }
  PrintExported(err, written, position);
  return code;
}

int RunEventsTail(const Crmd& crmd, const EventsTailOptions& o, std::FILE* out, std::FILE* err) {
  auto stub = v1::EventStoreService::NewStub(crmd.channel);
  // No deadline: a tail runs until it is stopped.
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", crmd.api_key);
  v1::SubscribeRequest request;
  request.set_from_position(o.from);
  request.set_event_type_prefix(o.type_prefix);
  request.set_stream_prefix(o.stream_prefix);
  // A backlog arrives many events per message (far faster); live events
  // still come as soon as they commit.
  request.set_max_events_per_message(1000);

  // Every event below `next` has been printed or did not match: where to
  // resume.
  uint64_t next = o.from;
  uint64_t printed = 0;
  bool failed_output = false;
  grpc::Status status;
  bool interrupted = false;
  {
    StopOnSignal stop(&context);
    std::unique_ptr<grpc::ClientReader<v1::SubscribeResponse>> reader =
        stub->Subscribe(&context, request);
    v1::SubscribeResponse message;
    while (reader->Read(&message)) {
      switch (message.message_case()) {
        case v1::SubscribeResponse::kEvent:
          if (!PrintEvent(message.event(), out, err)) {
            failed_output = true;
            break;
          }
          next = message.event().position() + 1;
          ++printed;
          break;
        case v1::SubscribeResponse::kEvents:
          for (const v1::RecordedEvent& e : message.events().events()) {
            if (o.limit != 0 && printed >= o.limit) break;
            if (!PrintEvent(e, out, err)) {
              failed_output = true;
              break;
            }
            next = e.position() + 1;
            ++printed;
          }
          break;
        case v1::SubscribeResponse::kCheckpoint:
          next = std::max(next, message.checkpoint().position());
          break;
        case v1::SubscribeResponse::kCaughtUp:
          next = std::max(next, message.caught_up().position());
          // A person watching knows the backlog is done; scripts read stdout.
          absl::FPrintF(err, "caught up at position %d; waiting for new events\n", next);
          break;
        case v1::SubscribeResponse::kFellBehind:
          next = std::max(next, message.fell_behind().position());
          break;
        default:
          break;
      }
      if (failed_output || (o.limit != 0 && printed >= o.limit)) {
        context.TryCancel();
        break;
      }
    }
    status = reader->Finish();
    interrupted = stop.interrupted();
  }
  const bool stopped_here = interrupted || failed_output || (o.limit != 0 && printed >= o.limit);
  absl::FPrintF(err, "%d events printed; resume with --from=%d\n", printed, next);
  if (failed_output) return kExitRefused;
  if (stopped_here) return kExitOk;
  if (status.ok()) return kExitOk;
  return ReportRefusal(err, "events tail", status);
}

}  // namespace crm::clients
