// DirectoryServiceImpl: crm.v1.DirectoryService (proto/crm/v1/directory_service.proto)
// on the gRPC callback API; each query runs through RunQuery (query_call.h).
//
// Each RPC checks the wire message on gRPC's thread (pure, no I/O), then
// RunQuery admits the caller and checks the role; on the thread pool
// DirectoryQueries reads the view and the results outside the key's data
// scope are dropped (pool customers are kept: every reader may see them).
// An invalid request does not wait for min_position.
//
// Thread-safety: gRPC calls the methods concurrently; all state is shared
// read-only or internally synchronised.
#ifndef CRM_SERVICE_DIRECTORY_SERVICE_H_
#define CRM_SERVICE_DIRECTORY_SERVICE_H_

#include "crm/v1/directory_service.grpc.pb.h"
#include "service/query_call.h"

namespace crm::service {

class DirectoryServiceImpl final : public v1::DirectoryService::CallbackService {
 public:
  explicit DirectoryServiceImpl(const QueryDeps& deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* SearchCustomers(grpc::CallbackServerContext* context,
                                            const v1::SearchCustomersRequest* request,
                                            v1::SearchCustomersResponse* response) override;
  grpc::ServerUnaryReactor* FindDuplicateCandidates(
      grpc::CallbackServerContext* context, const v1::FindDuplicateCandidatesRequest* request,
      v1::FindDuplicateCandidatesResponse* response) override;

 private:
  QueryDeps deps_;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_DIRECTORY_SERVICE_H_
