// crm_service_bench: crmd under a realistic mix of calls from N concurrent
// gRPC clients, and what the service layer costs over the embedded store.
//
// The server is a real CrmServer (the code crmd runs) on 127.0.0.1 in this
// process, durable (every command fsynced), over a scratch folder, or with
// --server=HOST:PORT --key=KEY a crmd running as its own process (then its
// CPU shows as "other cpu%"); each client is a thread with its own channel
// (its own TCP connection, unless --connections) calling the generated stubs
// back to back (closed loop).
//
// Rows:
//   mix, N clients - 60% LogFollowUp on a random customer, 20% ListPipeline
//                    of a random rep (first page of 20), 10% RecordPayment
//                    (1.00 CNY on a random approved order), 10%
//                    RegisterCustomer; ops/s and p50/p99 per operation.
//   raw appends    - one 256-byte event per call to a stream of its own per
//                    client, N clients: over gRPC (EventStoreService.Append)
//                    and embedded (EventStore::Append in N threads, on a
//                    separate store in the same scratch folder), and the
//                    ratio grpc/embedded: the cost of the service layer.
//
// An operation counts if it completes inside the measured window (after a
// warm-up). Both sides share this machine's 2 cores with the server, as a
// co-located client would; "other cpu %" is what the rest of the machine
// used meanwhile.
//
// Usage: crm_service_bench [--clients=1,16,64] [--duration=5s] [--quick]
//                          [--connections=N] [--server=HOST:PORT --key=KEY]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_dir.h"
#include "bench/crmd_in_process.h"
#include "bench/load_runner.h"
#include "crm/v1/crm_service.grpc.pb.h"
#include "crm/v1/event_store_service.grpc.pb.h"
#include "crm/v1/pipeline_service.grpc.pb.h"
#include "engine/store/event_store.h"
#include "grpcpp/grpcpp.h"
#include "service/server.h"

ABSL_FLAG(std::string, dir, "", "Parent folder of the scratch data (default $TMPDIR or /tmp).");
ABSL_FLAG(std::vector<std::string>, clients, std::vector<std::string>({"1", "16", "64"}),
          "Concurrent clients per row.");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "Measured window of each row.");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "Warm-up before each window.");
ABSL_FLAG(int32_t, customers, 2000, "Customers registered before the mix rows.");
ABSL_FLAG(int32_t, orders, 400, "Approved orders (payment targets) placed before the mix rows.");
ABSL_FLAG(int32_t, command_threads, 0, "crmd's limits.command_threads (0: its default, 16).");
ABSL_FLAG(int32_t, connections, 0,
          "TCP connections the clients share, round robin (0: one per client).");
ABSL_FLAG(bool, quick, false, "Smoke mode: short windows, few customers. Numbers mean nothing.");
ABSL_FLAG(std::string, server, "",
          "HOST:PORT of a running crmd (fresh data folder) to load instead of one started in "
          "this process; its CPU is then the 'other cpu%' column.");
ABSL_FLAG(std::string, key, "", "--server: an admin API key of that crmd.");

namespace crm::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kKey[] = "bench-admin-key";
constexpr int kReps = 8;

enum Op : uint8_t { kFollowUp, kPipeline, kPayment, kRegister, kAppend, kOps };
constexpr const char* kOpNames[kOps] = {"LogFollowUp", "ListPipeline", "RecordPayment",
                                        "RegisterCustomer", "Append"};

struct Sample {
  int64_t end_ns;  // since the run's start
  int32_t latency_us;
  Op op;
  bool ok;
};

// One client thread: runs `call` back to back until `stop`, recording each.
struct Client {
  std::vector<Sample> samples;
  std::string first_error;
};

struct RowResult {
  double seconds = 0;
  uint64_t ok[kOps] = {};
  uint64_t errors[kOps] = {};
  std::vector<int32_t> latencies[kOps];
  std::string first_error;
  double other_cpu_pct = 0;
};

// Runs `clients` threads; each calls `one(client_index, rng)` which returns
// the op it did and its status. Samples that end in the window count.
template <typename One>
RowResult RunRow(int clients, absl::Duration warmup, absl::Duration duration, One one) {
  std::vector<Client> state(clients);
  std::atomic<bool> stop{false};
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::mt19937_64 rng(1000 + c);
      state[c].samples.reserve(1 << 16);
      while (!stop.load(std::memory_order_relaxed)) {
        const Clock::time_point begin = Clock::now();
        std::pair<Op, grpc::Status> done = one(c, rng);
        const Clock::time_point end = Clock::now();
        state[c].samples.push_back(
            Sample{std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count(),
                   static_cast<int32_t>(
                       std::chrono::duration_cast<std::chrono::microseconds>(end - begin).count()),
                   done.first, done.second.ok()});
        if (!done.second.ok() && state[c].first_error.empty()) {
          state[c].first_error =
              absl::StrCat(kOpNames[done.first], ": ", done.second.error_message());
        }
      }
    });
  }
  absl::SleepFor(warmup);
  const double cpu0 = ProcessCpuSeconds(), machine0 = MachineBusySeconds();
  const int64_t from_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
  absl::SleepFor(duration);
  const int64_t to_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
  const double cpu1 = ProcessCpuSeconds(), machine1 = MachineBusySeconds();
  stop = true;
  for (std::thread& t : threads) t.join();

  RowResult r;
  r.seconds = (to_ns - from_ns) / 1e9;
  r.other_cpu_pct = 100.0 * std::max(0.0, (machine1 - machine0) - (cpu1 - cpu0)) / r.seconds;
  for (const Client& c : state) {
    if (r.first_error.empty()) r.first_error = c.first_error;
    for (const Sample& s : c.samples) {
      if (s.end_ns < from_ns || s.end_ns > to_ns) continue;
      if (s.ok) {
        ++r.ok[s.op];
        r.latencies[s.op].push_back(s.latency_us);
      } else {
        ++r.errors[s.op];
      }
    }
  }
  for (auto& l : r.latencies) std::sort(l.begin(), l.end());
  return r;
}

double PercentileMs(const std::vector<int32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * sorted.size()));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1] / 1e3;
}

const std::string& Key() {
  static const std::string* key =
      new std::string(absl::GetFlag(FLAGS_server).empty() ? kKey : absl::GetFlag(FLAGS_key));
  return *key;
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-api-key", Key());
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  return context;
}

v1::Money Cny(int64_t fen) {
  v1::Money m;
  m.set_currency_code("CNY");
  m.set_minor_units(fen);
  return m;
}

v1::Date Day(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

std::string RepId(uint64_t i) { return absl::StrCat("rep", i % kReps); }

// A customer no other call uses: its phone and name derive from `n`.
v1::RegisterCustomerRequest Registration(uint64_t n) {
  v1::RegisterCustomerRequest r;
  r.set_request_id(absl::StrCat("reg-", n));
  v1::RegisterCustomer* c = r.mutable_command();
  c->set_customer_id(absl::StrCat("c", n));
  c->set_kind(v1::CUSTOMER_KIND_COMPANY);
  c->mutable_profile()->set_company_name(absl::StrCat("压测客户公司", n));
  c->mutable_profile()->set_contact_person("王经理");
  c->mutable_profile()->add_phones(absl::StrFormat("13%09d", n));
  c->set_owner_rep_id(RepId(n));
  return r;
}

struct Fixture {
  std::unique_ptr<service::CrmServer> server;
  std::string target;
  int customers = 0;
  int orders = 0;
};

absl::Status Check(const grpc::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(what, ": ", s.error_message()));
}

// Starts the server and loads the reps, customers and approved orders.
absl::StatusOr<Fixture> Start(const std::string& data_dir, int customers, int orders) {
  Fixture f;
  if (const std::string external = absl::GetFlag(FLAGS_server); !external.empty()) {
    f.target = external;
  } else {
    service::CrmdConfig config;
    config.set_data_dir(data_dir);
    config.mutable_limits()->set_command_threads(absl::GetFlag(FLAGS_command_threads));
    absl::StatusOr<std::unique_ptr<service::CrmServer>> server = StartCrmdInProcess(config, kKey);
    if (!server.ok()) return server.status();
    f.server = *std::move(server);
    f.target = absl::StrCat("127.0.0.1:", f.server->port());
  }
  f.customers = customers;
  f.orders = orders;

  auto channel = grpc::CreateChannel(f.target, grpc::InsecureChannelCredentials());
  auto crm = v1::CrmService::NewStub(channel);
  v1::CommandResponse response;
  v1::CreateTeamRequest team;
  team.set_request_id("team");
  team.mutable_command()->set_team_id("sales");
  team.mutable_command()->set_name("销售部");
  if (absl::Status s = Check(crm->CreateTeam(Context().get(), team, &response), "team"); !s.ok()) {
    return s;
  }
  for (int r = 0; r < kReps; ++r) {
    v1::RegisterRepRequest rep;
    rep.set_request_id(absl::StrCat("rep-", r));
    rep.mutable_command()->set_rep_id(RepId(r));
    rep.mutable_command()->set_name(RepId(r));
    rep.mutable_command()->set_team_id("sales");
    if (absl::Status s = Check(crm->RegisterRep(Context().get(), rep, &response), "rep"); !s.ok()) {
      return s;
    }
  }
  // Loaded from 8 threads: one thread would take a second per few hundred.
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::string error;
  std::vector<std::thread> loaders;
  for (int t = 0; t < 8; ++t) {
    loaders.emplace_back([&] {
      auto stub = v1::CrmService::NewStub(channel);
      for (int i; (i = next++) < customers + orders && !failed;) {
        v1::CommandResponse out;
        grpc::Status s;
        if (i < customers) {
          s = stub->RegisterCustomer(Context().get(), Registration(i), &out);
        } else {
          const int o = i - customers;
          v1::PlaceOrderRequest place;
          place.set_request_id(absl::StrCat("order-", o));
          v1::PlaceOrder* c = place.mutable_command();
          c->set_order_id(absl::StrCat("o", o));
          c->set_contract_number(absl::StrCat("HT-BENCH-", o));
          c->set_customer_id(absl::StrCat("c", o % std::max(customers, 1)));
          c->set_rep_id(RepId(o % std::max(customers, 1)));
          c->set_currency_code("CNY");
          v1::OrderLine* line = c->add_lines();
          line->set_product_id("p-crm");
          line->set_product_name("CRM年费");
          line->set_quantity(1);
          *line->mutable_unit_price() = Cny(100'000'000);  // 1,000,000.00: room for payments
          v1::Instalment* plan = c->add_plan();
          plan->set_number(1);
          *plan->mutable_amount() = Cny(100'000'000);
          *plan->mutable_due_date() = Day(2030, 1, 1);
          *c->mutable_signed_on() = Day(2026, 1, 5);
          s = stub->PlaceOrder(Context().get(), place, &out);
          if (s.ok()) {
            v1::ApproveOrderRequest approve;
            approve.set_request_id(absl::StrCat("approve-", o));
            approve.mutable_command()->set_order_id(absl::StrCat("o", o));
            approve.mutable_command()->set_approver("manager");
            s = stub->ApproveOrder(Context().get(), approve, &out);
          }
        }
        if (!s.ok() && !failed.exchange(true)) error = s.error_message();
      }
    });
  }
  for (std::thread& t : loaders) t.join();
  if (failed) return absl::InternalError(absl::StrCat("loading: ", error));
  return f;
}

// Client `c`'s channel. Channels with equal arguments share one connection
// in gRPC, so the connection number goes in as an argument.
std::shared_ptr<grpc::Channel> Channel(const std::string& target, int c) {
  const int connections = absl::GetFlag(FLAGS_connections);
  grpc::ChannelArguments args;
  args.SetInt("crm.bench.connection", connections > 0 ? c % connections : c);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

void PrintMix(int clients, const RowResult& r) {
  uint64_t total = 0;
  for (int op = kFollowUp; op <= kRegister; ++op) total += r.ok[op];
  std::printf("%-10s %7d %10.0f %10.1f |", "mix", clients, total / r.seconds, r.other_cpu_pct);
  for (int op = kFollowUp; op <= kRegister; ++op) {
    std::printf(" %8.0f %6.2f %6.2f |", r.ok[op] / r.seconds, PercentileMs(r.latencies[op], 50),
                PercentileMs(r.latencies[op], 99));
  }
  uint64_t errors = 0;
  for (uint64_t e : r.errors) errors += e;
  std::printf(" %llu\n", static_cast<unsigned long long>(errors));
  if (!r.first_error.empty()) std::printf("           first error: %s\n", r.first_error.c_str());
}

int Run() {
  const bool quick = absl::GetFlag(FLAGS_quick);
  const absl::Duration duration = quick ? absl::Milliseconds(500) : absl::GetFlag(FLAGS_duration);
  const absl::Duration warmup = quick ? absl::Milliseconds(200) : absl::GetFlag(FLAGS_warmup);
  const int customers = quick ? 100 : absl::GetFlag(FLAGS_customers);
  const int orders = quick ? 20 : absl::GetFlag(FLAGS_orders);
  std::vector<int> client_counts;
  for (const std::string& s : absl::GetFlag(FLAGS_clients)) {
    int n = 0;
    if (!absl::SimpleAtoi(s, &n) || n <= 0) {
      std::fprintf(stderr, "--clients: %s is not a positive number\n", s.c_str());
      return 2;
    }
    client_counts.push_back(n);
  }
  absl::StatusOr<BenchDir> dir = BenchDir::Create(absl::GetFlag(FLAGS_dir));
  if (!dir.ok()) {
    std::fprintf(stderr, "scratch folder: %s\n", dir.status().ToString().c_str());
    return 1;
  }
  std::printf("crm_service_bench: %s on %s; durable (fsync on) on both sides\n",
              dir->path().c_str(), FileSystemType(dir->path()).c_str());
  const absl::Time load_start = absl::Now();
  absl::StatusOr<Fixture> fixture = Start(dir->NewChild("crmd"), customers, orders);
  if (!fixture.ok()) {
    std::fprintf(stderr, "%s\n", fixture.status().ToString().c_str());
    return 1;
  }
  std::printf("loaded %d customers and %d approved orders through gRPC in %.1f s\n\n", customers,
              orders, absl::ToDoubleSeconds(absl::Now() - load_start));
  std::printf("%-10s %7s %10s %10s |", "row", "clients", "ops/s", "other cpu%");
  for (int op = kFollowUp; op <= kRegister; ++op) {
    std::printf(" %-22s |", absl::StrCat(kOpNames[op], " /s p50 p99").c_str());
  }
  std::printf(" errors\n");

  std::atomic<uint64_t> next_customer{static_cast<uint64_t>(customers)};
  std::atomic<uint64_t> next_id{0};
  for (int clients : client_counts) {
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    std::vector<std::unique_ptr<v1::CrmService::Stub>> crm;
    std::vector<std::unique_ptr<v1::PipelineService::Stub>> pipeline;
    for (int c = 0; c < clients; ++c) {
      channels.push_back(Channel(fixture->target, c));
      crm.push_back(v1::CrmService::NewStub(channels.back()));
      pipeline.push_back(v1::PipelineService::NewStub(channels.back()));
    }
    RowResult r = RunRow(clients, warmup, duration, [&](int c, std::mt19937_64& rng) {
      const uint64_t dice = rng() % 100;
      v1::CommandResponse out;
      if (dice < 60) {
        const uint64_t n = next_id++;
        v1::LogFollowUpRequest req;
        req.set_request_id(absl::StrCat("fu-", n));
        const uint64_t customer = rng() % customers;
        v1::LogFollowUp* f = req.mutable_command();
        f->set_customer_id(absl::StrCat("c", customer));
        f->set_follow_up_id(absl::StrCat("f", n));
        f->set_channel(v1::FOLLOW_UP_CHANNEL_PHONE);
        f->set_occurred_us(absl::ToUnixMicros(absl::Now()));
        f->set_rep_id(RepId(customer));
        f->set_intent(v1::INTENT_CONSIDERING);
        f->set_notes("客户需要考虑，下周再联系");
        *f->mutable_next_follow_up_date() = Day(2027, 1, 1 + static_cast<int>(rng() % 28));
        return std::make_pair(kFollowUp, crm[c]->LogFollowUp(Context().get(), req, &out));
      }
      if (dice < 80) {
        v1::ListPipelineRequest req;
        req.mutable_scope()->set_rep_id(RepId(rng()));
        req.set_page_size(20);
        v1::ListPipelineResponse resp;
        return std::make_pair(kPipeline, pipeline[c]->ListPipeline(Context().get(), req, &resp));
      }
      if (dice < 90) {
        const uint64_t n = next_id++;
        v1::RecordPaymentRequest req;
        req.set_request_id(absl::StrCat("pay-", n));
        const uint64_t o = rng() % orders;
        v1::RecordPayment* p = req.mutable_command();
        p->set_order_id(absl::StrCat("o", o));
        p->set_payment_id(absl::StrCat("pay", n));
        *p->mutable_amount() = Cny(100);
        *p->mutable_paid_on() = Day(2026, 6, 1);
        p->set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
        p->set_rep_id(RepId(o % customers));
        return std::make_pair(kPayment, crm[c]->RecordPayment(Context().get(), req, &out));
      }
      return std::make_pair(kRegister, crm[c]->RegisterCustomer(
                                           Context().get(), Registration(next_customer++), &out));
    });
    PrintMix(clients, r);
  }

  // The service layer's cost: the same durable one-event appends over gRPC
  // and embedded.
  engine::StoreOptions options;
  options.path = dir->NewChild("embedded");
  absl::StatusOr<std::unique_ptr<engine::EventStore>> embedded = engine::EventStore::Open(options);
  if (!embedded.ok()) {
    std::fprintf(stderr, "embedded store: %s\n", embedded.status().ToString().c_str());
    return 1;
  }
  const std::string payload(256, 'x');
  std::printf("\n%-22s %7s %12s %8s %8s %12s %8s %8s %10s\n", "raw appends, 1 event", "clients",
              "grpc ev/s", "p50 ms", "p99 ms", "embedded/s", "p50 ms", "p99 ms", "grpc/emb");
  for (int clients : client_counts) {
    std::vector<std::unique_ptr<v1::EventStoreService::Stub>> stubs;
    for (int c = 0; c < clients; ++c) {
      stubs.push_back(v1::EventStoreService::NewStub(Channel(fixture->target, c)));
    }
    RowResult over_grpc = RunRow(clients, warmup, duration, [&](int c, std::mt19937_64&) {
      v1::AppendRequest req;
      v1::StreamAppend* a = req.add_streams();
      a->set_stream(absl::StrCat("bench-", clients, "-", c));
      v1::ProposedEvent* e = a->add_events();
      e->set_type("bench.Appended");
      e->set_data(payload);
      v1::AppendResponse resp;
      return std::make_pair(kAppend, stubs[c]->Append(Context().get(), req, &resp));
    });
    RowResult in_process = RunRow(clients, warmup, duration, [&](int c, std::mt19937_64&) {
      std::vector<engine::StreamAppend> req(1);
      req[0].stream = absl::StrCat("bench-", clients, "-", c);
      req[0].events.push_back(
          engine::ProposedEvent{engine::EventId::Random(), "bench.Appended", payload, ""});
      absl::StatusOr<engine::AppendResult> done = (*embedded)->Append(std::move(req));
      return std::make_pair(kAppend, done.ok()
                                         ? grpc::Status::OK
                                         : grpc::Status(grpc::StatusCode::INTERNAL,
                                                        std::string(done.status().message())));
    });
    const double g = over_grpc.ok[kAppend] / over_grpc.seconds;
    const double e = in_process.ok[kAppend] / in_process.seconds;
    std::printf("%-22s %7d %12.0f %8.2f %8.2f %12.0f %8.2f %8.2f %9.2fx\n", "", clients, g,
                PercentileMs(over_grpc.latencies[kAppend], 50),
                PercentileMs(over_grpc.latencies[kAppend], 99), e,
                PercentileMs(in_process.latencies[kAppend], 50),
                PercentileMs(in_process.latencies[kAppend], 99), e > 0 ? g / e : 0);
    for (const RowResult* r : {&over_grpc, &in_process}) {
      if (!r->first_error.empty()) std::printf("  first error: %s\n", r->first_error.c_str());
    }
  }
  std::printf(
      "\nops/s: calls that completed OK in the window; p50/p99 per call in ms. Errors are\n"
      "counted, not timed. other cpu%%: the rest of the machine (100 = one core).\n");
  if (fixture->server != nullptr) fixture->server->Shutdown();
  return 0;
}

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // As crmd's main() does (crmd_main.cc): Debian's Abseil has absl::Mutex
  // deadlock detection on, which a server turns off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  return crm::bench::Run();
}
