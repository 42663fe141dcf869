#include "clients/crmctl/write_command.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/crmctl/crmd_call.h"
#include "clients/import/sheet_values.h"

namespace crm::clients {

absl::StatusOr<int64_t> ParseMoneyFlag(absl::string_view flag, absl::string_view text,
                                       bool allow_zero) {
  absl::StatusOr<int64_t> minor = ParseAmount(text);
  if (!minor.ok())
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", minor.status().message()));
  if (*minor < 0 || (*minor == 0 && !allow_zero)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", text, "\" must be more than 0", allow_zero ? " or 0" : ""));
  }
  return *minor;
}

absl::Status CheckYuanSign(absl::string_view flag, absl::string_view text,
                           absl::string_view currency_code) {
  if (currency_code == "CNY") return absl::OkStatus();
  for (absl::string_view sign : {"¥", "￥", "RMB", "CNY", "元"}) {
    if (absl::StrContains(text, sign)) {
      return absl::InvalidArgumentError(absl::StrCat(flag, ": \"", text,
                                                     "\" is in yuan but the order is in ",
                                                     currency_code, "; write the bare amount"));
    }
  }
  return absl::OkStatus();
}

std::string IdForRequest(absl::string_view prefix, absl::string_view request_id) {
  // FNV-1a: stable across runs and builds, unlike absl::Hash.
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : request_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return absl::StrFormat("%s%016x", prefix, h);
}

int ReportWriteRefusal(FILE* err, const std::string& command, const grpc::Status& status,
                       const std::string& request_id) {
  const int code = ReportRefusal(err, command, status);
  switch (status.error_code()) {
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNKNOWN:
      absl::FPrintF(err,
                    "crmctl %s: it may or may not have been written; run the same command again "
                    "with --request-id=%s to make sure it is written exactly once\n",
                    command, request_id);
      break;
    default:
      break;
  }
  return code;
}

int PrintWritten(FILE* out, bool json, const std::vector<std::pair<std::string, std::string>>& ids,
                 const std::string& done, const v1::CommandResponse& response) {
  if (json) return PrintJsonLineWith(ids, response, out) ? kExitOk : kExitRefused;
  absl::FPrintF(out, "%s%s; position %d\n", done,
                response.already_done() ? " (already done: nothing new written)" : "",
                response.position());
  return kExitOk;
}

}  // namespace crm::clients
