// Where `crmctl report` reads a report's data: the views of a stopped store
// (EmbeddedReportSource, report_command.h) or a running crmd's gRPC services
// (RemoteReportSource, remote_report_source.h). Both give the plain structs of
// clients/export, which one set of writers lays out, so a report looks the
// same whichever way it was made.
#ifndef CRM_CLIENTS_CRMCTL_REPORT_SOURCE_H_
#define CRM_CLIENTS_CRMCTL_REPORT_SOURCE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "clients/export/collection_export.h"
#include "clients/export/report_export.h"
#include "crm/v1/balances_service.pb.h"

namespace crm::clients {

// Whose customers the pipeline report covers: one rep's, one team's (with
// its sub-teams), the public pool's, or (all unset) every owned customer.
struct PipelineReportScope {
  std::string rep_id;
  std::string team_id;
  bool pool = false;
};

class ReportSource {
 public:
  virtual ~ReportSource() = default;

  // `rep`: a rep id or name, or empty for every rep; it filters the rows by
  // the rep credited (aging: both groupings count only that rep's orders).
  virtual absl::StatusOr<CollectionExport> Collection(absl::CivilDay from, absl::CivilDay to,
                                                      const std::string& rep) = 0;
  virtual absl::StatusOr<AgingExport> Aging(absl::CivilDay as_of, const std::string& rep) = 0;
  virtual absl::StatusOr<PerformanceExport> Performance(absl::CivilDay from, absl::CivilDay to,
                                                        const std::string& rep) = 0;
  // `as_of` unset: today in the business time zone.
  virtual absl::StatusOr<PipelineExport> Pipeline(const PipelineReportScope& scope,
                                                  std::optional<absl::CivilDay> as_of) = 0;
};

// The collection report's 回款状态 words for an order's status.
inline const char* PaymentStatusLabel(v1::PaymentStatus status, bool cancelled) {
  if (cancelled) return "已取消";
  switch (status) {
    case v1::PAYMENT_STATUS_PAID:
      return "已回款";
    case v1::PAYMENT_STATUS_PARTIAL:
      return "部分回款";
    case v1::PAYMENT_STATUS_UNPAID:
      return "未回款";
    case v1::PAYMENT_STATUS_OVERDUE:
      return "逾期";
    default:
      return "";
  }
}

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_REPORT_SOURCE_H_
