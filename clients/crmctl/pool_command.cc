#include "clients/crmctl/pool_command.h"

#include <string>

#include "absl/strings/str_format.h"
#include "clients/crmctl/crmd_call.h"
#include "clients/crmctl/whoami_command.h"
#include "clients/crmctl/write_command.h"
#include "crm/v1/crm_service.grpc.pb.h"

namespace crm::clients {
namespace {

// What both commands check before sending; empty when fine.
std::string Problem(const PoolMoveOptions& o, const char* verb) {
  if (o.customer_id.empty()) {
    return absl::StrFormat("give the customer id: crmctl pool %s ID", verb);
  }
  if (!o.request_id.empty() && !ValidRequestId(o.request_id)) {
    return "--request-id: 1 to 128 printable ASCII characters without spaces";
  }
  return "";
}

int Report(const char* command, const std::string& done, const PoolMoveOptions& o,
           const std::string& request_id, const grpc::Status& s,
           const v1::CommandResponse& response, FILE* out, FILE* err) {
  if (!s.ok()) return ReportWriteRefusal(err, command, s, request_id);
  const int code = PrintWritten(
      out, o.json, {{"customer_id", o.customer_id}, {"request_id", request_id}}, done, response);
  if (!o.json) absl::FPrintF(out, "request id %s\n", request_id);
  return code;
}

}  // namespace

int RunPoolClaim(const Crmd& crmd, const PoolMoveOptions& options, FILE* out, FILE* err) {
  const std::string problem = Problem(options, "claim");
  if (!problem.empty()) {
    absl::FPrintF(err, "crmctl pool claim: %s\n", problem);
    return kExitBadOptions;
  }
  std::string rep = options.rep_id;
  if (rep.empty()) {
    // A rep's key claims for its rep; any other key must say for whom.
    v1::WhoAmIResponse who;
    const grpc::Status s = AskWhoAmI(crmd, &who);
    if (!s.ok()) return ReportRefusal(err, "pool claim", s);
    if (who.role() != v1::API_KEY_ROLE_REP || who.rep_id().empty()) {
      absl::FPrintF(err,
                    "crmctl pool claim: --rep: required: the key %s (role %s) is no rep's key; "
                    "name the rep who claims the customer\n",
                    who.name(), RoleWord(who.role()));
      return kExitBadOptions;
    }
    rep = who.rep_id();
  }
  v1::ClaimCustomerFromPoolRequest request;
  request.set_request_id(options.request_id.empty() ? NewRequestId() : options.request_id);
  request.mutable_command()->set_customer_id(options.customer_id);
  request.mutable_command()->set_rep_id(rep);
  v1::CommandResponse response;
  const grpc::Status s = v1::CrmService::NewStub(crmd.channel)
                             ->ClaimCustomerFromPool(crmd.Context().get(), request, &response);
  return Report("pool claim", absl::StrFormat("%s claimed %s", rep, options.customer_id), options,
                request.request_id(), s, response, out, err);
}

int RunPoolRelease(const Crmd& crmd, const PoolMoveOptions& options, FILE* out, FILE* err) {
  const std::string problem = Problem(options, "release");
  if (!problem.empty()) {
    absl::FPrintF(err, "crmctl pool release: %s\n", problem);
    return kExitBadOptions;
  }
  v1::ReleaseCustomerToPoolRequest request;
  request.set_request_id(options.request_id.empty() ? NewRequestId() : options.request_id);
  request.mutable_command()->set_customer_id(options.customer_id);
  request.mutable_command()->set_reason(options.reason);
  v1::CommandResponse response;
  const grpc::Status s = v1::CrmService::NewStub(crmd.channel)
                             ->ReleaseCustomerToPool(crmd.Context().get(), request, &response);
  return Report("pool release", absl::StrFormat("released %s to the pool", options.customer_id),
                options, request.request_id(), s, response, out, err);
}

}  // namespace crm::clients
