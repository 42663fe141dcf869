#include "service/history_service.h"

namespace crm::service {}  // namespace crm::service
