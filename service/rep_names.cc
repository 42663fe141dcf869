#include "service/rep_names.h"

namespace crm::service {

std::string RepName(engine::domain::CommandHandler* handler, const std::string& rep_id) {
  if (handler == nullptr || rep_id.empty()) return rep_id;
  absl::StatusOr<engine::domain::RepState> rep = handler->LoadRep(rep_id);
  return rep.ok() && rep->exists && !rep->name.empty() ? rep->name : rep_id;
}

const std::string& RepNames::Of(const std::string& rep_id) {
  auto [it, inserted] = names_.try_emplace(rep_id);
  if (inserted) it->second = RepName(handler_, rep_id);
  return it->second;
}

}  // namespace crm::service
