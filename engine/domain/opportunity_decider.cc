#include "engine/domain/opportunity_decider.h"

#include "absl/strings/str_cat.h"
#include "engine/domain/field_validation.h"
#include "engine/status_macros.h"
#include "google/protobuf/util/message_differencer.h"

namespace crm::engine::domain {
namespace {

using Events = std::vector<v1::OpportunityEvent>;
using google::protobuf::util::MessageDifferencer;

Events One(v1::OpportunityEvent event) {
  Events events;
  events.push_back(std::move(event));
  return events;
}

absl::Status ValidateStage(absl::string_view field, v1::OpportunityStage stage) {
  if (stage == v1::OPPORTUNITY_STAGE_UNSPECIFIED || !v1::OpportunityStage_IsValid(stage)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": is not a stage"));
  }
  return absl::OkStatus();
}

// Open: exists and neither won nor lost.
absl::Status CheckOpen(const OpportunityState& state, const std::string& id) {
  if (!state.exists) return absl::NotFoundError(absl::StrCat("opportunity ", id, " not found"));
  if (state.won || state.lost) {
    return absl::FailedPreconditionError(
        absl::StrCat("opportunity ", id, " is closed (", state.won ? "won" : "lost", ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Events> Open(const v1::OpenOpportunity& cmd, const OpportunityState& state) {
  CRM_RETURN_IF_ERROR(ValidateId("open.customer_id", cmd.customer_id()));
  CRM_RETURN_IF_ERROR(ValidateOptionalText("open.source", cmd.source(), 64));
  CRM_RETURN_IF_ERROR(ValidateMoney("open.expected_amount", cmd.expected_amount(), 0));
  CRM_RETURN_IF_ERROR(ValidateDate("open.expected_close_date", cmd.expected_close_date()));
  const v1::OpportunityStage stage = cmd.stage() == v1::OPPORTUNITY_STAGE_UNSPECIFIED
                                         ? v1::OPPORTUNITY_STAGE_QUALIFICATION
                                         : cmd.stage();
  CRM_RETURN_IF_ERROR(ValidateStage("open.stage", stage));
  CRM_RETURN_IF_ERROR(ValidateId("open.owner_rep_id", cmd.owner_rep_id()));
  if (state.exists) {
    return absl::AlreadyExistsError(
        absl::StrCat("opportunity ", cmd.opportunity_id(), " already exists"));
  }
  v1::OpportunityEvent event;
  v1::OpportunityOpened* e = event.mutable_opened();
  e->set_opportunity_id(cmd.opportunity_id());
  e->set_customer_id(cmd.customer_id());
  e->set_source(cmd.source());
  *e->mutable_expected_amount() = cmd.expected_amount();
  *e->mutable_expected_close_date() = cmd.expected_close_date();
  e->set_stage(stage);
  e->set_win_probability_percent(DefaultWinProbabilityPercent(stage));
  e->set_owner_rep_id(cmd.owner_rep_id());
  return One(std::move(event));
}

absl::StatusOr<Events> ChangeStage(const v1::ChangeOpportunityStage& cmd,
                                   const OpportunityState& state) {
  CRM_RETURN_IF_ERROR(ValidateStage("change_stage.stage", cmd.stage()));
  CRM_RETURN_IF_ERROR(CheckOpen(state, cmd.opportunity_id()));
  if (state.stage == cmd.stage()) return Events{};
  v1::OpportunityEvent event;
  v1::OpportunityStageChanged* e = event.mutable_stage_changed();
  e->set_from_stage(state.stage);
  e->set_to_stage(cmd.stage());
  e->set_win_probability_percent(DefaultWinProbabilityPercent(cmd.stage()));
  return One(std::move(event));
}

absl::StatusOr<Events> Revise(const v1::ReviseOpportunity& cmd, const OpportunityState& state) {
  const bool has_amount = cmd.has_expected_amount();
  const bool has_date = IsSet(cmd.expected_close_date());
  if (!has_amount && !has_date) {
    return absl::InvalidArgumentError("revise: set expected_amount and/or expected_close_date");
  }
  if (has_amount)
    CRM_RETURN_IF_ERROR(ValidateMoney("revise.expected_amount", cmd.expected_amount(), 0));
  if (has_date) {
    CRM_RETURN_IF_ERROR(ValidateDate("revise.expected_close_date", cmd.expected_close_date()));
  }
  CRM_RETURN_IF_ERROR(CheckOpen(state, cmd.opportunity_id()));
  if (has_amount &&
      cmd.expected_amount().currency_code() != state.expected_amount.currency_code()) {
    return absl::InvalidArgumentError(
        absl::StrCat("revise.expected_amount.currency_code: differs from the opportunity's ",
                     state.expected_amount.currency_code()));
  }
  v1::OpportunityEvent event;
  v1::OpportunityRevised* e = event.mutable_revised();
  if (has_amount && !MessageDifferencer::Equals(cmd.expected_amount(), state.expected_amount)) {
    *e->mutable_expected_amount() = cmd.expected_amount();
  }
  if (has_date &&
      !MessageDifferencer::Equals(cmd.expected_close_date(), state.expected_close_date)) {
    *e->mutable_expected_close_date() = cmd.expected_close_date();
  }
  if (!e->has_expected_amount() && !e->has_expected_close_date()) return Events{};
  return One(std::move(event));
}

absl::StatusOr<Events> Win(const v1::WinOpportunity& cmd, const OpportunityState& state) {
  CRM_RETURN_IF_ERROR(ValidateId("win.order_id", cmd.order_id()));
  if (state.exists && state.won && state.order_id == cmd.order_id()) return Events{};
  CRM_RETURN_IF_ERROR(CheckOpen(state, cmd.opportunity_id()));
  v1::OpportunityEvent event;
  event.mutable_won()->set_order_id(cmd.order_id());
  return One(std::move(event));
}

absl::StatusOr<Events> Lose(const v1::LoseOpportunity& cmd, const OpportunityState& state) {
  CRM_RETURN_IF_ERROR(ValidateRequiredText("lose.reason", cmd.reason(), 500));
  if (state.exists && state.lost) return Events{};
  CRM_RETURN_IF_ERROR(CheckOpen(state, cmd.opportunity_id()));
  v1::OpportunityEvent event;
  event.mutable_lost()->set_reason(cmd.reason());
  return One(std::move(event));
}

const std::string& TargetId(const v1::OpportunityCommand& c) {
  static const std::string* const kEmpty = new std::string();
  switch (c.command_case()) {
    case v1::OpportunityCommand::kOpen:
      return c.open().opportunity_id();
    case v1::OpportunityCommand::kChangeStage:
      return c.change_stage().opportunity_id();
    case v1::OpportunityCommand::kRevise:
      return c.revise().opportunity_id();
    case v1::OpportunityCommand::kWin:
      return c.win().opportunity_id();
    case v1::OpportunityCommand::kLose:
      return c.lose().opportunity_id();
    case v1::OpportunityCommand::COMMAND_NOT_SET:
      break;
  }
  return *kEmpty;
}

}  // namespace

int DefaultWinProbabilityPercent(v1::OpportunityStage stage) {
  switch (stage) {
    case v1::OPPORTUNITY_STAGE_QUALIFICATION:
      return 10;
    case v1::OPPORTUNITY_STAGE_NEEDS_ANALYSIS:
      return 30;
    case v1::OPPORTUNITY_STAGE_PROPOSAL:
      return 50;
    case v1::OPPORTUNITY_STAGE_NEGOTIATION:
      return 80;
    default:
      return 0;
  }
}

void Evolve(OpportunityState& state, const v1::OpportunityEvent& event) {
  switch (event.event_case()) {
    case v1::OpportunityEvent::kOpened: {
      const v1::OpportunityOpened& e = event.opened();
      state.exists = true;
      state.opportunity_id = e.opportunity_id();
      state.customer_id = e.customer_id();
      state.stage = e.stage();
      state.win_probability_percent = e.win_probability_percent();
      state.expected_amount = e.expected_amount();
      state.expected_close_date = e.expected_close_date();
      break;
    }
    case v1::OpportunityEvent::kStageChanged:
      state.stage = event.stage_changed().to_stage();
      state.win_probability_percent = event.stage_changed().win_probability_percent();
      break;
    case v1::OpportunityEvent::kRevised:
      if (event.revised().has_expected_amount()) {
        state.expected_amount = event.revised().expected_amount();
      }
      if (event.revised().has_expected_close_date()) {
        state.expected_close_date = event.revised().expected_close_date();
      }
      break;
    case v1::OpportunityEvent::kWon:
      state.won = true;
      state.order_id = event.won().order_id();
      state.win_probability_percent = 100;
      break;
    case v1::OpportunityEvent::kLost:
      state.lost = true;
      state.win_probability_percent = 0;
      break;
    case v1::OpportunityEvent::EVENT_NOT_SET:
      break;
  }
}

absl::StatusOr<std::vector<v1::OpportunityEvent>> DecideOpportunity(
    const v1::CommandContext& ctx, const v1::OpportunityCommand& command,
    const OpportunityState& state) {
  CRM_RETURN_IF_ERROR(ValidateContext(ctx));
  if (command.command_case() == v1::OpportunityCommand::COMMAND_NOT_SET) {
    return absl::InvalidArgumentError("command: is not set");
  }
  const std::string command_name =
      command.GetDescriptor()->FindFieldByNumber(command.command_case())->name();
  CRM_RETURN_IF_ERROR(ValidateId(absl::StrCat(command_name, ".opportunity_id"), TargetId(command)));
  switch (command.command_case()) {
    case v1::OpportunityCommand::kOpen:
      return Open(command.open(), state);
    case v1::OpportunityCommand::kChangeStage:
      return ChangeStage(command.change_stage(), state);
    case v1::OpportunityCommand::kRevise:
      return Revise(command.revise(), state);
    case v1::OpportunityCommand::kWin:
      return Win(command.win(), state);
    case v1::OpportunityCommand::kLose:
      return Lose(command.lose(), state);
    case v1::OpportunityCommand::COMMAND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("command: is not set");
}

}  // namespace crm::engine::domain
