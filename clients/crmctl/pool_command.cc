#include "clients/crmctl/pool_command.h"

#include <string>

#include "absl/strings/str_format.h"
#include "clients/crmctl/crmd_call.h"
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
  std::string problem = Problem(options, "claim");
  if (problem.empty() && options.rep_id.empty()) {
    problem = "--rep: required: the rep who claims the customer (your rep id)";
  }
  if (!problem.empty()) {
    absl::FPrintF(err, "crmctl pool claim: %s\n", problem);
    return kExitBadOptions;
  }
  v1::ClaimCustomerFromPoolRequest request;
  request.set_request_id(options.request_id.empty() ? NewRequestId() : options.request_id);
  request.mutable_command()->set_customer_id(options.customer_id);
  request.mutable_command()->set_rep_id(options.rep_id);
  v1::CommandResponse response;
  const grpc::Status s = v1::CrmService::NewStub(crmd.channel)
                             ->ClaimCustomerFromPool(crmd.Context().get(), request, &response);
  return Report("pool claim", absl::StrFormat("%s claimed %s", options.rep_id, options.customer_id),
                options, request.request_id(), s, response, out, err);
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
