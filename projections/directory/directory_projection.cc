#include "projections/directory/directory_projection.h"

#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "crm/v1/customer_events.pb.h"
#include "engine/domain/customer_state.h"
#include "engine/domain/event_codec.h"
#include "engine/status_macros.h"
#include "projections/directory/directory_keys.h"

namespace crm::projections::directory {
namespace {

constexpr absl::string_view kCustomerStream = "customer-";

engine::domain::CustomerState ToState(const DirectoryRow& row) {
  engine::domain::CustomerState s;
  s.exists = true;
  s.customer_id = row.customer_id();
  s.kind = row.kind();
  s.profile = row.profile();
  s.contacts.assign(row.contacts().begin(), row.contacts().end());
  s.tags.insert(row.tags().begin(), row.tags().end());
  s.owner_rep_id = row.owner_rep_id();
  s.archived = row.archived();
  s.merged_into = row.merged_into();
  s.grade = row.grade();
  return s;
}

DirectoryRow ToRow(const engine::domain::CustomerState& s) {
  DirectoryRow row;
  row.set_customer_id(s.customer_id);
  row.set_kind(s.kind);
  *row.mutable_profile() = s.profile;
  for (const v1::Contact& c : s.contacts) *row.add_contacts() = c;
  for (const std::string& t : s.tags) row.add_tags(t);  // std::set: sorted, deterministic
  row.set_owner_rep_id(s.owner_rep_id);
  row.set_archived(s.archived);
  row.set_merged_into(s.merged_into);
  row.set_grade(s.grade);
  return row;
}

}  // namespace

absl::Status DirectoryProjection::Apply(const engine::RecordedEvent& event, ViewWriter& view) {
  if (!absl::StartsWith(event.stream, kCustomerStream)) return absl::OkStatus();
  v1::CustomerEvent e;
  absl::Status decoded = engine::domain::DecodeEvent(event.type, event.data, e);
  if (absl::IsNotFound(decoded)) return absl::OkStatus();
  CRM_RETURN_IF_ERROR(decoded);
  switch (e.event_case()) {
    case v1::CustomerEvent::kFollowUpLogged:
    case v1::CustomerEvent::kNextFollowUpRescheduled:
    case v1::CustomerEvent::kLocked:
    case v1::CustomerEvent::kUnlocked:
      return absl::OkStatus();  // nothing the directory shows
    default:
      break;
  }
  const std::string id = event.stream.substr(kCustomerStream.size());
  const std::string key = keys::Customer(id);
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> bytes, view.Get(key));
  std::optional<DirectoryRow> old;
  if (bytes) {
    old.emplace();
    if (!old->ParseFromString(*bytes)) {
      return absl::DataLossError(absl::StrCat("directory row of customer ", id, " does not parse"));
    }
  } else if (e.event_case() != v1::CustomerEvent::kRegistered) {
    return absl::DataLossError(
        absl::StrCat(event.type, " at position ", event.position, " for unknown customer ", id));
  }
  engine::domain::CustomerState state = old ? ToState(*old) : engine::domain::CustomerState();
  engine::domain::Evolve(state, e);
  const DirectoryRow row = ToRow(state);

  const std::vector<std::string> new_keys = keys::IndexKeys(row);
  if (old) {
    const absl::flat_hash_set<std::string> keep(new_keys.begin(), new_keys.end());
    for (const std::string& k : keys::IndexKeys(*old)) {
      if (!keep.contains(k)) view.Delete(k);
    }
  }
  view.Put(key, row.SerializeAsString());
  for (const std::string& k : new_keys) view.Put(k, "");
  return absl::OkStatus();
}

}  // namespace crm::projections::directory
