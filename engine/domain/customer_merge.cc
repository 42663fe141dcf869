#include "engine/domain/customer_merge.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/domain/company_name_normalizer.h"
#include "engine/domain/field_validation.h"
#include "engine/domain/phone_normalizer.h"
#include "engine/status_macros.h"

namespace crm::engine::domain {
namespace {

std::set<std::string> PhoneKeys(const CustomerState& state) {
  std::set<std::string> keys;
  for (const std::string& raw : state.profile.phones()) {
    if (absl::StatusOr<NormalizedPhone> p = NormalizePhone(raw); p.ok()) keys.insert(p->key);
  }
  return keys;
}

}  // namespace

absl::StatusOr<MergeDecision> DecideMerge(const v1::CommandContext& context,
                                          const v1::MergeCustomers& cmd,
                                          const CustomerState& duplicate,
                                          const CustomerState& survivor) {
  CRM_RETURN_IF_ERROR(ValidateContext(context));
  CRM_RETURN_IF_ERROR(ValidateId("merge.duplicate_customer_id", cmd.duplicate_customer_id()));
  CRM_RETURN_IF_ERROR(ValidateId("merge.survivor_customer_id", cmd.survivor_customer_id()));
  if (cmd.duplicate_customer_id() == cmd.survivor_customer_id()) {
    return absl::InvalidArgumentError(
        "merge.survivor_customer_id: must differ from merge.duplicate_customer_id");
  }
  for (const CustomerState* s : {&duplicate, &survivor}) {
    const std::string& id =
        s == &duplicate ? cmd.duplicate_customer_id() : cmd.survivor_customer_id();
    if (!s->exists) return absl::NotFoundError(absl::StrCat("customer ", id, " not found"));
  }
  if (duplicate.merged_into == cmd.survivor_customer_id()) return MergeDecision{};
  if (!duplicate.merged_into.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("customer ", cmd.duplicate_customer_id(),
                                                      " was already merged into customer ",
                                                      duplicate.merged_into));
  }
  if (!survivor.merged_into.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("customer ", cmd.survivor_customer_id(), " was merged into customer ",
                     survivor.merged_into, "; merge into ", survivor.merged_into, " instead"));
  }
  if (survivor.archived) {
    return absl::FailedPreconditionError(
        absl::StrCat("customer ", cmd.survivor_customer_id(), " is archived"));
  }

  MergeDecision decision;
  v1::CustomerEvent closed;
  closed.mutable_merged_into()->set_survivor_customer_id(cmd.survivor_customer_id());
  decision.duplicate_events.push_back(std::move(closed));

  v1::CustomerEvent absorbed;
  v1::CustomerDuplicateAbsorbed* e = absorbed.mutable_duplicate_absorbed();
  e->set_duplicate_customer_id(cmd.duplicate_customer_id());
  std::set<std::string> survivor_phones = PhoneKeys(survivor);
  for (const std::string& raw : duplicate.profile.phones()) {
    absl::StatusOr<NormalizedPhone> p = NormalizePhone(raw);
    if (p.ok() && survivor_phones.insert(p->key).second) e->add_moved_phones(raw);
  }
  for (const v1::Contact& contact : duplicate.contacts) {
    v1::Contact* moved = e->add_moved_contacts();
    *moved = contact;
    // Contact ids are unique per customer only; keep them apart.
    if (survivor.FindContact(contact.contact_id()) != nullptr) {
      moved->set_contact_id(absl::StrCat(cmd.duplicate_customer_id(), "_", contact.contact_id()));
    }
  }
  if (duplicate.kind == v1::CUSTOMER_KIND_COMPANY) {
    absl::StatusOr<std::string> dup_key = NormalizeCompanyName(duplicate.profile.company_name());
    absl::StatusOr<std::string> own_key = NormalizeCompanyName(survivor.profile.company_name());
    if (dup_key.ok() && (!own_key.ok() || *dup_key != *own_key)) {
      e->add_moved_company_name_keys(*dup_key);
    }
  }
  for (const std::string& key : duplicate.absorbed_company_name_keys) {
    e->add_moved_company_name_keys(key);
  }
  decision.survivor_events.push_back(std::move(absorbed));
  return decision;
}

}  // namespace crm::engine::domain
