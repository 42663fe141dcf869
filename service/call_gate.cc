#include "service/call_gate.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace crm::service {

absl::StatusOr<Principal> CallGate::Admit(const grpc::CallbackServerContext& context) const {
  if (shutting_down()) {
    return absl::UnavailableError("crmd is shutting down; retry on a new connection");
  }
  const auto& metadata = context.client_metadata();
  absl::string_view key;
  if (auto it = metadata.find("x-api-key"); it != metadata.end()) {
    key = absl::string_view(it->second.data(), it->second.size());
  } else if (auto auth = metadata.find("authorization"); auth != metadata.end()) {
    absl::string_view value(auth->second.data(), auth->second.size());
    if (!absl::ConsumePrefix(&value, "Bearer ")) {
      return absl::UnauthenticatedError("authorization metadata must be \"Bearer <api key>\"");
    }
    key = value;
  }
  if (key.empty()) {
    return absl::UnauthenticatedError(
        "no API key: send it as metadata \"x-api-key: <key>\" (crmd printed an admin key on "
        "first start)");
  }
  return keys_.Authenticate(key);
}

}  // namespace crm::service
