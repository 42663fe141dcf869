// crmctl whoami: who crmd says the API key is (its name, role, scope, rep
// and team) and crmd's business time zone, through CrmService.WhoAmI.
#ifndef CRM_CLIENTS_CRMCTL_WHOAMI_COMMAND_H_
#define CRM_CLIENTS_CRMCTL_WHOAMI_COMMAND_H_

#include <cstdio>

#include "clients/crmctl/crmd_call.h"

namespace crm::clients {

struct WhoAmIOptions {
  // One JSON line (the WhoAmIResponse) instead of the table.
  bool json = false;
};

// Prints the key's identity to `out`, errors to `err`. Returns 0 or
// kExitRefused (no such key, crmd unreachable).
int RunWhoAmI(const Crmd& crmd, const WhoAmIOptions& options, FILE* out, FILE* err);

// The words crmctl prints for a key's role and scope: "rep", "own", ...
const char* RoleWord(v1::ApiKeyRole role);
const char* ScopeWord(v1::ApiKeyScope scope);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_WHOAMI_COMMAND_H_
