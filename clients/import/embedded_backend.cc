#include "clients/import/embedded_backend.h"

namespace crm::clients {

absl::StatusOr<ExistingCustomer> EmbeddedBackend::GetCustomer(const std::string& customer_id) {
  absl::StatusOr<engine::domain::CustomerState> state = handler_->LoadCustomer(customer_id);
  if (!state.ok()) return state.status();
  ExistingCustomer out;
  out.exists = state->exists;
  out.merged_into = state->merged_into;
  out.archived = state->archived;
  out.contacts = state->contacts;
  out.follow_up_ids = state->follow_up_ids;
  return out;
}

}  // namespace crm::clients
