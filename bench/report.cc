#include "bench/report.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"

namespace crm::bench {
namespace {

constexpr absl::string_view kNa = "n/a";

std::string Ratio(const AppendRow& row) {
  if (!row.engine || !row.raw || row.raw->events_per_s <= 0) return std::string(kNa);
  return absl::StrFormat("%.2f", row.engine->events_per_s / row.raw->events_per_s);
}

std::string Cells(const std::optional<AppendSummary>& s) {
  if (!s) return absl::StrFormat("%10s %7s %7s %8s %8s %4s %4s", kNa, "", "", "", "", "", "");
  auto per = [](double v) { return v > 0 ? absl::StrFormat("%.1f", v) : std::string("-"); };
  return absl::StrFormat("%10.0f %7.2f %7.2f %8s %8s %4.0f %4.0f", s->events_per_s, s->p50_us / 1e3,
                         s->p99_us / 1e3, per(s->events_per_sync), per(s->events_per_batch),
                         s->cpu_pct, s->other_cpu_pct);
}

}  // namespace

AppendSummary Summarize(const LoadResult& r, int events_per_append) {
  AppendSummary s;
  s.seconds = r.seconds;
  s.appends = r.ops;
  s.errors = r.errors;
  s.dropped_samples = r.dropped_samples;
  s.events_per_s = r.seconds > 0 ? r.ops * events_per_append / r.seconds : 0;
  s.p50_us = r.PercentileUs(50);
  s.p99_us = r.PercentileUs(99);
  s.p999_us = r.PercentileUs(99.9);
  s.max_us = r.PercentileUs(100);
  s.events_per_sync = r.delta.syncs > 0 ? static_cast<double>(r.delta.events) / r.delta.syncs : 0;
  s.events_per_batch =
      r.delta.batches > 0 ? static_cast<double>(r.delta.events) / r.delta.batches : 0;
  s.cpu_pct = r.seconds > 0 ? 100 * r.cpu_seconds / r.seconds : 0;
  s.other_cpu_pct = r.seconds > 0 ? 100 * r.other_cpu_seconds / r.seconds : 0;
  return s;
}

void PrintAppendHeader(std::FILE* out, bool sync) {
  absl::FPrintF(out, "\n%s appends: closed loop, one stream per writer, expected revision exact\n",
                sync ? "Durable (sync on)" : "NON-durable (sync off)");
  absl::FPrintF(out, "%-15s| %-54s | %-54s |\n", "", "engine: EventStore::Append",
                "raw RocksDB: one WriteBatch per append");
  const std::string cols = absl::StrFormat("%10s %7s %7s %8s %8s %4s %4s", "events/s", "p50 ms",
                                           "p99 ms", "ev/fsync", "ev/batch", "cpu%", "oth%");
  absl::FPrintF(out, "%6s %7s | %s | %s | %s\n", "ev/app", "writers", cols, cols, "engine/raw");
}

void PrintAppendRow(std::FILE* out, const AppendRow& row) {
  absl::FPrintF(out, "%6d %7d | %s | %s | %10s\n", row.events_per_append, row.threads,
                Cells(row.engine), Cells(row.raw), Ratio(row));
  for (const std::string& w : row.warnings) absl::FPrintF(out, "    ! %s\n", w);
  std::fflush(out);
}

void PrintReadRows(std::FILE* out, const std::vector<ReadRow>& rows) {
  absl::FPrintF(out, "%-52s %10s %6s %8s %12s  %s\n", "what", "events", "passes", "seconds",
                "events/s", "note");
  for (const ReadRow& r : rows) {
    absl::FPrintF(out, "%-52s %10d %6d %8.3f %12.0f  %s\n", r.name, r.events, r.passes, r.seconds,
                  r.EventsPerSecond(), r.note);
  }
  std::fflush(out);
}

void PrintGoals(std::FILE* out, const std::vector<AppendRow>& appends,
                const std::vector<ReadRow>& reads) {
  auto find = [&](int events_per_append, int threads) -> const AppendRow* {
    for (const AppendRow& r : appends) {
      if (r.events_per_append == events_per_append && r.threads == threads && r.engine) return &r;
    }
    return nullptr;
  };
  auto mark = [](bool met) { return met ? "met" : "NOT met"; };
  if (appends.empty() && reads.empty()) return;
  absl::FPrintF(out, "\nIssue 2 goals, from this run (sync as above):\n");
  const AppendRow* r64 = find(1, 64);
  if (r64 != nullptr) {
    absl::FPrintF(out, "  64 writers >= 40k events/s: %.0f  %s\n", r64->engine->events_per_s,
                  mark(r64->engine->events_per_s >= 40'000));
    if (r64->raw) {
      const double ratio = r64->engine->events_per_s / r64->raw->events_per_s;
      absl::FPrintF(out, "  64 writers >= 1.3x raw:      %.2fx  %s\n", ratio, mark(ratio >= 1.3));
    }
    if (const AppendRow* r256 = find(1, 256); r256 != nullptr) {
      absl::FPrintF(out, "  256 writers >= 64 writers:   %.0f vs %.0f  %s\n",
                    r256->engine->events_per_s, r64->engine->events_per_s,
                    mark(r256->engine->events_per_s >= r64->engine->events_per_s));
    }
  }
  const AppendRow* best10 = nullptr;
  for (const AppendRow& r : appends) {
    if (r.events_per_append == 10 && r.engine &&
        (best10 == nullptr || r.engine->events_per_s > best10->engine->events_per_s)) {
      best10 = &r;
    }
  }
  if (best10 != nullptr) {
    absl::FPrintF(out, "  10 events/append >= 100k events/s: best %.0f at %d writers  %s\n",
                  best10->engine->events_per_s, best10->threads,
                  mark(best10->engine->events_per_s >= 100'000));
  }
  for (const ReadRow& r : reads) {
    if (absl::StartsWith(r.name, "ReadAll")) {
      absl::FPrintF(out, "  read the log >= 1M events/s: %.0f (%s)  %s\n", r.EventsPerSecond(),
                    r.name, mark(r.EventsPerSecond() >= 1e6));
    }
  }
  std::fflush(out);
}

CsvWriter::CsvWriter(const std::string& path) : path_(path) {
  if (path_.empty()) return;
  file_ = std::fopen(path_.c_str(), "w");
  if (file_ == nullptr) return;
  absl::FPrintF(file_,
                "kind,name,events_per_append,threads,events_per_s,p50_us,p99_us,p999_us,max_us,"
                "events_per_fsync,events_per_batch,cpu_pct,other_cpu_pct,appends,errors,seconds,"
                "engine_over_raw\n");
}

CsvWriter::~CsvWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void CsvWriter::Add(const AppendRow& row) {
  if (file_ == nullptr) return;
  const std::string ratio = Ratio(row);
  for (const auto& [kind, s] : {std::pair{"engine", row.engine}, std::pair{"raw", row.raw}}) {
    if (!s) continue;
    absl::FPrintF(file_,
                  "%s,append,%d,%d,%.0f,%.1f,%.1f,%.1f,%.1f,%.2f,%.2f,%.0f,%.0f,%d,%d,%.3f,%s\n",
                  kind, row.events_per_append, row.threads, s->events_per_s, s->p50_us, s->p99_us,
                  s->p999_us, s->max_us, s->events_per_sync, s->events_per_batch, s->cpu_pct,
                  s->other_cpu_pct, s->appends, s->errors, s->seconds, ratio == kNa ? "" : ratio);
  }
  std::fflush(file_);
}

void CsvWriter::Add(const ReadRow& row) {
  if (file_ == nullptr) return;
  // Names may hold commas; CSV-quote them.
  absl::FPrintF(file_, "read,\"%s\",,,%.0f,,,,,,,,,,,%.3f,\n", row.name, row.EventsPerSecond(),
                row.seconds);
  std::fflush(file_);
}

}  // namespace crm::bench
