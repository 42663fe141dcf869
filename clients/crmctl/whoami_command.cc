#include "clients/crmctl/whoami_command.h"

#include <string>

#include "absl/strings/str_format.h"
#include "clients/crmctl/crmd_call.h"

namespace crm::clients {

const char* RoleWord(v1::ApiKeyRole role) {
  switch (role) {
    case v1::API_KEY_ROLE_VIEWER:
      return "viewer";
    case v1::API_KEY_ROLE_REP:
      return "rep";
    case v1::API_KEY_ROLE_MANAGER:
      return "manager";
    case v1::API_KEY_ROLE_ADMIN:
      return "admin";
    case v1::API_KEY_ROLE_ANALYTICS:
      return "analytics";
    default:
      return "-";
  }
}

const char* ScopeWord(v1::ApiKeyScope scope) {
  switch (scope) {
    case v1::API_KEY_SCOPE_OWN:
      return "own";
    case v1::API_KEY_SCOPE_TEAM:
      return "team";
    case v1::API_KEY_SCOPE_ALL:
      return "all";
    default:
      return "-";
  }
}

int RunWhoAmI(const Crmd& crmd, const WhoAmIOptions& options, FILE* out, FILE* err) {
  v1::WhoAmIResponse who;
  const grpc::Status s = AskWhoAmI(crmd, &who);
  if (!s.ok()) return ReportRefusal(err, "whoami", s);
  if (options.json) return PrintJsonLine(who, out) ? kExitOk : kExitRefused;
  auto line = [&](const char* label, const std::string& value) {
    absl::FPrintF(out, "%s%s\n", Pad(label, 11), value.empty() ? "-" : value);
  };
  line("name", who.name());
  line("role", RoleWord(who.role()));
  line("scope", ScopeWord(who.scope()));
  line("rep", who.rep_id());
  line("team", who.team_id());
  line("time zone", who.business_time_zone());
  return kExitOk;
}

}  // namespace crm::clients
