// What an import needs from the CRM: exact lookups (who holds this phone or
// company name, what a customer already has) and commands. crmctl talks to
// crmd over gRPC; tests and offline loads run the same import embedded, over
// a CommandHandler on a local store (embedded_backend.h).
#ifndef CRM_CLIENTS_IMPORT_IMPORT_BACKEND_H_
#define CRM_CLIENTS_IMPORT_IMPORT_BACKEND_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/customer_commands.pb.h"
#include "crm/v1/customer_types.pb.h"
#include "crm/v1/order_commands.pb.h"
#include "crm/v1/product.pb.h"
#include "crm/v1/rep.pb.h"

namespace crm::clients {

struct ExistingCustomer {
  bool exists = false;
  std::string merged_into;
  bool archived = false;
  std::vector<v1::Contact> contacts;
  std::set<std::string> follow_up_ids;
};

class ImportBackend {
 public:
  virtual ~ImportBackend() = default;

  // The customer holding the value now; NotFound if none.
  virtual absl::StatusOr<std::string> CustomerHoldingCompanyName(const std::string& name) = 0;
  virtual absl::StatusOr<std::string> CustomerHoldingPhone(const std::string& phone) = 0;
  virtual absl::StatusOr<ExistingCustomer> GetCustomer(const std::string& customer_id) = 0;
  // Whether a product is defined (and not retired: a retired one is false).
  virtual absl::StatusOr<bool> ProductAvailable(const std::string& product_id) = 0;

  // Commands; the context carries the request id that makes retries safe.
  // True if events were written, false if the command was already done.
  virtual absl::StatusOr<bool> Execute(const v1::CommandContext& ctx,
                                       const v1::CustomerCommand& c) = 0;
  virtual absl::StatusOr<bool> Execute(const v1::CommandContext& ctx, const v1::RepCommand& c) = 0;
  virtual absl::StatusOr<bool> Execute(const v1::CommandContext& ctx,
                                       const v1::ProductCommand& c) = 0;
  virtual absl::StatusOr<bool> Execute(const v1::CommandContext& ctx,
                                       const v1::OrderCommand& c) = 0;
};

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_IMPORT_BACKEND_H_
