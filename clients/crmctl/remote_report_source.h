// The data of `crmctl report ... --server`: read from a running crmd's
// ReportsService (collection, performance), BalancesService (aging) and
// PipelineService (pipeline), every page, into the structs the embedded
// reports fill, so the files are the same.
//
// `rep`: sent to crmd as the request's rep_id when it looks like an id (so a
// key of a limited scope may read its own reps' reports); a name, or an id
// that matches nothing, is looked for among every rep's rows by name, which
// needs a key of scope all. Aging with `rep` covers only the orders credited
// to it, in both groupings (crmd's GetAging rep_id), so a rep's key gets the
// file a key of scope all gets for that rep.
#ifndef CRM_CLIENTS_CRMCTL_REMOTE_REPORT_SOURCE_H_
#define CRM_CLIENTS_CRMCTL_REMOTE_REPORT_SOURCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clients/crmctl/crmd_call.h"
#include "clients/crmctl/report_source.h"
#include "crm/v1/balances_service.pb.h"

namespace crm::clients {

class RemoteReportSource : public ReportSource {
 public:
  // `min_position`: crmd's views must have applied it (a command's returned
  // position) before they answer.
  RemoteReportSource(const Crmd& crmd, std::optional<uint64_t> min_position)
      : crmd_(crmd), min_position_(min_position) {}

  absl::StatusOr<CollectionExport> Collection(absl::CivilDay from, absl::CivilDay to,
                                              const std::string& rep) override;
  absl::StatusOr<AgingExport> Aging(absl::CivilDay as_of, const std::string& rep) override;
  absl::StatusOr<PerformanceExport> Performance(absl::CivilDay from, absl::CivilDay to,
                                                const std::string& rep) override;
  absl::StatusOr<PipelineExport> Pipeline(const PipelineReportScope& scope,
                                          std::optional<absl::CivilDay> as_of) override;

 private:
  // Every page of GetAging: `group_by`, as of `as_of`, of the orders
  // credited to `rep_id` (empty: every order).
  absl::StatusOr<std::vector<v1::AgingRow>> AgingRows(v1::AgingGrouping group_by,
                                                      absl::CivilDay as_of,
                                                      const std::string& rep_id);

  const Crmd& crmd_;
  std::optional<uint64_t> min_position_;
};

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_REMOTE_REPORT_SOURCE_H_
