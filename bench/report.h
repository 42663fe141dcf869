// Formatting of the benchmark's results: a fixed-width table on stdout, row by
// row as they finish, and optionally the same numbers as CSV (long format: one
// line per system and row, so engine, raw and read rows share one header).
//
// Thread-safety: main thread only.
#ifndef CRM_BENCH_REPORT_H_
#define CRM_BENCH_REPORT_H_

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "bench/load_runner.h"
#include "bench/read_bench.h"

namespace crm::bench {

// The numbers of one system in one append row; the latency vector is not
// kept.
struct AppendSummary {
  double events_per_s = 0;
  double p50_us = 0, p99_us = 0, p999_us = 0, max_us = 0;
  double events_per_sync = 0;   // 0 when no sync happened (sync off)
  double events_per_batch = 0;  // 0 when unknown
  double cpu_pct = 0;           // process CPU over the window, 100 = one core
  double other_cpu_pct = 0;     // other processes' CPU over the window
  uint64_t appends = 0, errors = 0, dropped_samples = 0;
  double seconds = 0;
};

AppendSummary Summarize(const LoadResult& r, int events_per_append);

struct AppendRow {
  int events_per_append = 1;
  int threads = 1;
  std::optional<AppendSummary> engine;  // nullopt: not run or failed to open
  std::optional<AppendSummary> raw;
  std::vector<std::string> warnings;
};

void PrintAppendHeader(std::FILE* out, bool sync);
void PrintAppendRow(std::FILE* out, const AppendRow& row);
void PrintReadRows(std::FILE* out, const std::vector<ReadRow>& rows);

// Lines the goals can be read from (each with the measured value), for
// whatever rows were run. Informational: the exit code does not depend on it.
void PrintGoals(std::FILE* out, const std::vector<AppendRow>& appends,
                const std::vector<ReadRow>& reads);

// Writes the CSV header on construction; does nothing if `path` is empty.
class CsvWriter {
 public:
  explicit CsvWriter(const std::string& path);
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  bool ok() const { return path_.empty() || file_ != nullptr; }
  void Add(const AppendRow& row);
  void Add(const ReadRow& row);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace crm::bench

#endif  // CRM_BENCH_REPORT_H_
