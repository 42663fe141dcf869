#include "bench/peer/peer_report.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace crm::bench {
namespace {

// Order of workloads in the table, then systems within one.
int WorkloadRank(const std::string& w) {
  if (w == "append") return 0;
  if (w == "read-stream") return 1;
  if (w == "read-log") return 2;
  if (w == "catch-up") return 3;
  return 4;  // "balances"
}

int SystemRank(const std::string& s) {
  if (s == kEngine) return 0;
  if (s == kEngineGrpc) return 1;
  if (s == kPostgres) return 2;
  return 3;
}

using RowKey = std::tuple<int, int, int, int>;  // workload, epa, writers, system

struct Stats {
  double min = 0, median = 0, max = 0;
};

Stats Summarise(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  const double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return {v.front(), median, v.back()};
}

struct Row {
  const Sample* first = nullptr;
  std::vector<const Sample*> reps;
  Stats rate, p50, p99, cpu, other;
};

std::map<RowKey, Row> Rows(const std::vector<Sample>& samples) {
  std::map<RowKey, Row> rows;
  for (const Sample& s : samples) {
    Row& r = rows[{WorkloadRank(s.workload), s.events_per_append, s.writers, SystemRank(s.system)}];
    if (r.first == nullptr) r.first = &s;
    r.reps.push_back(&s);
  }
  for (auto& [key, r] : rows) {
    std::vector<double> rate, p50, p99, cpu, other;
    for (const Sample* s : r.reps) {
      rate.push_back(s->events_per_s);
      p50.push_back(s->p50_us);
      p99.push_back(s->p99_us);
      cpu.push_back(s->cpu_pct);
      other.push_back(s->other_cpu_pct);
    }
    r.rate = Summarise(rate);
    r.p50 = Summarise(p50);
    r.p99 = Summarise(p99);
    r.cpu = Summarise(cpu);
    r.other = Summarise(other);
  }
  return rows;
}

std::string Label(const Sample& s) {
  if (s.workload == "append") {
    return absl::StrFormat("append %d ev/call, %d writer%s", s.events_per_append, s.writers,
                           s.writers == 1 ? "" : "s");
  }
  if (s.workload == "read-stream") return "read one 10k-event stream";
  if (s.workload == "read-log") return "read the global log from 0";
  if (s.workload == "catch-up") return "catch-up consumer from 0";
  return "build the balances view from scratch";
}

std::string Ms(double us) { return absl::StrFormat("%.2f", us / 1e3); }

// The per-repetition ratios engine / `other` for one append row.
Stats PairedRatios(const std::vector<Sample>& samples, int epa, int writers,
                   const std::string& other) {
  std::map<int, double> engine, peer;
  for (const Sample& s : samples) {
    if (s.workload != "append" || s.events_per_append != epa || s.writers != writers) continue;
    if (s.system == kEngine) engine[s.rep] = s.events_per_s;
    if (s.system == other) peer[s.rep] = s.events_per_s;
  }
  std::vector<double> ratios;
  for (const auto& [rep, e] : engine) {
    auto it = peer.find(rep);
    if (it != peer.end() && it->second > 0) ratios.push_back(e / it->second);
  }
  return Summarise(ratios);
}

}  // namespace

void PeerReport::PrintTable(std::FILE* out) const {
  const std::map<RowKey, Row> rows = Rows(samples_);
  absl::FPrintF(out,
                "| workload | system | events/s median | min – max | p50 ms | p99 ms | vs engine "
                "| cpu %% | other cpu %% |\n");
  absl::FPrintF(out, "|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
  for (const auto& [key, r] : rows) {
    const auto [w, epa, writers, sys] = key;
    auto engine = rows.find({w, epa, writers, 0});
    std::string ratio = "n/a";
    if (engine != rows.end() && engine->second.rate.median > 0) {
      ratio = absl::StrFormat("%.2f×", r.rate.median / engine->second.rate.median);
    }
    uint64_t errors = 0;
    for (const Sample* s : r.reps) errors += s->errors;
    // A one-shot build has no per-call latency; its error is a failed build.
    const bool build = r.first->workload == "balances";
    std::string note = r.first->note;
    // A build's repetitions are few and each one's failure says why (e.g.
    // which totals differ): show the first that has a note.
    for (const Sample* s : r.reps) {
      if (!build || !note.empty()) break;
      note = s->note;
    }
    if (errors > 0) note += absl::StrFormat(" (%d failed %s)", errors, build ? "builds" : "calls");
    absl::FPrintF(out, "| %s | %s%s | %.0f | %.0f – %.0f | %s | %s | %s | %.0f | %.0f |\n",
                  sys == 0 ? Label(*r.first) : "", r.first->system, note.empty() ? "" : " " + note,
                  r.rate.median, r.rate.min, r.rate.max, build ? "–" : Ms(r.p50.median),
                  build ? "–" : Ms(r.p99.median), ratio, r.cpu.median, r.other.median);
  }
  std::fflush(out);
}

void PeerReport::PrintGoals(std::FILE* out) const {
  struct Goal {
    int epa, writers;
    double want;
  };
  const Goal goals[] = {{1, 64, 3.0}, {10, 64, 5.0}, {1, 8, 1.3}};
  absl::FPrintF(out, "Issue 7 goals (crm-engine embedded / PostgreSQL, events/s):\n");
  for (const Goal& g : goals) {
    const Stats r = PairedRatios(samples_, g.epa, g.writers, kPostgres);
    if (r.median <= 0) {
      absl::FPrintF(out, "  %d ev/call, %d writers >= %.1fx: not run\n", g.epa, g.writers, g.want);
      continue;
    }
    absl::FPrintF(
        out, "  %2d ev/call, %2d writers >= %.1fx: median %.2fx (per repetition %.2f – %.2f)  %s\n",
        g.epa, g.writers, g.want, r.median, r.min, r.max, r.median >= g.want ? "met" : "NOT met");
  }
  std::fflush(out);
}

bool PeerReport::WriteCsv(const std::string& path) const {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  absl::FPrintF(f,
                "workload,system,events_per_append,writers,rep,events_per_s,p50_us,p99_us,cpu_pct,"
                "other_cpu_pct,errors,note\n");
  for (const Sample& s : samples_) {
    absl::FPrintF(f, "%s,%s,%d,%d,%d,%.0f,%.1f,%.1f,%.0f,%.0f,%d,\"%s\"\n", s.workload, s.system,
                  s.events_per_append, s.writers, s.rep, s.events_per_s, s.p50_us, s.p99_us,
                  s.cpu_pct, s.other_cpu_pct, s.errors,
                  absl::StrReplaceAll(s.note, {{"\"", "\"\""}}));  // RFC 4180 quoting
  }
  return std::fclose(f) == 0;
}

bool PeerReport::WriteChartData(const std::string& path) const {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  absl::FPrintF(f, "# system events_per_append writers median min max (events/s)\n");
  for (const auto& [key, r] : Rows(samples_)) {
    if (r.first->workload != "append") continue;
    absl::FPrintF(f, "%s %d %d %.0f %.0f %.0f\n", r.first->system, r.first->events_per_append,
                  r.first->writers, r.rate.median, r.rate.min, r.rate.max);
  }
  return std::fclose(f) == 0;
}

}  // namespace crm::bench
