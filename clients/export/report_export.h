// The aging, performance and pipeline reports as plain data, whatever they
// were read from (the views of a stopped store, or crmd's gRPC services), and
// how each is laid out as tables for Excel (table_export.h). Both sources
// fill the same structs so that a report looks the same however it was made.
#ifndef CRM_CLIENTS_EXPORT_REPORT_EXPORT_H_
#define CRM_CLIENTS_EXPORT_REPORT_EXPORT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"

namespace crm::clients {

// Receivables aging (账龄) of one customer or rep in one currency.
struct AgingLine {
  std::string name;  // the customer's or rep's name (or id when it has none)
  std::string currency_code;
  // Minor units: not yet due, 1-30, 31-60, 61-90, 91-120, over 120 days.
  std::array<int64_t, 6> buckets{};
  int64_t total = 0;
};

struct AgingExport {
  absl::CivilDay as_of;
  std::vector<AgingLine> by_customer;
  std::vector<AgingLine> by_rep;
};

// Money a rep brought in during a period, one currency.
struct PerformanceMoney {
  std::string currency_code;
  int64_t ordered = 0;
  int64_t collected = 0;
};

struct PerformanceLine {
  std::string rep;  // the rep's name (or id)
  absl::CivilDay period_start, period_end;
  int64_t follow_ups = 0;
  int64_t new_customers = 0;
  int64_t orders = 0;
  std::vector<PerformanceMoney> money;  // empty when no money moved
};

struct PerformanceExport {
  absl::CivilDay from, to;
  std::vector<PerformanceLine> lines;  // by rep, then period
};

// A customer of the follow-up pipeline as a manager reads it.
struct PipelineLine {
  std::string customer_id;
  std::string company;
  std::string contact;
  std::string owner;   // the owning rep's name (else id); empty in the public pool
  std::string intent;  // the sheet's word (有兴趣, ...)
  int64_t follow_ups = 0;
  std::optional<absl::CivilDay> last_contact;  // unset: never contacted
  std::optional<absl::CivilDay> next_call;     // unset: none planned
  bool due_today = false;
  int64_t days_overdue = 0;  // 0 unless the next call is past
};

struct PipelineExport {
  absl::CivilDay as_of;
  std::vector<PipelineLine> lines;  // by owner, then customer id
};

// A sheet per grouping (按客户, 按业务员); the CSV holds the by-customer one.
absl::Status WriteAgingXlsx(const AgingExport& report, const std::string& path);
absl::Status WriteAgingCsv(const AgingExport& report, const std::string& path);

absl::Status WritePerformanceXlsx(const PerformanceExport& report, const std::string& path);
absl::Status WritePerformanceCsv(const PerformanceExport& report, const std::string& path);

// xlsx: a summary (customers, due today, overdue per owner) and one sheet per
// owner; CSV: every customer with the owner as a column.
absl::Status WritePipelineXlsx(const PipelineExport& report, const std::string& path);
absl::Status WritePipelineCsv(const PipelineExport& report, const std::string& path);

// What a pool customer's owner column says.
inline constexpr char kPoolOwner[] = "公海";

}  // namespace crm::clients

#endif  // CRM_CLIENTS_EXPORT_REPORT_EXPORT_H_
