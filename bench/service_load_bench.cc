// crm_service_bench: crmd under a realistic mix of calls from N concurrent
// gRPC clients, and what the service layer costs over the embedded store.
//
// The server is a real CrmServer (the code crmd runs) on 127.0.0.1 in this
// process, durable (every command fsynced), over a scratch folder, or with
// --server=HOST:PORT --key=KEY a crmd running as its own process (then its
// CPU shows as "other cpu%" and "this cpu%" is the load generator alone).
// Each client has its own channel (its own TCP connection, unless
// --connections) and calls back to back (closed loop): a client is one call
// outstanding at a time, its next one issued as soon as it completes.
//
// Client modes:
//   async (default) - N clients are N calls in flight through the gRPC
//                     callback API: a completion (on gRPC's few callback
//                     threads) records its sample and issues that client's
//                     next call. Models a backend that multiplexes many
//                     concurrent requests to crmd over few threads, and
//                     leaves the machine's cores to the server: the load
//                     generator shares them, real callers run elsewhere.
//   --sync_clients  - a thread per client blocking in a sync stub. Models a
//                     thread-per-request caller; each call costs the client
//                     futex wake-ups and context switches on top (at 64
//                     clients here, 25-45% more client CPU per call than
//                     async), CPU the co-located server then lacks.
//
// Rows:
//   mix, N clients - 60% LogFollowUp on a random customer, 20% ListPipeline
//                    of a random rep (first page of 20), 10% RecordPayment
//                    (1.00 CNY on a random approved order), 10%
//                    RegisterCustomer; ops/s and p50/p99 per operation.
//   no-op calls    - CrmService.WhoAmI, N clients: a call crmd answers
//                    without engine work (key check, pool hand-off, reply),
//                    the ceiling of any mix on this machine; mix/no-op is
//                    the mix row's rate over it.
//   raw appends    - one 256-byte event per call to a stream of its own per
//                    client, N clients: over gRPC (EventStoreService.Append,
//                    in the chosen client mode) and embedded
//                    (EventStore::Append in N threads, always: that is the
//                    store's API, on a separate store in the same scratch
//                    folder), and the ratio grpc/embedded: the cost of the
//                    service layer.
//
// An operation counts if it completes inside the measured window (after a
// warm-up); its latency runs from just before the call is issued (request
// already built) to its completion. Both sides share this machine's 2 cores
// with the server, as a co-located client would; "this cpu%" is this
// process (load generator, plus the server unless --server), "other cpu%"
// what the rest of the machine used meanwhile.
//
// Usage: crm_service_bench [--clients=1,16,64] [--duration=5s] [--quick]
//                          [--connections=N] [--server=HOST:PORT --key=KEY]
//                          [--sync_clients]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
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
ABSL_FLAG(bool, sync_clients, false,
          "A thread per client blocking in a sync stub, instead of N calls in flight through "
          "the gRPC callback API (costs the client more CPU per call).");

namespace crm::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kKey[] = "bench-admin-key";
constexpr int kReps = 8;

enum Op : uint8_t { kFollowUp, kPipeline, kPayment, kRegister, kAppend, kWhoAmI, kOps };
constexpr const char* kOpNames[kOps] = {"LogFollowUp",      "ListPipeline", "RecordPayment",
                                        "RegisterCustomer", "Append",       "WhoAmI"};

struct Sample {
  int64_t end_ns;  // since the run's start
  int32_t latency_us;
  Op op;
  bool ok;
};

const std::string& Key() {
  static const std::string* key =
      new std::string(absl::GetFlag(FLAGS_server).empty() ? kKey : absl::GetFlag(FLAGS_key));
  return *key;
}

void SetUp(grpc::ClientContext& context) {
  context.AddMetadata("x-api-key", Key());
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  SetUp(*context);
  return context;
}

struct AsyncRun;

// One client. In the async mode it is touched by one callback thread at a
// time (each call's completion happens after the call was issued), so its
// samples need no lock.
struct Client {
  int index = 0;
  Clock::time_point run_start;
  std::mt19937_64 rng;
  std::vector<Sample> samples;
  std::string first_error;
  Clock::time_point begin;  // of the call in flight
  // A ClientContext serves one call; optional rather than heap-allocated per
  // call. In the async mode it must live until the call's callback runs.
  std::optional<grpc::ClientContext> context;
  AsyncRun* run = nullptr;  // async mode only

  void Init(int i, Clock::time_point start, AsyncRun* r) {
    index = i;
    run_start = start;
    rng.seed(1000 + i);
    samples.reserve(1 << 16);
    run = r;
  }

  grpc::ClientContext* NewContext() {
    context.emplace();
    SetUp(*context);
    return &*context;
  }

  void Record(Op op, const grpc::Status& status) {
    const Clock::time_point end = Clock::now();
    samples.push_back(
        Sample{std::chrono::duration_cast<std::chrono::nanoseconds>(end - run_start).count(),
               static_cast<int32_t>(
                   std::chrono::duration_cast<std::chrono::microseconds>(end - begin).count()),
               op, status.ok()});
    if (!status.ok() && first_error.empty()) {
      first_error = absl::StrCat(kOpNames[op], ": ", status.error_message());
    }
  }

  // The completion callback of an async call; its capture fits
  // std::function's inline buffer, so issuing a call allocates nothing here.
  std::function<void(grpc::Status)> Callback(Op op) {
    return [this, op](grpc::Status status) { Finished(op, status); };
  }

  void Finished(Op op, const grpc::Status& status);
};

// The async mode's shared state. Stopping: a client whose call completes
// after `stop` issues no next call and checks out; the row waits for all N,
// since every call's context, messages, stub and channel must outlive it.
struct AsyncRun {
  std::atomic<bool> stop{false};
  std::function<void(Client&)> next;  // builds and issues a client's next call
  absl::Mutex mu;
  int in_flight ABSL_GUARDED_BY(mu) = 0;
};

void Client::Finished(Op op, const grpc::Status& status) {
  Record(op, status);
  // Done with it: gRPC holds its own reference to the call until the
  // callback returns.
  context.reset();
  if (!run->stop.load(std::memory_order_relaxed)) {
    run->next(*this);
    return;
  }
  absl::MutexLock lock(&run->mu);
  --run->in_flight;
}

struct RowResult {
  double seconds = 0;
  uint64_t ok[kOps] = {};
  uint64_t errors[kOps] = {};
  std::vector<int32_t> latencies[kOps];
  std::string first_error;
  double this_cpu_pct = 0;
  double other_cpu_pct = 0;

  uint64_t TotalOk() const {
    uint64_t total = 0;
    for (uint64_t n : ok) total += n;
    return total;
  }
  // This process's CPU per call completed OK in the window, in microseconds.
  double CpuUsPerOp() const {
    const uint64_t n = TotalOk();
    return n == 0 ? 0 : this_cpu_pct / 100.0 * seconds * 1e6 / n;
  }
};

struct Window {
  int64_t from_ns = 0, to_ns = 0;
  double cpu = 0, machine = 0;  // seconds used in the window
};

// Sleeps through the warm-up and the measured window while the clients run.
Window Measure(Clock::time_point start, absl::Duration warmup, absl::Duration duration) {
  absl::SleepFor(warmup);
  Window w;
  const double cpu0 = ProcessCpuSeconds(), machine0 = MachineBusySeconds();
  w.from_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
  absl::SleepFor(duration);
  w.to_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
  w.cpu = ProcessCpuSeconds() - cpu0;
  w.machine = MachineBusySeconds() - machine0;
  return w;
}

// Samples that end in the window count.
RowResult Collect(const std::vector<Client>& clients, const Window& w) {
  RowResult r;
  r.seconds = (w.to_ns - w.from_ns) / 1e9;
  r.this_cpu_pct = 100.0 * w.cpu / r.seconds;
  r.other_cpu_pct = 100.0 * std::max(0.0, w.machine - w.cpu) / r.seconds;
  for (const Client& c : clients) {
    if (r.first_error.empty()) r.first_error = c.first_error;
    for (const Sample& s : c.samples) {
      if (s.end_ns < w.from_ns || s.end_ns > w.to_ns) continue;
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

// A thread per client: `load.Prepare(client)` builds the next request and
// returns its op, `load.Call(client, op)` performs it and blocks.
template <typename Load>
RowResult RunThreads(int n, absl::Duration warmup, absl::Duration duration, Load& load) {
  std::vector<Client> clients(n);
  const Clock::time_point start = Clock::now();
  for (int c = 0; c < n; ++c) clients[c].Init(c, start, nullptr);
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (Client& client : clients) {
    threads.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        const Op op = load.Prepare(client);
        client.begin = Clock::now();
        const grpc::Status status = load.Call(client, op);
        client.Record(op, status);
      }
    });
  }
  const Window w = Measure(start, warmup, duration);
  stop = true;
  for (std::thread& t : threads) t.join();
  return Collect(clients, w);
}

// N calls in flight: `load.Start(client, op)` issues the call prepared by
// `load.Prepare(client)` through the callback API, with client.Callback(op)
// as its completion, which issues the next.
template <typename Load>
RowResult RunAsync(int n, absl::Duration warmup, absl::Duration duration, Load& load) {
  std::vector<Client> clients(n);
  AsyncRun run;
  run.next = [&load](Client& client) {
    const Op op = load.Prepare(client);
    client.begin = Clock::now();
    load.Start(client, op);
  };
  const Clock::time_point start = Clock::now();
  for (int c = 0; c < n; ++c) clients[c].Init(c, start, &run);
  {
    absl::MutexLock lock(&run.mu);
    run.in_flight = n;
  }
  for (Client& client : clients) run.next(client);
  const Window w = Measure(start, warmup, duration);
  run.stop = true;
  run.mu.LockWhen(absl::Condition(
      +[](int* left) { return *left == 0; }, &run.in_flight));
  run.mu.Unlock();
  return Collect(clients, w);
}

template <typename Load>
RowResult RunRow(int n, absl::Duration warmup, absl::Duration duration, Load& load) {
  return absl::GetFlag(FLAGS_sync_clients) ? RunThreads(n, warmup, duration, load)
                                           : RunAsync(n, warmup, duration, load);
}

double PercentileMs(const std::vector<int32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * sorted.size()));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1] / 1e3;
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
  // The product every order names (orders may only name defined products).
  v1::DefineProductRequest product;
  product.set_request_id("product-p-crm");
  product.mutable_command()->set_product_id("p-crm");
  product.mutable_command()->set_name("CRM年费");
  *product.mutable_command()->mutable_unit_price() = Cny(100'000'000);
  if (absl::Status s = Check(crm->DefineProduct(Context().get(), product, &response), "product");
      !s.ok()) {
    return s;
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

// The mix. Each client's messages are reused call after call: in the async
// mode they must outlive the call anyway, and reuse keeps their buffers.
class MixLoad {
 public:
  MixLoad(const std::string& target, int clients, int customers, int orders,
          std::atomic<uint64_t>& next_customer, std::atomic<uint64_t>& next_id)
      : customers_(customers),
        orders_(orders),
        next_customer_(next_customer),
        next_id_(next_id),
        messages_(clients) {
    for (int c = 0; c < clients; ++c) {
      std::shared_ptr<grpc::Channel> channel = Channel(target, c);
      crm_.push_back(v1::CrmService::NewStub(channel));
      pipeline_.push_back(v1::PipelineService::NewStub(channel));
    }
  }

  Op Prepare(Client& c) {
    Messages& m = messages_[c.index];
    const uint64_t dice = c.rng() % 100;
    if (dice < 60) {
      const uint64_t n = next_id_++;
      v1::LogFollowUpRequest& req = m.follow_up;
      req.set_request_id(absl::StrCat("fu-", n));
      const uint64_t customer = c.rng() % customers_;
      v1::LogFollowUp* f = req.mutable_command();
      f->set_customer_id(absl::StrCat("c", customer));
      f->set_follow_up_id(absl::StrCat("f", n));
      f->set_channel(v1::FOLLOW_UP_CHANNEL_PHONE);
      f->set_occurred_us(absl::ToUnixMicros(absl::Now()));
      f->set_rep_id(RepId(customer));
      f->set_intent(v1::INTENT_CONSIDERING);
      f->set_notes("客户需要考虑，下周再联系");
      *f->mutable_next_follow_up_date() = Day(2027, 1, 1 + static_cast<int>(c.rng() % 28));
      return kFollowUp;
    }
    if (dice < 80) {
      m.pipeline.mutable_scope()->set_rep_id(RepId(c.rng()));
      m.pipeline.set_page_size(20);
      return kPipeline;
    }
    if (dice < 90) {
      const uint64_t n = next_id_++;
      v1::RecordPaymentRequest& req = m.payment;
      req.set_request_id(absl::StrCat("pay-", n));
      const uint64_t o = c.rng() % orders_;
      v1::RecordPayment* p = req.mutable_command();
      p->set_order_id(absl::StrCat("o", o));
      p->set_payment_id(absl::StrCat("pay", n));
      *p->mutable_amount() = Cny(100);
      *p->mutable_paid_on() = Day(2026, 6, 1);
      p->set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
      p->set_rep_id(RepId(o % customers_));
      return kPayment;
    }
    m.registration = Registration(next_customer_++);
    return kRegister;
  }

  grpc::Status Call(Client& c, Op op) {
    Messages& m = messages_[c.index];
    grpc::ClientContext* context = c.NewContext();
    switch (op) {
      case kFollowUp:
        return crm_[c.index]->LogFollowUp(context, m.follow_up, &m.response);
      case kPipeline:
        return pipeline_[c.index]->ListPipeline(context, m.pipeline, &m.pipeline_response);
      case kPayment:
        return crm_[c.index]->RecordPayment(context, m.payment, &m.response);
      default:
        return crm_[c.index]->RegisterCustomer(context, m.registration, &m.response);
    }
  }

  void Start(Client& c, Op op) {
    Messages& m = messages_[c.index];
    grpc::ClientContext* context = c.NewContext();
    switch (op) {
      case kFollowUp:
        crm_[c.index]->async()->LogFollowUp(context, &m.follow_up, &m.response, c.Callback(op));
        return;
      case kPipeline:
        pipeline_[c.index]->async()->ListPipeline(context, &m.pipeline, &m.pipeline_response,
                                                  c.Callback(op));
        return;
      case kPayment:
        crm_[c.index]->async()->RecordPayment(context, &m.payment, &m.response, c.Callback(op));
        return;
      default:
        crm_[c.index]->async()->RegisterCustomer(context, &m.registration, &m.response,
                                                 c.Callback(op));
        return;
    }
  }

 private:
  struct Messages {
    v1::LogFollowUpRequest follow_up;
    v1::ListPipelineRequest pipeline;
    v1::ListPipelineResponse pipeline_response;
    v1::RecordPaymentRequest payment;
    v1::RegisterCustomerRequest registration;
    v1::CommandResponse response;
  };

  const int customers_;
  const int orders_;
  std::atomic<uint64_t>& next_customer_;
  std::atomic<uint64_t>& next_id_;
  std::vector<std::unique_ptr<v1::CrmService::Stub>> crm_;
  std::vector<std::unique_ptr<v1::PipelineService::Stub>> pipeline_;
  std::vector<Messages> messages_;
};

// One 256-byte event per call over gRPC, to a stream of the client's own.
class GrpcAppendLoad {
 public:
  GrpcAppendLoad(const std::string& target, int clients, const std::string& payload)
      : clients_(clients), payload_(payload), requests_(clients), responses_(clients) {
    for (int c = 0; c < clients; ++c) {
      stubs_.push_back(v1::EventStoreService::NewStub(Channel(target, c)));
    }
  }

  Op Prepare(Client& c) {
    v1::AppendRequest& req = requests_[c.index];
    req.Clear();
    v1::StreamAppend* a = req.add_streams();
    a->set_stream(absl::StrCat("bench-", clients_, "-", c.index));
    v1::ProposedEvent* e = a->add_events();
    e->set_type("bench.Appended");
    e->set_data(payload_);
    return kAppend;
  }

  grpc::Status Call(Client& c, Op) {
    return stubs_[c.index]->Append(c.NewContext(), requests_[c.index], &responses_[c.index]);
  }

  void Start(Client& c, Op op) {
    stubs_[c.index]->async()->Append(c.NewContext(), &requests_[c.index], &responses_[c.index],
                                     c.Callback(op));
  }

 private:
  const int clients_;
  const std::string& payload_;
  std::vector<std::unique_ptr<v1::EventStoreService::Stub>> stubs_;
  std::vector<v1::AppendRequest> requests_;
  std::vector<v1::AppendResponse> responses_;
};

// CrmService.WhoAmI: a call that does no engine work (the key is checked,
// the pool answers from the principal), so its rate is the most crmd's
// service layer can serve here, for any call.
class GrpcNoOpLoad {
 public:
  GrpcNoOpLoad(const std::string& target, int clients) : responses_(clients) {
    for (int c = 0; c < clients; ++c) stubs_.push_back(v1::CrmService::NewStub(Channel(target, c)));
  }

  Op Prepare(Client&) { return kWhoAmI; }

  grpc::Status Call(Client& c, Op) {
    return stubs_[c.index]->WhoAmI(c.NewContext(), request_, &responses_[c.index]);
  }

  void Start(Client& c, Op op) {
    stubs_[c.index]->async()->WhoAmI(c.NewContext(), &request_, &responses_[c.index],
                                     c.Callback(op));
  }

 private:
  const v1::WhoAmIRequest request_;
  std::vector<std::unique_ptr<v1::CrmService::Stub>> stubs_;
  std::vector<v1::WhoAmIResponse> responses_;
};

// The same appends through EventStore::Append; threads only (RunThreads).
class EmbeddedAppendLoad {
 public:
  EmbeddedAppendLoad(engine::EventStore& store, int clients, const std::string& payload)
      : store_(store), clients_(clients), payload_(payload), requests_(clients) {}

  Op Prepare(Client& c) {
    std::vector<engine::StreamAppend>& req = requests_[c.index];
    req.assign(1, engine::StreamAppend{});
    req[0].stream = absl::StrCat("bench-", clients_, "-", c.index);
    req[0].events.push_back(
        engine::ProposedEvent{engine::EventId::Random(), "bench.Appended", payload_, ""});
    return kAppend;
  }

  grpc::Status Call(Client& c, Op) {
    absl::StatusOr<engine::AppendResult> done = store_.Append(std::move(requests_[c.index]));
    return done.ok()
               ? grpc::Status::OK
               : grpc::Status(grpc::StatusCode::INTERNAL, std::string(done.status().message()));
  }

 private:
  engine::EventStore& store_;
  const int clients_;
  const std::string& payload_;
  std::vector<std::vector<engine::StreamAppend>> requests_;
};

void PrintMix(int clients, const RowResult& r) {
  std::printf("%-10s %7d %10.0f %9.1f %9.0f %10.1f |", "mix", clients, r.TotalOk() / r.seconds,
              r.this_cpu_pct, r.CpuUsPerOp(), r.other_cpu_pct);
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
  const bool external = !absl::GetFlag(FLAGS_server).empty();
  std::printf("clients: %s; server: %s\n",
              absl::GetFlag(FLAGS_sync_clients)
                  ? "sync, a thread per client blocking in its stub"
                  : "async, one call in flight per client on gRPC's callback threads",
              external
                  ? absl::StrCat(absl::GetFlag(FLAGS_server), " (its CPU is other cpu%)").c_str()
                  : "in this process (its CPU is in this cpu%)");
  const absl::Time load_start = absl::Now();
  absl::StatusOr<Fixture> fixture = Start(dir->NewChild("crmd"), customers, orders);
  if (!fixture.ok()) {
    std::fprintf(stderr, "%s\n", fixture.status().ToString().c_str());
    return 1;
  }
  std::printf("loaded %d customers and %d approved orders through gRPC in %.1f s\n\n", customers,
              orders, absl::ToDoubleSeconds(absl::Now() - load_start));
  std::printf("%-10s %7s %10s %9s %9s %10s |", "row", "clients", "ops/s", "this cpu%", "cpu us/op",
              "other cpu%");
  for (int op = kFollowUp; op <= kRegister; ++op) {
    std::printf(" %-22s |", absl::StrCat(kOpNames[op], " /s p50 p99").c_str());
  }
  std::printf(" errors\n");

  std::atomic<uint64_t> next_customer{static_cast<uint64_t>(customers)};
  std::atomic<uint64_t> next_id{0};
  std::vector<double> mix_rates;  // per client count
  for (int clients : client_counts) {
    MixLoad load(fixture->target, clients, customers, orders, next_customer, next_id);
    const RowResult mix = RunRow(clients, warmup, duration, load);
    PrintMix(clients, mix);
    mix_rates.push_back(mix.TotalOk() / mix.seconds);
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
  std::printf("\n%-22s %7s %12s %8s %8s %9s %9s %10s %12s %8s %8s %10s\n", "raw appends, 1 event",
              "clients", "grpc ev/s", "p50 ms", "p99 ms", "this cpu%", "cpu us/op", "other cpu%",
              "embedded/s", "p50 ms", "p99 ms", "grpc/emb");
  for (int clients : client_counts) {
    GrpcAppendLoad grpc_load(fixture->target, clients, payload);
    const RowResult over_grpc = RunRow(clients, warmup, duration, grpc_load);
    EmbeddedAppendLoad embedded_load(**embedded, clients, payload);
    const RowResult in_process = RunThreads(clients, warmup, duration, embedded_load);
    const double g = over_grpc.ok[kAppend] / over_grpc.seconds;
    const double e = in_process.ok[kAppend] / in_process.seconds;
    std::printf("%-22s %7d %12.0f %8.2f %8.2f %9.1f %9.0f %10.1f %12.0f %8.2f %8.2f %9.2fx\n", "",
                clients, g, PercentileMs(over_grpc.latencies[kAppend], 50),
                PercentileMs(over_grpc.latencies[kAppend], 99), over_grpc.this_cpu_pct,
                over_grpc.CpuUsPerOp(), over_grpc.other_cpu_pct, e,
                PercentileMs(in_process.latencies[kAppend], 50),
                PercentileMs(in_process.latencies[kAppend], 99), e > 0 ? g / e : 0);
    for (const RowResult* r : {&over_grpc, &in_process}) {
      if (!r->first_error.empty()) std::printf("  first error: %s\n", r->first_error.c_str());
    }
  }
  // The ceiling for any mix: calls that cost crmd only its service layer.
  std::printf("\n%-22s %7s %12s %8s %8s %9s %9s %10s %10s\n", "no-op calls (WhoAmI)", "clients",
              "calls/s", "p50 ms", "p99 ms", "this cpu%", "cpu us/op", "other cpu%", "mix/no-op");
  for (size_t i = 0; i < client_counts.size(); ++i) {
    GrpcNoOpLoad load(fixture->target, client_counts[i]);
    const RowResult r = RunRow(client_counts[i], warmup, duration, load);
    const double rate = r.ok[kWhoAmI] / r.seconds;
    std::printf("%-22s %7d %12.0f %8.2f %8.2f %9.1f %9.0f %10.1f %9.2fx\n", "", client_counts[i],
                rate, PercentileMs(r.latencies[kWhoAmI], 50),
                PercentileMs(r.latencies[kWhoAmI], 99), r.this_cpu_pct, r.CpuUsPerOp(),
                r.other_cpu_pct, rate > 0 ? mix_rates[i] / rate : 0);
    if (!r.first_error.empty()) std::printf("  first error: %s\n", r.first_error.c_str());
  }
  std::printf(
      "\nops/s: calls that completed OK in the window; p50/p99 per call in ms. Errors are\n"
      "counted, not timed. this cpu%%: this process, the load generator (and the server\n"
      "unless --server); cpu us/op: that per call; other cpu%%: the rest of the machine\n"
      "(100 = one core).\n");
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
