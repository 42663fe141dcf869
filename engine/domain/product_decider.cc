#include "engine/domain/product_decider.h"

#include "absl/strings/str_cat.h"
#include "engine/domain/field_validation.h"
#include "engine/status_macros.h"

namespace crm::engine::domain {
namespace {

using Events = std::vector<v1::ProductEvent>;

Events One(v1::ProductEvent event) {
  Events events;
  events.push_back(std::move(event));
  return events;
}

absl::Status CheckExists(const ProductState& state, const std::string& id) {
  if (!state.exists) return absl::NotFoundError(absl::StrCat("product ", id, " not found"));
  return absl::OkStatus();
}

absl::StatusOr<Events> Define(const v1::DefineProduct& cmd, const ProductState& state) {
  CRM_RETURN_IF_ERROR(ValidateId("define.product_id", cmd.product_id()));
  CRM_RETURN_IF_ERROR(ValidateRequiredText("define.name", cmd.name(), 200));
  CRM_RETURN_IF_ERROR(ValidateOptionalText("define.model", cmd.model(), 64));
  CRM_RETURN_IF_ERROR(ValidateOptionalText("define.spec", cmd.spec(), 500));
  CRM_RETURN_IF_ERROR(ValidateMoney("define.unit_price", cmd.unit_price(), 0));
  if (state.exists) {
    return absl::AlreadyExistsError(absl::StrCat("product ", cmd.product_id(), " already exists"));
  }
  v1::ProductEvent event;
  v1::ProductDefined* e = event.mutable_defined();
  e->set_product_id(cmd.product_id());
  e->set_name(cmd.name());
  e->set_model(cmd.model());
  e->set_spec(cmd.spec());
  *e->mutable_unit_price() = cmd.unit_price();
  return One(std::move(event));
}

absl::StatusOr<Events> ChangePrice(const v1::ChangeProductPrice& cmd, const ProductState& state) {
  CRM_RETURN_IF_ERROR(ValidateId("change_price.product_id", cmd.product_id()));
  CRM_RETURN_IF_ERROR(ValidateMoney("change_price.unit_price", cmd.unit_price(), 0));
  CRM_RETURN_IF_ERROR(CheckExists(state, cmd.product_id()));
  if (state.retired) {
    return absl::FailedPreconditionError(absl::StrCat("product ", cmd.product_id(), " is retired"));
  }
  if (cmd.unit_price().currency_code() != state.unit_price.currency_code()) {
    return absl::InvalidArgumentError(
        absl::StrCat("change_price.unit_price.currency_code: differs from the product's ",
                     state.unit_price.currency_code()));
  }
  if (cmd.unit_price().minor_units() == state.unit_price.minor_units()) return Events{};
  v1::ProductEvent event;
  *event.mutable_price_changed()->mutable_old_unit_price() = state.unit_price;
  *event.mutable_price_changed()->mutable_new_unit_price() = cmd.unit_price();
  return One(std::move(event));
}

absl::StatusOr<Events> Retire(const v1::RetireProduct& cmd, const ProductState& state) {
  CRM_RETURN_IF_ERROR(ValidateId("retire.product_id", cmd.product_id()));
  CRM_RETURN_IF_ERROR(ValidateOptionalText("retire.reason", cmd.reason(), 500));
  CRM_RETURN_IF_ERROR(CheckExists(state, cmd.product_id()));
  if (state.retired) return Events{};
  v1::ProductEvent event;
  event.mutable_retired()->set_reason(cmd.reason());
  return One(std::move(event));
}

}  // namespace

void Evolve(ProductState& state, const v1::ProductEvent& event) {
  switch (event.event_case()) {
    case v1::ProductEvent::kDefined:
      state.exists = true;
      state.product_id = event.defined().product_id();
      state.name = event.defined().name();
      state.unit_price = event.defined().unit_price();
      break;
    case v1::ProductEvent::kPriceChanged:
      state.unit_price = event.price_changed().new_unit_price();
      break;
    case v1::ProductEvent::kRetired:
      state.retired = true;
      break;
    case v1::ProductEvent::EVENT_NOT_SET:
      break;
  }
}

absl::StatusOr<std::vector<v1::ProductEvent>> DecideProduct(const v1::CommandContext& ctx,
                                                            const v1::ProductCommand& command,
                                                            const ProductState& state) {
  CRM_RETURN_IF_ERROR(ValidateContext(ctx));
  switch (command.command_case()) {
    case v1::ProductCommand::kDefine:
      return Define(command.define(), state);
    case v1::ProductCommand::kChangePrice:
      return ChangePrice(command.change_price(), state);
    case v1::ProductCommand::kRetire:
      return Retire(command.retire(), state);
    case v1::ProductCommand::COMMAND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("command: is not set");
}

}  // namespace crm::engine::domain
