// crmctl followup log: records a follow-up (跟进) a sales person just made —
// the intent judged, a note, the next call — through crmd's LogFollowUp.
#ifndef CRM_CLIENTS_CRMCTL_FOLLOW_UP_COMMAND_H_
#define CRM_CLIENTS_CRMCTL_FOLLOW_UP_COMMAND_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "clients/crmctl/crmd_call.h"

namespace crm::clients {

struct FollowUpLogOptions {
  std::string customer_id;
  // A word of the import's intent table: interested, considering, refused,
  // deal-closed (or deal_closed), or the sheet's 有兴趣, 考虑中, 拒绝, 已成交 ...
  std::string intent;
  std::string note;
  // YYYY-MM-DD; empty: no next call planned.
  std::string next;
  // phone (default), visit, message or email; or 电话, 拜访, 微信, 邮件 ...
  std::string channel;
  // The rep who followed up; empty: the key's rep for a rep's key (WhoAmI),
  // else the customer's owner.
  std::string rep_id;
  // Empty: a new random one (printed, to pass again on a retry). The
  // follow-up's id is derived from it, so a retry logs the call once.
  std::string request_id;
  bool json = false;
};

// Logs the follow-up and prints what was written and its position to `out`;
// errors to `err`. Returns 0, kExitBadOptions (nothing written) or
// kExitRefused.
int RunFollowUpLog(const Crmd& crmd, const FollowUpLogOptions& options, FILE* out, FILE* err);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_FOLLOW_UP_COMMAND_H_
