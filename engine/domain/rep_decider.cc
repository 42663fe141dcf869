#include "engine/domain/rep_decider.h"

#include "absl/strings/str_cat.h"
#include "engine/domain/field_validation.h"
#include "engine/status_macros.h"

namespace crm::engine::domain {
namespace {

absl::Status CheckTeam(absl::string_view field, const std::string& team_id,
                       const TeamDirectory& teams) {
  CRM_RETURN_IF_ERROR(ValidateId(field, team_id));
  if (!teams.existing_teams.contains(team_id)) {
    return absl::NotFoundError(absl::StrCat(field, ": team ", team_id, " not found"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::RepEvent>> Register(const v1::RegisterRep& cmd,
                                                   const RepState& state,
                                                   const TeamDirectory& teams) {
  CRM_RETURN_IF_ERROR(ValidateId("register.rep_id", cmd.rep_id()));
  CRM_RETURN_IF_ERROR(ValidateRequiredText("register.name", cmd.name(), 64));
  if (!cmd.team_id().empty())
    CRM_RETURN_IF_ERROR(CheckTeam("register.team_id", cmd.team_id(), teams));
  if (state.exists) {
    return absl::AlreadyExistsError(absl::StrCat("rep ", cmd.rep_id(), " already exists"));
  }
  std::vector<v1::RepEvent> events(1);
  v1::RepRegistered* e = events[0].mutable_registered();
  e->set_rep_id(cmd.rep_id());
  e->set_name(cmd.name());
  e->set_team_id(cmd.team_id());
  return events;
}

absl::StatusOr<std::vector<v1::RepEvent>> Move(const v1::MoveRepToTeam& cmd, const RepState& state,
                                               const TeamDirectory& teams) {
  CRM_RETURN_IF_ERROR(ValidateId("move_to_team.rep_id", cmd.rep_id()));
  CRM_RETURN_IF_ERROR(CheckTeam("move_to_team.team_id", cmd.team_id(), teams));
  if (!state.exists) return absl::NotFoundError(absl::StrCat("rep ", cmd.rep_id(), " not found"));
  if (!state.active) {
    return absl::FailedPreconditionError(absl::StrCat("rep ", cmd.rep_id(), " is deactivated"));
  }
  if (state.team_id == cmd.team_id()) return std::vector<v1::RepEvent>{};
  std::vector<v1::RepEvent> events(1);
  events[0].mutable_moved_to_team()->set_from_team_id(state.team_id);
  events[0].mutable_moved_to_team()->set_to_team_id(cmd.team_id());
  return events;
}

absl::StatusOr<std::vector<v1::RepEvent>> Deactivate(const v1::DeactivateRep& cmd,
                                                     const RepState& state) {
  CRM_RETURN_IF_ERROR(ValidateId("deactivate.rep_id", cmd.rep_id()));
  CRM_RETURN_IF_ERROR(ValidateOptionalText("deactivate.reason", cmd.reason(), 500));
  if (!state.exists) return absl::NotFoundError(absl::StrCat("rep ", cmd.rep_id(), " not found"));
  if (!state.active) return std::vector<v1::RepEvent>{};
  std::vector<v1::RepEvent> events(1);
  events[0].mutable_deactivated()->set_reason(cmd.reason());
  return events;
}

}  // namespace

void Evolve(TeamState& state, const v1::TeamEvent& event) {
  if (event.event_case() == v1::TeamEvent::kCreated) {
    state.exists = true;
    state.team_id = event.created().team_id();
    state.name = event.created().name();
    state.parent_team_id = event.created().parent_team_id();
  }
}

void Evolve(RepState& state, const v1::RepEvent& event) {
  switch (event.event_case()) {
    case v1::RepEvent::kRegistered:
      state.exists = true;
      state.active = true;
      state.rep_id = event.registered().rep_id();
      state.name = event.registered().name();
      state.team_id = event.registered().team_id();
      break;
    case v1::RepEvent::kMovedToTeam:
      state.team_id = event.moved_to_team().to_team_id();
      break;
    case v1::RepEvent::kDeactivated:
      state.active = false;
      break;
    case v1::RepEvent::EVENT_NOT_SET:
      break;
  }
}

absl::StatusOr<std::vector<v1::TeamEvent>> DecideCreateTeam(const v1::CommandContext& ctx,
                                                            const v1::CreateTeam& cmd,
                                                            const TeamState& state,
                                                            const TeamDirectory& teams) {
  CRM_RETURN_IF_ERROR(ValidateContext(ctx));
  CRM_RETURN_IF_ERROR(ValidateId("create_team.team_id", cmd.team_id()));
  CRM_RETURN_IF_ERROR(ValidateRequiredText("create_team.name", cmd.name(), 64));
  if (!cmd.parent_team_id().empty()) {
    if (cmd.parent_team_id() == cmd.team_id()) {
      return absl::InvalidArgumentError(
          "create_team.parent_team_id: a team cannot be its own parent");
    }
    CRM_RETURN_IF_ERROR(CheckTeam("create_team.parent_team_id", cmd.parent_team_id(), teams));
  }
  if (state.exists) {
    return absl::AlreadyExistsError(absl::StrCat("team ", cmd.team_id(), " already exists"));
  }
  std::vector<v1::TeamEvent> events(1);
  v1::TeamCreated* e = events[0].mutable_created();
  e->set_team_id(cmd.team_id());
  e->set_name(cmd.name());
  e->set_parent_team_id(cmd.parent_team_id());
  return events;
}

absl::StatusOr<std::vector<v1::RepEvent>> DecideRep(const v1::CommandContext& ctx,
                                                    const v1::RepCommand& command,
                                                    const RepState& state,
                                                    const TeamDirectory& teams) {
  CRM_RETURN_IF_ERROR(ValidateContext(ctx));
  switch (command.command_case()) {
    case v1::RepCommand::kRegister:
      return Register(command.register_(), state, teams);
    case v1::RepCommand::kMoveToTeam:
      return Move(command.move_to_team(), state, teams);
    case v1::RepCommand::kDeactivate:
      return Deactivate(command.deactivate(), state);
    case v1::RepCommand::COMMAND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("command: is not set");
}

}  // namespace crm::engine::domain
