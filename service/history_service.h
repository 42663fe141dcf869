// HistoryServiceImpl: crm.v1.HistoryService (proto/crm/v1/history_service.proto)
// on the gRPC callback API; each query runs through RunQuery (query_call.h).
//
// ListCustomerTimeline checks the wire message field by field, then, on the
// service's thread pool, checks the customer against the caller's data scope
// (by its current state, replayed from its stream, so the check never lags
// the view) and reads a page of projections::history::HistoryQueries::
// Timeline.
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
  // REQUIRES: deps.models has a command handler attached
  // (ReadModels::AttachHandler).
  explicit HistoryServiceImpl(const QueryDeps& deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* ListCustomerTimeline(
      grpc::CallbackServerContext* context, const v1::ListCustomerTimelineRequest* request,
      v1::ListCustomerTimelineResponse* response) override;

 private:
  QueryDeps deps_;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_HISTORY_SERVICE_H_
