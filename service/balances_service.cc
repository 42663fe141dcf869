#include "service/balances_service.h"

namespace crm::service {}  // namespace crm::service
