#include "service/directory_service.h"

namespace crm::service {}  // namespace crm::service
