#include "projections/history/event_summary.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "engine/domain/display_words.h"
#include "engine/domain/money.h"
#include "google/protobuf/descriptor.h"

namespace crm::projections::history {
namespace {

using engine::domain::FormatMinorUnitsGrouped;

std::string Money(const v1::Money& m) {
  return FormatMinorUnitsGrouped(m.minor_units(), m.currency_code());
}

// The shared words (display_words.h); a value added to an enum after this
// code shows as its number rather than as nothing.
std::string Word(const char* word, absl::string_view kind, int value) {
  return word != nullptr ? std::string(word) : absl::StrCat(kind, " ", value);
}

std::string ChannelWord(v1::FollowUpChannel channel) {
  return Word(engine::domain::ChannelWord(channel), "channel", channel);
}

std::string IntentWord(v1::Intent intent) {
  return Word(engine::domain::IntentWord(intent), "intent", intent);
}

std::string StageWord(v1::OpportunityStage stage) {
  return Word(engine::domain::StageWord(stage), "stage", stage);
}

// REQUIRES: d is set (year != 0).
std::string Day(const v1::Date& d) {
  return absl::StrCat(d.year(), "-", d.month() < 10 ? "0" : "", d.month(), "-",
                      d.day() < 10 ? "0" : "", d.day());
}

std::string Owner(const std::string& rep) { return rep.empty() ? "the public pool" : rep; }

// A profile field's new value as a person reads it: text as is, a list
// joined, an address or invoice block as its parts in order.
std::string FieldText(const google::protobuf::Message& m,
                      const google::protobuf::FieldDescriptor& f) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection& r = *m.GetReflection();
  if (f.is_repeated()) {
    if (f.cpp_type() != FieldDescriptor::CPPTYPE_STRING) return "(changed)";
    std::vector<std::string> values;
    for (int i = 0; i < r.FieldSize(m, &f); ++i) values.push_back(r.GetRepeatedString(m, &f, i));
    return values.empty() ? "(none)" : absl::StrJoin(values, ", ");
  }
  if (f.cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    const std::string v = r.GetString(m, &f);
    return v.empty() ? "(cleared)" : v;
  }
  if (f.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    const google::protobuf::Message& sub = r.GetMessage(m, &f);
    std::vector<std::string> parts;
    for (int i = 0; i < sub.GetDescriptor()->field_count(); ++i) {
      const FieldDescriptor& part = *sub.GetDescriptor()->field(i);
      if (part.is_repeated() || part.cpp_type() != FieldDescriptor::CPPTYPE_STRING) continue;
      if (std::string v = sub.GetReflection()->GetString(sub, &part); !v.empty()) {
        parts.push_back(std::move(v));
      }
    }
    return parts.empty() ? "(cleared)" : absl::StrJoin(parts, " ");
  }
  return "(changed)";
}

// "company name -> 恒达贸易; phones -> 13800138000, 13900139000": the fields
// the event names, with their new values, so an auditor sees what changed
// without replaying the stream.
std::string ProfileChanges(const v1::CustomerProfileChanged& c) {
  std::vector<std::string> parts;
  for (const std::string& path : c.changed_fields().paths()) {
    const std::string name = absl::StrReplaceAll(path, {{"_", " "}});
    const google::protobuf::FieldDescriptor* f =
        v1::CustomerProfile::descriptor()->FindFieldByName(path);
    parts.push_back(f == nullptr ? name : absl::StrCat(name, " -> ", FieldText(c.profile(), *f)));
  }
  return parts.empty() ? "nothing named" : absl::StrJoin(parts, "; ");
}

}  // namespace

std::string Summarise(const v1::CustomerEvent& e) {
  switch (e.event_case()) {
    case v1::CustomerEvent::kRegistered:
      return absl::StrCat("registered ", e.registered().profile().company_name(), ", owner ",
                          Owner(e.registered().owner_rep_id()));
    case v1::CustomerEvent::kProfileChanged:
      return absl::StrCat("profile changed: ", ProfileChanges(e.profile_changed()));
    case v1::CustomerEvent::kClassified:
      return absl::StrCat("classified: grade ", e.classified().grade(), ", industry ",
                          e.classified().industry(), ", size ", e.classified().size());
    case v1::CustomerEvent::kTagged:
      return absl::StrCat("tagged ", e.tagged().tag());
    case v1::CustomerEvent::kUntagged:
      return absl::StrCat("untagged ", e.untagged().tag());
    case v1::CustomerEvent::kOwnerAssigned:
      return absl::StrCat("owner ", Owner(e.owner_assigned().previous_owner_rep_id()), " -> ",
                          e.owner_assigned().owner_rep_id(), " (", e.owner_assigned().reason(),
                          ")");
    case v1::CustomerEvent::kReleasedToPool:
      return absl::StrCat("released to the public pool by ",
                          e.released_to_pool().previous_owner_rep_id());
    case v1::CustomerEvent::kClaimedFromPool:
      return absl::StrCat("claimed from the public pool by ", e.claimed_from_pool().rep_id());
    case v1::CustomerEvent::kRecycledToPool:
      return absl::StrCat("recycled to the public pool from ",
                          e.recycled_to_pool().previous_owner_rep_id(), " after ",
                          e.recycled_to_pool().days_without_follow_up(), " days without follow-up");
    case v1::CustomerEvent::kLocked:
      return absl::StrCat("locked (", e.locked().reason(), ")");
    case v1::CustomerEvent::kUnlocked:
      return absl::StrCat("unlocked (", e.unlocked().reason(), ")");
    case v1::CustomerEvent::kContactAdded:
      return absl::StrCat("contact ", e.contact_added().contact().name(), " added");
    case v1::CustomerEvent::kContactChanged:
      return absl::StrCat("contact ", e.contact_changed().contact().name(), " changed");
    case v1::CustomerEvent::kContactRemoved:
      return absl::StrCat("contact ", e.contact_removed().contact_id(), " removed");
    case v1::CustomerEvent::kMergedInto:
      return absl::StrCat("merged into ", e.merged_into().survivor_customer_id());
    case v1::CustomerEvent::kDuplicateAbsorbed:
      return absl::StrCat("absorbed duplicate ", e.duplicate_absorbed().duplicate_customer_id());
    case v1::CustomerEvent::kArchived:
      return absl::StrCat("archived (", e.archived().reason(), ")");
    case v1::CustomerEvent::kFollowUpLogged: {
      const v1::FollowUpLogged& f = e.follow_up_logged();
      return absl::StrCat("follow-up ", f.follow_up_id(), " by ", f.rep_id(), " via ",
                          ChannelWord(f.channel()), ": ", IntentWord(f.intent()),
                          f.next_follow_up_date().year() == 0
                              ? ""
                              : absl::StrCat(", next call ", Day(f.next_follow_up_date())));
    }
    case v1::CustomerEvent::kNextFollowUpRescheduled: {
      const v1::NextFollowUpRescheduled& r = e.next_follow_up_rescheduled();
      const std::string why = r.reason().empty() ? "" : absl::StrCat(" (", r.reason(), ")");
      if (r.next_follow_up_date().year() == 0) return absl::StrCat("next call cancelled", why);
      return absl::StrCat("next call moved to ", Day(r.next_follow_up_date()), why);
    }
    case v1::CustomerEvent::EVENT_NOT_SET:
      break;
  }
  return "unknown customer event";
}

std::string Summarise(const v1::OrderEvent& e, const std::string& order_id) {
  switch (e.event_case()) {
    case v1::OrderEvent::kPlaced:
      return absl::StrCat("order ", order_id, " (contract ", e.placed().contract_number(),
                          ") placed: ", Money(e.placed().amount()), ", rep ", e.placed().rep_id());
    case v1::OrderEvent::kApproved:
      return absl::StrCat("order ", order_id, " approved by ", e.approved().approver());
    case v1::OrderEvent::kShipped:
      return absl::StrCat("order ", order_id, " shipped (", e.shipped().shipment_reference(), ")");
    case v1::OrderEvent::kCancelled:
      return absl::StrCat("order ", order_id, " cancelled (", e.cancelled().reason(), ")");
    case v1::OrderEvent::kAmended:
      return absl::StrCat("order ", order_id, " amended: ", Money(e.amended().amount()));
    case v1::OrderEvent::kPaymentRecorded:
      return absl::StrCat("payment ", e.payment_recorded().payment_id(), " of ",
                          Money(e.payment_recorded().amount()), " on order ", order_id);
    case v1::OrderEvent::kPaymentReversed:
      return absl::StrCat("payment ", e.payment_reversed().payment_id(), " on order ", order_id,
                          " reversed: ", Money(e.payment_reversed().amount()), " (",
                          e.payment_reversed().reason(), ")");
    case v1::OrderEvent::EVENT_NOT_SET:
      break;
  }
  return "unknown order event";
}

std::string Summarise(const v1::OpportunityEvent& e, const std::string& opportunity_id) {
  switch (e.event_case()) {
    case v1::OpportunityEvent::kOpened:
      return absl::StrCat("opportunity ", opportunity_id,
                          " opened: ", StageWord(e.opened().stage()), ", expected ",
                          Money(e.opened().expected_amount()));
    case v1::OpportunityEvent::kStageChanged:
      return absl::StrCat("opportunity ", opportunity_id, " stage ",
                          StageWord(e.stage_changed().from_stage()), " -> ",
                          StageWord(e.stage_changed().to_stage()));
    case v1::OpportunityEvent::kRevised:
      return absl::StrCat("opportunity ", opportunity_id, " revised: expected ",
                          Money(e.revised().expected_amount()));
    case v1::OpportunityEvent::kWon:
      return absl::StrCat("opportunity ", opportunity_id, " won (order ", e.won().order_id(), ")");
    case v1::OpportunityEvent::kLost:
      return absl::StrCat("opportunity ", opportunity_id, " lost (", e.lost().reason(), ")");
    case v1::OpportunityEvent::EVENT_NOT_SET:
      break;
  }
  return "unknown opportunity event";
}

}  // namespace crm::projections::history
