// ImportBackend over crmd's CrmService: the import as `crmctl import
// --server=HOST:PORT` runs it, while crmd keeps serving everyone else.
//
// Lookups are CrmService.LookupCustomer, GetCustomer and GetProduct, and in
// batches LookupCustomers and BatchGetCustomers (1000 per call); a single
// command is its own RPC (RegisterCustomer, LogFollowUp, PlaceOrder, ...) and
// a batch is ExecuteCommands (500 per call), each command sent with the
// context's request_id, so a retried or re-run import writes
// nothing twice (the server remembers request ids), and with its correlation
// and causation ids as Tracing. The server records the key's name as the
// actor and its own clock as the time: CommandContext.actor and now_us are
// not sent.
//
// Every call carries the API key as `x-api-key` and a deadline. A failed call
// returns the absl::Status with the gRPC code and message unchanged, so the
// importer's checks (NotFound, AlreadyExists, ...) mean what they mean
// embedded; a missing server is Unavailable or DeadlineExceeded.
//
// The key's role must allow every command the sheet needs: in practice an
// admin key (registering reps and products, approving orders are admin or
// manager-of-scope-all commands).
//
// Thread-safety: the methods may be called concurrently (the stub is).
#ifndef CRM_CLIENTS_IMPORT_GRPC_BACKEND_H_
#define CRM_CLIENTS_IMPORT_GRPC_BACKEND_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/import/import_backend.h"
#include "crm/v1/crm_service.grpc.pb.h"
#include "grpcpp/impl/codegen/channel_interface.h"

namespace crm::clients {

struct GrpcBackendOptions {
  // Sent as `x-api-key` on every call.
  std::string api_key;
  // Per call. A command may wait on an fsync behind other clients' writes,
  // so this is generous; it bounds a hung server, not a slow one.
  absl::Duration call_timeout = absl::Seconds(30);
};

class GrpcImportBackend : public ImportBackend {
 public:
  GrpcImportBackend(std::shared_ptr<grpc::ChannelInterface> channel, GrpcBackendOptions options);

  // One cheap authenticated read (GetProduct), so that a wrong address, TLS
  // setup or key fails before an import starts rather than as "interrupted"
  // at its first lookup. OK if the server answered and accepted the key;
  // otherwise the call's status: Unavailable or DeadlineExceeded (not
  // reached within `timeout`), Unauthenticated (key missing or unknown),
  // PermissionDenied (the key's role may not read).
  absl::Status CheckConnection(absl::Duration timeout);

  absl::StatusOr<std::string> CustomerHoldingCompanyName(const std::string& name) override;
  absl::StatusOr<std::string> CustomerHoldingPhone(const std::string& phone) override;
  // NOT_FOUND from the server gives exists == false, as embedded.
  absl::StatusOr<ExistingCustomer> GetCustomer(const std::string& customer_id) override;
  absl::StatusOr<Product> LookUpProduct(const std::string& product_id) override;

  // True unless the server answered already_done. InvalidArgument for an
  // envelope with no command set.
  absl::StatusOr<bool> Execute(const v1::CommandContext& ctx,
                               const v1::CustomerCommand& c) override;
  absl::StatusOr<bool> Execute(const v1::CommandContext& ctx, const v1::RepCommand& c) override;
  absl::StatusOr<bool> Execute(const v1::CommandContext& ctx, const v1::ProductCommand& c) override;
  absl::StatusOr<bool> Execute(const v1::CommandContext& ctx, const v1::OrderCommand& c) override;

  absl::StatusOr<std::vector<absl::StatusOr<std::string>>> CustomersHolding(
      const std::vector<HolderQuery>& queries) override;
  absl::StatusOr<std::vector<ExistingCustomer>> GetCustomers(
      const std::vector<std::string>& ids) override;
  absl::StatusOr<std::vector<absl::StatusOr<bool>>> ExecuteAll(
      const std::vector<BackendCommand>& commands) override;

 private:
  template <typename Request, typename Response>
  using Method = grpc::Status (v1::CrmService::StubInterface::*)(grpc::ClientContext*,
                                                                 const Request&, Response*);

  // One unary call with the key and the deadline.
  template <typename Request, typename Response>
  absl::Status Call(Method<Request, Response> method, const Request& request, Response* response);

  // Sends `command` as the command of a `Request` (RegisterCustomerRequest,
  // ...) with the context's ids.
  template <typename Request, typename Command>
  absl::StatusOr<bool> Send(Method<Request, v1::CommandResponse> method,
                            const v1::CommandContext& ctx, const Command& command);

  absl::StatusOr<std::string> Lookup(const v1::LookupCustomerRequest& request);

  std::unique_ptr<v1::CrmService::StubInterface> stub_;
  std::shared_ptr<grpc::ChannelInterface> channel_;
  GrpcBackendOptions options_;
};

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_GRPC_BACKEND_H_
