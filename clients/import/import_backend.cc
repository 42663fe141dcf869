#include "clients/import/import_backend.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"

namespace crm::clients {
namespace {

// The string field `field` of the command set in `envelope`'s oneof.
std::string SetCommandField(const google::protobuf::Message& envelope, const char* field) {
  const google::protobuf::Reflection* r = envelope.GetReflection();
  const google::protobuf::FieldDescriptor* set =
      r->GetOneofFieldDescriptor(envelope, envelope.GetDescriptor()->oneof_decl(0));
  if (set == nullptr) return "";
  const google::protobuf::Message& command = r->GetMessage(envelope, set);
  const google::protobuf::FieldDescriptor* f = command.GetDescriptor()->FindFieldByName(field);
  return f == nullptr ? "" : command.GetReflection()->GetString(command, f);
}

}  // namespace

std::string CommandTarget(const BackendCommand& c) {
  struct Visitor {
    std::string operator()(const v1::CustomerCommand& x) const {
      return "customer:" + SetCommandField(x, "customer_id");
    }
    std::string operator()(const v1::RepCommand& x) const {
      return "rep:" + SetCommandField(x, "rep_id");
    }
    std::string operator()(const v1::ProductCommand& x) const {
      return "product:" + SetCommandField(x, "product_id");
    }
    std::string operator()(const v1::OrderCommand& x) const {
      return "order:" + SetCommandField(x, "order_id");
    }
  };
  return std::visit(Visitor{}, c.command);
}

absl::StatusOr<std::vector<absl::StatusOr<std::string>>> ImportBackend::CustomersHolding(
    const std::vector<HolderQuery>& queries) {
  std::vector<absl::StatusOr<std::string>> out;
  out.reserve(queries.size());
  for (const HolderQuery& q : queries) {
    out.push_back(q.kind == HolderQuery::kPhone ? CustomerHoldingPhone(q.value)
                                                : CustomerHoldingCompanyName(q.value));
    const absl::Status& s = out.back().status();
    if (!s.ok() && !absl::IsNotFound(s) && !absl::IsInvalidArgument(s) &&
        !absl::IsPermissionDenied(s)) {
      return s;
    }
  }
  return out;
}

absl::StatusOr<std::vector<ExistingCustomer>> ImportBackend::GetCustomers(
    const std::vector<std::string>& ids) {
  std::vector<ExistingCustomer> out;
  out.reserve(ids.size());
  for (const std::string& id : ids) {
    absl::StatusOr<ExistingCustomer> c = GetCustomer(id);
    if (!c.ok()) return c.status();
    out.push_back(*std::move(c));
  }
  return out;
}

absl::StatusOr<std::vector<absl::StatusOr<bool>>> ImportBackend::ExecuteAll(
    const std::vector<BackendCommand>& commands) {
  std::vector<absl::StatusOr<bool>> out;
  out.reserve(commands.size());
  absl::flat_hash_map<std::string, absl::Status> failed;  // target -> its first failure
  for (const BackendCommand& c : commands) {
    const std::string target = CommandTarget(c);
    if (auto it = failed.find(target); it != failed.end()) {
      out.push_back(absl::AbortedError(absl::StrCat(
          "not run: an earlier command for the same target failed (", it->second.message(), ")")));
      continue;
    }
    out.push_back(
        std::visit([&](const auto& command) { return Execute(c.ctx, command); }, c.command));
    if (!out.back().ok()) failed.emplace(target, out.back().status());
  }
  return out;
}

}  // namespace crm::clients
