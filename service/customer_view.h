// Converts the command side's CustomerState to the API's v1::Customer.
#ifndef CRM_SERVICE_CUSTOMER_VIEW_H_
#define CRM_SERVICE_CUSTOMER_VIEW_H_

#include "crm/v1/crm_service.pb.h"
#include "engine/domain/customer_state.h"
#include "engine/store/types.h"

namespace crm::service {

// `revision` is the stream revision the state was folded to.
v1::Customer ToCustomerView(const engine::domain::CustomerState& state, engine::Revision revision);

}  // namespace crm::service

#endif  // CRM_SERVICE_CUSTOMER_VIEW_H_
