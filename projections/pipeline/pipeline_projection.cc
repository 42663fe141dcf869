#include "projections/pipeline/pipeline_projection.h"

#include <algorithm>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "crm/v1/customer_events.pb.h"
#include "crm/v1/rep.pb.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/event_codec.h"
#include "engine/status_macros.h"
#include "projections/pipeline/pipeline_keys.h"
#include "projections/view_keys.h"

namespace crm::projections::pipeline {
namespace {

using engine::domain::CivilDayAt;
using engine::domain::ToCivilDay;

constexpr absl::string_view kCustomerStream = "customer-";
constexpr absl::string_view kRepStream = "rep-";

template <typename Row>
absl::StatusOr<std::optional<Row>> Load(const ViewWriter& view, const std::string& key) {
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> bytes, view.Get(key));
  if (!bytes) return std::nullopt;
  Row row;
  if (!row.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("pipeline row ", key, " does not parse"));
  }
  return row;
}

absl::Status AddToCounter(ViewWriter& view, const std::string& key, int delta) {
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> bytes, view.Get(key));
  int64_t n = bytes && bytes->size() == 4 ? view_keys::GetU32BE(*bytes) : 0;
  n += delta;
  if (n < 0) return absl::DataLossError(absl::StrCat("pipeline counter ", key, " went negative"));
  if (n == 0) {
    view.Delete(key);
  } else {
    view.Put(key, keys::U32(static_cast<uint32_t>(n)));
  }
  return absl::OkStatus();
}

// The owner that counts toward "n/": live and owned.
std::string CountedOwner(const CustomerRow* row) {
  if (row == nullptr || !keys::Live(*row)) return "";
  return row->owner_rep_id();
}

// Writes `row`, and of its index entries only those that appeared or moved
// since `old` (an entry is a bare key, so one in place needs no write:
// pipeline_keys.h says why that matters).
absl::Status Store(ViewWriter& view, const CustomerRow* old, const CustomerRow& row,
                   absl::TimeZone zone) {
  const std::vector<std::string> new_keys = keys::IndexKeys(row, zone);
  const std::vector<std::string> old_keys =
      old != nullptr ? keys::IndexKeys(*old, zone) : std::vector<std::string>();
  // At most four keys each, so a linear search.
  const auto has = [](const std::vector<std::string>& ks, const std::string& k) {
    return std::find(ks.begin(), ks.end(), k) != ks.end();
  };
  for (const std::string& k : old_keys) {
    if (!has(new_keys, k)) view.Delete(k);
  }
  for (const std::string& k : new_keys) {
    if (!has(old_keys, k)) view.Put(k, "");
  }
  view.Put(keys::Customer(row.customer_id()), row.SerializeAsString());
  // Per-intent counters cover the pool too (owner ""), like the indexes.
  const std::optional<std::string> intent_before =
      old != nullptr && keys::Live(*old)
          ? std::optional<std::string>(keys::IntentCount(old->owner_rep_id(), old->intent()))
          : std::nullopt;
  const std::optional<std::string> intent_after =
      keys::Live(row)
          ? std::optional<std::string>(keys::IntentCount(row.owner_rep_id(), row.intent()))
          : std::nullopt;
  if (intent_before != intent_after) {
    if (intent_before) CRM_RETURN_IF_ERROR(AddToCounter(view, *intent_before, -1));
    if (intent_after) CRM_RETURN_IF_ERROR(AddToCounter(view, *intent_after, +1));
  }
  const std::string before = CountedOwner(old);
  const std::string after = CountedOwner(&row);
  if (before != after) {
    if (!before.empty()) CRM_RETURN_IF_ERROR(AddToCounter(view, keys::OwnedCount(before), -1));
    if (!after.empty()) CRM_RETURN_IF_ERROR(AddToCounter(view, keys::OwnedCount(after), +1));
  }
  return absl::OkStatus();
}

void SetOwner(CustomerRow& row, const std::string& rep, int64_t at_us) {
  row.set_owner_rep_id(rep);
  row.set_owned_since_us(rep.empty() ? 0 : at_us);
}

void LoseOwner(CustomerRow& row, int64_t at_us, bool recycled) {
  row.set_last_lost_owner_rep_id(row.owner_rep_id());
  row.set_lost_us(at_us);
  row.set_lost_by_recycling(recycled);
  row.clear_owner_rep_id();
  row.set_owned_since_us(0);
}

// Keeps the two earliest follow-ups by occurred_us (ties: the one logged
// first), which is what the seed sheet's 首电 / 二电 columns record even when a
// call is logged late.
void AddCall(CustomerRow& row, const v1::FollowUpLogged& f) {
  CallRow call;
  call.set_follow_up_id(f.follow_up_id());
  call.set_occurred_us(f.occurred_us());
  call.set_intent(f.intent());
  call.set_rep_id(f.rep_id());
  call.set_channel(f.channel());
  const int count = row.follow_up_count();
  if (count == 0 || f.occurred_us() < row.first_call().occurred_us()) {
    if (count >= 1) *row.mutable_second_call() = row.first_call();
    *row.mutable_first_call() = call;
  } else if (count == 1 || f.occurred_us() < row.second_call().occurred_us()) {
    *row.mutable_second_call() = call;
  }
  row.set_follow_up_count(count + 1);
}

void SetNextFollowUp(CustomerRow& row, const v1::Date& date) {
  if (date.year() == 0) {
    row.set_has_next_follow_up(false);
    row.set_next_follow_up_day(0);
  } else {
    row.set_has_next_follow_up(true);
    row.set_next_follow_up_day(keys::DayNumber(ToCivilDay(date)));
  }
}

absl::Status ApplyCustomer(const engine::RecordedEvent& event, ViewWriter& view,
                           absl::TimeZone zone) {
  v1::CustomerEvent e;
  absl::Status decoded = engine::domain::DecodeEvent(event.type, event.data, e);
  if (absl::IsNotFound(decoded)) return absl::OkStatus();  // not a customer event we know
  CRM_RETURN_IF_ERROR(decoded);
  const std::string id = event.stream.substr(kCustomerStream.size());
  CRM_ASSIGN_OR_RETURN(std::optional<CustomerRow> old, Load<CustomerRow>(view, keys::Customer(id)));
  if (!old && e.event_case() != v1::CustomerEvent::kRegistered) {
    return absl::DataLossError(
        absl::StrCat(event.type, " at position ", event.position, " for unknown customer ", id));
  }
  CustomerRow row = old ? *old : CustomerRow();
  switch (e.event_case()) {
    case v1::CustomerEvent::kRegistered: {
      const v1::CustomerRegistered& r = e.registered();
      row.Clear();
      row.set_customer_id(id);
      row.set_company_name(r.profile().company_name());
      row.set_contact_person(r.profile().contact_person());
      row.set_intent(v1::INTENT_NOT_CONTACTED);
      row.set_registered_us(r.registered_us());
      SetOwner(row, r.owner_rep_id(), r.registered_us());
      break;
    }
    case v1::CustomerEvent::kProfileChanged: {
      const v1::CustomerProfileChanged& c = e.profile_changed();
      for (const std::string& path : c.changed_fields().paths()) {
        if (path == "company_name") row.set_company_name(c.profile().company_name());
        if (path == "contact_person") row.set_contact_person(c.profile().contact_person());
      }
      break;
    }
    case v1::CustomerEvent::kOwnerAssigned:
      SetOwner(row, e.owner_assigned().owner_rep_id(), e.owner_assigned().assigned_us());
      break;
    case v1::CustomerEvent::kReleasedToPool:
      LoseOwner(row, e.released_to_pool().released_us(), /*recycled=*/false);
      break;
    case v1::CustomerEvent::kClaimedFromPool: {
      const v1::CustomerClaimedFromPool& c = e.claimed_from_pool();
      SetOwner(row, c.rep_id(), c.claimed_us());
      const int32_t day = c.claimed_on().year() != 0
                              ? keys::DayNumber(ToCivilDay(c.claimed_on()))
                              : keys::DayNumber(CivilDayAt(c.claimed_us(), zone));
      CRM_RETURN_IF_ERROR(AddToCounter(view, keys::Claims(c.rep_id(), day), +1));
      break;
    }
    case v1::CustomerEvent::kRecycledToPool: {
      const v1::CustomerRecycledToPool& r = e.recycled_to_pool();
      LoseOwner(row, r.recycled_us(), /*recycled=*/true);
      RecycledRow rec;
      rec.set_customer_id(id);
      rec.set_previous_owner_rep_id(r.previous_owner_rep_id());
      rec.set_recycled_us(r.recycled_us());
      rec.set_last_activity_us(r.last_activity_us());
      rec.set_days_without_follow_up(r.days_without_follow_up());
      const std::string value = rec.SerializeAsString();
      view.Put(keys::RecycledByOwner(r.previous_owner_rep_id(), r.recycled_us(), id), value);
      view.Put(keys::Recycled(r.recycled_us(), id), value);
      break;
    }
    case v1::CustomerEvent::kLocked:
      row.set_locked(true);
      break;
    case v1::CustomerEvent::kUnlocked:
      row.set_locked(false);
      break;
    case v1::CustomerEvent::kMergedInto:
      row.set_merged_into(e.merged_into().survivor_customer_id());
      break;
    case v1::CustomerEvent::kArchived:
      row.set_archived(true);
      break;
    case v1::CustomerEvent::kFollowUpLogged: {
      const v1::FollowUpLogged& f = e.follow_up_logged();
      // A call logged late (dated before the latest one) does not replace
      // the latest call's intent and next call (as CustomerState).
      if (f.occurred_us() >= row.last_contact_us()) {
        row.set_intent(f.intent());
        SetNextFollowUp(row, f.next_follow_up_date());
      }
      row.set_last_contact_us(std::max(row.last_contact_us(), f.occurred_us()));
      if (f.intent() == v1::INTENT_DEAL_CLOSED) row.set_won(true);
      AddCall(row, f);
      break;
    }
    case v1::CustomerEvent::kNextFollowUpRescheduled:
      SetNextFollowUp(row, e.next_follow_up_rescheduled().next_follow_up_date());
      break;
    default:
      return absl::OkStatus();  // tags, contacts, classification: not shown here
  }
  return Store(view, old ? &*old : nullptr, row, zone);
}

absl::Status ApplyRep(const engine::RecordedEvent& event, ViewWriter& view) {
  v1::RepEvent e;
  absl::Status decoded = engine::domain::DecodeEvent(event.type, event.data, e);
  if (absl::IsNotFound(decoded)) return absl::OkStatus();
  CRM_RETURN_IF_ERROR(decoded);
  if (!absl::StartsWith(event.stream, kRepStream)) return absl::OkStatus();
  const std::string key = keys::Rep(event.stream.substr(kRepStream.size()));
  CRM_ASSIGN_OR_RETURN(std::optional<RepRow> old, Load<RepRow>(view, key));
  RepRow row = old ? *old : RepRow();
  switch (e.event_case()) {
    case v1::RepEvent::kRegistered:
      row.set_name(e.registered().name());
      row.set_team_id(e.registered().team_id());
      break;
    case v1::RepEvent::kMovedToTeam:
      row.set_team_id(e.moved_to_team().to_team_id());
      break;
    case v1::RepEvent::kDeactivated:
      row.set_deactivated(true);
      break;
    case v1::RepEvent::EVENT_NOT_SET:
      return absl::OkStatus();
  }
  view.Put(key, row.SerializeAsString());
  return absl::OkStatus();
}

absl::Status ApplyTeam(const engine::RecordedEvent& event, ViewWriter& view) {
  v1::TeamEvent e;
  absl::Status decoded = engine::domain::DecodeEvent(event.type, event.data, e);
  if (absl::IsNotFound(decoded)) return absl::OkStatus();
  CRM_RETURN_IF_ERROR(decoded);
  if (e.event_case() != v1::TeamEvent::kCreated) return absl::OkStatus();
  TeamRow row;
  row.set_name(e.created().name());
  row.set_parent_team_id(e.created().parent_team_id());
  view.Put(keys::Team(e.created().team_id()), row.SerializeAsString());
  return absl::OkStatus();
}

}  // namespace

PipelineProjection::PipelineProjection(absl::TimeZone zone) : zone_(zone) {}

std::vector<std::string> PipelineProjection::event_types() const {
  return {"crm.v1.Customer", "crm.v1.FollowUpLogged", "crm.v1.NextFollowUpRescheduled",
          "crm.v1.Rep", "crm.v1.Team"};
}

absl::Status PipelineProjection::Apply(const engine::RecordedEvent& event, ViewWriter& view) {
  if (absl::StartsWith(event.stream, kCustomerStream)) return ApplyCustomer(event, view, zone_);
  if (absl::StartsWith(event.type, "crm.v1.Rep")) return ApplyRep(event, view);
  if (absl::StartsWith(event.type, "crm.v1.Team")) return ApplyTeam(event, view);
  return absl::OkStatus();
}

}  // namespace crm::projections::pipeline
