// HistoryServiceImpl: crm.v1.HistoryService (proto/crm/v1/history_service.proto)
// on the gRPC callback API; each query runs through RunQuery (query_call.h).
//
// Thread-safety: gRPC calls the methods concurrently; all state is shared
// read-only or internally synchronised.
#ifndef CRM_SERVICE_HISTORY_SERVICE_H_
#define CRM_SERVICE_HISTORY_SERVICE_H_

#include "crm/v1/history_service.grpc.pb.h"
#include "service/query_call.h"

namespace crm::service {

class HistoryServiceImpl final : public v1::HistoryService::CallbackService {
 public:
  explicit HistoryServiceImpl(const QueryDeps& deps) : deps_(deps) {}

 private:
  QueryDeps deps_;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_HISTORY_SERVICE_H_
