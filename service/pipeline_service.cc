#include "service/pipeline_service.h"

namespace crm::service {}  // namespace crm::service
