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

  absl::Status Execute(const v1::CommandContext& ctx, const v1::CustomerCommand& c) override {
    return handler_->Execute(ctx, c).status();
  }
  absl::Status Execute(const v1::CommandContext& ctx, const v1::RepCommand& c) override {
    return handler_->Execute(ctx, c).status();
  }
  absl::Status Execute(const v1::CommandContext& ctx, const v1::ProductCommand& c) override {
    return handler_->Execute(ctx, c).status();
  }
  absl::Status Execute(const v1::CommandContext& ctx, const v1::OrderCommand& c) override {
    return handler_->Execute(ctx, c).status();
  }

 private:
  engine::domain::CommandHandler* handler_;
};

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_EMBEDDED_BACKEND_H_
