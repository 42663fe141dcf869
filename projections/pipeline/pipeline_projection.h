// PipelineProjection: folds customer, rep and team events into the follow-up
// pipeline view (keys and rows: pipeline_keys.h). Queries: pipeline_queries.h.
//
// A customer's row mirrors the domain's CustomerState fold (customer_state.h)
// for the fields the pipeline shows, so the view and the deciders agree on
// owner, latest intent, "won", the recycling clock and the next follow-up
// date. Dates that depend on the time zone (the recycling clock's day) use
// the zone given here; changing it requires a new version.
//
// Thread-safety: Apply is called by the runner thread only.
#ifndef CRM_PROJECTIONS_PIPELINE_PIPELINE_PROJECTION_H_
#define CRM_PROJECTIONS_PIPELINE_PIPELINE_PROJECTION_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "projections/projection.h"

namespace crm::projections::pipeline {

inline constexpr char kPipelineProjectionName[] = "pipeline";

class PipelineProjection : public Projection {
 public:
  explicit PipelineProjection(absl::TimeZone zone);

  std::string name() const override { return kPipelineProjectionName; }
  // 2: a follow-up dated before the latest one no longer replaces its
  // intent and next call. 3: index entries hold no copy of the row.
  uint32_t version() const override { return 3; }
  std::vector<std::string> event_types() const override;
  absl::Status Apply(const engine::RecordedEvent& event, ViewWriter& view) override;

 private:
  absl::TimeZone zone_;
};

}  // namespace crm::projections::pipeline

#endif  // CRM_PROJECTIONS_PIPELINE_PIPELINE_PROJECTION_H_
