#include "service/access_control.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/domain/rep_decider.h"

namespace crm::service {
namespace {

// A team chain longer than this is corrupt data, not a real org chart.
constexpr int kMaxTeamDepth = 64;

absl::Status OutOfScope(absl::string_view what, absl::string_view id) {
  return absl::PermissionDeniedError(
      absl::StrCat(what, " ", id, " is not within your data scope (or does not exist)"));
}

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case ROLE_VIEWER:
      return "viewer";
    case ROLE_REP:
      return "rep";
    case ROLE_MANAGER:
      return "manager";
    case ROLE_ADMIN:
      return "admin";
    case ROLE_ANALYTICS:
      return "analytics";
    default:
      return "none";
  }
}

absl::Status AccessControl::RequireRole(const Principal& principal, absl::Span<const Role> roles,
                                        absl::string_view method) {
  if (std::find(roles.begin(), roles.end(), principal.role) != roles.end()) {
    return absl::OkStatus();
  }
  std::string allowed;
  for (Role r : roles) absl::StrAppend(&allowed, allowed.empty() ? "" : ", ", RoleName(r));
  return absl::PermissionDeniedError(absl::StrCat(method, " needs role ", allowed, "; key \"",
                                                  principal.name, "\" has role ",
                                                  RoleName(principal.role)));
}

absl::StatusOr<std::string> AccessControl::TeamOfRep(const std::string& rep_id) const {
  absl::StatusOr<engine::domain::RepState> rep = handler_->LoadRep(rep_id);
  // An id that is not even well formed names no rep, so no team: the caller
  // answers as for any rep outside the scope.
  if (absl::IsInvalidArgument(rep.status())) return std::string();
  if (!rep.ok()) return rep.status();
  return rep->team_id;
}

absl::StatusOr<bool> AccessControl::TeamWithin(std::string team_id, const std::string& root) const {
  using engine::domain::TeamState;
  for (int depth = 0; depth < kMaxTeamDepth && !team_id.empty(); ++depth) {
    if (team_id == root) return true;
    absl::StatusOr<TeamState> team = handler_->LoadTeam(team_id);
    if (absl::IsInvalidArgument(team.status())) return false;
    if (!team.ok()) return team.status();
    team_id = team->parent_team_id;
  }
  return false;
}

absl::StatusOr<bool> AccessControl::RepInScope(const Principal& principal,
                                               const std::string& rep_id) const {
  switch (principal.scope) {
    case SCOPE_ALL:
      return true;
    case SCOPE_OWN:
      return !rep_id.empty() && rep_id == principal.rep_id;
    case SCOPE_TEAM: {
      if (rep_id.empty()) return false;
      if (rep_id == principal.rep_id) return true;
      return RepInTeam(rep_id, principal.team_id);
    }
    default:
      return false;
  }
}

absl::StatusOr<bool> AccessControl::RepInTeam(const std::string& rep_id,
                                              const std::string& team_id) const {
  if (rep_id.empty() || team_id.empty()) return false;
  absl::StatusOr<std::string> team = TeamOfRep(rep_id);
  if (!team.ok()) return team.status();
  return TeamWithin(*team, team_id);
}

absl::StatusOr<bool> AccessControl::TeamInScope(const Principal& principal,
                                                const std::string& team_id) const {
  if (principal.scope == SCOPE_ALL) return true;
  if (principal.scope != SCOPE_TEAM || principal.team_id.empty()) return false;
  return TeamWithin(team_id, principal.team_id);
}

absl::Status AccessControl::CheckRep(const Principal& principal, const std::string& rep_id,
                                     absl::string_view field) const {
  absl::StatusOr<bool> in = RepInScope(principal, rep_id);
  if (!in.ok()) return in.status();
  if (*in) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(field, ": rep \"", rep_id, "\" is not within your data scope"));
}

absl::Status AccessControl::CheckCustomerRead(const Principal& principal,
                                              const std::string& customer_id,
                                              const engine::domain::CustomerState& state) const {
  if (principal.scope == SCOPE_ALL) return absl::OkStatus();
  if (!state.exists) return OutOfScope("customer", customer_id);
  if (state.owner_rep_id.empty()) return absl::OkStatus();  // the public pool
  absl::StatusOr<bool> in = RepInScope(principal, state.owner_rep_id);
  if (!in.ok()) return in.status();
  return *in ? absl::OkStatus() : OutOfScope("customer", customer_id);
}

absl::Status AccessControl::CheckCustomerWrite(const Principal& principal,
                                               const std::string& customer_id,
                                               const engine::domain::CustomerState& state,
                                               bool pool_ok) const {
  if (principal.scope == SCOPE_ALL) return absl::OkStatus();
  if (!state.exists) return OutOfScope("customer", customer_id);
  if (state.owner_rep_id.empty()) {
    if (pool_ok) return absl::OkStatus();
    return absl::PermissionDeniedError(absl::StrCat(
        "customer ", customer_id, " is in the public pool: claim it before changing it"));
  }
  absl::StatusOr<bool> in = RepInScope(principal, state.owner_rep_id);
  if (!in.ok()) return in.status();
  return *in ? absl::OkStatus() : OutOfScope("customer", customer_id);
}

}  // namespace crm::service
