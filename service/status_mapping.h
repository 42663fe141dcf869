// Converts between the engine's absl::Status and gRPC's status.
//
// The codes share their numbers (DESIGN.md: they are chosen by meaning in the
// engine, so the service converts them with one function) and the message is
// passed through: the engine's messages already name the field or rule.
#ifndef CRM_SERVICE_STATUS_MAPPING_H_
#define CRM_SERVICE_STATUS_MAPPING_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace crm::service {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace crm::service

#endif  // CRM_SERVICE_STATUS_MAPPING_H_
