#include "clients/import/grpc_backend.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/status_macros.h"
#include "grpcpp/client_context.h"

namespace crm::clients {
namespace {

using Stub = v1::CrmService::StubInterface;

absl::Status ToStatus(const grpc::Status& s) {
  // gRPC and absl share the canonical code numbers.
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

constexpr size_t kReadsPerCall = 1000;    // LookupCustomers, BatchGetCustomers
constexpr size_t kCommandsPerCall = 500;  // ExecuteCommands

ExistingCustomer FromView(const v1::Customer& customer) {
  ExistingCustomer out;
  out.exists = true;
  out.merged_into = customer.merged_into();
  out.archived = customer.archived();
  out.contacts.assign(customer.contacts().begin(), customer.contacts().end());
  out.follow_up_ids.insert(customer.follow_up_ids().begin(), customer.follow_up_ids().end());
  return out;
}

v1::BatchedCommand ToBatched(const BackendCommand& c) {
  v1::BatchedCommand b;
  b.set_request_id(c.ctx.request_id());
  if (!c.ctx.correlation_id().empty() || !c.ctx.causation_id().empty()) {
    b.mutable_tracing()->set_correlation_id(c.ctx.correlation_id());
    b.mutable_tracing()->set_causation_id(c.ctx.causation_id());
  }
  struct Visitor {
    v1::BatchedCommand& b;
    void operator()(const v1::CustomerCommand& x) { *b.mutable_customer() = x; }
    void operator()(const v1::RepCommand& x) { *b.mutable_rep() = x; }
    void operator()(const v1::ProductCommand& x) { *b.mutable_product() = x; }
    void operator()(const v1::OrderCommand& x) { *b.mutable_order() = x; }
  };
  std::visit(Visitor{b}, c.command);
  return b;
}

// What the connection check reads; whether such a product exists does not
// matter, only that the server answers and accepts the key.
constexpr char kProbeProduct[] = "crmctl-connection-check";

}  // namespace

GrpcImportBackend::GrpcImportBackend(std::shared_ptr<grpc::ChannelInterface> channel,
                                     GrpcBackendOptions options)
    : stub_(v1::CrmService::NewStub(channel)),
      channel_(std::move(channel)),
      options_(std::move(options)) {}

template <typename Request, typename Response>
absl::Status GrpcImportBackend::Call(Method<Request, Response> method, const Request& request,
                                     Response* response) {
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", options_.api_key);
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
  return ToStatus((stub_.get()->*method)(&context, request, response));
}

template <typename Request, typename Command>
absl::StatusOr<bool> GrpcImportBackend::Send(Method<Request, v1::CommandResponse> method,
                                             const v1::CommandContext& ctx,
                                             const Command& command) {
  Request request;
  request.set_request_id(ctx.request_id());
  *request.mutable_command() = command;
  if (!ctx.correlation_id().empty() || !ctx.causation_id().empty()) {
    request.mutable_tracing()->set_correlation_id(ctx.correlation_id());
    request.mutable_tracing()->set_causation_id(ctx.causation_id());
  }
  v1::CommandResponse response;
  CRM_RETURN_IF_ERROR(Call(method, request, &response));
  return !response.already_done();
}

absl::Status GrpcImportBackend::CheckConnection(absl::Duration timeout) {
  // Not wait-for-ready: a refused connection fails at once, with gRPC's
  // reason (refused, TLS handshake, DNS) in the message.
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", options_.api_key);
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  v1::GetProductRequest request;
  request.set_product_id(kProbeProduct);
  v1::Product product;
  absl::Status s = ToStatus(stub_->GetProduct(&context, request, &product));
  return absl::IsNotFound(s) ? absl::OkStatus() : s;
}

absl::StatusOr<std::string> GrpcImportBackend::Lookup(const v1::LookupCustomerRequest& request) {
  v1::LookupCustomerResponse response;
  CRM_RETURN_IF_ERROR(Call(&Stub::LookupCustomer, request, &response));
  return response.customer_id();
}

absl::StatusOr<std::string> GrpcImportBackend::CustomerHoldingCompanyName(const std::string& name) {
  v1::LookupCustomerRequest request;
  request.set_company_name(name);
  return Lookup(request);
}

absl::StatusOr<std::string> GrpcImportBackend::CustomerHoldingPhone(const std::string& phone) {
  v1::LookupCustomerRequest request;
  request.set_phone(phone);
  return Lookup(request);
}

absl::StatusOr<ExistingCustomer> GrpcImportBackend::GetCustomer(const std::string& customer_id) {
  v1::GetCustomerRequest request;
  request.set_customer_id(customer_id);
  v1::Customer customer;
  absl::Status s = Call(&Stub::GetCustomer, request, &customer);
  if (absl::IsNotFound(s)) return ExistingCustomer{};
  if (!s.ok()) return s;
  return FromView(customer);
}

absl::StatusOr<std::vector<absl::StatusOr<std::string>>> GrpcImportBackend::CustomersHolding(
    const std::vector<HolderQuery>& queries) {
  std::vector<absl::StatusOr<std::string>> out;
  out.reserve(queries.size());
  for (size_t first = 0; first < queries.size(); first += kReadsPerCall) {
    const size_t last = std::min(queries.size(), first + kReadsPerCall);
    v1::LookupCustomersRequest request;
    for (size_t i = first; i < last; ++i) {
      v1::LookupCustomerRequest* lookup = request.add_lookups();
      if (queries[i].kind == HolderQuery::kPhone) {
        lookup->set_phone(queries[i].value);
      } else {
        lookup->set_company_name(queries[i].value);
      }
    }
    v1::LookupCustomersResponse response;
    CRM_RETURN_IF_ERROR(Call(&Stub::LookupCustomers, request, &response));
    if (static_cast<size_t>(response.results_size()) != last - first) {
      return absl::InternalError(absl::StrCat("LookupCustomers answered ", response.results_size(),
                                              " results for ", last - first, " lookups"));
    }
    for (const v1::LookupResult& r : response.results()) {
      if (r.code() == 0) {
        out.push_back(r.customer_id());
      } else {
        out.push_back(absl::Status(static_cast<absl::StatusCode>(r.code()), r.message()));
      }
    }
  }
  return out;
}

absl::StatusOr<std::vector<ExistingCustomer>> GrpcImportBackend::GetCustomers(
    const std::vector<std::string>& ids) {
  std::vector<ExistingCustomer> out;
  out.reserve(ids.size());
  for (size_t first = 0; first < ids.size(); first += kReadsPerCall) {
    const size_t last = std::min(ids.size(), first + kReadsPerCall);
    v1::BatchGetCustomersRequest request;
    for (size_t i = first; i < last; ++i) request.add_customer_ids(ids[i]);
    v1::BatchGetCustomersResponse response;
    absl::Status s = Call(&Stub::BatchGetCustomers, request, &response);
    if (absl::IsNotFound(s)) {
      // One of them is gone (the batch fails whole): ask one by one, where
      // a missing customer is an answer.
      for (size_t i = first; i < last; ++i) {
        CRM_ASSIGN_OR_RETURN(ExistingCustomer c, GetCustomer(ids[i]));
        out.push_back(std::move(c));
      }
      continue;
    }
    CRM_RETURN_IF_ERROR(s);
    if (static_cast<size_t>(response.customers_size()) != last - first) {
      return absl::InternalError(absl::StrCat("BatchGetCustomers answered ",
                                              response.customers_size(), " customers for ",
                                              last - first, " ids"));
    }
    for (const v1::Customer& c : response.customers()) out.push_back(FromView(c));
  }
  return out;
}

absl::StatusOr<std::vector<absl::StatusOr<bool>>> GrpcImportBackend::ExecuteAll(
    const std::vector<BackendCommand>& commands) {
  std::vector<absl::StatusOr<bool>> out;
  out.reserve(commands.size());
  // Targets that failed in an earlier call: their later commands are not
  // sent, as the server does within one call.
  absl::flat_hash_map<std::string, absl::Status> failed;
  for (size_t first = 0; first < commands.size(); first += kCommandsPerCall) {
    const size_t last = std::min(commands.size(), first + kCommandsPerCall);
    v1::ExecuteCommandsRequest request;
    std::vector<size_t> sent;  // request index -> command index
    for (size_t i = first; i < last; ++i) {
      out.push_back(false);
      if (auto it = failed.find(CommandTarget(commands[i])); it != failed.end()) {
        out.back() = absl::AbortedError(absl::StrCat(
            "not run: an earlier command for the same target failed (", it->second.message(), ")"));
        continue;
      }
      *request.add_commands() = ToBatched(commands[i]);
      sent.push_back(i);
    }
    if (sent.empty()) continue;
    v1::ExecuteCommandsResponse response;
    CRM_RETURN_IF_ERROR(Call(&Stub::ExecuteCommands, request, &response));
    if (static_cast<size_t>(response.outcomes_size()) != sent.size()) {
      return absl::InternalError(absl::StrCat("ExecuteCommands answered ", response.outcomes_size(),
                                              " outcomes for ", sent.size(), " commands"));
    }
    for (size_t k = 0; k < sent.size(); ++k) {
      const v1::CommandOutcome& o = response.outcomes(static_cast<int>(k));
      const size_t i = sent[k];
      if (o.code() == 0) {
        out[i] = !o.response().already_done();
      } else {
        out[i] = absl::Status(static_cast<absl::StatusCode>(o.code()), o.message());
        failed.emplace(CommandTarget(commands[i]), out[i].status());
      }
    }
  }
  return out;
}

absl::StatusOr<ImportBackend::Product> GrpcImportBackend::LookUpProduct(
    const std::string& product_id) {
  v1::GetProductRequest request;
  request.set_product_id(product_id);
  v1::Product product;
  absl::Status s = Call(&Stub::GetProduct, request, &product);
  if (absl::IsNotFound(s)) return Product::kMissing;
  if (!s.ok()) return s;
  return product.retired() ? Product::kRetired : Product::kAvailable;
}

absl::StatusOr<bool> GrpcImportBackend::Execute(const v1::CommandContext& ctx,
                                                const v1::CustomerCommand& c) {
  using C = v1::CustomerCommand;
  switch (c.command_case()) {
    case C::kRegister:
      return Send<v1::RegisterCustomerRequest>(&Stub::RegisterCustomer, ctx, c.register_());
    case C::kUpdateProfile:
      return Send<v1::UpdateCustomerProfileRequest>(&Stub::UpdateCustomerProfile, ctx,
                                                    c.update_profile());
    case C::kClassify:
      return Send<v1::ClassifyCustomerRequest>(&Stub::ClassifyCustomer, ctx, c.classify());
    case C::kTag:
      return Send<v1::TagCustomerRequest>(&Stub::TagCustomer, ctx, c.tag());
    case C::kUntag:
      return Send<v1::UntagCustomerRequest>(&Stub::UntagCustomer, ctx, c.untag());
    case C::kAssignOwner:
      return Send<v1::AssignCustomerOwnerRequest>(&Stub::AssignCustomerOwner, ctx,
                                                  c.assign_owner());
    case C::kReleaseToPool:
      return Send<v1::ReleaseCustomerToPoolRequest>(&Stub::ReleaseCustomerToPool, ctx,
                                                    c.release_to_pool());
    case C::kClaimFromPool:
      return Send<v1::ClaimCustomerFromPoolRequest>(&Stub::ClaimCustomerFromPool, ctx,
                                                    c.claim_from_pool());
    case C::kLock:
      return Send<v1::LockCustomerRequest>(&Stub::LockCustomer, ctx, c.lock());
    case C::kUnlock:
      return Send<v1::UnlockCustomerRequest>(&Stub::UnlockCustomer, ctx, c.unlock());
    case C::kAddContact:
      return Send<v1::AddContactRequest>(&Stub::AddContact, ctx, c.add_contact());
    case C::kChangeContact:
      return Send<v1::ChangeContactRequest>(&Stub::ChangeContact, ctx, c.change_contact());
    case C::kRemoveContact:
      return Send<v1::RemoveContactRequest>(&Stub::RemoveContact, ctx, c.remove_contact());
    case C::kArchive:
      return Send<v1::ArchiveCustomerRequest>(&Stub::ArchiveCustomer, ctx, c.archive());
    case C::kLogFollowUp:
      return Send<v1::LogFollowUpRequest>(&Stub::LogFollowUp, ctx, c.log_follow_up());
    case C::kRescheduleNextFollowUp:
      return Send<v1::RescheduleNextFollowUpRequest>(&Stub::RescheduleNextFollowUp, ctx,
                                                     c.reschedule_next_follow_up());
    case C::COMMAND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("CustomerCommand: no command set");
}

absl::StatusOr<bool> GrpcImportBackend::Execute(const v1::CommandContext& ctx,
                                                const v1::RepCommand& c) {
  using C = v1::RepCommand;
  switch (c.command_case()) {
    case C::kRegister:
      return Send<v1::RegisterRepRequest>(&Stub::RegisterRep, ctx, c.register_());
    case C::kMoveToTeam:
      return Send<v1::MoveRepToTeamRequest>(&Stub::MoveRepToTeam, ctx, c.move_to_team());
    case C::kDeactivate:
      return Send<v1::DeactivateRepRequest>(&Stub::DeactivateRep, ctx, c.deactivate());
    case C::COMMAND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("RepCommand: no command set");
}

absl::StatusOr<bool> GrpcImportBackend::Execute(const v1::CommandContext& ctx,
                                                const v1::ProductCommand& c) {
  using C = v1::ProductCommand;
  switch (c.command_case()) {
    case C::kDefine:
      return Send<v1::DefineProductRequest>(&Stub::DefineProduct, ctx, c.define());
    case C::kChangePrice:
      return Send<v1::ChangeProductPriceRequest>(&Stub::ChangeProductPrice, ctx, c.change_price());
    case C::kRetire:
      return Send<v1::RetireProductRequest>(&Stub::RetireProduct, ctx, c.retire());
    case C::COMMAND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("ProductCommand: no command set");
}

absl::StatusOr<bool> GrpcImportBackend::Execute(const v1::CommandContext& ctx,
                                                const v1::OrderCommand& c) {
  using C = v1::OrderCommand;
  switch (c.command_case()) {
    case C::kPlace:
      return Send<v1::PlaceOrderRequest>(&Stub::PlaceOrder, ctx, c.place());
    case C::kApprove:
      return Send<v1::ApproveOrderRequest>(&Stub::ApproveOrder, ctx, c.approve());
    case C::kShip:
      return Send<v1::ShipOrderRequest>(&Stub::ShipOrder, ctx, c.ship());
    case C::kCancel:
      return Send<v1::CancelOrderRequest>(&Stub::CancelOrder, ctx, c.cancel());
    case C::kAmend:
      return Send<v1::AmendOrderRequest>(&Stub::AmendOrder, ctx, c.amend());
    case C::kRecordPayment:
      return Send<v1::RecordPaymentRequest>(&Stub::RecordPayment, ctx, c.record_payment());
    case C::kReversePayment:
      return Send<v1::ReversePaymentRequest>(&Stub::ReversePayment, ctx, c.reverse_payment());
    case C::COMMAND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("OrderCommand: no command set");
}

}  // namespace crm::clients
