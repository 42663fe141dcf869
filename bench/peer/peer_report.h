// The peer comparison's results: every measured repetition kept as a
// Sample, then summarised per (workload, system) as min / median / max over
// the repetitions, with each system's ratio to crm-engine embedded.
//
// Outputs: a Markdown table (readable in a terminal and pasted into the
// README as is), a CSV with one line per repetition (the raw numbers), and a
// whitespace-separated data file of the append rows for the gnuplot chart.
//
// Thread-safety: main thread only.
#ifndef CRM_BENCH_PEER_PEER_REPORT_H_
#define CRM_BENCH_PEER_PEER_REPORT_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace crm::bench {

inline constexpr char kEngine[] = "crm-engine";
inline constexpr char kEngineGrpc[] = "crm-engine-grpc";  // crmd's EventStoreService
inline constexpr char kPostgres[] = "postgresql";
inline constexpr char kRaw[] = "raw-rocksdb";

struct Sample {
  // "append", "read-stream", "read-log", "catch-up", "balances"
  std::string workload;
  std::string system;         // kEngine, kEngineGrpc, kPostgres, kRaw
  int events_per_append = 0;  // append rows only
  int writers = 0;            // append rows only
  int rep = 0;
  double events_per_s = 0;
  double p50_us = 0, p99_us = 0;  // per append call; per page of reads; none for balances
  double cpu_pct = 0;             // the system's CPU (100 = one core)
  double other_cpu_pct = 0;       // everything else on the machine
  uint64_t errors = 0;
  std::string note;
};

class PeerReport {
 public:
  void Add(Sample s) { samples_.push_back(std::move(s)); }
  const std::vector<Sample>& samples() const { return samples_; }

  void PrintTable(std::FILE* out) const;
  // The goals, each with the measured median ratio and the range of
  // per-repetition ratios (each repetition's systems ran side by side).
  void PrintGoals(std::FILE* out) const;
  bool WriteCsv(const std::string& path) const;
  // Columns: system events_per_append writers median min max (events/s).
  bool WriteChartData(const std::string& path) const;

 private:
  std::vector<Sample> samples_;
};

}  // namespace crm::bench

#endif  // CRM_BENCH_PEER_PEER_REPORT_H_
