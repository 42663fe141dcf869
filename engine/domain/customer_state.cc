#include "engine/domain/customer_state.h"

#include <algorithm>

#include "google/protobuf/util/field_mask_util.h"

namespace crm::engine::domain {
namespace {

using google::protobuf::util::FieldMaskUtil;

void SetOwner(CustomerState& state, const std::string& rep_id, int64_t at_us) {
  state.owner_rep_id = rep_id;
  state.owned_since_us = at_us;
}

void LoseOwner(CustomerState& state, int64_t at_us) {
  state.last_lost_owner_rep_id = state.owner_rep_id;
  state.lost_us = at_us;
  state.owner_rep_id.clear();
  state.owned_since_us = 0;
}

}  // namespace

const v1::Contact* CustomerState::FindContact(const std::string& contact_id) const {
  for (const v1::Contact& c : contacts) {
    if (c.contact_id() == contact_id) return &c;
  }
  return nullptr;
}

void Evolve(CustomerState& state, const v1::CustomerEvent& event) {
  switch (event.event_case()) {
    case v1::CustomerEvent::kRegistered: {
      const v1::CustomerRegistered& e = event.registered();
      state.exists = true;
      state.customer_id = e.customer_id();
      state.kind = e.kind();
      state.profile = e.profile();
      state.tags = {e.tags().begin(), e.tags().end()};
      state.duplicate_allowed = e.duplicate_allowed();
      SetOwner(state, e.owner_rep_id(), e.owner_rep_id().empty() ? 0 : e.registered_us());
      break;
    }
    case v1::CustomerEvent::kProfileChanged: {
      FieldMaskUtil::MergeOptions options;
      // Replace, not append: a changed phone list is the whole new list.
      options.set_replace_message_fields(true);
      options.set_replace_repeated_fields(true);
      FieldMaskUtil::MergeMessageTo(event.profile_changed().profile(),
                                    event.profile_changed().changed_fields(), options,
                                    &state.profile);
      break;
    }
    case v1::CustomerEvent::kClassified:
      state.grade = event.classified().grade();
      state.profile.set_industry(event.classified().industry());
      state.profile.set_size(event.classified().size());
      break;
    case v1::CustomerEvent::kTagged:
      state.tags.insert(event.tagged().tag());
      break;
    case v1::CustomerEvent::kUntagged:
      state.tags.erase(event.untagged().tag());
      break;
    case v1::CustomerEvent::kOwnerAssigned:
      SetOwner(state, event.owner_assigned().owner_rep_id(), event.owner_assigned().assigned_us());
      break;
    case v1::CustomerEvent::kReleasedToPool:
      LoseOwner(state, event.released_to_pool().released_us());
      break;
    case v1::CustomerEvent::kClaimedFromPool:
      SetOwner(state, event.claimed_from_pool().rep_id(), event.claimed_from_pool().claimed_us());
      break;
    case v1::CustomerEvent::kRecycledToPool:
      LoseOwner(state, event.recycled_to_pool().recycled_us());
      break;
    case v1::CustomerEvent::kLocked:
      state.locked = true;
      break;
    case v1::CustomerEvent::kUnlocked:
      state.locked = false;
      break;
    case v1::CustomerEvent::kContactAdded:
      state.contacts.push_back(event.contact_added().contact());
      state.removed_contact_ids.erase(event.contact_added().contact().contact_id());
      break;
    case v1::CustomerEvent::kContactChanged:
      for (v1::Contact& c : state.contacts) {
        if (c.contact_id() == event.contact_changed().contact().contact_id()) {
          c = event.contact_changed().contact();
        }
      }
      break;
    case v1::CustomerEvent::kContactRemoved: {
      const std::string& id = event.contact_removed().contact_id();
      std::erase_if(state.contacts, [&](const v1::Contact& c) { return c.contact_id() == id; });
      state.removed_contact_ids.insert(id);
      break;
    }
    case v1::CustomerEvent::kMergedInto:
      state.merged_into = event.merged_into().survivor_customer_id();
      break;
    case v1::CustomerEvent::kDuplicateAbsorbed: {
      const v1::CustomerDuplicateAbsorbed& e = event.duplicate_absorbed();
      state.absorbed_duplicate_ids.push_back(e.duplicate_customer_id());
      for (const std::string& phone : e.moved_phones()) state.profile.add_phones(phone);
      for (const v1::Contact& c : e.moved_contacts()) state.contacts.push_back(c);
      for (const std::string& key : e.moved_company_name_keys()) {
        state.absorbed_company_name_keys.push_back(key);
      }
      break;
    }
    case v1::CustomerEvent::kArchived:
      state.archived = true;
      break;
    case v1::CustomerEvent::kFollowUpLogged: {
      const v1::FollowUpLogged& e = event.follow_up_logged();
      state.follow_up_ids.insert(e.follow_up_id());
      // A call logged late (dated before the latest one) is history: the
      // customer's intent and next call stay those of the latest call (ties:
      // the one logged last), as the reports view counts them.
      if (e.occurred_us() >= state.last_follow_up_us) {
        state.intent = e.intent();
        state.next_follow_up_date = e.next_follow_up_date();
      }
      state.last_follow_up_us = std::max(state.last_follow_up_us, e.occurred_us());
      if (e.intent() == v1::INTENT_DEAL_CLOSED) state.won = true;
      break;
    }
    case v1::CustomerEvent::kNextFollowUpRescheduled:
      state.next_follow_up_date = event.next_follow_up_rescheduled().next_follow_up_date();
      break;
    case v1::CustomerEvent::EVENT_NOT_SET:
      break;
  }
}

}  // namespace crm::engine::domain
