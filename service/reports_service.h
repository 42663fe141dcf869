// ReportsServiceImpl: crm.v1.ReportsService (proto/crm/v1/reports_service.proto)
// on the gRPC callback API; each query runs through RunQuery (query_call.h)
// over a snapshot of the "reports" view (projections/reports).
//
// A thin adapter: it checks the wire message field by field, checks that
// the caller may see the report (scope all, or one rep within its scope
// where the report has a rep filter), calls the report builder and converts
// the result.
//
// Thread-safety: gRPC calls the methods concurrently; all state is shared
// read-only or internally synchronised.
#ifndef CRM_SERVICE_REPORTS_SERVICE_H_
#define CRM_SERVICE_REPORTS_SERVICE_H_

#include "crm/v1/reports_service.grpc.pb.h"
#include "service/query_call.h"

namespace crm::service {

class ReportsServiceImpl final : public v1::ReportsService::CallbackService {
 public:
  // `deps` members must outlive this object.
  explicit ReportsServiceImpl(const QueryDeps& deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* GetCollectionReport(grpc::CallbackServerContext* context,
                                                const v1::GetCollectionReportRequest* request,
                                                v1::GetCollectionReportResponse* response) override;
  grpc::ServerUnaryReactor* GetRepPerformance(grpc::CallbackServerContext* context,
                                              const v1::GetRepPerformanceRequest* request,
                                              v1::GetRepPerformanceResponse* response) override;
  grpc::ServerUnaryReactor* GetIntentDistribution(
      grpc::CallbackServerContext* context, const v1::GetIntentDistributionRequest* request,
      v1::GetIntentDistributionResponse* response) override;
  grpc::ServerUnaryReactor* GetFollowUpCycle(grpc::CallbackServerContext* context,
                                             const v1::GetFollowUpCycleRequest* request,
                                             v1::GetFollowUpCycleResponse* response) override;
  grpc::ServerUnaryReactor* GetConversion(grpc::CallbackServerContext* context,
                                          const v1::GetConversionRequest* request,
                                          v1::GetConversionResponse* response) override;
  grpc::ServerUnaryReactor* GetOpportunityFunnel(
      grpc::CallbackServerContext* context, const v1::GetOpportunityFunnelRequest* request,
      v1::GetOpportunityFunnelResponse* response) override;

 private:
  QueryDeps deps_;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_REPORTS_SERVICE_H_
