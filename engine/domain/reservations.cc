#include "engine/domain/reservations.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/company_name_normalizer.h"
#include "engine/domain/phone_normalizer.h"
#include "engine/domain/text_normalizer.h"

namespace crm::engine::domain {
namespace {

void AddPhones(const google::protobuf::RepeatedPtrField<std::string>& phones,
               std::set<ReservationKey>& keys) {
  for (const std::string& raw : phones) {
    if (absl::StatusOr<NormalizedPhone> p = NormalizePhone(raw); p.ok()) {
      keys.insert(ReservationKey{v1::RESERVATION_KIND_PHONE, p->key});
    }
  }
}

}  // namespace

std::string ReservationKey::Stream() const {
  switch (kind) {
    case v1::RESERVATION_KIND_PHONE:
      return absl::StrCat("phone-", value);
    case v1::RESERVATION_KIND_COMPANY_NAME:
      return absl::StrCat("company-", value);
    case v1::RESERVATION_KIND_CONTRACT_NUMBER:
      return absl::StrCat("contract-", value);
    default:
      return absl::StrCat("reservation-", value);
  }
}

std::string ReservationKey::Describe() const {
  switch (kind) {
    case v1::RESERVATION_KIND_PHONE:
      return absl::StrCat("phone ", value);
    case v1::RESERVATION_KIND_COMPANY_NAME:
      return absl::StrCat("company name ", value);
    case v1::RESERVATION_KIND_CONTRACT_NUMBER:
      return absl::StrCat("contract number ", value);
    default:
      return value;
  }
}

std::set<ReservationKey> CustomerReservationKeys(const CustomerState& state) {
  std::set<ReservationKey> keys;
  if (!state.exists || !state.merged_into.empty()) return keys;
  AddPhones(state.profile.phones(), keys);
  for (const v1::Contact& c : state.contacts) AddPhones(c.phones(), keys);
  // A person's name is no identity: two home buyers may both be 王静.
  if (state.kind == v1::CUSTOMER_KIND_COMPANY) {
    if (absl::StatusOr<std::string> name = NormalizeCompanyName(state.profile.company_name());
        name.ok()) {
      keys.insert(ReservationKey{v1::RESERVATION_KIND_COMPANY_NAME, *name});
    }
    for (const std::string& key : state.absorbed_company_name_keys) {
      keys.insert(ReservationKey{v1::RESERVATION_KIND_COMPANY_NAME, key});
    }
  }
  return keys;
}

bool MayChangeReservationKeys(const std::vector<v1::CustomerEvent>& events) {
  for (const v1::CustomerEvent& e : events) {
    switch (e.event_case()) {
      case v1::CustomerEvent::kClassified:  // grade, industry and size only
      case v1::CustomerEvent::kTagged:
      case v1::CustomerEvent::kUntagged:
      case v1::CustomerEvent::kOwnerAssigned:
      case v1::CustomerEvent::kReleasedToPool:
      case v1::CustomerEvent::kClaimedFromPool:
      case v1::CustomerEvent::kRecycledToPool:
      case v1::CustomerEvent::kLocked:
      case v1::CustomerEvent::kUnlocked:
      case v1::CustomerEvent::kFollowUpLogged:
      case v1::CustomerEvent::kNextFollowUpRescheduled:
        continue;
      default:
        return true;
    }
  }
  return false;
}

absl::StatusOr<ReservationKey> ContractReservationKey(absl::string_view field,
                                                      absl::string_view contract_number) {
  absl::StatusOr<std::string> folded = FoldWidth(contract_number);
  if (!folded.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", folded.status().message()));
  }
  std::string value;
  for (char c : *folded) {
    if (c == ' ' || c == '\t') continue;
    if (static_cast<unsigned char>(c) < 0x20) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": has a control character"));
    }
    value.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  if (value.size() > 64) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": is longer than 64 bytes"));
  }
  return ReservationKey{v1::RESERVATION_KIND_CONTRACT_NUMBER, std::move(value)};
}

void Evolve(ReservationState& state, const v1::ReservationEvent& event) {
  state.exists = true;
  switch (event.event_case()) {
    case v1::ReservationEvent::kClaimed:
      state.owner_id = event.claimed().owner_id();
      break;
    case v1::ReservationEvent::kReleased:
      state.owner_id.clear();
      break;
    case v1::ReservationEvent::kTransferred:
      state.owner_id = event.transferred().to_owner_id();
      break;
    case v1::ReservationEvent::EVENT_NOT_SET:
      break;
  }
}

}  // namespace crm::engine::domain
