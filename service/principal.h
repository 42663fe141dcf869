// Principal: who is calling, as established by authentication, and what the
// caller may see. A value type.
#ifndef CRM_SERVICE_PRINCIPAL_H_
#define CRM_SERVICE_PRINCIPAL_H_

#include <string>

#include "service/api_keys.pb.h"

namespace crm::service {

struct Principal {
  // The key's name; written as the actor of every command.
  std::string name;
  Role role = ROLE_UNSPECIFIED;
  Scope scope = SCOPE_UNSPECIFIED;
  // The rep the key acts as (scope own), and the team it sees (scope team).
  std::string rep_id;
  std::string team_id;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_PRINCIPAL_H_
