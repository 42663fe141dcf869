// ImportBackend over a CommandHandler on a local store: the import without a
// server (tests, and `crmctl import --data-dir` for an initial bulk load
// while crmd is stopped).
#ifndef CRM_CLIENTS_IMPORT_EMBEDDED_BACKEND_H_
#define CRM_CLIENTS_IMPORT_EMBEDDED_BACKEND_H_

#include "clients/import/import_backend.h"
#include "engine/domain/command_handler.h"

namespace crm::clients {

class EmbeddedBackend : public ImportBackend {
 public:
  // `handler` is not owned and must outlive this.
  explicit EmbeddedBackend(engine::domain::CommandHandler* handler) : handler_(handler) {}

  absl::StatusOr<std::string> CustomerHoldingCompanyName(const std::string& name) override {
    return handler_->CustomerHoldingCompanyName(name);
  }
  absl::StatusOr<std::string> CustomerHoldingPhone(const std::string& phone) override {
    return handler_->CustomerHoldingPhone(phone);
  }
  absl::StatusOr<ExistingCustomer> GetCustomer(const std::string& customer_id) override;
  absl::StatusOr<Product> LookUpProduct(const std::string& product_id) override {
    absl::StatusOr<engine::domain::ProductState> p = handler_->LoadProduct(product_id);
    if (!p.ok()) return p.status();
    if (!p->exists) return Product::kMissing;
    return p->retired ? Product::kRetired : Product::kAvailable;
  }

  absl::StatusOr<bool> Execute(const v1::CommandContext& ctx,
                               const v1::CustomerCommand& c) override {
    return Wrote(handler_->Execute(ctx, c));
  }
  absl::StatusOr<bool> Execute(const v1::CommandContext& ctx, const v1::RepCommand& c) override {
    return Wrote(handler_->Execute(ctx, c));
  }
  absl::StatusOr<bool> Execute(const v1::CommandContext& ctx,
                               const v1::ProductCommand& c) override {
    return Wrote(handler_->Execute(ctx, c));
  }
  absl::StatusOr<bool> Execute(const v1::CommandContext& ctx, const v1::OrderCommand& c) override {
    return Wrote(handler_->Execute(ctx, c));
  }

 private:
  static absl::StatusOr<bool> Wrote(absl::StatusOr<engine::domain::CommandResult> r) {
    if (!r.ok()) return r.status();
    return !r->already_done && r->events_written > 0;
  }
  engine::domain::CommandHandler* handler_;
};

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_EMBEDDED_BACKEND_H_
