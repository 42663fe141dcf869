// AccessControl: role and data-scope checks for crmd's calls.
//
// Roles gate methods; scopes gate customers. A customer is within a
// principal's scope when its owner rep is: scope own — the principal's rep;
// scope team — a rep of the principal's team or a sub-team (teams form a
// tree through parent_team_id); scope all — any. Customers in the public pool
// (no owner) can be read by every customer-reading role, but only scope all
// may edit them (a rep claims them first).
//
// A customer that is outside the scope and one that does not exist give the
// same PERMISSION_DENIED, so scopes never leak which ids exist. Only scope
// all sees NOT_FOUND.
//
// Rep teams and team parents are read from the "rep-<id>" and "team-<id>"
// streams at each check (they are short).
//
// Thread-safety: all methods may be called concurrently.
#ifndef CRM_SERVICE_ACCESS_CONTROL_H_
#define CRM_SERVICE_ACCESS_CONTROL_H_

#include <initializer_list>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/domain/command_handler.h"
#include "engine/domain/customer_state.h"
#include "service/principal.h"

namespace crm::service {

// "viewer", "rep", ...
absl::string_view RoleName(Role role);

class AccessControl {
 public:
  // Reps and teams are read through `handler`'s caches (a team-filtered
  // query checks every rep with rows, each up its team chain). Not owned;
  // must outlive this.
  explicit AccessControl(engine::domain::CommandHandler* handler) : handler_(handler) {}

  // PermissionDenied naming the method and the caller's role unless the
  // principal has one of `roles`.
  static absl::Status RequireRole(const Principal& principal, absl::Span<const Role> roles,
                                  absl::string_view method);

  // Whether customers owned by `rep_id` are within the principal's scope.
  absl::StatusOr<bool> RepInScope(const Principal& principal, const std::string& rep_id) const;

  // Whether the customers of team `team_id` (and its sub-teams) are within
  // the principal's scope: scope all, or scope team with `team_id` at or
  // below the principal's team. Scope own: never.
  absl::StatusOr<bool> TeamInScope(const Principal& principal, const std::string& team_id) const;

  // Whether rep `rep_id`'s current team is `team_id` or a team below it:
  // what a query filtered by team selects (scope team is this test applied
  // to the key's own team). False for an unknown rep or team.
  absl::StatusOr<bool> RepInTeam(const std::string& rep_id, const std::string& team_id) const;

  // PermissionDenied naming `field` unless RepInScope.
  absl::Status CheckRep(const Principal& principal, const std::string& rep_id,
                        absl::string_view field) const;

  // May the principal read this customer? (See the top of the file.)
  absl::Status CheckCustomerRead(const Principal& principal, const std::string& customer_id,
                                 const engine::domain::CustomerState& state) const;

  // May the principal change this customer? `pool_ok` lets a limited scope
  // act on a pool customer (claims and assignments).
  absl::Status CheckCustomerWrite(const Principal& principal, const std::string& customer_id,
                                  const engine::domain::CustomerState& state,
                                  bool pool_ok = false) const;

 private:
  absl::StatusOr<std::string> TeamOfRep(const std::string& rep_id) const;
  absl::StatusOr<bool> TeamWithin(std::string team_id, const std::string& root) const;

  engine::domain::CommandHandler* handler_;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_ACCESS_CONTROL_H_
