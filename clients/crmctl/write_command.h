// What the crmctl subcommands that write through crmd share: amounts as
// people type them, request ids and the ids derived from them, and telling
// the person what was written, at which position, or why not.
#ifndef CRM_CLIENTS_CRMCTL_WRITE_COMMAND_H_
#define CRM_CLIENTS_CRMCTL_WRITE_COMMAND_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/crmctl/crmd_call.h"
#include "crm/v1/crm_service.grpc.pb.h"
#include "grpcpp/support/status.h"

namespace crm::clients {

// An amount typed into `flag` ("--amount") as minor units: "12,500.00",
// "¥3,000", "4999.5" (clients/import's ParseAmount). InvalidArgument naming
// the flag for garbage, more than two decimals, a negative amount, and zero
// unless `allow_zero`.
absl::StatusOr<int64_t> ParseMoneyFlag(absl::string_view flag, absl::string_view text,
                                       bool allow_zero);

// InvalidArgument naming `flag` when `text` is written in yuan (¥, RMB, 元)
// but the amount is in another currency: the sign would otherwise be dropped
// and 3,000 USD recorded for ¥3,000.
absl::Status CheckYuanSign(absl::string_view flag, absl::string_view text,
                           absl::string_view currency_code);

// The id of the order or payment a request writes when the person gave
// none: `prefix` and a stable hash of the request id, so that running the
// same command again with the same --request-id names the same order or
// payment and writes nothing twice.
std::string IdForRequest(absl::string_view prefix, absl::string_view request_id);

// Reports a refused write like ReportRefusal; when the outcome is unknown
// (deadline, unavailable, cancelled) says how to retry without writing
// twice. Returns kExitRefused.
int ReportWriteRefusal(FILE* err, const std::string& command, const grpc::Status& status,
                       const std::string& request_id);

// What a write did: "<done>; position N" for people (noting when nothing
// was written because it was already done), or one JSON line of `ids`
// followed by the CommandResponse's fields. Returns the exit code.
int PrintWritten(FILE* out, bool json, const std::vector<std::pair<std::string, std::string>>& ids,
                 const std::string& done, const v1::CommandResponse& response);

// Sends one command `request` (its request_id set) by `method`, then
// reports as ReportWriteRefusal or PrintWritten (with the request id added
// to `ids`). Returns the exit code.
template <typename Request>
int SendCommand(const Crmd& crmd,
                grpc::Status (v1::CrmService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                             v1::CommandResponse*),
                const Request& request, const std::string& command, const std::string& done,
                std::vector<std::pair<std::string, std::string>> ids, bool json, FILE* out,
                FILE* err) {
  auto stub = v1::CrmService::NewStub(crmd.channel);
  v1::CommandResponse response;
  const grpc::Status s = (stub.get()->*method)(crmd.Context().get(), request, &response);
  if (!s.ok()) return ReportWriteRefusal(err, command, s, request.request_id());
  ids.emplace_back("request_id", request.request_id());
  return PrintWritten(out, json, ids, done, response);
}

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_WRITE_COMMAND_H_
