// BalancesServiceImpl: crm.v1.BalancesService (proto/crm/v1/balances_service.proto)
// on the gRPC callback API; each query runs through RunQuery (query_call.h)
// over a snapshot of the "balances" view (projections/balances).
//
// A thin adapter: it checks the wire message field by field, checks the
// caller's data scope, calls BalancesQueries and converts the result. The
// scope of a customer follows its current owner rep, read from the
// customer's stream through the command handler's cache (never a view that
// may lag). A team filter is resolved to the reps credited with orders whose
// current team is at or below it, by AccessControl::RepInTeam, the same test
// a team scope applies.
//
// Thread-safety: gRPC calls the methods concurrently; all state is shared
// read-only or internally synchronised.
#ifndef CRM_SERVICE_BALANCES_SERVICE_H_
#define CRM_SERVICE_BALANCES_SERVICE_H_

#include "crm/v1/balances_service.grpc.pb.h"
#include "service/query_call.h"

namespace crm::service {

class BalancesServiceImpl final : public v1::BalancesService::CallbackService {
 public:
  // `deps` members must outlive this object.
  explicit BalancesServiceImpl(const QueryDeps& deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* GetOrderBalance(grpc::CallbackServerContext* context,
                                            const v1::GetOrderBalanceRequest* request,
                                            v1::OrderBalance* response) override;
  grpc::ServerUnaryReactor* ListOrderBalances(grpc::CallbackServerContext* context,
                                              const v1::ListOrderBalancesRequest* request,
                                              v1::ListOrderBalancesResponse* response) override;
  grpc::ServerUnaryReactor* GetBalanceTotals(grpc::CallbackServerContext* context,
                                             const v1::GetBalanceTotalsRequest* request,
                                             v1::GetBalanceTotalsResponse* response) override;
  grpc::ServerUnaryReactor* GetAging(grpc::CallbackServerContext* context,
                                     const v1::GetAgingRequest* request,
                                     v1::GetAgingResponse* response) override;

 private:
  QueryDeps deps_;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_BALANCES_SERVICE_H_
