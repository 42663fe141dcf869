// What an import needs from the CRM: exact lookups (who holds this phone or
// company name, what a customer already has) and commands. crmctl talks to
// crmd over gRPC; tests and offline loads run the same import embedded, over
// a CommandHandler on a local store (embedded_backend.h).
#ifndef CRM_CLIENTS_IMPORT_IMPORT_BACKEND_H_
#define CRM_CLIENTS_IMPORT_IMPORT_BACKEND_H_

#include <set>
#include <string>
#include <variant>
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

// A "who holds this value" question of the batch lookup.
struct HolderQuery {
  enum Kind { kPhone, kCompanyName } kind;
  std::string value;
};

// One command of a batch: its context (request id) and the command.
struct BackendCommand {
  v1::CommandContext ctx;
  std::variant<v1::CustomerCommand, v1::RepCommand, v1::ProductCommand, v1::OrderCommand> command;
};

// The aggregate `c` writes ("customer:<id>", "order:<id>", ...): a batch
// keeps the order of the commands of one target.
std::string CommandTarget(const BackendCommand& c);

class ImportBackend {
 public:
  virtual ~ImportBackend() = default;

  // The customer holding the value now; NotFound if none.
  virtual absl::StatusOr<std::string> CustomerHoldingCompanyName(const std::string& name) = 0;
  virtual absl::StatusOr<std::string> CustomerHoldingPhone(const std::string& phone) = 0;
  virtual absl::StatusOr<ExistingCustomer> GetCustomer(const std::string& customer_id) = 0;
  // Whether a product is defined, and if so whether it is retired: an import
  // may define a missing product but must not sell a retired one.
  enum class Product { kMissing, kAvailable, kRetired };
  virtual absl::StatusOr<Product> LookUpProduct(const std::string& product_id) = 0;

  // Commands; the context carries the request id that makes retries safe.
  // True if events were written, false if the command was already done.
  virtual absl::StatusOr<bool> Execute(const v1::CommandContext& ctx,
                                       const v1::CustomerCommand& c) = 0;
  virtual absl::StatusOr<bool> Execute(const v1::CommandContext& ctx, const v1::RepCommand& c) = 0;
  virtual absl::StatusOr<bool> Execute(const v1::CommandContext& ctx,
                                       const v1::ProductCommand& c) = 0;
  virtual absl::StatusOr<bool> Execute(const v1::CommandContext& ctx,
                                       const v1::OrderCommand& c) = 0;

  // The batch forms, which a remote backend sends as few calls (a sheet of
  // 100,000 rows is otherwise 100,000s of round trips). The defaults call
  // the single methods one by one.
  //
  // One answer per query, in order, each what the single lookup returns
  // (NotFound if no customer holds it). The outer status is a failure of the
  // backend itself (unreachable, a read error), not an answer.
  virtual absl::StatusOr<std::vector<absl::StatusOr<std::string>>> CustomersHolding(
      const std::vector<HolderQuery>& queries);
  // GetCustomer of each id, in order.
  virtual absl::StatusOr<std::vector<ExistingCustomer>> GetCustomers(
      const std::vector<std::string>& ids);
  // Runs the commands: those for the same target (customer, order, rep,
  // product) in the order given, each after the one before it succeeded
  // (once one fails, the later ones of its target are not run and end
  // Aborted); different targets possibly concurrently. One result per
  // command, in order, each what Execute returns. Not atomic.
  virtual absl::StatusOr<std::vector<absl::StatusOr<bool>>> ExecuteAll(
      const std::vector<BackendCommand>& commands);
};

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_IMPORT_BACKEND_H_
