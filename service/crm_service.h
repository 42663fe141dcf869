// CrmServiceImpl: crm.v1.CrmService (proto/crm/v1/crm_service.proto) on the
// gRPC callback API.
//
// Each call is admitted on gRPC's thread (shutdown check and API key, no
// I/O), then its access checks and the synchronous CommandHandler run on the
// service's thread pool, which finishes the reactor. So no gRPC thread ever
// waits on a read or an fsync.
//
// Thread-safety: gRPC calls the methods concurrently; all state is shared
// read-only or internally synchronised.
#ifndef CRM_SERVICE_CRM_SERVICE_H_
#define CRM_SERVICE_CRM_SERVICE_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "crm/v1/crm_service.grpc.pb.h"
#include "engine/domain/command_handler.h"
#include "service/access_control.h"
#include "service/call_gate.h"
#include "service/thread_pool.h"

namespace crm::service {

class CrmServiceImpl final : public v1::CrmService::CallbackService {
 public:
  // None owned; all must outlive the service. `time_zone`: the business time
  // zone's IANA name, as WhoAmI reports it.
  CrmServiceImpl(engine::EventStore* store, engine::domain::CommandHandler* handler,
                 const CallGate* gate, ThreadPool* pool, std::string time_zone);

  grpc::ServerUnaryReactor* RegisterCustomer(grpc::CallbackServerContext* context,
                                             const v1::RegisterCustomerRequest* request,
                                             v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* UpdateCustomerProfile(grpc::CallbackServerContext* context,
                                                  const v1::UpdateCustomerProfileRequest* request,
                                                  v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ClassifyCustomer(grpc::CallbackServerContext* context,
                                             const v1::ClassifyCustomerRequest* request,
                                             v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* TagCustomer(grpc::CallbackServerContext* context,
                                        const v1::TagCustomerRequest* request,
                                        v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* UntagCustomer(grpc::CallbackServerContext* context,
                                          const v1::UntagCustomerRequest* request,
                                          v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* AssignCustomerOwner(grpc::CallbackServerContext* context,
                                                const v1::AssignCustomerOwnerRequest* request,
                                                v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ReleaseCustomerToPool(grpc::CallbackServerContext* context,
                                                  const v1::ReleaseCustomerToPoolRequest* request,
                                                  v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ClaimCustomerFromPool(grpc::CallbackServerContext* context,
                                                  const v1::ClaimCustomerFromPoolRequest* request,
                                                  v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* LockCustomer(grpc::CallbackServerContext* context,
                                         const v1::LockCustomerRequest* request,
                                         v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* UnlockCustomer(grpc::CallbackServerContext* context,
                                           const v1::UnlockCustomerRequest* request,
                                           v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* AddContact(grpc::CallbackServerContext* context,
                                       const v1::AddContactRequest* request,
                                       v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ChangeContact(grpc::CallbackServerContext* context,
                                          const v1::ChangeContactRequest* request,
                                          v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* RemoveContact(grpc::CallbackServerContext* context,
                                          const v1::RemoveContactRequest* request,
                                          v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ArchiveCustomer(grpc::CallbackServerContext* context,
                                            const v1::ArchiveCustomerRequest* request,
                                            v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* LogFollowUp(grpc::CallbackServerContext* context,
                                        const v1::LogFollowUpRequest* request,
                                        v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* RescheduleNextFollowUp(grpc::CallbackServerContext* context,
                                                   const v1::RescheduleNextFollowUpRequest* request,
                                                   v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* MergeCustomers(grpc::CallbackServerContext* context,
                                           const v1::MergeCustomersRequest* request,
                                           v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* RecyclePool(grpc::CallbackServerContext* context,
                                        const v1::RecyclePoolRequest* request,
                                        v1::BatchCommandResponse* response) override;
  grpc::ServerUnaryReactor* ReassignRepCustomers(grpc::CallbackServerContext* context,
                                                 const v1::ReassignRepCustomersRequest* request,
                                                 v1::BatchCommandResponse* response) override;
  grpc::ServerUnaryReactor* OpenOpportunity(grpc::CallbackServerContext* context,
                                            const v1::OpenOpportunityRequest* request,
                                            v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ChangeOpportunityStage(grpc::CallbackServerContext* context,
                                                   const v1::ChangeOpportunityStageRequest* request,
                                                   v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ReviseOpportunity(grpc::CallbackServerContext* context,
                                              const v1::ReviseOpportunityRequest* request,
                                              v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* WinOpportunity(grpc::CallbackServerContext* context,
                                           const v1::WinOpportunityRequest* request,
                                           v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* LoseOpportunity(grpc::CallbackServerContext* context,
                                            const v1::LoseOpportunityRequest* request,
                                            v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* PlaceOrder(grpc::CallbackServerContext* context,
                                       const v1::PlaceOrderRequest* request,
                                       v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ApproveOrder(grpc::CallbackServerContext* context,
                                         const v1::ApproveOrderRequest* request,
                                         v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ShipOrder(grpc::CallbackServerContext* context,
                                      const v1::ShipOrderRequest* request,
                                      v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* CancelOrder(grpc::CallbackServerContext* context,
                                        const v1::CancelOrderRequest* request,
                                        v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* AmendOrder(grpc::CallbackServerContext* context,
                                       const v1::AmendOrderRequest* request,
                                       v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* RecordPayment(grpc::CallbackServerContext* context,
                                          const v1::RecordPaymentRequest* request,
                                          v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ReversePayment(grpc::CallbackServerContext* context,
                                           const v1::ReversePaymentRequest* request,
                                           v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* DefineProduct(grpc::CallbackServerContext* context,
                                          const v1::DefineProductRequest* request,
                                          v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* ChangeProductPrice(grpc::CallbackServerContext* context,
                                               const v1::ChangeProductPriceRequest* request,
                                               v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* RetireProduct(grpc::CallbackServerContext* context,
                                          const v1::RetireProductRequest* request,
                                          v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* RegisterRep(grpc::CallbackServerContext* context,
                                        const v1::RegisterRepRequest* request,
                                        v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* MoveRepToTeam(grpc::CallbackServerContext* context,
                                          const v1::MoveRepToTeamRequest* request,
                                          v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* DeactivateRep(grpc::CallbackServerContext* context,
                                          const v1::DeactivateRepRequest* request,
                                          v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* CreateTeam(grpc::CallbackServerContext* context,
                                       const v1::CreateTeamRequest* request,
                                       v1::CommandResponse* response) override;
  grpc::ServerUnaryReactor* GetCustomer(grpc::CallbackServerContext* context,
                                        const v1::GetCustomerRequest* request,
                                        v1::Customer* response) override;
  grpc::ServerUnaryReactor* GetCustomerAsOf(grpc::CallbackServerContext* context,
                                            const v1::GetCustomerAsOfRequest* request,
                                            v1::Customer* response) override;
  grpc::ServerUnaryReactor* LookupCustomer(grpc::CallbackServerContext* context,
                                           const v1::LookupCustomerRequest* request,
                                           v1::LookupCustomerResponse* response) override;
  grpc::ServerUnaryReactor* GetProduct(grpc::CallbackServerContext* context,
                                       const v1::GetProductRequest* request,
                                       v1::Product* response) override;

  // The batch RPCs, in crm_service_batch.cc.
  grpc::ServerUnaryReactor* ExecuteCommands(grpc::CallbackServerContext* context,
                                            const v1::ExecuteCommandsRequest* request,
                                            v1::ExecuteCommandsResponse* response) override;
  grpc::ServerUnaryReactor* LookupCustomers(grpc::CallbackServerContext* context,
                                            const v1::LookupCustomersRequest* request,
                                            v1::LookupCustomersResponse* response) override;
  grpc::ServerUnaryReactor* BatchGetCustomers(grpc::CallbackServerContext* context,
                                              const v1::BatchGetCustomersRequest* request,
                                              v1::BatchGetCustomersResponse* response) override;

  // Any role; answered from the principal, without the store.
  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* context,
                                   const v1::WhoAmIRequest* request,
                                   v1::WhoAmIResponse* response) override;

 private:
  // Admits the call, then runs `work` on the pool and finishes with its status.
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context,
                                std::function<absl::Status(const Principal&)> work);

  // Runs one command of `Envelope` (v1::CustomerCommand, ...): the request's
  // command is put in the envelope's field `field`, checked against the
  // caller's role and scope, then executed by the handler.
  template <typename Envelope, typename Command, typename Request>
  grpc::ServerUnaryReactor* Dispatch(grpc::CallbackServerContext* context, const Request* request,
                                     v1::CommandResponse* response, Command* (Envelope::*field)());

  // Role and scope checks, one per command envelope.
  absl::Status Check(const Principal& p, const v1::CustomerCommand& command);
  absl::Status Check(const Principal& p, const v1::OrderCommand& command);
  absl::Status Check(const Principal& p, const v1::OpportunityCommand& command);
  absl::Status Check(const Principal& p, const v1::ProductCommand& command);
  absl::Status Check(const Principal& p, const v1::RepCommand& command);
  // The customer must exist within scope for a write; loads it.
  absl::Status CheckCustomerWrite(const Principal& p, const std::string& customer_id,
                                  bool pool_ok = false);
  // GetCustomer's work for one id.
  absl::Status ReadCustomer(const Principal& p, const std::string& id, v1::Customer* response);
  // LookupCustomer's work for one value.
  absl::StatusOr<std::string> Lookup(const Principal& p, const v1::LookupCustomerRequest& request);
  // One command of ExecuteCommands, checked and executed as its own RPC would.
  absl::Status RunBatched(const Principal& p, const v1::BatchedCommand& command,
                          v1::CommandResponse* response);
  absl::Status Reply(const absl::StatusOr<engine::domain::CommandResult>& result,
                     v1::CommandResponse* response) const;
  absl::Status ReplyBatch(const absl::StatusOr<size_t>& changed,
                          v1::BatchCommandResponse* response) const;

  engine::EventStore* store_;
  engine::domain::CommandHandler* handler_;
  const CallGate* gate_;
  ThreadPool* pool_;
  const std::string time_zone_;
  AccessControl access_;
};

}  // namespace crm::service

#endif  // CRM_SERVICE_CRM_SERVICE_H_
