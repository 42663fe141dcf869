// DirectoryProjection: keeps the customer directory (directory_keys.h) from
// customer and contact events. Queries: directory_queries.h.
//
// A row is folded with the domain's own CustomerState Evolve, so profile
// changes, merges (phones and contacts moving to the survivor) and contact
// edits mean exactly what they mean to the deciders.
//
// Thread-safety: Apply is called by the runner thread only.
#ifndef CRM_PROJECTIONS_DIRECTORY_DIRECTORY_PROJECTION_H_
#define CRM_PROJECTIONS_DIRECTORY_DIRECTORY_PROJECTION_H_

#include <string>
#include <vector>

#include "projections/projection.h"

namespace crm::projections::directory {

inline constexpr char kDirectoryProjectionName[] = "directory";

class DirectoryProjection : public Projection {
 public:
  std::string name() const override { return kDirectoryProjectionName; }
  uint32_t version() const override { return 1; }
  std::vector<std::string> event_types() const override {
    return {"crm.v1.Customer", "crm.v1.Contact"};
  }
  absl::Status Apply(const engine::RecordedEvent& event, ViewWriter& view) override;
};

}  // namespace crm::projections::directory

#endif  // CRM_PROJECTIONS_DIRECTORY_DIRECTORY_PROJECTION_H_
