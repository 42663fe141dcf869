#include "engine/domain/customer_validation.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/company_name_normalizer.h"
#include "engine/domain/field_validation.h"
#include "engine/domain/phone_normalizer.h"
#include "engine/status_macros.h"

namespace crm::engine::domain {
namespace {

absl::Status ValidatePhones(absl::string_view prefix,
                            const google::protobuf::RepeatedPtrField<std::string>& phones) {
  if (phones.size() > kMaxPhones) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, ": ", phones.size(), " phones; at most ", kMaxPhones));
  }
  std::set<std::string> keys;
  for (int i = 0; i < phones.size(); ++i) {
    const std::string field = absl::StrCat(prefix, "[", i, "]");
    absl::StatusOr<NormalizedPhone> phone = NormalizePhone(phones[i]);
    if (!phone.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": ", phone.status().message()));
    }
    if (!keys.insert(phone->key).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": \"", phones[i], "\" is listed twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateEmail(absl::string_view field, absl::string_view email) {
  if (email.empty()) return absl::OkStatus();
  CRM_RETURN_IF_ERROR(ValidateOptionalText(field, email, 254));
  const size_t at = email.find('@');
  if (at == 0 || at == absl::string_view::npos || at + 1 == email.size() ||
      email.find('@', at + 1) != absl::string_view::npos ||
      email.find(' ') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", email, "\" is not an e-mail address"));
  }
  return absl::OkStatus();
}

absl::Status ValidateProfile(absl::string_view prefix, v1::CustomerKind kind,
                             const v1::CustomerProfile& p) {
  const auto f = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  CRM_RETURN_IF_ERROR(ValidateRequiredText(f("company_name"), p.company_name(), 200));
  if (kind == v1::CUSTOMER_KIND_COMPANY) {
    if (absl::StatusOr<std::string> key = NormalizeCompanyName(p.company_name()); !key.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(f("company_name"), ": ", key.status().message()));
    }
  }
  CRM_RETURN_IF_ERROR(ValidateOptionalText(f("contact_person"), p.contact_person(), 64));
  CRM_RETURN_IF_ERROR(ValidatePhones(f("phones"), p.phones()));
  CRM_RETURN_IF_ERROR(ValidateEmail(f("email"), p.email()));
  CRM_RETURN_IF_ERROR(ValidateOptionalText(f("address.province"), p.address().province(), 64));
  CRM_RETURN_IF_ERROR(ValidateOptionalText(f("address.city"), p.address().city(), 64));
  CRM_RETURN_IF_ERROR(ValidateOptionalText(f("address.district"), p.address().district(), 64));
  CRM_RETURN_IF_ERROR(ValidateOptionalText(f("address.street"), p.address().street(), 256));
  CRM_RETURN_IF_ERROR(ValidateOptionalText(f("industry"), p.industry(), 64));
  CRM_RETURN_IF_ERROR(ValidateOptionalText(f("size"), p.size(), 64));
  CRM_RETURN_IF_ERROR(ValidateOptionalText(f("source"), p.source(), 64));
  const v1::InvoiceInfo& inv = p.invoice_info();
  CRM_RETURN_IF_ERROR(ValidateOptionalText(f("invoice_info.title"), inv.title(), 200));
  CRM_RETURN_IF_ERROR(ValidateOptionalText(f("invoice_info.tax_id"), inv.tax_id(), 32));
  CRM_RETURN_IF_ERROR(
      ValidateOptionalText(f("invoice_info.address_and_phone"), inv.address_and_phone(), 256));
  CRM_RETURN_IF_ERROR(
      ValidateOptionalText(f("invoice_info.bank_and_account"), inv.bank_and_account(), 256));
  return absl::OkStatus();
}

absl::Status ValidateContact(absl::string_view prefix, const v1::Contact& c) {
  const auto f = [&](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  CRM_RETURN_IF_ERROR(ValidateId(f("contact_id"), c.contact_id()));
  CRM_RETURN_IF_ERROR(ValidateRequiredText(f("name"), c.name(), 64));
  CRM_RETURN_IF_ERROR(ValidateOptionalText(f("title"), c.title(), 64));
  CRM_RETURN_IF_ERROR(ValidatePhones(f("phones"), c.phones()));
  CRM_RETURN_IF_ERROR(ValidateEmail(f("email"), c.email()));
  return absl::OkStatus();
}

absl::StatusOr<std::string> CanonicalTag(absl::string_view field, absl::string_view tag) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(tag);
  CRM_RETURN_IF_ERROR(ValidateRequiredText(field, trimmed, kMaxTagBytes));
  return std::string(trimmed);
}

}  // namespace crm::engine::domain
