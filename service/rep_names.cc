#include "service/rep_names.h"

namespace crm::service {

const std::string& RepNames::Of(const std::string& rep_id) {
  auto [it, inserted] = names_.try_emplace(rep_id, rep_id);
  if (inserted && handler_ != nullptr && !rep_id.empty()) {
    absl::StatusOr<engine::domain::RepState> rep = handler_->LoadRep(rep_id);
    if (rep.ok() && rep->exists && !rep->name.empty()) it->second = rep->name;
  }
  return it->second;
}

}  // namespace crm::service
