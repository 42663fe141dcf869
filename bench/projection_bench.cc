// crm_projection_bench: how fast each read model (pipeline, directory,
// history, balances, reports) and all five together rebuild from the log,
// next to a plain scan of the same log in the same run (the limit a rebuild
// can approach); how long the pipeline of a rep with 10,000 customers and an
// aging query over every order take.
//
// Rows:
//   scan             - EventStore::ReadAll over the whole log, batches of 2048.
//   rebuild <views>  - a fresh views database; ProjectionRunner::Open until
//                      the projections have applied the last event.
//   pipeline ...     - PipelineQueries on the rebuilt view, for the rep that
//                      owns --hot_rep_customers customers: the first page of
//                      its pipeline, its overdue follow-ups (first page), and
//                      its counts by intent.
//   aging by ...     - BalancesQueries::AgingByCustomer / AgingByRep as of one
//                      date over every order (the first page; the whole log
//                      of orders is read and aggregated each time).
//   customer totals  - BalancesQueries::CustomerTotals of a random customer.
//
// The log is generated straight into the store without fsync (the bench
// measures reading it). The page cache is warm for every row; the scan runs
// before and after the rebuilds so a reader can see it did not drift.
//
// Usage: crm_projection_bench [--events=1000000] [--orders=100000]
//        [--hot_rep_customers=10000] [--aging_runs=30] [--dir=...] [--quick]
#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_dir.h"
#include "bench/projection_bench_events.h"
#include "engine/store/event_store.h"
#include "projections/balances/balances_projection.h"
#include "projections/balances/balances_queries.h"
#include "projections/directory/directory_projection.h"
#include "projections/history/history_projection.h"
#include "projections/pipeline/pipeline_projection.h"
#include "projections/pipeline/pipeline_queries.h"
#include "projections/projection_runner.h"
#include "projections/reports/reports_projection.h"

ABSL_FLAG(std::string, dir, "", "Parent folder of the scratch data (default $TMPDIR or /tmp).");
ABSL_FLAG(uint64_t, events, 1'000'000, "Events in the generated log.");
ABSL_FLAG(uint64_t, orders, 100'000, "Orders among them (the aging rows read them all).");
ABSL_FLAG(uint64_t, hot_rep_customers, 10'000, "Customers of the rep whose pipeline is queried.");
ABSL_FLAG(int32_t, aging_runs, 30, "Timed runs of each aging query.");
ABSL_FLAG(bool, quick, false, "Smoke mode: 20,000 events, 2,000 orders. Numbers mean nothing.");

namespace crm::bench {
namespace {

using projections::Projection;
using projections::ProjectionRunner;
using projections::balances::BalancesProjection;
using projections::balances::BalancesQueries;
using projections::reports::ReportsProjection;

double Seconds(absl::Duration d) { return absl::ToDoubleSeconds(d); }

absl::StatusOr<uint64_t> Scan(engine::EventStore* store, absl::Duration* took) {
  const absl::Time start = absl::Now();
  uint64_t n = 0;
  engine::Position from = 0;
  for (;;) {
    absl::StatusOr<std::vector<engine::RecordedEvent>> batch =
        store->ReadAll(from, engine::Direction::kForward, 2048);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    n += batch->size();
    from = batch->back().position + 1;
  }
  *took = absl::Now() - start;
  return n;
}

std::vector<std::unique_ptr<Projection>> Make(const std::vector<std::string>& names) {
  std::vector<std::unique_ptr<Projection>> ps;
  const absl::TimeZone zone = engine::domain::DefaultBusinessTimeZone();
  for (const std::string& n : names) {
    if (n == "pipeline")
      ps.push_back(std::make_unique<projections::pipeline::PipelineProjection>(zone));
    if (n == "directory")
      ps.push_back(std::make_unique<projections::directory::DirectoryProjection>());
    if (n == "history") ps.push_back(std::make_unique<projections::history::HistoryProjection>());
    if (n == "balances") ps.push_back(std::make_unique<BalancesProjection>(zone));
    if (n == "reports") ps.push_back(std::make_unique<ReportsProjection>(zone));
  }
  return ps;
}

// Rebuilds `names` into a fresh views database; returns the runner, caught up.
absl::StatusOr<std::unique_ptr<ProjectionRunner>> Rebuild(engine::EventStore* store,
                                                          const std::string& path,
                                                          const std::vector<std::string>& names,
                                                          engine::Position last,
                                                          absl::Duration* took) {
  const absl::Time start = absl::Now();
  projections::RunnerOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<ProjectionRunner>> runner =
      ProjectionRunner::Open(store, Make(names), options);
  if (!runner.ok()) return runner.status();
  for (const std::string& n : names) {
    absl::Status s = (*runner)->WaitFor(n, last, absl::Now() + absl::Hours(1));
    if (!s.ok()) return s;
  }
  *took = absl::Now() - start;
  return runner;
}

struct Percentiles {
  double p50_ms = 0;
  double p99_ms = 0;
};

Percentiles Of(std::vector<absl::Duration> samples) {
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    const size_t i = std::min(samples.size() - 1, static_cast<size_t>(q * samples.size()));
    return absl::ToDoubleMilliseconds(samples[i]);
  };
  return Percentiles{at(0.50), at(0.99)};
}

int Run() {
  const bool quick = absl::GetFlag(FLAGS_quick);
  const uint64_t events = quick ? 20'000 : absl::GetFlag(FLAGS_events);
  const uint64_t orders = quick ? 2'000 : absl::GetFlag(FLAGS_orders);
  const int runs = quick ? 3 : absl::GetFlag(FLAGS_aging_runs);
  const uint64_t hot = quick ? 500 : absl::GetFlag(FLAGS_hot_rep_customers);

  absl::StatusOr<BenchDir> dir = BenchDir::Create(absl::GetFlag(FLAGS_dir));
  if (!dir.ok()) {
    std::fprintf(stderr, "scratch folder: %s\n", dir.status().ToString().c_str());
    return 1;
  }
  engine::StoreOptions store_options;
  store_options.path = dir->NewChild("log");
  store_options.sync_writes = false;
  absl::StatusOr<std::unique_ptr<engine::EventStore>> store =
      engine::EventStore::Open(store_options);
  if (!store.ok()) {
    std::fprintf(stderr, "store: %s\n", store.status().ToString().c_str());
    return 1;
  }
  std::printf("crm_projection_bench: %s on %s\n", dir->path().c_str(),
              FileSystemType(dir->path()).c_str());
  const absl::Time gen_start = absl::Now();
  absl::StatusOr<GeneratedLog> log = GenerateLog(store->get(), events, orders, 20260415, hot);
  if (!log.ok()) {
    std::fprintf(stderr, "generating: %s\n", log.status().ToString().c_str());
    return 1;
  }
  std::printf("log: %llu events (%llu customers, %llu orders), generated in %.1f s\n\n",
              static_cast<unsigned long long>(log->events),
              static_cast<unsigned long long>(log->customers),
              static_cast<unsigned long long>(log->orders), Seconds(absl::Now() - gen_start));
  std::printf("%-32s %12s %14s %10s\n", "row", "seconds", "events/s", "x scan");

  absl::Duration took;
  absl::StatusOr<uint64_t> scanned = Scan(store->get(), &took);  // warms the cache
  if (!scanned.ok()) return 1;
  scanned = Scan(store->get(), &took);
  if (!scanned.ok()) return 1;
  const double scan_rate = *scanned / Seconds(took);
  std::printf("%-32s %12.2f %14.0f %10.2f\n", "scan (ReadAll)", Seconds(took), scan_rate, 1.0);

  std::unique_ptr<ProjectionRunner> kept;
  const std::vector<std::string> all = {"pipeline", "directory", "history", "balances", "reports"};
  std::vector<std::vector<std::string>> rows;
  for (const std::string& n : all) rows.push_back({n});
  rows.push_back(all);
  for (const std::vector<std::string>& names : rows) {
    const std::string path = dir->NewChild("views");
    absl::StatusOr<std::unique_ptr<ProjectionRunner>> runner =
        Rebuild(store->get(), path, names, log->last_position, &took);
    if (!runner.ok()) {
      std::fprintf(stderr, "rebuild: %s\n", runner.status().ToString().c_str());
      return 1;
    }
    const double rate = log->events / Seconds(took);
    std::printf("%-32s %12.2f %14.0f %10.2f\n",
                absl::StrCat("rebuild ", absl::StrJoin(names, "+")).c_str(), Seconds(took), rate,
                rate / scan_rate);
    if (names == all) {
      kept = std::move(*runner);
    } else {
      runner->reset();
      dir->RemoveChild(path);
    }
  }
  scanned = Scan(store->get(), &took);
  if (!scanned.ok()) return 1;
  std::printf("%-32s %12.2f %14.0f %10.2f\n", "scan again", Seconds(took), *scanned / Seconds(took),
              *scanned / Seconds(took) / scan_rate);

  // Queries on the views of all five built above.
  std::printf("\n%-32s %8s %10s %10s\n", "query", "runs", "p50 ms", "p99 ms");
  {
    projections::pipeline::PipelineQueries pipeline(kept.get(),
                                                    engine::domain::DefaultBusinessTimeZone());
    using projections::pipeline::Due;
    using projections::pipeline::PipelineQuery;
    using projections::pipeline::Scope;
    // Customers were registered over 2025's first 300 days and called every
    // three days for a while: on this day about half are overdue.
    const absl::CivilDay today(2025, 8, 1);
    for (Due due : {Due::kAny, Due::kOverdue}) {
      std::vector<absl::Duration> samples;
      size_t rows_seen = 0;
      for (int i = 0; i < std::max(runs, 100); ++i) {
        PipelineQuery query;
        query.scope = Scope::Rep(kHotRep);
        query.due = due;
        query.as_of = today;
        const absl::Time start = absl::Now();
        auto page = pipeline.List(query);
        samples.push_back(absl::Now() - start);
        if (!page.ok()) {
          std::fprintf(stderr, "pipeline: %s\n", page.status().ToString().c_str());
          return 1;
        }
        rows_seen = page->entries.size();
      }
      const Percentiles p = Of(samples);
      std::printf("%-32s %8zu %10.2f %10.2f   (%zu rows on the first page, %llu customers)\n",
                  due == Due::kAny ? "pipeline of one rep" : "overdue of one rep", samples.size(),
                  p.p50_ms, p.p99_ms, rows_seen, static_cast<unsigned long long>(hot));
    }
    std::vector<absl::Duration> samples;
    for (int i = 0; i < 100; ++i) {
      const absl::Time start = absl::Now();
      auto counts = pipeline.CountByIntent(Scope::Rep(kHotRep));
      samples.push_back(absl::Now() - start);
      if (!counts.ok()) return 1;
    }
    const Percentiles p = Of(samples);
    std::printf("%-32s %8d %10.3f %10.3f\n", "pipeline counts by intent", 100, p.p50_ms, p.p99_ms);
  }

  // Queries on the balances view.
  absl::StatusOr<std::unique_ptr<projections::ViewReader>> reader =
      kept->Reader(projections::balances::kBalancesProjectionName);
  if (!reader.ok()) return 1;
  BalancesQueries q(reader->get());
  const absl::CivilDay as_of(2026, 3, 1);
  for (bool by_rep : {false, true}) {
    std::vector<absl::Duration> samples;
    size_t rows = 0;
    for (int i = 0; i < runs; ++i) {
      const absl::Time start = absl::Now();
      auto page = by_rep ? q.AgingByRep(as_of, {}) : q.AgingByCustomer(as_of, {});
      samples.push_back(absl::Now() - start);
      if (!page.ok()) {
        std::fprintf(stderr, "aging: %s\n", page.status().ToString().c_str());
        return 1;
      }
      rows = page->rows.size();
    }
    const Percentiles p = Of(samples);
    std::printf("%-32s %8d %10.1f %10.1f   (%zu rows on the first page)\n",
                by_rep ? "aging by rep" : "aging by customer", runs, p.p50_ms, p.p99_ms, rows);
  }
  std::mt19937_64 rng(7);
  std::vector<absl::Duration> samples;
  for (int i = 0; i < 1000; ++i) {
    const std::string customer = absl::StrCat("c", rng() % log->customers);
    const absl::Time start = absl::Now();
    auto totals = q.CustomerTotals(customer, as_of);
    samples.push_back(absl::Now() - start);
    if (!totals.ok()) return 1;
  }
  const Percentiles p = Of(samples);
  std::printf("%-32s %8d %10.3f %10.3f\n", "customer totals", 1000, p.p50_ms, p.p99_ms);
  std::printf(
      "\nevents/s = events in the log / wall time to apply them all; "
      "x scan = that rate over the scan's.\n");
  return 0;
}

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // Rows appear as they finish, also when stdout is a file.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  return crm::bench::Run();
}
