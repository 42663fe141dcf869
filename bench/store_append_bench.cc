// crm_store_bench: the event store's load generator (issue 2, "Benchmark").
//
// For every (events per append, writers) row it runs the engine and, in the
// same process right before or after, the raw RocksDB reference at the same
// concurrency, each on a fresh folder. The disk here varies by ±30% from run
// to run, so only numbers measured side by side are compared: the order of
// the two alternates from row to row, so a drift of the disk during the run
// does not always favour the same side. Then it measures reads.
//
// Timing is a measurement, not a test: this is deliberately not in CTest.
// `--quick` runs every row for 0.2 s to check the harness in seconds.
//
//   crm_store_bench [--duration=3s] [--warmup=500ms] [--dir=/tmp] [--csv=FILE]
//                   [--threads=1,8,64,256] [--events_per_append=1,10] [--quick]
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/append_targets.h"
#include "bench/bench_dir.h"
#include "bench/load_runner.h"
#include "bench/read_bench.h"
#include "bench/report.h"

ABSL_FLAG(std::string, dir, "",
          "Parent folder for the scratch databases (default $TMPDIR, else /tmp). A fresh "
          "subfolder is made and removed at the end.");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(3), "Measured window of each row.");
ABSL_FLAG(absl::Duration, warmup, absl::Milliseconds(500), "Warm-up before each window.");
ABSL_FLAG(std::vector<std::string>, threads, std::vector<std::string>({"1", "8", "64", "256"}),
          "Concurrent writer counts.");
ABSL_FLAG(std::vector<std::string>, events_per_append, std::vector<std::string>({"1", "10"}),
          "Events per append call.");
ABSL_FLAG(int32_t, event_bytes, 256, "Payload bytes per event.");
ABSL_FLAG(bool, sync, true, "fsync the WAL per commit (engine and raw alike).");
ABSL_FLAG(absl::Duration, max_commit_delay, absl::ZeroDuration(),
          "The engine's StoreOptions::max_commit_delay (0 turns fsync gathering off).");
ABSL_FLAG(bool, engine, true, "Run the engine side of the append rows.");
ABSL_FLAG(bool, raw, true, "Run the raw RocksDB side of the append rows.");
ABSL_FLAG(bool, appends, true, "Run the append rows.");
ABSL_FLAG(bool, reads, true, "Run the read rows.");
ABSL_FLAG(uint64_t, read_events, 200'000, "Events in the log for the read rows.");
ABSL_FLAG(uint64_t, stream_events, 10'000, "Events in the stream read by ReadStream.");
ABSL_FLAG(int32_t, read_page, 1000, "Events per ReadAll / ReadStream call.");
ABSL_FLAG(std::string, csv, "", "Also write the results to this CSV file.");
ABSL_FLAG(bool, quick, false,
          "Smoke mode: 0.2 s rows, 50 ms warm-up, 20,000-event log, unless those flags are "
          "given explicitly.");
ABSL_FLAG(bool, mutex_deadlock_detection, true,
          "Leave absl::Mutex deadlock detection as the installed Abseil has it (Debian's build "
          "has it on: a lock-order graph update per Mutex lock). false turns it off "
          "process-wide, as a server's main() may; only the engine uses absl::Mutex.");
ABSL_FLAG(bool, keep, false, "Keep the scratch folder and every database in it (for inspection).");

namespace crm::bench {
namespace {

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

// Whether argv sets flag `name` (`--name`, `--name=v`, `-name ...`). The
// installed Abseil keeps CommandLineFlag::IsSpecifiedOnCommandLine private.
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
  if (!Given(argc, argv, "duration")) absl::SetFlag(&FLAGS_duration, absl::Milliseconds(200));
  if (!Given(argc, argv, "warmup")) absl::SetFlag(&FLAGS_warmup, absl::Milliseconds(50));
  if (!Given(argc, argv, "read_events")) absl::SetFlag(&FLAGS_read_events, 20'000);
}

// The 1/5/15-minute load averages: on a shared machine, context for the
// numbers that follow.
std::string LoadAverage() {
  double l1 = 0, l5 = 0, l15 = 0;
  std::FILE* f = std::fopen("/proc/loadavg", "r");
  if (f == nullptr) return "unknown";
  const int n = std::fscanf(f, "%lf %lf %lf", &l1, &l5, &l15);
  std::fclose(f);
  return n == 3 ? absl::StrFormat("%.2f %.2f %.2f", l1, l5, l15) : "unknown";
}

void PrintHeader(const BenchDir& dir) {
  struct utsname u;
  uname(&u);
  const std::string fs = FileSystemType(dir.path());
  absl::PrintF("crm_store_bench  %s  kernel %s  %ld cpus  load average %s\n",
               absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", absl::Now(), absl::UTCTimeZone()),
               u.release, sysconf(_SC_NPROCESSORS_ONLN), LoadAverage());
  absl::PrintF("dir %s (%s)  window %s after %s warm-up per row and system  event %d B  sync %s\n",
               dir.path(), fs, absl::FormatDuration(absl::GetFlag(FLAGS_duration)),
               absl::FormatDuration(absl::GetFlag(FLAGS_warmup)), absl::GetFlag(FLAGS_event_bytes),
               absl::GetFlag(FLAGS_sync) ? "on" : "OFF");
  if (IsMemoryFileSystem(dir.path())) {
    absl::PrintF("WARNING: %s is in memory: fsync costs nothing here, durable rows mean little.\n",
                 dir.path());
  }
  if (!absl::GetFlag(FLAGS_mutex_deadlock_detection)) {
    absl::PrintF("absl::Mutex deadlock detection turned OFF for this run.\n");
  }
  if (absl::GetFlag(FLAGS_quick)) absl::PrintF("QUICK smoke mode: numbers are not meaningful.\n");
}

// Runs one system for one row on a fresh folder, verifies it, and removes it.
std::optional<AppendSummary> RunSystem(bool engine, BenchDir& dir, const AppendShape& shape,
                                       int threads, const LoadOptions& load,
                                       std::vector<std::string>& warnings) {
  const char* name = engine ? "engine" : "raw";
  const std::string path =
      dir.NewChild(absl::StrCat(name, "-", shape.events_per_append, "x", threads));
  absl::StatusOr<std::unique_ptr<AppendTarget>> target =
      engine ? OpenEngineTarget(path, shape) : OpenRawTarget(path, shape);
  if (!target.ok()) {
    warnings.push_back(absl::StrCat(name, ": open failed: ", target.status().ToString()));
    dir.RemoveChild(path);
    return std::nullopt;
  }
  std::vector<std::unique_ptr<Writer>> writers;
  for (int t = 0; t < threads; ++t) writers.push_back((*target)->NewWriter(t));
  LoadResult result = RunClosedLoop(load, writers, [&] { return (*target)->Counters(); });
  if (absl::Status s = (*target)->Verify(result.total_ok_ops); !s.ok()) {
    warnings.push_back(s.ToString());
  }
  writers.clear();
  target->reset();
  dir.RemoveChild(path);
  SettleFileSystem(dir.path());

  if (result.errors > 0 || !result.first_error.empty()) {
    warnings.push_back(absl::StrCat(name, ": ", result.errors, " failed appends in the window; ",
                                    "first error: ", result.first_error));
  }
  if (result.dropped_samples > 0) {
    warnings.push_back(absl::StrCat(name, ": latency of ", result.dropped_samples,
                                    " appends not sampled (buffer full); throughput exact"));
  }
  if (result.ops == 0) {
    warnings.push_back(absl::StrCat(name, ": no append completed in the window"));
  }
  return Summarize(result, shape.events_per_append);
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Event store load generator: durable appends vs raw RocksDB, and reads.\n"
      "  crm_store_bench [--quick] [--duration=3s] [--csv=FILE] [--dir=DIR]");
  absl::ParseCommandLine(argc, argv);
  ApplyQuick(argc, argv);
  if (!absl::GetFlag(FLAGS_mutex_deadlock_detection)) {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  }

  std::vector<int> thread_counts, batch_sizes;
  if (!ParseInts(absl::GetFlag(FLAGS_threads), "threads", thread_counts) ||
      !ParseInts(absl::GetFlag(FLAGS_events_per_append), "events_per_append", batch_sizes)) {
    return 2;
  }
  if (absl::GetFlag(FLAGS_event_bytes) <= 0 || absl::GetFlag(FLAGS_read_page) <= 0 ||
      absl::GetFlag(FLAGS_stream_events) == 0) {
    absl::FPrintF(stderr, "--event_bytes, --read_page and --stream_events must be positive\n");
    return 2;
  }
  absl::StatusOr<BenchDir> dir = BenchDir::Create(absl::GetFlag(FLAGS_dir));
  if (!dir.ok()) {
    absl::FPrintF(stderr, "%s\n", dir.status().ToString());
    return 1;
  }
  if (absl::GetFlag(FLAGS_keep)) dir->Keep();
  CsvWriter csv(absl::GetFlag(FLAGS_csv));
  if (!csv.ok()) {
    absl::FPrintF(stderr, "cannot write --csv=%s\n", absl::GetFlag(FLAGS_csv));
    return 1;
  }
  PrintHeader(*dir);

  const Payload payload(absl::GetFlag(FLAGS_event_bytes));
  LoadOptions load;
  load.warmup = absl::GetFlag(FLAGS_warmup);
  load.duration = absl::GetFlag(FLAGS_duration);
  // Room for 1M appends/s over the window: far above what a synced WAL does.
  load.max_samples =
      static_cast<size_t>(std::max(1.0, absl::ToDoubleSeconds(load.duration)) * 1'000'000);
  const bool run_engine = absl::GetFlag(FLAGS_engine);
  const bool run_raw = absl::GetFlag(FLAGS_raw);
  bool failed = false;
  std::vector<AppendRow> append_rows;
  std::vector<ReadRow> read_rows;

  if (absl::GetFlag(FLAGS_appends) && (run_engine || run_raw)) {
    PrintAppendHeader(stdout, absl::GetFlag(FLAGS_sync));
    int row_index = 0;
    for (int events_per_append : batch_sizes) {
      for (int threads : thread_counts) {
        AppendShape shape;
        shape.events_per_append = events_per_append;
        shape.sync = absl::GetFlag(FLAGS_sync);
        shape.max_commit_delay = absl::GetFlag(FLAGS_max_commit_delay);
        shape.payload = &payload;
        AppendRow row;
        row.events_per_append = events_per_append;
        row.threads = threads;
        // Alternate who goes first so a drifting disk does not always favour
        // the same side.
        const bool engine_first = row_index++ % 2 == 0;
        for (bool engine : {engine_first, !engine_first}) {
          if (engine ? !run_engine : !run_raw) continue;
          (engine ? row.engine : row.raw) =
              RunSystem(engine, *dir, shape, threads, load, row.warnings);
        }
        failed |= !row.warnings.empty();
        PrintAppendRow(stdout, row);
        csv.Add(row);
        append_rows.push_back(std::move(row));
      }
    }
    absl::PrintF(
        "  events/s and latencies count appends completed in the window; a latency is the Append "
        "or Write call alone.\n"
        "  ev/fsync, ev/batch: each system's own counters over the window (engine Stats(); raw "
        "RocksDB tickers\n"
        "  WAL_FILE_SYNCED, WRITE_DONE_BY_SELF). cpu%%: this process; oth%%: all other processes "
        "(100 = one core;\n"
        "  a high oth%% means the row competed for CPU). engine/raw: ratio of events/s.\n");
  }

  if (absl::GetFlag(FLAGS_reads)) {
    ReadBenchOptions read;
    read.log_events = absl::GetFlag(FLAGS_read_events);
    read.stream_events = absl::GetFlag(FLAGS_stream_events);
    read.page = static_cast<size_t>(absl::GetFlag(FLAGS_read_page));
    read.duration = load.duration;
    read.payload = &payload;
    std::vector<ReadRow> rows;
    if (run_engine) {
      absl::StatusOr<std::vector<ReadRow>> engine_rows = RunEngineReads(*dir, read);
      if (engine_rows.ok()) {
        rows = *std::move(engine_rows);
      } else {
        absl::PrintF("! engine reads failed: %s\n", engine_rows.status().ToString());
        failed = true;
      }
    }
    if (run_raw) {
      absl::StatusOr<ReadRow> raw_row = RunRawScan(*dir, read);
      if (raw_row.ok()) {
        rows.push_back(*std::move(raw_row));
      } else {
        absl::PrintF("! raw scan failed: %s\n", raw_row.status().ToString());
        failed = true;
      }
    }
    absl::PrintF(
        "\nReads: %d events per call, every event checked. cold-ish = store closed, its "
        "files fdatasync'ed\nand evicted from the page cache (posix_fadvise DONTNEED), "
        "reopened (WAL replay may refill the memtable).\n",
        read.page);
    PrintReadRows(stdout, rows);
    for (const ReadRow& r : rows) csv.Add(r);
    read_rows = std::move(rows);
  }
  // Smoke-mode numbers would only mislead against the goals.
  if (!absl::GetFlag(FLAGS_quick)) PrintGoals(stdout, append_rows, read_rows);
  if (failed) absl::PrintF("\nSome rows reported problems (lines starting with '!').\n");
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) { return crm::bench::Main(argc, argv); }
