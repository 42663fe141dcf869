// What the two files of CrmServiceImpl (crm_service.cc, crm_service_batch.cc)
// share: the role sets of its methods and how a command's context is made.
#ifndef CRM_SERVICE_CRM_SERVICE_INTERNAL_H_
#define CRM_SERVICE_CRM_SERVICE_INTERNAL_H_

#include <initializer_list>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "crm/v1/common.pb.h"
#include "google/protobuf/message.h"
#include "service/api_keys.pb.h"
#include "service/principal.h"

namespace crm::service::internal {

// Who may do what; scopes narrow it further (access_control.h).
inline constexpr std::initializer_list<Role> kReaders = {ROLE_VIEWER, ROLE_REP, ROLE_MANAGER,
                                                         ROLE_ADMIN};
inline constexpr std::initializer_list<Role> kEditors = {ROLE_REP, ROLE_MANAGER, ROLE_ADMIN};
inline constexpr std::initializer_list<Role> kManagers = {ROLE_MANAGER, ROLE_ADMIN};
inline constexpr std::initializer_list<Role> kAdmins = {ROLE_ADMIN};

// The command's "now" is the server's clock when the call arrived at the
// pool: clients never choose the time their change is recorded at.
template <typename Request>
v1::CommandContext MakeContext(const Principal& p, const Request& request) {
  v1::CommandContext context;
  context.set_request_id(request.request_id());
  context.set_actor(p.name);
  context.set_correlation_id(request.tracing().correlation_id());
  context.set_causation_id(request.tracing().causation_id());
  context.set_now_us(absl::ToUnixMicros(absl::Now()));
  return context;
}

// The string field `name` of the command set in `envelope` (a command
// envelope such as v1::CustomerCommand, whose one oneof holds the command),
// e.g. the customer_id of whichever customer command it holds; "" if none.
// Every command message of one envelope names its target this way.
std::string TargetId(const google::protobuf::Message& envelope, const std::string& name);

}  // namespace crm::service::internal

#endif  // CRM_SERVICE_CRM_SERVICE_INTERNAL_H_
