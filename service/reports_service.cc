#include "service/reports_service.h"

namespace crm::service {}  // namespace crm::service
