// crmctl pool: the public pool (公海) as a sales person uses it: what is in
// it, claiming a customer out of it, giving one back.
#ifndef CRM_CLIENTS_CRMCTL_POOL_COMMAND_H_
#define CRM_CLIENTS_CRMCTL_POOL_COMMAND_H_

#include <cstdio>
#include <string>

#include "clients/crmctl/crmd_call.h"

namespace crm::clients {

// `crmctl pool list` is `crmctl pipeline --pool` (RunPipeline).

struct PoolMoveOptions {
  std::string customer_id;
  // claim: the rep who takes the customer; empty: the key's rep (WhoAmI),
  // for a rep's key only. release: unused.
  std::string rep_id;
  // release: why, free text.
  std::string reason;
  // Empty: a new random one (printed, to pass again on a retry).
  std::string request_id;
  bool json = false;
};

// Claim the customer for options.rep_id or the key's rep
// (ClaimCustomerFromPool), or release it to the pool (ReleaseCustomerToPool);
// prints what happened and the position to `out`, errors to `err`. Returns 0,
// kExitBadOptions (nothing written) or kExitRefused.
int RunPoolClaim(const Crmd& crmd, const PoolMoveOptions& options, FILE* out, FILE* err);
int RunPoolRelease(const Crmd& crmd, const PoolMoveOptions& options, FILE* out, FILE* err);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_POOL_COMMAND_H_
