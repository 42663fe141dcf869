// crm_peer_bench: crm-engine embedded and over gRPC (crmd's
// EventStoreService, in-process server on 127.0.0.1) against the design a
// team would pick instead — an event table in PostgreSQL 15 (Message DB /
// Marten style, over its own protocol on 127.0.0.1) — and against raw
// RocksDB (the store's limit), in one run on one machine (issue 7).
//
// It starts a private PostgreSQL (pg_server.h), then for every repetition
// runs every append row (events per call x writers) against the systems
// back to back, each on a fresh store / table, rotating which goes
// first so a drifting disk or a neighbour's compile does not always hit the
// same system; then loads the same 200k events into each system (for
// crm-engine-grpc a store that an in-process crmd then serves: grpc_reads.h)
// and runs the read rows the same way (peer_reads.h); then builds the
// balances view from scratch (balances_rebuild.h): the same generated order /
// payment history in the engine's log and, as jsonb, in a Message DB
// `messages` table; crm-engine rebuilds the real BalancesProjection with the
// ProjectionRunner, PostgreSQL runs one set-based INSERT ... SELECT ...
// GROUP BY; both durable at the end, both checked against totals folded from
// the log (a mismatch fails the row). The table gives min / median / max
// over repetitions.
//
// Timing is a measurement, not a test: this is deliberately not in CTest.
//
//   crm_peer_bench [--quick] [--reps=3] [--duration=2s] [--csv=FILE]
//                  [--chart_data=FILE] [--threads=1,8,64] [--events_per_append=1,10]
//                  [--balances_orders=100000]
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/append_targets.h"
#include "bench/bench_dir.h"
#include "bench/load_runner.h"
#include "bench/peer/balances_rebuild.h"
#include "bench/peer/grpc_append_target.h"
#include "bench/peer/grpc_reads.h"
#include "bench/peer/machine.h"
#include "bench/peer/peer_reads.h"
#include "bench/peer/peer_report.h"
#include "bench/peer/pg_append_target.h"
#include "bench/peer/pg_server.h"

ABSL_FLAG(std::string, dir, "",
          "Parent folder for the scratch stores and the PostgreSQL cluster (default $TMPDIR, "
          "else /tmp). Fresh subfolders are made and removed at the end.");
ABSL_FLAG(int32_t, reps, 3, "Repetitions of every row (min/median/max over them).");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(2), "Measured window of each append row.");
ABSL_FLAG(absl::Duration, warmup, absl::Milliseconds(500), "Warm-up before each window.");
ABSL_FLAG(absl::Duration, read_window, absl::Seconds(1), "Measured window of each read row.");
ABSL_FLAG(std::vector<std::string>, threads, std::vector<std::string>({"1", "8", "64"}),
          "Concurrent writer counts.");
ABSL_FLAG(std::vector<std::string>, events_per_append, std::vector<std::string>({"1", "10"}),
          "Events per append call.");
ABSL_FLAG(std::vector<std::string>, systems,
          std::vector<std::string>({"crm-engine", "crm-engine-grpc", "postgresql", "raw-rocksdb"}),
          "Systems to run (the balances rows: crm-engine and postgresql only).");
ABSL_FLAG(bool, appends, true, "Run the append rows.");
ABSL_FLAG(bool, reads, true, "Run the read rows.");
ABSL_FLAG(uint64_t, read_events, 200'000, "Events in the log for the read rows.");
ABSL_FLAG(uint64_t, stream_events, 10'000, "Events in the stream the stream read reads.");
ABSL_FLAG(bool, balances, true, "Run the balances-view rebuild rows.");
ABSL_FLAG(uint64_t, balances_orders, 100'000,
          "Orders in the balances history (about 4.3 events each, with their customers).");
ABSL_FLAG(std::string, pg_bin, "/usr/lib/postgresql/15/bin", "PostgreSQL server binaries.");
ABSL_FLAG(bool, pg_unix_socket, false,
          "Connect to PostgreSQL over its Unix socket instead of TCP 127.0.0.1.");
ABSL_FLAG(std::string, csv, "", "Write every repetition's numbers to this CSV file.");
ABSL_FLAG(std::string, chart_data, "", "Write the append rows' summary for gnuplot here.");
ABSL_FLAG(bool, quick, false,
          "Smoke mode: 2 repetitions, 0.3 s windows, 20,000-event log, 5,000 orders for the "
          "balances rows, unless those flags are given explicitly. The numbers are not "
          "meaningful.");

namespace crm::bench {
namespace {

constexpr int kEventBytes = 256;

bool Given(int argc, char** argv, absl::string_view name) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (!absl::ConsumePrefix(&arg, "--")) absl::ConsumePrefix(&arg, "-");
    if (absl::ConsumePrefix(&arg, name) && (arg.empty() || arg[0] == '=')) return true;
  }
  return false;
}

void ApplyQuick(int argc, char** argv) {
  if (!absl::GetFlag(FLAGS_quick)) return;
  if (!Given(argc, argv, "reps")) absl::SetFlag(&FLAGS_reps, 2);
  if (!Given(argc, argv, "duration")) absl::SetFlag(&FLAGS_duration, absl::Milliseconds(300));
  if (!Given(argc, argv, "warmup")) absl::SetFlag(&FLAGS_warmup, absl::Milliseconds(100));
  if (!Given(argc, argv, "read_window")) {
    absl::SetFlag(&FLAGS_read_window, absl::Milliseconds(200));
  }
  if (!Given(argc, argv, "read_events")) absl::SetFlag(&FLAGS_read_events, 20'000);
  if (!Given(argc, argv, "balances_orders")) absl::SetFlag(&FLAGS_balances_orders, 5'000);
}

bool ParseInts(const std::vector<std::string>& texts, const char* flag, std::vector<int>& out) {
  for (const std::string& t : texts) {
    int v = 0;
    if (!absl::SimpleAtoi(t, &v) || v <= 0) {
      absl::FPrintF(stderr, "--%s: not a positive integer: '%s'\n", flag, t);
      return false;
    }
    out.push_back(v);
  }
  return true;
}

// The systems in the order this row runs them: rotated by `turn`.
std::vector<std::string> Rotated(std::vector<std::string> systems, int turn) {
  if (!systems.empty()) {
    std::rotate(systems.begin(), systems.begin() + turn % systems.size(), systems.end());
  }
  return systems;
}

struct Context {
  BenchDir* dir = nullptr;
  const PgServer* pg = nullptr;  // null when PostgreSQL is not run
  int64_t pg_uid = -1;           // the server's processes, for CPU; -1 unknown
  const Payload* payload = nullptr;
  LoadOptions load;
};

// One append row of one system, on a fresh store or table.
Sample RunAppend(const Context& ctx, const std::string& system, int events_per_append, int writers,
                 int rep) {
  Sample sample;
  sample.workload = "append";
  sample.system = system;
  sample.events_per_append = events_per_append;
  sample.writers = writers;
  sample.rep = rep;
  AppendShape shape;
  shape.events_per_append = events_per_append;
  shape.sync = true;
  shape.payload = ctx.payload;

  std::string path;
  absl::StatusOr<std::unique_ptr<AppendTarget>> target;
  if (system == kPostgres) {
    target = OpenPgTarget(ctx.pg->conninfo(), shape);
  } else {
    path = ctx.dir->NewChild(absl::StrCat(system, "-", events_per_append, "x", writers));
    target = system == kEngine       ? OpenEngineTarget(path, shape)
             : system == kEngineGrpc ? OpenGrpcTarget(path, shape)
                                     : OpenRawTarget(path, shape);
  }
  if (!target.ok()) {
    sample.note = absl::StrCat("open failed: ", target.status().ToString());
    sample.errors = 1;
    if (!path.empty()) ctx.dir->RemoveChild(path);
    return sample;
  }
  std::vector<std::unique_ptr<Writer>> writers_v;
  for (int t = 0; t < writers; ++t) writers_v.push_back((*target)->NewWriter(t));

  // The load runner reads the counters exactly at the window's two edges:
  // the server's CPU is read there too, so it covers the same window.
  const bool server = system == kPostgres && ctx.pg_uid >= 0;
  std::vector<double> server_cpu;
  LoadResult result = RunClosedLoop(ctx.load, writers_v, [&] {
    if (server) server_cpu.push_back(UidCpuSeconds(static_cast<uid_t>(ctx.pg_uid)));
    return (*target)->Counters();
  });
  if (absl::Status s = (*target)->Verify(result.total_ok_ops); !s.ok()) {
    sample.note = s.ToString();
    ++sample.errors;
  }
  writers_v.clear();
  target->reset();
  if (!path.empty()) {
    ctx.dir->RemoveChild(path);
    SettleFileSystem(ctx.dir->path());
  }

  const double server_seconds = server_cpu.size() == 2 ? server_cpu[1] - server_cpu[0] : 0;
  const double window = result.seconds > 0 ? result.seconds : 1;
  sample.events_per_s = result.ops * events_per_append / window;
  sample.p50_us = result.PercentileUs(50);
  sample.p99_us = result.PercentileUs(99);
  sample.cpu_pct = 100 * (result.cpu_seconds + server_seconds) / window;
  sample.other_cpu_pct = 100 * std::max(0.0, result.other_cpu_seconds - server_seconds) / window;
  sample.errors += result.errors;
  if (!result.first_error.empty() && sample.note.empty()) {
    sample.note = absl::StrCat("first error: ", result.first_error);
  }
  return sample;
}

Sample ToSample(const std::string& workload, const std::string& system, int rep,
                const absl::StatusOr<ReadSample>& r) {
  Sample s;
  s.workload = workload;
  s.system = system;
  s.rep = rep;
  if (!r.ok()) {
    s.errors = 1;
    s.note = r.status().ToString();
    return s;
  }
  auto pct = [&](double p) -> double {
    if (r->laps_ns.empty()) return 0;
    size_t rank = static_cast<size_t>(p / 100.0 * r->laps_ns.size() + 0.999999);
    rank = std::clamp<size_t>(rank, 1, r->laps_ns.size());
    return r->laps_ns[rank - 1] / 1e3;
  };
  s.events_per_s = r->seconds > 0 ? r->events / r->seconds : 0;
  s.p50_us = pct(50);
  s.p99_us = pct(99);
  s.cpu_pct = 100 * r->cpu_seconds / r->seconds;
  s.other_cpu_pct = 100 * r->other_cpu_seconds / r->seconds;
  return s;
}

// The balances rows: one history, loaded once into each system, then one
// build from an empty view per system and repetition, rotating who goes
// first. A build whose view disagrees with the log's totals is an error.
void RunBalances(const Context& ctx, const std::vector<std::string>& systems, int reps, int& turn,
                 PeerReport& report, const std::function<void(const Sample&)>& progress) {
  std::vector<std::string> runs;
  for (const std::string& s : systems) {
    if (s == kEngine || s == kPostgres) runs.push_back(s);
  }
  if (runs.empty()) return;
  auto fail = [&](const std::string& system, int rep, const absl::Status& status) {
    Sample s;
    s.workload = "balances";
    s.system = system;
    s.rep = rep;
    s.errors = 1;
    s.note = status.ToString();
    progress(s);
    report.Add(std::move(s));
  };
  absl::StatusOr<std::unique_ptr<BalancesBench>> bench =
      BalancesBench::Open(ctx.dir->NewChild("balances-log"), absl::GetFlag(FLAGS_balances_orders));
  if (!bench.ok()) {
    for (const std::string& system : runs) fail(system, 0, bench.status());
    return;
  }
  absl::FPrintF(stderr, "  balances: generated %d events in %.1f s (sync off); log: %s\n",
                (*bench)->events(), (*bench)->load_seconds(), (*bench)->reference().ToString());
  if (std::find(runs.begin(), runs.end(), kPostgres) != runs.end()) {
    absl::StatusOr<double> load = (*bench)->LoadPostgres(ctx.pg->conninfo());
    if (!load.ok()) {
      fail(kPostgres, 0, load.status());
      runs.erase(std::find(runs.begin(), runs.end(), kPostgres));
    } else {
      absl::FPrintF(stderr, "  balances: postgresql: copied into messages (jsonb) in %.1f s\n",
                    *load);
    }
  }
  auto build = [&](const std::string& system) -> absl::StatusOr<RebuildSample> {
    if (system == kPostgres) return (*bench)->RebuildPostgres(ctx.pg_uid);
    const std::string views = ctx.dir->NewChild("balances-views");
    absl::StatusOr<RebuildSample> r = (*bench)->RebuildEngine(views);
    ctx.dir->RemoveChild(views);
    SettleFileSystem(ctx.dir->path());
    return r;
  };
  // One untimed build each first: the log's pages and the server's buffers
  // are then as warm for the first repetition as for the others.
  for (auto it = runs.begin(); it != runs.end();) {
    absl::StatusOr<RebuildSample> warm = build(*it);
    if (warm.ok()) {
      ++it;
      continue;
    }
    fail(*it, 0, warm.status());
    it = runs.erase(it);
  }
  for (int rep = 1; rep <= reps; ++rep) {
    for (const std::string& system : Rotated(runs, turn++)) {
      absl::StatusOr<RebuildSample> r = build(system);
      if (!r.ok()) {
        fail(system, rep, r.status());
        continue;
      }
      Sample s;
      s.workload = "balances";
      s.system = system;
      s.rep = rep;
      const double seconds = r->seconds > 0 ? r->seconds : 1e-9;
      s.events_per_s = r->events / seconds;
      s.cpu_pct = 100 * r->cpu_seconds / seconds;
      s.other_cpu_pct = 100 * r->other_cpu_seconds / seconds;
      if (r->totals != (*bench)->reference()) {
        s.errors = 1;
        s.note = absl::StrCat("MISMATCH: view has ", r->totals.ToString(), "; the log has ",
                              (*bench)->reference().ToString());
      }
      progress(s);
      if (system == kEngine) {
        absl::FPrintF(stderr, "        %s: %.2f s, of which %.3f s the views' fdatasync\n", system,
                      r->seconds, r->sync_seconds);
      }
      report.Add(std::move(s));
    }
  }
}

void PrintHeader(const Context& ctx, const std::vector<std::string>& systems) {
  absl::PrintF("crm_peer_bench  %s\n",
               absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", absl::Now(), absl::UTCTimeZone()));
  absl::PrintF("machine: %s; load average at start %s\n", MachineDescription(), LoadAverage());
  absl::PrintF(
      "scratch: %s (%s); %d repetitions; append windows %s after %s warm-up; "
      "read windows %s; events %d B\n",
      ctx.dir->path(), FileSystemType(ctx.dir->path()), absl::GetFlag(FLAGS_reps),
      absl::FormatDuration(ctx.load.duration), absl::FormatDuration(ctx.load.warmup),
      absl::FormatDuration(absl::GetFlag(FLAGS_read_window)), kEventBytes);
  absl::PrintF("systems: %s\n", absl::StrJoin(systems, ", "));
  absl::PrintF(
      "durability: crm-engine sync_writes=true (RocksDB WAL fdatasync before every "
      "acknowledgement, group commit); raw RocksDB WriteOptions.sync=true "
      "(fdatasync, RocksDB's own write groups)\n");
  if (ctx.pg != nullptr) {
    absl::StatusOr<PgSettings> s = ctx.pg->Settings();
    if (s.ok()) {
      absl::PrintF(
          "durability: PostgreSQL %s fsync=%s synchronous_commit=%s wal_sync_method=%s "
          "full_page_writes=%s commit_delay=%s shared_buffers=%s data_checksums=%s; "
          "client libpq over %s\n",
          s->version, s->fsync, s->synchronous_commit, s->wal_sync_method, s->full_page_writes,
          s->commit_delay, s->shared_buffers, s->data_checksums,
          absl::GetFlag(FLAGS_pg_unix_socket) ? "the Unix socket" : "TCP 127.0.0.1");
      if (s->fsync != "on" || s->synchronous_commit != "on") {
        absl::PrintF(
            "WARNING: PostgreSQL is NOT durable in this run: its rows are not comparable\n");
      }
    } else {
      absl::PrintF("! cannot read PostgreSQL settings: %s\n", s.status().ToString());
    }
  }
  if (IsMemoryFileSystem(ctx.dir->path())) {
    absl::PrintF("WARNING: %s is in memory: fsync costs nothing, durable rows mean little\n",
                 ctx.dir->path());
  }
  if (absl::GetFlag(FLAGS_quick)) absl::PrintF("QUICK smoke mode: numbers are not meaningful.\n");
  std::fflush(stdout);
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "crm-engine embedded vs PostgreSQL 15 event table vs raw RocksDB.\n"
      "  crm_peer_bench [--quick] [--reps=3] [--csv=FILE] [--chart_data=FILE]");
  absl::ParseCommandLine(argc, argv);
  ApplyQuick(argc, argv);

  std::vector<int> thread_counts, batch_sizes;
  if (!ParseInts(absl::GetFlag(FLAGS_threads), "threads", thread_counts) ||
      !ParseInts(absl::GetFlag(FLAGS_events_per_append), "events_per_append", batch_sizes)) {
    return 2;
  }
  const std::vector<std::string> systems = absl::GetFlag(FLAGS_systems);
  for (const std::string& s : systems) {
    if (s != kEngine && s != kEngineGrpc && s != kPostgres && s != kRaw) {
      absl::FPrintF(stderr,
                    "--systems: unknown system '%s' (crm-engine, crm-engine-grpc, postgresql, "
                    "raw-rocksdb)\n",
                    s);
      return 2;
    }
  }
  if (absl::GetFlag(FLAGS_reps) <= 0 || absl::GetFlag(FLAGS_stream_events) == 0) {
    absl::FPrintF(stderr, "--reps and --stream_events must be positive\n");
    return 2;
  }
  const bool run_pg = std::find(systems.begin(), systems.end(), kPostgres) != systems.end();

  absl::StatusOr<BenchDir> dir = BenchDir::Create(absl::GetFlag(FLAGS_dir));
  if (!dir.ok()) {
    absl::FPrintF(stderr, "%s\n", dir.status().ToString());
    return 1;
  }
  std::unique_ptr<PgServer> pg;
  if (run_pg) {
    PgServerOptions options;
    options.bin_dir = absl::GetFlag(FLAGS_pg_bin);
    options.parent = dir->path();
    // mkdtemp made the scratch folder 0700; the server's user must be able
    // to pass through it to its own folder (and no more: no read, no list).
    chmod(dir->path().c_str(), 0711);
    options.unix_socket = absl::GetFlag(FLAGS_pg_unix_socket);
    absl::StatusOr<std::unique_ptr<PgServer>> started = PgServer::Start(options);
    if (!started.ok()) {
      absl::FPrintF(stderr, "cannot start PostgreSQL: %s\n", started.status().ToString());
      return 1;
    }
    pg = std::move(*started);
  }

  const Payload payload(kEventBytes);
  Context ctx;
  ctx.dir = &*dir;
  ctx.pg = pg.get();
  // The server's processes are told apart by their user; if that is our own
  // user too, their CPU cannot be separated and is left in "other".
  if (pg != nullptr && pg->uid() != geteuid()) ctx.pg_uid = pg->uid();
  ctx.payload = &payload;
  ctx.load.warmup = absl::GetFlag(FLAGS_warmup);
  ctx.load.duration = absl::GetFlag(FLAGS_duration);
  ctx.load.max_samples =
      static_cast<size_t>(std::max(1.0, absl::ToDoubleSeconds(ctx.load.duration)) * 1'000'000);
  PrintHeader(ctx, systems);

  PeerReport report;
  const int reps = absl::GetFlag(FLAGS_reps);
  int turn = 0;
  auto progress = [](const Sample& s) {
    absl::FPrintF(stderr,
                  "  rep %d %-11s %-12s %3d x %2d  %10.0f ev/s  p50 %7.2f ms  p99 %7.2f ms  "
                  "cpu %3.0f%%  other %3.0f%%%s%s\n",
                  s.rep, s.workload, s.system, s.events_per_append, s.writers, s.events_per_s,
                  s.p50_us / 1e3, s.p99_us / 1e3, s.cpu_pct, s.other_cpu_pct,
                  s.note.empty() ? "" : "  ! ", s.note);
  };
  if (absl::GetFlag(FLAGS_appends)) {
    for (int rep = 1; rep <= reps; ++rep) {
      for (int epa : batch_sizes) {
        for (int writers : thread_counts) {
          for (const std::string& system : Rotated(systems, turn++)) {
            Sample s = RunAppend(ctx, system, epa, writers, rep);
            progress(s);
            report.Add(std::move(s));
          }
        }
      }
    }
  }

  if (absl::GetFlag(FLAGS_reads)) {
    ReadShape shape;
    shape.log_events = absl::GetFlag(FLAGS_read_events);
    shape.stream_events = absl::GetFlag(FLAGS_stream_events);
    shape.payload = &payload;
    std::vector<std::pair<std::string, std::unique_ptr<ReadTarget>>> targets;
    for (const std::string& system : systems) {
      absl::StatusOr<std::unique_ptr<ReadTarget>> t =
          system == kPostgres     ? OpenPgReads(pg->conninfo(), shape)
          : system == kEngine     ? OpenEngineReads(ctx.dir->NewChild("engine-read"), shape)
          : system == kEngineGrpc ? OpenGrpcReads(ctx.dir->NewChild("grpc-read"), shape)
                                  : OpenRawReads(ctx.dir->NewChild("raw-read"), shape);
      if (!t.ok()) {
        absl::FPrintF(stderr, "! %s: loading the read data failed: %s\n", system,
                      t.status().ToString());
        Sample s;
        s.workload = "read-log";
        s.system = system;
        s.errors = 1;
        s.note = t.status().ToString();
        report.Add(std::move(s));
        continue;
      }
      absl::FPrintF(stderr, "  %s: loaded %d events in %.1f s (sync off)\n", system, shape.total(),
                    (*t)->load_seconds());
      targets.emplace_back(system, std::move(*t));
    }
    const std::pair<ReadKind, const char*> kinds[] = {{ReadKind::kStream, "read-stream"},
                                                      {ReadKind::kLog, "read-log"},
                                                      {ReadKind::kCatchUp, "catch-up"}};
    for (int rep = 1; rep <= reps; ++rep) {
      for (const auto& [kind, name] : kinds) {
        const int first = turn++ % static_cast<int>(std::max<size_t>(1, targets.size()));
        for (size_t i = 0; i < targets.size(); ++i) {
          auto& [system, target] = targets[(first + i) % targets.size()];
          absl::StatusOr<ReadSample> r =
              MeasureRead(*target, kind, absl::GetFlag(FLAGS_read_window),
                          system == kPostgres ? ctx.pg_uid : -1);
          if (absl::IsUnimplemented(r.status())) continue;
          Sample s = ToSample(name, system, rep, r);
          progress(s);
          report.Add(std::move(s));
        }
      }
    }
  }

  if (absl::GetFlag(FLAGS_balances)) RunBalances(ctx, systems, reps, turn, report, progress);

  absl::PrintF("\n");
  report.PrintTable(stdout);
  absl::PrintF(
      "\nevents/s: median over repetitions, min – max beside it. Latency: per append call "
      "(append rows) or per page of 1000 events (read rows), median of the repetitions' "
      "percentiles. vs engine: median events/s over crm-engine's. cpu %%: the system's CPU "
      "(PostgreSQL: client + server processes; crm-engine-grpc: client and server, one "
      "process), 100 = one core; other cpu %%: the rest of the machine in the same window "
      "(other engineers' compiles).\n"
      "Balances rows: events/s = every event of the log (orders, payments, reversals, "
      "cancellations, customers, merges) / wall time from an empty view to a durable one, one "
      "build per repetition; no latency. crm-engine: ProjectionRunner + BalancesProjection to "
      "the last event, then fdatasync of the views database (the runner writes views without "
      "fsync: they are rebuilt from the durable log). PostgreSQL: one transaction, CREATE "
      "TABLE + INSERT ... SELECT ... GROUP BY over the jsonb messages + primary key and "
      "customer / rep indexes, COMMIT. The engine's rows hold the plan and every payment "
      "with its date (aging as of any day); the SQL view only the sums. Both are checked "
      "against totals folded from the log.\n\n");
  if (!absl::GetFlag(FLAGS_quick)) report.PrintGoals(stdout);

  bool failed = false;
  for (const Sample& s : report.samples()) failed |= s.errors > 0;
  if (!absl::GetFlag(FLAGS_csv).empty() && !report.WriteCsv(absl::GetFlag(FLAGS_csv))) {
    absl::FPrintF(stderr, "cannot write --csv=%s\n", absl::GetFlag(FLAGS_csv));
    failed = true;
  }
  if (!absl::GetFlag(FLAGS_chart_data).empty() &&
      !report.WriteChartData(absl::GetFlag(FLAGS_chart_data))) {
    absl::FPrintF(stderr, "cannot write --chart_data=%s\n", absl::GetFlag(FLAGS_chart_data));
    failed = true;
  }
  if (failed) absl::PrintF("\nSome rows reported errors (see the notes in the table).\n");
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) { return crm::bench::Main(argc, argv); }
