#include "service/crm_service.h"

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/domain/opportunity_decider.h"
#include "engine/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "service/crm_service_internal.h"
#include "service/customer_view.h"
#include "service/status_mapping.h"
#include "service/stream_fold.h"
#include "service/wire_values.h"

namespace crm::service {
namespace {

using engine::domain::CommandResult;
using engine::domain::CustomerState;
using internal::kAdmins;
using internal::kEditors;
using internal::kManagers;
using internal::kReaders;
using internal::MakeContext;
using internal::TargetId;

// The command message set in `envelope`'s oneof (every command envelope has
// exactly one oneof), or nullptr when none is.
const google::protobuf::Message* SetCommand(const google::protobuf::Message& envelope) {
  const google::protobuf::Reflection* reflection = envelope.GetReflection();
  const google::protobuf::FieldDescriptor* set =
      reflection->GetOneofFieldDescriptor(envelope, envelope.GetDescriptor()->oneof_decl(0));
  return set == nullptr ? nullptr : &reflection->GetMessage(envelope, set);
}

// The name of the command set in `envelope`, e.g. "ReversePayment".
std::string CommandName(const google::protobuf::Message& envelope) {
  const google::protobuf::Message* command = SetCommand(envelope);
  return command == nullptr ? "a command" : command->GetDescriptor()->name();
}

absl::Status NoCommand(absl::string_view envelope) {
  return absl::InvalidArgumentError(absl::StrCat("command: required (", envelope, " is empty)"));
}

// A product as GetProduct shows it. engine::domain::ProductState leaves out
// model and spec (no rule needs them), so they are taken from ProductDefined
// here; everything else folds exactly as the command side does.
struct ProductView {
  engine::domain::ProductState state;
  std::string model;
  std::string spec;
};

// Found by FoldStream through argument-dependent lookup.
void Evolve(ProductView& view, const v1::ProductEvent& event) {
  engine::domain::Evolve(view.state, event);
  if (event.has_defined()) {
    view.model = event.defined().model();
    view.spec = event.defined().spec();
  }
}

// The internal key types (service/api_keys.proto) as the public API names
// them; spelled out so that neither can renumber the other.
v1::ApiKeyRole ToApiKeyRole(Role role) {
  switch (role) {
    case ROLE_VIEWER:
      return v1::API_KEY_ROLE_VIEWER;
    case ROLE_REP:
      return v1::API_KEY_ROLE_REP;
    case ROLE_MANAGER:
      return v1::API_KEY_ROLE_MANAGER;
    case ROLE_ADMIN:
      return v1::API_KEY_ROLE_ADMIN;
    case ROLE_ANALYTICS:
      return v1::API_KEY_ROLE_ANALYTICS;
    default:
      return v1::API_KEY_ROLE_UNSPECIFIED;
  }
}

v1::ApiKeyScope ToApiKeyScope(Scope scope) {
  switch (scope) {
    case SCOPE_OWN:
      return v1::API_KEY_SCOPE_OWN;
    case SCOPE_TEAM:
      return v1::API_KEY_SCOPE_TEAM;
    case SCOPE_ALL:
      return v1::API_KEY_SCOPE_ALL;
    default:
      return v1::API_KEY_SCOPE_UNSPECIFIED;
  }
}

}  // namespace

namespace internal {

std::string TargetId(const google::protobuf::Message& envelope, const std::string& name) {
  const google::protobuf::Message* command = SetCommand(envelope);
  if (command == nullptr) return "";
  const google::protobuf::FieldDescriptor* field = command->GetDescriptor()->FindFieldByName(name);
  if (field == nullptr) return "";
  return command->GetReflection()->GetString(*command, field);
}

}  // namespace internal

CrmServiceImpl::CrmServiceImpl(engine::EventStore* store, engine::domain::CommandHandler* handler,
                               const CallGate* gate, ThreadPool* pool, std::string time_zone)
    : store_(store),
      handler_(handler),
      gate_(gate),
      pool_(pool),
      time_zone_(std::move(time_zone)),
      access_(handler) {}

grpc::ServerUnaryReactor* CrmServiceImpl::Run(grpc::CallbackServerContext* context,
                                              std::function<absl::Status(const Principal&)> work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Principal> principal = gate_->Admit(*context);
  if (!principal.ok()) {
    reactor->Finish(ToGrpcStatus(principal.status()));
    return reactor;
  }
  pool_->Post([reactor, context, p = *std::move(principal), work = std::move(work)] {
    if (context->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
      return;
    }
    reactor->Finish(ToGrpcStatus(work(p)));
  });
  return reactor;
}

template <typename Envelope, typename Command, typename Request>
grpc::ServerUnaryReactor* CrmServiceImpl::Dispatch(grpc::CallbackServerContext* context,
                                                   const Request* request,
                                                   v1::CommandResponse* response,
                                                   Command* (Envelope::*field)()) {
  return Run(context, [=, this](const Principal& p) -> absl::Status {
    Envelope command;
    *(command.*field)() = request->command();
    CRM_RETURN_IF_ERROR(Check(p, command));
    return Reply(handler_->Execute(MakeContext(p, *request), command), response);
  });
}

absl::Status CrmServiceImpl::RunBatched(const Principal& p, const v1::BatchedCommand& command,
                                        v1::CommandResponse* response) {
  const v1::CommandContext context = MakeContext(p, command);
  switch (command.command_case()) {
    case v1::BatchedCommand::kCustomer:
      CRM_RETURN_IF_ERROR(Check(p, command.customer()));
      return Reply(handler_->Execute(context, command.customer()), response);
    case v1::BatchedCommand::kOrder:
      CRM_RETURN_IF_ERROR(Check(p, command.order()));
      return Reply(handler_->Execute(context, command.order()), response);
    case v1::BatchedCommand::kOpportunity:
      CRM_RETURN_IF_ERROR(Check(p, command.opportunity()));
      return Reply(handler_->Execute(context, command.opportunity()), response);
    case v1::BatchedCommand::kProduct:
      CRM_RETURN_IF_ERROR(Check(p, command.product()));
      return Reply(handler_->Execute(context, command.product()), response);
    case v1::BatchedCommand::kRep:
      CRM_RETURN_IF_ERROR(Check(p, command.rep()));
      return Reply(handler_->Execute(context, command.rep()), response);
    case v1::BatchedCommand::COMMAND_NOT_SET:
      break;
  }
  return NoCommand("BatchedCommand");
}

absl::Status CrmServiceImpl::Reply(const absl::StatusOr<CommandResult>& result,
                                   v1::CommandResponse* response) const {
  if (!result.ok()) return result.status();
  if (result->position != engine::kNoPosition) {
    response->set_position(result->position);
  } else {
    const engine::Position committed = store_->CommittedPosition();
    response->set_position(committed == 0 ? 0 : committed - 1);
  }
  response->set_has_revision(result->revision != engine::kNoRevision);
  if (result->revision != engine::kNoRevision) response->set_revision(result->revision);
  response->set_events_written(static_cast<uint32_t>(result->events_written));
  response->set_already_done(result->already_done);
  return absl::OkStatus();
}

absl::Status CrmServiceImpl::ReplyBatch(const absl::StatusOr<size_t>& changed,
                                        v1::BatchCommandResponse* response) const {
  if (!changed.ok()) return changed.status();
  response->set_customers_changed(static_cast<uint32_t>(*changed));
  const engine::Position committed = store_->CommittedPosition();
  response->set_position(committed == 0 ? 0 : committed - 1);
  return absl::OkStatus();
}

absl::Status CrmServiceImpl::CheckCustomerWrite(const Principal& p, const std::string& customer_id,
                                                bool pool_ok) {
  if (p.scope == SCOPE_ALL) return absl::OkStatus();  // no need to load it
  if (customer_id.empty()) return absl::InvalidArgumentError("command.customer_id: required");
  CRM_ASSIGN_OR_RETURN(CustomerState state, handler_->LoadCustomer(customer_id));
  return access_.CheckCustomerWrite(p, customer_id, state, pool_ok);
}

absl::Status CrmServiceImpl::Check(const Principal& p, const v1::CustomerCommand& command) {
  const std::string id = TargetId(command, "customer_id");
  switch (command.command_case()) {
    case v1::CustomerCommand::kRegister: {
      CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kEditors, "RegisterCustomer"));
      const std::string& owner = command.register_().owner_rep_id();
      if (!owner.empty()) CRM_RETURN_IF_ERROR(access_.CheckRep(p, owner, "command.owner_rep_id"));
      if (p.scope == SCOPE_ALL || id.empty()) return absl::OkStatus();
      // An id taken by a customer the caller cannot see must not be revealed
      // by ALREADY_EXISTS.
      CRM_ASSIGN_OR_RETURN(CustomerState state, handler_->LoadCustomer(id));
      if (!state.exists) return absl::OkStatus();
      return access_.CheckCustomerRead(p, id, state);
    }
    case v1::CustomerCommand::kAssignOwner:
      CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kManagers, "AssignCustomerOwner"));
      CRM_RETURN_IF_ERROR(
          access_.CheckRep(p, command.assign_owner().owner_rep_id(), "command.owner_rep_id"));
      return CheckCustomerWrite(p, id, /*pool_ok=*/true);
    case v1::CustomerCommand::kClaimFromPool:
      CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kEditors, "ClaimCustomerFromPool"));
      CRM_RETURN_IF_ERROR(
          access_.CheckRep(p, command.claim_from_pool().rep_id(), "command.rep_id"));
      return CheckCustomerWrite(p, id, /*pool_ok=*/true);
    case v1::CustomerCommand::kReleaseToPool:
      // Releasing a customer already in the pool is done already (the
      // decider writes nothing), not out of scope: the pool is visible to
      // every rep, and the releasing rep's retry must not be refused.
      CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kEditors, "ReleaseCustomerToPool"));
      return CheckCustomerWrite(p, id, /*pool_ok=*/true);
    case v1::CustomerCommand::kLock:
    case v1::CustomerCommand::kUnlock:
    case v1::CustomerCommand::kArchive:
      CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kManagers, CommandName(command)));
      return CheckCustomerWrite(p, id);
    case v1::CustomerCommand::kLogFollowUp:
      CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kEditors, "LogFollowUp"));
      CRM_RETURN_IF_ERROR(access_.CheckRep(p, command.log_follow_up().rep_id(), "command.rep_id"));
      return CheckCustomerWrite(p, id);
    case v1::CustomerCommand::COMMAND_NOT_SET:
      return NoCommand("CustomerCommand");
    default:
      CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kEditors, CommandName(command)));
      return CheckCustomerWrite(p, id);
  }
}

absl::Status CrmServiceImpl::Check(const Principal& p, const v1::OrderCommand& command) {
  switch (command.command_case()) {
    case v1::OrderCommand::kPlace:
      CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kEditors, "PlaceOrder"));
      CRM_RETURN_IF_ERROR(access_.CheckRep(p, command.place().rep_id(), "command.rep_id"));
      return CheckCustomerWrite(p, command.place().customer_id());
    case v1::OrderCommand::kAmend:
    case v1::OrderCommand::kRecordPayment:
      CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kEditors, CommandName(command)));
      if (command.has_record_payment()) {
        CRM_RETURN_IF_ERROR(
            access_.CheckRep(p, command.record_payment().rep_id(), "command.rep_id"));
      }
      break;
    case v1::OrderCommand::COMMAND_NOT_SET:
      return NoCommand("OrderCommand");
    default:
      CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kManagers, CommandName(command)));
      break;
  }
  if (p.scope == SCOPE_ALL) return absl::OkStatus();
  const std::string order_id = TargetId(command, "order_id");
  if (order_id.empty()) return absl::InvalidArgumentError("command.order_id: required");
  CRM_ASSIGN_OR_RETURN(engine::domain::OrderState order, handler_->LoadOrder(order_id));
  if (!order.exists) {
    return absl::PermissionDeniedError(
        absl::StrCat("order ", order_id, " is not within your data scope (or does not exist)"));
  }
  return CheckCustomerWrite(p, order.customer_id);
}

absl::Status CrmServiceImpl::Check(const Principal& p, const v1::OpportunityCommand& command) {
  CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kEditors, CommandName(command)));
  if (command.command_case() == v1::OpportunityCommand::COMMAND_NOT_SET) {
    return NoCommand("OpportunityCommand");
  }
  if (command.has_open()) {
    CRM_RETURN_IF_ERROR(access_.CheckRep(p, command.open().owner_rep_id(), "command.owner_rep_id"));
    return CheckCustomerWrite(p, command.open().customer_id());
  }
  if (p.scope == SCOPE_ALL) return absl::OkStatus();
  const std::string id = TargetId(command, "opportunity_id");
  if (id.empty()) return absl::InvalidArgumentError("command.opportunity_id: required");
  using engine::domain::OpportunityState;
  CRM_ASSIGN_OR_RETURN(OpportunityState opportunity,
                       (FoldStream<OpportunityState, v1::OpportunityEvent>(
                           *store_, absl::StrCat("opportunity-", id))));
  if (!opportunity.exists) {
    return absl::PermissionDeniedError(
        absl::StrCat("opportunity ", id, " is not within your data scope (or does not exist)"));
  }
  return CheckCustomerWrite(p, opportunity.customer_id);
}

absl::Status CrmServiceImpl::Check(const Principal& p, const v1::ProductCommand& command) {
  if (command.command_case() == v1::ProductCommand::COMMAND_NOT_SET) {
    return NoCommand("ProductCommand");
  }
  if (p.role == ROLE_MANAGER && p.scope == SCOPE_ALL) return absl::OkStatus();
  return AccessControl::RequireRole(p, kAdmins, "product commands (or a manager of scope all)");
}

absl::Status CrmServiceImpl::Check(const Principal& p, const v1::RepCommand& command) {
  if (command.command_case() == v1::RepCommand::COMMAND_NOT_SET) return NoCommand("RepCommand");
  return AccessControl::RequireRole(p, kAdmins, "rep commands");
}

grpc::ServerUnaryReactor* CrmServiceImpl::MergeCustomers(grpc::CallbackServerContext* context,
                                                         const v1::MergeCustomersRequest* request,
                                                         v1::CommandResponse* response) {
  return Run(context, [=, this](const Principal& p) -> absl::Status {
    CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kAdmins, "MergeCustomers"));
    return Reply(handler_->Merge(MakeContext(p, *request), request->command()), response);
  });
}

grpc::ServerUnaryReactor* CrmServiceImpl::RecyclePool(grpc::CallbackServerContext* context,
                                                      const v1::RecyclePoolRequest* request,
                                                      v1::BatchCommandResponse* response) {
  return Run(context, [=, this](const Principal& p) -> absl::Status {
    if (!(p.role == ROLE_MANAGER && p.scope == SCOPE_ALL)) {
      CRM_RETURN_IF_ERROR(
          AccessControl::RequireRole(p, kAdmins, "RecyclePool (or a manager of scope all)"));
    }
    return ReplyBatch(handler_->RecyclePool(MakeContext(p, *request), request->command()),
                      response);
  });
}

grpc::ServerUnaryReactor* CrmServiceImpl::ReassignRepCustomers(
    grpc::CallbackServerContext* context, const v1::ReassignRepCustomersRequest* request,
    v1::BatchCommandResponse* response) {
  return Run(context, [=, this](const Principal& p) -> absl::Status {
    CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kManagers, "ReassignRepCustomers"));
    CRM_RETURN_IF_ERROR(
        access_.CheckRep(p, request->command().from_rep_id(), "command.from_rep_id"));
    CRM_RETURN_IF_ERROR(access_.CheckRep(p, request->command().to_rep_id(), "command.to_rep_id"));
    return ReplyBatch(handler_->ReassignCustomers(MakeContext(p, *request), request->command()),
                      response);
  });
}

grpc::ServerUnaryReactor* CrmServiceImpl::CreateTeam(grpc::CallbackServerContext* context,
                                                     const v1::CreateTeamRequest* request,
                                                     v1::CommandResponse* response) {
  return Run(context, [=, this](const Principal& p) -> absl::Status {
    CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kAdmins, "CreateTeam"));
    return Reply(handler_->Execute(MakeContext(p, *request), request->command()), response);
  });
}

absl::Status CrmServiceImpl::ReadCustomer(const Principal& p, const std::string& id,
                                          v1::Customer* response) {
  if (id.empty()) return absl::InvalidArgumentError("customer_id: required");
  const std::string stream = absl::StrCat("customer-", id);
  // The revision first: the state loaded after it is at least that recent.
  absl::StatusOr<engine::Revision> revision = store_->StreamRevision(stream);
  CRM_ASSIGN_OR_RETURN(CustomerState state, handler_->LoadCustomer(id));
  CRM_RETURN_IF_ERROR(access_.CheckCustomerRead(p, id, state));
  if (!state.exists) return absl::NotFoundError(absl::StrCat("customer ", id, " not found"));
  *response = ToCustomerView(state, revision.ok() ? *revision : 0);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* CrmServiceImpl::GetCustomer(grpc::CallbackServerContext* context,
                                                      const v1::GetCustomerRequest* request,
                                                      v1::Customer* response) {
  return Run(context, [=, this](const Principal& p) -> absl::Status {
    CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kReaders, "GetCustomer"));
    return ReadCustomer(p, request->customer_id(), response);
  });
}

grpc::ServerUnaryReactor* CrmServiceImpl::GetCustomerAsOf(grpc::CallbackServerContext* context,
                                                          const v1::GetCustomerAsOfRequest* request,
                                                          v1::Customer* response) {
  return Run(context, [=, this](const Principal& p) -> absl::Status {
    CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kReaders, "GetCustomerAsOf"));
    const std::string& id = request->customer_id();
    if (id.empty()) return absl::InvalidArgumentError("customer_id: required");
    if (!request->has_as_of() || !ValidTimestamp(request->as_of())) {
      return absl::InvalidArgumentError("as_of: required, a valid timestamp");
    }
    // Scope follows the customer's current owner: who may see it now.
    CRM_ASSIGN_OR_RETURN(CustomerState current, handler_->LoadCustomer(id));
    CRM_RETURN_IF_ERROR(access_.CheckCustomerRead(p, id, current));
    const int64_t as_of_us =
        google::protobuf::util::TimeUtil::TimestampToMicroseconds(request->as_of());
    CRM_ASSIGN_OR_RETURN(CustomerState state, handler_->CustomerAsOf(id, as_of_us));
    if (!state.exists) {
      return absl::NotFoundError(absl::StrCat("customer ", id, " did not exist at that time"));
    }
    *response = ToCustomerView(state, 0);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::string> CrmServiceImpl::Lookup(const Principal& p,
                                                   const v1::LookupCustomerRequest& request) {
  absl::StatusOr<std::string> holder;
  switch (request.value_case()) {
    case v1::LookupCustomerRequest::kPhone:
      if (request.phone().empty()) return absl::InvalidArgumentError("phone: empty");
      holder = handler_->CustomerHoldingPhone(request.phone());
      break;
    case v1::LookupCustomerRequest::kCompanyName:
      if (request.company_name().empty()) {
        return absl::InvalidArgumentError("company_name: empty");
      }
      holder = handler_->CustomerHoldingCompanyName(request.company_name());
      break;
    case v1::LookupCustomerRequest::VALUE_NOT_SET:
      return absl::InvalidArgumentError("phone or company_name: one is required");
  }
  if (!holder.ok()) return holder.status();
  if (p.scope != SCOPE_ALL) {
    // Without this a limited scope could learn the ids of customers it may
    // not see, one phone number at a time.
    CRM_ASSIGN_OR_RETURN(CustomerState state, handler_->LoadCustomer(*holder));
    absl::Status readable = access_.CheckCustomerRead(p, *holder, state);
    if (absl::IsPermissionDenied(readable)) {
      // AccessControl's message names the customer: exactly what must
      // not be revealed here.
      return absl::PermissionDeniedError(
          absl::StrCat("the customer holding this ", request.has_phone() ? "phone" : "company_name",
                       " is not within your data scope"));
    }
    CRM_RETURN_IF_ERROR(readable);
  }
  return holder;
}

grpc::ServerUnaryReactor* CrmServiceImpl::LookupCustomer(grpc::CallbackServerContext* context,
                                                         const v1::LookupCustomerRequest* request,
                                                         v1::LookupCustomerResponse* response) {
  return Run(context, [=, this](const Principal& p) -> absl::Status {
    CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kEditors, "LookupCustomer"));
    CRM_ASSIGN_OR_RETURN(std::string holder, Lookup(p, *request));
    response->set_customer_id(std::move(holder));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CrmServiceImpl::GetProduct(grpc::CallbackServerContext* context,
                                                     const v1::GetProductRequest* request,
                                                     v1::Product* response) {
  return Run(context, [=, this](const Principal& p) -> absl::Status {
    CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, kReaders, "GetProduct"));
    const std::string& id = request->product_id();
    if (id.empty()) return absl::InvalidArgumentError("product_id: required");
    CRM_ASSIGN_OR_RETURN(ProductView view, (FoldStream<ProductView, v1::ProductEvent>(
                                               *store_, absl::StrCat("product-", id))));
    if (!view.state.exists) return absl::NotFoundError(absl::StrCat("product ", id, " not found"));
    response->set_product_id(id);
    response->set_name(view.state.name);
    response->set_model(view.model);
    response->set_spec(view.spec);
    *response->mutable_unit_price() = view.state.unit_price;
    response->set_retired(view.state.retired);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CrmServiceImpl::WhoAmI(grpc::CallbackServerContext* context,
                                                 const v1::WhoAmIRequest* /*request*/,
                                                 v1::WhoAmIResponse* response) {
  return Run(context, [=, this](const Principal& p) -> absl::Status {
    response->set_name(p.name);
    response->set_role(ToApiKeyRole(p.role));
    response->set_scope(ToApiKeyScope(p.scope));
    response->set_rep_id(p.rep_id);
    response->set_team_id(p.team_id);
    response->set_business_time_zone(time_zone_);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CrmServiceImpl::RegisterCustomer(
    grpc::CallbackServerContext* context, const v1::RegisterCustomerRequest* request,
    v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_register_);
}

grpc::ServerUnaryReactor* CrmServiceImpl::UpdateCustomerProfile(
    grpc::CallbackServerContext* context, const v1::UpdateCustomerProfileRequest* request,
    v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_update_profile);
}

grpc::ServerUnaryReactor* CrmServiceImpl::ClassifyCustomer(
    grpc::CallbackServerContext* context, const v1::ClassifyCustomerRequest* request,
    v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_classify);
}

grpc::ServerUnaryReactor* CrmServiceImpl::TagCustomer(grpc::CallbackServerContext* context,
                                                      const v1::TagCustomerRequest* request,
                                                      v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_tag);
}

grpc::ServerUnaryReactor* CrmServiceImpl::UntagCustomer(grpc::CallbackServerContext* context,
                                                        const v1::UntagCustomerRequest* request,
                                                        v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_untag);
}

grpc::ServerUnaryReactor* CrmServiceImpl::AssignCustomerOwner(
    grpc::CallbackServerContext* context, const v1::AssignCustomerOwnerRequest* request,
    v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_assign_owner);
}

grpc::ServerUnaryReactor* CrmServiceImpl::ReleaseCustomerToPool(
    grpc::CallbackServerContext* context, const v1::ReleaseCustomerToPoolRequest* request,
    v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_release_to_pool);
}

grpc::ServerUnaryReactor* CrmServiceImpl::ClaimCustomerFromPool(
    grpc::CallbackServerContext* context, const v1::ClaimCustomerFromPoolRequest* request,
    v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_claim_from_pool);
}

grpc::ServerUnaryReactor* CrmServiceImpl::LockCustomer(grpc::CallbackServerContext* context,
                                                       const v1::LockCustomerRequest* request,
                                                       v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_lock);
}

grpc::ServerUnaryReactor* CrmServiceImpl::UnlockCustomer(grpc::CallbackServerContext* context,
                                                         const v1::UnlockCustomerRequest* request,
                                                         v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_unlock);
}

grpc::ServerUnaryReactor* CrmServiceImpl::AddContact(grpc::CallbackServerContext* context,
                                                     const v1::AddContactRequest* request,
                                                     v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_add_contact);
}

grpc::ServerUnaryReactor* CrmServiceImpl::ChangeContact(grpc::CallbackServerContext* context,
                                                        const v1::ChangeContactRequest* request,
                                                        v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_change_contact);
}

grpc::ServerUnaryReactor* CrmServiceImpl::RemoveContact(grpc::CallbackServerContext* context,
                                                        const v1::RemoveContactRequest* request,
                                                        v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_remove_contact);
}

grpc::ServerUnaryReactor* CrmServiceImpl::ArchiveCustomer(grpc::CallbackServerContext* context,
                                                          const v1::ArchiveCustomerRequest* request,
                                                          v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_archive);
}

grpc::ServerUnaryReactor* CrmServiceImpl::LogFollowUp(grpc::CallbackServerContext* context,
                                                      const v1::LogFollowUpRequest* request,
                                                      v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::CustomerCommand::mutable_log_follow_up);
}

grpc::ServerUnaryReactor* CrmServiceImpl::RescheduleNextFollowUp(
    grpc::CallbackServerContext* context, const v1::RescheduleNextFollowUpRequest* request,
    v1::CommandResponse* response) {
  return Dispatch(context, request, response,
                  &v1::CustomerCommand::mutable_reschedule_next_follow_up);
}

grpc::ServerUnaryReactor* CrmServiceImpl::OpenOpportunity(grpc::CallbackServerContext* context,
                                                          const v1::OpenOpportunityRequest* request,
                                                          v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::OpportunityCommand::mutable_open);
}

grpc::ServerUnaryReactor* CrmServiceImpl::ChangeOpportunityStage(
    grpc::CallbackServerContext* context, const v1::ChangeOpportunityStageRequest* request,
    v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::OpportunityCommand::mutable_change_stage);
}

grpc::ServerUnaryReactor* CrmServiceImpl::ReviseOpportunity(
    grpc::CallbackServerContext* context, const v1::ReviseOpportunityRequest* request,
    v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::OpportunityCommand::mutable_revise);
}

grpc::ServerUnaryReactor* CrmServiceImpl::WinOpportunity(grpc::CallbackServerContext* context,
                                                         const v1::WinOpportunityRequest* request,
                                                         v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::OpportunityCommand::mutable_win);
}

grpc::ServerUnaryReactor* CrmServiceImpl::LoseOpportunity(grpc::CallbackServerContext* context,
                                                          const v1::LoseOpportunityRequest* request,
                                                          v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::OpportunityCommand::mutable_lose);
}

grpc::ServerUnaryReactor* CrmServiceImpl::PlaceOrder(grpc::CallbackServerContext* context,
                                                     const v1::PlaceOrderRequest* request,
                                                     v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::OrderCommand::mutable_place);
}

grpc::ServerUnaryReactor* CrmServiceImpl::ApproveOrder(grpc::CallbackServerContext* context,
                                                       const v1::ApproveOrderRequest* request,
                                                       v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::OrderCommand::mutable_approve);
}

grpc::ServerUnaryReactor* CrmServiceImpl::ShipOrder(grpc::CallbackServerContext* context,
                                                    const v1::ShipOrderRequest* request,
                                                    v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::OrderCommand::mutable_ship);
}

grpc::ServerUnaryReactor* CrmServiceImpl::CancelOrder(grpc::CallbackServerContext* context,
                                                      const v1::CancelOrderRequest* request,
                                                      v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::OrderCommand::mutable_cancel);
}

grpc::ServerUnaryReactor* CrmServiceImpl::AmendOrder(grpc::CallbackServerContext* context,
                                                     const v1::AmendOrderRequest* request,
                                                     v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::OrderCommand::mutable_amend);
}

grpc::ServerUnaryReactor* CrmServiceImpl::RecordPayment(grpc::CallbackServerContext* context,
                                                        const v1::RecordPaymentRequest* request,
                                                        v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::OrderCommand::mutable_record_payment);
}

grpc::ServerUnaryReactor* CrmServiceImpl::ReversePayment(grpc::CallbackServerContext* context,
                                                         const v1::ReversePaymentRequest* request,
                                                         v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::OrderCommand::mutable_reverse_payment);
}

grpc::ServerUnaryReactor* CrmServiceImpl::DefineProduct(grpc::CallbackServerContext* context,
                                                        const v1::DefineProductRequest* request,
                                                        v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::ProductCommand::mutable_define);
}

grpc::ServerUnaryReactor* CrmServiceImpl::ChangeProductPrice(
    grpc::CallbackServerContext* context, const v1::ChangeProductPriceRequest* request,
    v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::ProductCommand::mutable_change_price);
}

grpc::ServerUnaryReactor* CrmServiceImpl::RetireProduct(grpc::CallbackServerContext* context,
                                                        const v1::RetireProductRequest* request,
                                                        v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::ProductCommand::mutable_retire);
}

grpc::ServerUnaryReactor* CrmServiceImpl::RegisterRep(grpc::CallbackServerContext* context,
                                                      const v1::RegisterRepRequest* request,
                                                      v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::RepCommand::mutable_register_);
}

grpc::ServerUnaryReactor* CrmServiceImpl::MoveRepToTeam(grpc::CallbackServerContext* context,
                                                        const v1::MoveRepToTeamRequest* request,
                                                        v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::RepCommand::mutable_move_to_team);
}

grpc::ServerUnaryReactor* CrmServiceImpl::DeactivateRep(grpc::CallbackServerContext* context,
                                                        const v1::DeactivateRepRequest* request,
                                                        v1::CommandResponse* response) {
  return Dispatch(context, request, response, &v1::RepCommand::mutable_deactivate);
}
}  // namespace crm::service
