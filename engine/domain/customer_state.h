// CustomerState: what the customer decider needs to know about one customer,
// folded from the events of its stream "customer-<id>".
//
// Thread-safety: a value type.
#ifndef CRM_ENGINE_DOMAIN_CUSTOMER_STATE_H_
#define CRM_ENGINE_DOMAIN_CUSTOMER_STATE_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "crm/v1/customer_events.pb.h"
#include "crm/v1/customer_types.pb.h"

namespace crm::engine::domain {

struct CustomerState {
  // False until CustomerRegistered: the stream does not exist.
  bool exists = false;
  std::string customer_id;
  v1::CustomerKind kind = v1::CUSTOMER_KIND_UNSPECIFIED;
  v1::CustomerProfile profile;
  std::string grade;
  std::set<std::string> tags;
  bool duplicate_allowed = false;

  // Ownership. An empty owner means the customer is in the public pool.
  std::string owner_rep_id;
  // When the current owner got it (registration, assignment or claim).
  int64_t owned_since_us = 0;
  // The last rep that lost it (release or recycle) and when: the reclaim
  // cooldown applies to that rep.
  std::string last_lost_owner_rep_id;
  int64_t lost_us = 0;
  bool locked = false;

  // Contacts in the order they were added.
  std::vector<v1::Contact> contacts;
  std::set<std::string> removed_contact_ids;

  // Follow-ups.
  std::set<std::string> follow_up_ids;
  int64_t last_follow_up_us = 0;
  v1::Intent intent = v1::INTENT_NOT_CONTACTED;
  // True once any follow-up closed a deal: a won customer is never recycled.
  bool won = false;
  // Unset (all zero) when no follow-up is planned.
  v1::Date next_follow_up_date;

  // Lifecycle.
  bool archived = false;
  // Set when this customer was merged into another; it is then closed.
  std::string merged_into;
  std::vector<std::string> absorbed_duplicate_ids;
  // Normalised company names taken over from merged duplicates.
  std::vector<std::string> absorbed_company_name_keys;

  // The contact with `contact_id`, or nullptr.
  const v1::Contact* FindContact(const std::string& contact_id) const;
};

// Applies one event. Pure and total: an event that does not fit the state
// (which the decider never emits) is applied as far as it makes sense, so a
// replay never fails on history.
void Evolve(CustomerState& state, const v1::CustomerEvent& event);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_CUSTOMER_STATE_H_
