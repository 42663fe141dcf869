// crm_handler_bench: commands/s through the CommandHandler for "log a
// follow-up on an existing customer", next to raw store appends of an event
// of the same size, in the same run, on the same durable store.
//
// Rows, for each writer count:
//   raw   - EventStore::Append of one encoded FollowUpLogged (with metadata)
//           to the writer's own stream, expecting its exact revision: the
//           store's cost, the limit the handler can approach.
//   hot   - each writer logs follow-ups on its own customer, whose folded
//           state stays in the handler's cache: decide + encode + append.
//   cold  - each command picks a random customer out of --customers with a
//           handler cache of one entry, so every command folds the customer's
//           stream (--history follow-ups and growing) from revision 0. The
//           RocksDB block cache and the OS page cache are warm: "cold" means
//           the handler's state cache missed, not the disk.
//
// Usage: crm_handler_bench [--threads=1,8] [--duration=3s] [--customers=10000]
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_dir.h"
#include "bench/load_runner.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/customer_commands.pb.h"
#include "crm/v1/customer_events.pb.h"
#include "engine/domain/command_handler.h"
#include "engine/domain/event_codec.h"
#include "engine/store/event_id.h"
#include "engine/store/event_store.h"

ABSL_FLAG(std::string, dir, "", "Parent folder of the scratch store (default $TMPDIR or /tmp).");
ABSL_FLAG(std::vector<std::string>, threads, std::vector<std::string>({"1", "8"}),
          "Writer thread counts.");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(3), "Measured window of each row.");
ABSL_FLAG(absl::Duration, warmup, absl::Milliseconds(500), "Warm-up before each window.");
ABSL_FLAG(int32_t, customers, 10'000, "Customers registered before the rows.");
ABSL_FLAG(int32_t, history, 20, "Follow-ups already on each customer before the rows.");
ABSL_FLAG(bool, sync, true, "fsync the WAL per commit (durable, as in production).");
ABSL_FLAG(bool, quick, false, "Smoke mode: 200 customers, 0.3 s windows. Numbers mean nothing.");

namespace crm::bench {
namespace {

using engine::EventStore;
using engine::ExpectedRevision;
using engine::ProposedEvent;
using engine::Revision;
using engine::StreamAppend;
using engine::domain::CommandHandler;
using engine::domain::CommandHandlerOptions;

// A fixed business day, so runs are comparable (Asia/Shanghai 2026-03-12).
const int64_t kNowUs = absl::ToUnixMicros(absl::FromCivil(
    absl::CivilSecond(2026, 3, 12, 10, 0, 0), engine::domain::DefaultBusinessTimeZone()));

std::string CustomerId(int i) { return absl::StrCat("bench", i); }

v1::CommandContext Ctx(const std::string& request_id) {
  v1::CommandContext ctx;
  ctx.set_request_id(request_id);
  ctx.set_actor("bench");
  ctx.set_now_us(kNowUs);
  return ctx;
}

v1::CustomerCommand FollowUp(const std::string& customer_id, const std::string& follow_up_id) {
  v1::CustomerCommand c;
  v1::LogFollowUp* f = c.mutable_log_follow_up();
  f->set_customer_id(customer_id);
  f->set_follow_up_id(follow_up_id);
  f->set_channel(v1::FOLLOW_UP_CHANNEL_PHONE);
  f->set_occurred_us(kNowUs);
  f->set_rep_id("rep-bench");
  f->set_intent(v1::INTENT_CONSIDERING);
  f->set_notes("客户需要考虑，下周再联系");
  return c;
}

// The event a follow-up command writes, as the store sees it: what the raw
// row appends, so both rows move the same bytes.
absl::StatusOr<ProposedEvent> FollowUpEvent() {
  v1::CustomerEvent envelope;
  v1::FollowUpLogged* e = envelope.mutable_follow_up_logged();
  e->set_follow_up_id("fu-000000");
  e->set_channel(v1::FOLLOW_UP_CHANNEL_PHONE);
  e->set_occurred_us(kNowUs);
  e->set_rep_id("rep-bench");
  e->set_intent(v1::INTENT_CONSIDERING);
  e->set_notes("客户需要考虑，下周再联系");
  absl::StatusOr<engine::domain::EncodedEvent> encoded = engine::domain::EncodeEvent(envelope);
  if (!encoded.ok()) return encoded.status();
  v1::EventMetadata metadata;
  metadata.set_actor("bench");
  metadata.set_request_id("b0-000000");
  metadata.set_recorded_us(kNowUs);
  ProposedEvent event;
  event.type = encoded->type;
  event.data = encoded->data;
  event.metadata = metadata.SerializeAsString();
  return event;
}

class RawWriter : public Writer {
 public:
  // Each row gets fresh streams: `row` names it.
  RawWriter(EventStore* store, const std::string& row, int thread, const ProposedEvent* event)
      : store_(store), stream_(absl::StrCat("raw-", row, "-", thread)), event_(event) {}
  void Prepare() override {
    request_.clear();
    StreamAppend a;
    a.stream = stream_;
    a.expected = revision_ == engine::kNoRevision ? ExpectedRevision::NoStream()
                                                  : ExpectedRevision::Exact(revision_);
    ProposedEvent e = *event_;
    e.id = engine::EventId::Random();
    a.events.push_back(std::move(e));
    request_.push_back(std::move(a));
  }
  absl::Status Commit() override {
    absl::StatusOr<engine::AppendResult> r = store_->Append(std::move(request_));
    if (!r.ok()) return r.status();
    revision_ = r->streams.front().last_revision;
    return absl::OkStatus();
  }

 private:
  EventStore* store_;
  std::string stream_;
  const ProposedEvent* event_;
  Revision revision_ = engine::kNoRevision;
  std::vector<StreamAppend> request_;
};

class HandlerWriter : public Writer {
 public:
  // `customer` < 0 picks a random customer per command.
  HandlerWriter(CommandHandler* handler, std::string row, int thread, int customer, int customers)
      : handler_(handler),
        prefix_(absl::StrCat(row, thread, "-")),
        customer_(customer),
        customers_(customers),
        rng_(static_cast<uint32_t>(thread) * 7919u + 17u) {}
  void Prepare() override {
    const int c =
        customer_ >= 0 ? customer_ : std::uniform_int_distribution<int>(0, customers_ - 1)(rng_);
    const std::string id = absl::StrCat(prefix_, n_++);
    ctx_ = Ctx(id);
    command_ = FollowUp(CustomerId(c), id);
  }
  absl::Status Commit() override {
    absl::StatusOr<engine::domain::CommandResult> r = handler_->Execute(ctx_, command_);
    if (!r.ok()) return r.status();
    if (r->events_written != 1) {
      return absl::InternalError(absl::StrCat("expected one event, wrote ", r->events_written));
    }
    return absl::OkStatus();
  }

 private:
  CommandHandler* handler_;
  std::string prefix_;
  int customer_, customers_;
  std::mt19937 rng_;
  uint64_t n_ = 0;
  v1::CommandContext ctx_;
  v1::CustomerCommand command_;
};

// Registers the customers through the handler (so reservations exist) and
// gives each --history follow-ups, also through the handler.
absl::Status Populate(EventStore* store, int customers, int history) {
  CommandHandler handler(store, CommandHandlerOptions{});
  for (int i = 0; i < customers; ++i) {
    v1::CustomerCommand c;
    v1::RegisterCustomer* r = c.mutable_register_();
    r->set_customer_id(CustomerId(i));
    r->set_kind(v1::CUSTOMER_KIND_COMPANY);
    r->mutable_profile()->set_company_name(absl::StrCat("基准测试客户", i, "号贸易"));
    r->mutable_profile()->set_contact_person("王伟");
    r->mutable_profile()->add_phones(absl::StrFormat("139%08d", i));
    r->set_owner_rep_id("rep-bench");
    absl::StatusOr<engine::domain::CommandResult> done =
        handler.Execute(Ctx(absl::StrCat("reg-", i)), c);
    if (!done.ok()) return done.status();
    for (int h = 0; h < history; ++h) {
      const std::string id = absl::StrCat("hist-", i, "-", h);
      done = handler.Execute(Ctx(id), FollowUp(CustomerId(i), id));
      if (!done.ok()) return done.status();
    }
  }
  return absl::OkStatus();
}

struct Row {
  std::string name;
  int threads = 0;
  LoadResult result;
};

void PrintRow(const Row& row, double raw_ops_per_s) {
  const double ops = row.result.seconds > 0 ? row.result.ops / row.result.seconds : 0;
  const double cpu = row.result.seconds > 0 ? 100 * row.result.cpu_seconds / row.result.seconds : 0;
  const double other =
      row.result.seconds > 0 ? 100 * row.result.other_cpu_seconds / row.result.seconds : 0;
  absl::PrintF("%-5s %7d | %10.0f %8.2f %8.2f %5.0f %5.0f | %8s | %s\n", row.name, row.threads, ops,
               row.result.PercentileUs(50) / 1000, row.result.PercentileUs(99) / 1000, cpu, other,
               raw_ops_per_s > 0 ? absl::StrFormat("%.2f", ops / raw_ops_per_s) : "-",
               row.result.errors > 0
                   ? absl::StrCat(row.result.errors, " errors: ", row.result.first_error)
                   : "");
}

int Run() {
  const bool quick = absl::GetFlag(FLAGS_quick);
  const int customers = quick ? 200 : absl::GetFlag(FLAGS_customers);
  const int history = quick ? 5 : absl::GetFlag(FLAGS_history);
  LoadOptions load;
  load.duration = quick ? absl::Milliseconds(300) : absl::GetFlag(FLAGS_duration);
  load.warmup = quick ? absl::Milliseconds(100) : absl::GetFlag(FLAGS_warmup);
  std::vector<int> thread_counts;
  for (const std::string& t : absl::GetFlag(FLAGS_threads)) {
    int n = 0;
    if (!absl::SimpleAtoi(t, &n) || n <= 0 || n > 1024) {
      absl::FPrintF(stderr, "--threads: %s is not a count in 1..1024\n", t);
      return 2;
    }
    thread_counts.push_back(n);
  }
  if (customers <= 0 || history < 0) {
    absl::FPrintF(stderr, "--customers must be > 0 and --history >= 0\n");
    return 2;
  }

  absl::StatusOr<BenchDir> dir = BenchDir::Create(absl::GetFlag(FLAGS_dir));
  if (!dir.ok()) {
    absl::FPrintF(stderr, "scratch folder: %s\n", dir.status().ToString());
    return 1;
  }
  const std::string path = dir->NewChild("handler");
  absl::PrintF("crm_handler_bench: store in %s (%s), sync=%s, %d customers x %d follow-ups\n", path,
               FileSystemType(dir->path()), absl::GetFlag(FLAGS_sync) ? "on" : "off", customers,
               history);

  // Populate without fsync (it is setup, not measured), then reopen durable.
  {
    engine::StoreOptions fill;
    fill.path = path;
    fill.sync_writes = false;
    absl::StatusOr<std::unique_ptr<EventStore>> store = EventStore::Open(fill);
    if (!store.ok()) {
      absl::FPrintF(stderr, "open: %s\n", store.status().ToString());
      return 1;
    }
    const absl::Time start = absl::Now();
    if (absl::Status s = Populate(store->get(), customers, history); !s.ok()) {
      absl::FPrintF(stderr, "populate: %s\n", s.ToString());
      return 1;
    }
    absl::PrintF("populated %d events in %.1f s\n", (*store)->CommittedPosition(),
                 absl::ToDoubleSeconds(absl::Now() - start));
  }
  engine::StoreOptions options;
  options.path = path;
  options.sync_writes = absl::GetFlag(FLAGS_sync);
  absl::StatusOr<std::unique_ptr<EventStore>> store = EventStore::Open(options);
  if (!store.ok()) {
    absl::FPrintF(stderr, "reopen: %s\n", store.status().ToString());
    return 1;
  }
  absl::StatusOr<ProposedEvent> event = FollowUpEvent();
  if (!event.ok()) {
    absl::FPrintF(stderr, "encode: %s\n", event.status().ToString());
    return 1;
  }
  absl::PrintF("event: %d data + %d metadata bytes\n\n", event->data.size(),
               event->metadata.size());
  absl::PrintF("%-5s %7s | %10s %8s %8s %5s %5s | %8s |\n", "row", "writers", "commands/s",
               "p50 ms", "p99 ms", "cpu%", "oth%", "vs raw");

  bool failed = false;
  for (int threads : thread_counts) {
    std::vector<std::unique_ptr<Writer>> raw, hot, cold;
    CommandHandler hot_handler(store->get(), CommandHandlerOptions{});
    CommandHandlerOptions cold_options;
    cold_options.cache_capacity = 1;
    CommandHandler cold_handler(store->get(), cold_options);
    for (int t = 0; t < threads; ++t) {
      raw.push_back(std::make_unique<RawWriter>(store->get(), absl::StrCat(threads), t, &*event));
      hot.push_back(std::make_unique<HandlerWriter>(&hot_handler, absl::StrCat("h", threads, "-"),
                                                    t, t % customers, customers));
      cold.push_back(std::make_unique<HandlerWriter>(&cold_handler, absl::StrCat("c", threads, "-"),
                                                     t, -1, customers));
    }
    Row raw_row{"raw", threads, RunClosedLoop(load, raw, {})};
    Row hot_row{"hot", threads, RunClosedLoop(load, hot, {})};
    Row cold_row{"cold", threads, RunClosedLoop(load, cold, {})};
    const double raw_rate = raw_row.result.ops / std::max(raw_row.result.seconds, 1e-9);
    PrintRow(raw_row, 0);
    PrintRow(hot_row, raw_rate);
    PrintRow(cold_row, raw_rate);
    failed |= raw_row.result.errors + hot_row.result.errors + cold_row.result.errors > 0;
  }
  absl::PrintF(
      "\ncommands/s count commands completed in the window; a latency is one Execute/Append "
      "call.\nvs raw: ratio to the raw row with the same writers. cpu%%: this process; oth%%: "
      "other processes (100 = one core).\n");
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return crm::bench::Run();
}
