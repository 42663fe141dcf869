#include "service/customer_view.h"

#include "google/protobuf/util/time_util.h"

namespace crm::service {
namespace {

void SetTime(int64_t us, google::protobuf::Timestamp* out) {
  *out = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(us);
}

}  // namespace

v1::Customer ToCustomerView(const engine::domain::CustomerState& s, engine::Revision revision) {
  v1::Customer c;
  c.set_customer_id(s.customer_id);
  c.set_kind(s.kind);
  *c.mutable_profile() = s.profile;
  c.set_grade(s.grade);
  for (const std::string& t : s.tags) c.add_tags(t);
  c.set_owner_rep_id(s.owner_rep_id);
  if (s.owned_since_us > 0) SetTime(s.owned_since_us, c.mutable_owned_since());
  c.set_locked(s.locked);
  for (const v1::Contact& contact : s.contacts) {
    if (!s.removed_contact_ids.contains(contact.contact_id())) *c.add_contacts() = contact;
  }
  c.set_intent(s.intent);
  if (s.last_follow_up_us > 0) SetTime(s.last_follow_up_us, c.mutable_last_follow_up_time());
  if (s.next_follow_up_date.year() != 0) *c.mutable_next_follow_up_date() = s.next_follow_up_date;
  c.set_won(s.won);
  c.set_archived(s.archived);
  c.set_merged_into(s.merged_into);
  for (const std::string& id : s.absorbed_duplicate_ids) c.add_absorbed_duplicate_ids(id);
  c.set_revision(revision);
  c.set_follow_up_count(static_cast<uint32_t>(s.follow_up_ids.size()));
  for (const std::string& id : s.follow_up_ids) c.add_follow_up_ids(id);  // a set: sorted
  return c;
}

}  // namespace crm::service
