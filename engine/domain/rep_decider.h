// Sales reps ("rep-<id>") and teams ("team-<id>"): state, folds and
// deciders. Same result conventions as customer_decider.h.
//
// Teams form a tree: a team is created under an existing parent (or as a
// root) and never moves, so the tree can never get a cycle. Whether the
// team a command names exists is looked up by the caller (another stream)
// and passed in, which keeps the deciders pure.
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_REP_DECIDER_H_
#define CRM_ENGINE_DOMAIN_REP_DECIDER_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/rep.pb.h"

namespace crm::engine::domain {

struct TeamState {
  bool exists = false;
  std::string team_id;
  std::string name;
  std::string parent_team_id;
};

struct RepState {
  bool exists = false;
  std::string rep_id;
  std::string name;
  std::string team_id;
  bool active = false;
};

// What the deciders may know of other streams.
struct TeamDirectory {
  // Ids of teams known to exist (at least those the command names).
  std::set<std::string> existing_teams;
};

void Evolve(TeamState& state, const v1::TeamEvent& event);
void Evolve(RepState& state, const v1::RepEvent& event);

// CreateTeam: NotFound if the parent is not in `teams`; AlreadyExists if the
// team exists.
absl::StatusOr<std::vector<v1::TeamEvent>> DecideCreateTeam(const v1::CommandContext& context,
                                                            const v1::CreateTeam& command,
                                                            const TeamState& state,
                                                            const TeamDirectory& teams);

// Rep commands: NotFound for a team not in `teams`; a deactivated rep
// refuses moves (FailedPrecondition); deactivating twice is a no-op.
absl::StatusOr<std::vector<v1::RepEvent>> DecideRep(const v1::CommandContext& context,
                                                    const v1::RepCommand& command,
                                                    const RepState& state,
                                                    const TeamDirectory& teams);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_REP_DECIDER_H_
