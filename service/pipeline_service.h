// PipelineServiceImpl: crm.v1.PipelineService (proto/crm/v1/pipeline_service.proto)
// on the gRPC callback API; each query runs through RunQuery (query_call.h).
//
// Each RPC checks the wire message on gRPC's thread (pure, no I/O), then
// RunQuery admits the caller and checks the role; on the thread pool the
// scope the request names is checked against the key's data scope before
// PipelineQueries reads the view. An invalid request does not wait for
// min_position: it fails as soon as the caller is admitted.
//
// Thread-safety: gRPC calls the methods concurrently; all state is shared
// read-only or internally synchronised.
#ifndef CRM_SERVICE_PIPELINE_SERVICE_H_
#define CRM_SERVICE_PIPELINE_SERVICE_H_

#include "crm/v1/pipeline_service.grpc.pb.h"
#include "service/query_call.h"

namespace crm::service {

class PipelineServiceImpl final : public v1::PipelineService::CallbackService {
 public:
  explicit PipelineServiceImpl(const QueryDeps& deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* ListPipeline(grpc::CallbackServerContext* context,
                                         const v1::ListPipelineRequest* request,
                                         v1::ListPipelineResponse* response) override;
  grpc::ServerUnaryReactor* CountPipelineByIntent(
      grpc::CallbackServerContext* context, const v1::CountPipelineByIntentRequest* request,
      v1::CountPipelineByIntentResponse* response) override;
  grpc::ServerUnaryReactor* ListRecycleCandidates(
      grpc::CallbackServerContext* context, const v1::ListRecycleCandidatesRequest* request,
      v1::ListRecycleCandidatesResponse* response) override;
  grpc::ServerUnaryReactor* ListRecycledCustomers(
      grpc::CallbackServerContext* context, const v1::ListRecycledCustomersRequest* request,
      v1::ListRecycledCustomersResponse* response) override;
  grpc::ServerUnaryReactor* GetPipelineEntry(grpc::CallbackServerContext* context,
                                             const v1::GetPipelineEntryRequest* request,
                                             v1::PipelineEntry* response) override;

 private:
  QueryDeps deps_;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_PIPELINE_SERVICE_H_
