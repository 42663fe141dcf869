#include "engine/domain/customer_decider.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/domain/customer_validation.h"
#include "engine/domain/field_validation.h"
#include "engine/status_macros.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/message_differencer.h"

namespace crm::engine::domain {
namespace {

using Events = std::vector<v1::CustomerEvent>;
using google::protobuf::util::FieldMaskUtil;
using google::protobuf::util::MessageDifferencer;

Events One(v1::CustomerEvent event) {
  Events events;
  events.push_back(std::move(event));
  return events;
}

// The refusals every command but RegisterCustomer shares: the customer must
// exist, must not have been merged away, and must not be archived.
absl::Status CheckLive(const CustomerState& state, const std::string& id) {
  if (!state.exists) return absl::NotFoundError(absl::StrCat("customer ", id, " not found"));
  if (!state.merged_into.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("customer ", id, " was merged into customer ",
                                                      state.merged_into, "; use ",
                                                      state.merged_into));
  }
  if (state.archived) {
    return absl::FailedPreconditionError(absl::StrCat("customer ", id, " is archived"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Events> Register(const v1::CommandContext& ctx, const v1::RegisterCustomer& cmd,
                                const CustomerState& state) {
  if (cmd.kind() != v1::CUSTOMER_KIND_COMPANY && cmd.kind() != v1::CUSTOMER_KIND_PERSON) {
    return absl::InvalidArgumentError("register.kind: must be COMPANY or PERSON");
  }
  CRM_RETURN_IF_ERROR(ValidateProfile("register.profile", cmd.kind(), cmd.profile()));
  if (!cmd.owner_rep_id().empty()) {
    CRM_RETURN_IF_ERROR(ValidateId("register.owner_rep_id", cmd.owner_rep_id()));
  }
  std::set<std::string> tags;
  for (int i = 0; i < cmd.tags_size(); ++i) {
    CRM_ASSIGN_OR_RETURN(std::string tag,
                         CanonicalTag(absl::StrCat("register.tags[", i, "]"), cmd.tags(i)));
    tags.insert(std::move(tag));
  }
  if (state.exists) {
    return absl::AlreadyExistsError(
        absl::StrCat("customer ", cmd.customer_id(), " already exists"));
  }
  v1::CustomerEvent event;
  v1::CustomerRegistered* e = event.mutable_registered();
  e->set_customer_id(cmd.customer_id());
  e->set_kind(cmd.kind());
  *e->mutable_profile() = cmd.profile();
  e->set_owner_rep_id(cmd.owner_rep_id());
  for (const std::string& tag : tags) e->add_tags(tag);
  e->set_duplicate_allowed(cmd.allow_duplicate());
  e->set_registered_us(ctx.now_us());
  return One(std::move(event));
}

absl::StatusOr<Events> UpdateProfile(const v1::UpdateCustomerProfile& cmd,
                                     const CustomerState& state) {
  if (cmd.update_mask().paths().empty()) {
    return absl::InvalidArgumentError("update_profile.update_mask: names no field");
  }
  const google::protobuf::Descriptor* descriptor = v1::CustomerProfile::descriptor();
  for (const std::string& path : cmd.update_mask().paths()) {
    // Top-level fields only: a phone list or an address changes as a whole.
    if (descriptor->FindFieldByName(path) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("update_profile.update_mask: \"", path,
                                                     "\" is not a field of CustomerProfile"));
    }
  }
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  v1::CustomerProfile merged = state.profile;
  FieldMaskUtil::MergeMessageTo(cmd.profile(), cmd.update_mask(), options, &merged);
  CRM_RETURN_IF_ERROR(ValidateProfile("update_profile.profile", state.kind, merged));

  // Only the fields whose value really changes go into the event.
  v1::CustomerEvent event;
  v1::CustomerProfileChanged* e = event.mutable_profile_changed();
  std::set<std::string> seen;
  for (const std::string& path : cmd.update_mask().paths()) {
    if (!seen.insert(path).second) continue;
    google::protobuf::FieldMask one;
    one.add_paths(path);
    v1::CustomerProfile before, after;
    FieldMaskUtil::MergeMessageTo(state.profile, one, options, &before);
    FieldMaskUtil::MergeMessageTo(merged, one, options, &after);
    if (MessageDifferencer::Equals(before, after)) continue;
    e->mutable_changed_fields()->add_paths(path);
    FieldMaskUtil::MergeMessageTo(merged, one, options, e->mutable_profile());
  }
  if (e->changed_fields().paths().empty()) return Events{};
  return One(std::move(event));
}

absl::StatusOr<Events> Classify(const v1::ClassifyCustomer& cmd, const CustomerState& state) {
  CRM_RETURN_IF_ERROR(ValidateOptionalText("classify.grade", cmd.grade(), 16));
  CRM_RETURN_IF_ERROR(ValidateOptionalText("classify.industry", cmd.industry(), 64));
  CRM_RETURN_IF_ERROR(ValidateOptionalText("classify.size", cmd.size(), 64));
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  if (state.grade == cmd.grade() && state.profile.industry() == cmd.industry() &&
      state.profile.size() == cmd.size()) {
    return Events{};
  }
  v1::CustomerEvent event;
  event.mutable_classified()->set_grade(cmd.grade());
  event.mutable_classified()->set_industry(cmd.industry());
  event.mutable_classified()->set_size(cmd.size());
  return One(std::move(event));
}

absl::StatusOr<Events> Tag(const v1::TagCustomer& cmd, const CustomerState& state) {
  CRM_ASSIGN_OR_RETURN(std::string tag, CanonicalTag("tag.tag", cmd.tag()));
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  if (state.tags.contains(tag)) return Events{};
  v1::CustomerEvent event;
  event.mutable_tagged()->set_tag(tag);
  return One(std::move(event));
}

absl::StatusOr<Events> Untag(const v1::UntagCustomer& cmd, const CustomerState& state) {
  CRM_ASSIGN_OR_RETURN(std::string tag, CanonicalTag("untag.tag", cmd.tag()));
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  if (!state.tags.contains(tag)) return Events{};
  v1::CustomerEvent event;
  event.mutable_untagged()->set_tag(tag);
  return One(std::move(event));
}

absl::StatusOr<Events> AssignOwner(const v1::CommandContext& ctx,
                                   const v1::AssignCustomerOwner& cmd, const CustomerState& state) {
  CRM_RETURN_IF_ERROR(ValidateId("assign_owner.owner_rep_id", cmd.owner_rep_id()));
  CRM_RETURN_IF_ERROR(ValidateOptionalText("assign_owner.reason", cmd.reason(), 500));
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  if (state.owner_rep_id == cmd.owner_rep_id()) return Events{};
  v1::CustomerEvent event;
  v1::CustomerOwnerAssigned* e = event.mutable_owner_assigned();
  e->set_owner_rep_id(cmd.owner_rep_id());
  e->set_previous_owner_rep_id(state.owner_rep_id);
  e->set_reason(cmd.reason());
  e->set_assigned_us(ctx.now_us());
  return One(std::move(event));
}

absl::StatusOr<Events> Release(const v1::CommandContext& ctx, const v1::ReleaseCustomerToPool& cmd,
                               const CustomerState& state) {
  CRM_RETURN_IF_ERROR(ValidateOptionalText("release_to_pool.reason", cmd.reason(), 500));
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  if (state.owner_rep_id.empty()) return Events{};  // already in the pool
  if (state.locked) {
    return absl::FailedPreconditionError(
        absl::StrCat("customer ", cmd.customer_id(), " is locked; unlock it before releasing it"));
  }
  v1::CustomerEvent event;
  v1::CustomerReleasedToPool* e = event.mutable_released_to_pool();
  e->set_previous_owner_rep_id(state.owner_rep_id);
  e->set_reason(cmd.reason());
  e->set_released_us(ctx.now_us());
  return One(std::move(event));
}

absl::StatusOr<Events> Claim(const v1::CommandContext& ctx, const v1::ClaimCustomerFromPool& cmd,
                             const CustomerState& state, const CustomerEnvironment& env) {
  CRM_RETURN_IF_ERROR(ValidateId("claim_from_pool.rep_id", cmd.rep_id()));
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  if (state.owner_rep_id == cmd.rep_id()) return Events{};
  if (!state.owner_rep_id.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("customer ", cmd.customer_id(),
                                                      " is not in the public pool: rep ",
                                                      state.owner_rep_id, " owns it"));
  }
  CRM_RETURN_IF_ERROR(
      CheckClaim(env.pool_rules, state, cmd.rep_id(), env.claimant, ctx.now_us(), env.zone));
  v1::CustomerEvent event;
  v1::CustomerClaimedFromPool* e = event.mutable_claimed_from_pool();
  e->set_rep_id(cmd.rep_id());
  *e->mutable_claimed_on() = ToDate(CivilDayAt(ctx.now_us(), env.zone));
  e->set_claimed_us(ctx.now_us());
  return One(std::move(event));
}

absl::StatusOr<Events> Lock(const v1::LockCustomer& cmd, const CustomerState& state) {
  CRM_RETURN_IF_ERROR(ValidateOptionalText("lock.reason", cmd.reason(), 500));
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  if (state.locked) return Events{};
  v1::CustomerEvent event;
  event.mutable_locked()->set_reason(cmd.reason());
  return One(std::move(event));
}

absl::StatusOr<Events> Unlock(const v1::UnlockCustomer& cmd, const CustomerState& state) {
  CRM_RETURN_IF_ERROR(ValidateOptionalText("unlock.reason", cmd.reason(), 500));
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  if (!state.locked) return Events{};
  v1::CustomerEvent event;
  event.mutable_unlocked()->set_reason(cmd.reason());
  return One(std::move(event));
}

absl::StatusOr<Events> AddContact(const v1::AddContact& cmd, const CustomerState& state) {
  CRM_RETURN_IF_ERROR(ValidateContact("add_contact.contact", cmd.contact()));
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  if (const v1::Contact* existing = state.FindContact(cmd.contact().contact_id())) {
    if (MessageDifferencer::Equals(*existing, cmd.contact())) return Events{};
    return absl::AlreadyExistsError(absl::StrCat(
        "contact ", cmd.contact().contact_id(), " already exists on customer ", cmd.customer_id()));
  }
  v1::CustomerEvent event;
  *event.mutable_contact_added()->mutable_contact() = cmd.contact();
  return One(std::move(event));
}

absl::StatusOr<Events> ChangeContact(const v1::ChangeContact& cmd, const CustomerState& state) {
  CRM_RETURN_IF_ERROR(ValidateContact("change_contact.contact", cmd.contact()));
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  const v1::Contact* existing = state.FindContact(cmd.contact().contact_id());
  if (existing == nullptr) {
    return absl::NotFoundError(absl::StrCat("contact ", cmd.contact().contact_id(),
                                            " not found on customer ", cmd.customer_id()));
  }
  if (MessageDifferencer::Equals(*existing, cmd.contact())) return Events{};
  v1::CustomerEvent event;
  *event.mutable_contact_changed()->mutable_contact() = cmd.contact();
  return One(std::move(event));
}

absl::StatusOr<Events> RemoveContact(const v1::RemoveContact& cmd, const CustomerState& state) {
  CRM_RETURN_IF_ERROR(ValidateId("remove_contact.contact_id", cmd.contact_id()));
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  if (state.FindContact(cmd.contact_id()) == nullptr) {
    if (state.removed_contact_ids.contains(cmd.contact_id())) return Events{};
    return absl::NotFoundError(
        absl::StrCat("contact ", cmd.contact_id(), " not found on customer ", cmd.customer_id()));
  }
  v1::CustomerEvent event;
  event.mutable_contact_removed()->set_contact_id(cmd.contact_id());
  return One(std::move(event));
}

absl::StatusOr<Events> Archive(const v1::ArchiveCustomer& cmd, const CustomerState& state) {
  CRM_RETURN_IF_ERROR(ValidateOptionalText("archive.reason", cmd.reason(), 500));
  if (state.exists && state.archived && state.merged_into.empty()) return Events{};
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  v1::CustomerEvent event;
  event.mutable_archived()->set_reason(cmd.reason());
  return One(std::move(event));
}

absl::StatusOr<Events> LogFollowUp(const v1::CommandContext& ctx, const v1::LogFollowUp& cmd,
                                   const CustomerState& state) {
  CRM_RETURN_IF_ERROR(ValidateId("log_follow_up.follow_up_id", cmd.follow_up_id()));
  if (cmd.channel() == v1::FOLLOW_UP_CHANNEL_UNSPECIFIED ||
      !v1::FollowUpChannel_IsValid(cmd.channel())) {
    return absl::InvalidArgumentError("log_follow_up.channel: is required");
  }
  if (cmd.occurred_us() <= 0) {
    return absl::InvalidArgumentError("log_follow_up.occurred_us: must be > 0");
  }
  if (cmd.occurred_us() > ctx.now_us()) {
    return absl::InvalidArgumentError("log_follow_up.occurred_us: is in the future");
  }
  CRM_RETURN_IF_ERROR(ValidateId("log_follow_up.rep_id", cmd.rep_id()));
  if (cmd.intent() == v1::INTENT_UNSPECIFIED || cmd.intent() == v1::INTENT_NOT_CONTACTED ||
      !v1::Intent_IsValid(cmd.intent())) {
    return absl::InvalidArgumentError(
        "log_follow_up.intent: must be INTERESTED, CONSIDERING, REFUSED or DEAL_CLOSED");
  }
  CRM_RETURN_IF_ERROR(ValidateOptionalText("log_follow_up.notes", cmd.notes(), 4000));
  if (IsSet(cmd.next_follow_up_date())) {
    CRM_RETURN_IF_ERROR(
        ValidateDate("log_follow_up.next_follow_up_date", cmd.next_follow_up_date()));
  }
  if (!cmd.contact_id().empty()) {
    CRM_RETURN_IF_ERROR(ValidateId("log_follow_up.contact_id", cmd.contact_id()));
  }
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  if (!cmd.contact_id().empty() && state.FindContact(cmd.contact_id()) == nullptr) {
    return absl::NotFoundError(absl::StrCat("log_follow_up.contact_id: contact ", cmd.contact_id(),
                                            " not found on customer ", cmd.customer_id()));
  }
  if (state.follow_up_ids.contains(cmd.follow_up_id())) {
    return absl::AlreadyExistsError(absl::StrCat(
        "follow-up ", cmd.follow_up_id(), " is already logged on customer ", cmd.customer_id()));
  }
  v1::CustomerEvent event;
  v1::FollowUpLogged* e = event.mutable_follow_up_logged();
  e->set_follow_up_id(cmd.follow_up_id());
  e->set_channel(cmd.channel());
  e->set_occurred_us(cmd.occurred_us());
  e->set_rep_id(cmd.rep_id());
  e->set_intent(cmd.intent());
  e->set_notes(cmd.notes());
  if (IsSet(cmd.next_follow_up_date())) {
    *e->mutable_next_follow_up_date() = cmd.next_follow_up_date();
  }
  e->set_contact_id(cmd.contact_id());
  return One(std::move(event));
}

absl::StatusOr<Events> Reschedule(const v1::RescheduleNextFollowUp& cmd,
                                  const CustomerState& state) {
  if (IsSet(cmd.next_follow_up_date())) {
    CRM_RETURN_IF_ERROR(
        ValidateDate("reschedule_next_follow_up.next_follow_up_date", cmd.next_follow_up_date()));
  }
  CRM_RETURN_IF_ERROR(ValidateOptionalText("reschedule_next_follow_up.reason", cmd.reason(), 500));
  CRM_RETURN_IF_ERROR(CheckLive(state, cmd.customer_id()));
  if (MessageDifferencer::Equals(state.next_follow_up_date, cmd.next_follow_up_date())) {
    return Events{};
  }
  v1::CustomerEvent event;
  v1::NextFollowUpRescheduled* e = event.mutable_next_follow_up_rescheduled();
  if (IsSet(cmd.next_follow_up_date())) {
    *e->mutable_next_follow_up_date() = cmd.next_follow_up_date();
  }
  e->set_reason(cmd.reason());
  return One(std::move(event));
}

}  // namespace

const std::string& TargetCustomerId(const v1::CustomerCommand& c) {
  static const std::string* const kEmpty = new std::string();
  switch (c.command_case()) {
    case v1::CustomerCommand::kRegister:
      return c.register_().customer_id();
    case v1::CustomerCommand::kUpdateProfile:
      return c.update_profile().customer_id();
    case v1::CustomerCommand::kClassify:
      return c.classify().customer_id();
    case v1::CustomerCommand::kTag:
      return c.tag().customer_id();
    case v1::CustomerCommand::kUntag:
      return c.untag().customer_id();
    case v1::CustomerCommand::kAssignOwner:
      return c.assign_owner().customer_id();
    case v1::CustomerCommand::kReleaseToPool:
      return c.release_to_pool().customer_id();
    case v1::CustomerCommand::kClaimFromPool:
      return c.claim_from_pool().customer_id();
    case v1::CustomerCommand::kLock:
      return c.lock().customer_id();
    case v1::CustomerCommand::kUnlock:
      return c.unlock().customer_id();
    case v1::CustomerCommand::kAddContact:
      return c.add_contact().customer_id();
    case v1::CustomerCommand::kChangeContact:
      return c.change_contact().customer_id();
    case v1::CustomerCommand::kRemoveContact:
      return c.remove_contact().customer_id();
    case v1::CustomerCommand::kArchive:
      return c.archive().customer_id();
    case v1::CustomerCommand::kLogFollowUp:
      return c.log_follow_up().customer_id();
    case v1::CustomerCommand::kRescheduleNextFollowUp:
      return c.reschedule_next_follow_up().customer_id();
    case v1::CustomerCommand::COMMAND_NOT_SET:
      break;
  }
  return *kEmpty;
}

absl::StatusOr<std::vector<v1::CustomerEvent>> DecideCustomer(const v1::CommandContext& ctx,
                                                              const v1::CustomerCommand& command,
                                                              const CustomerState& state,
                                                              const CustomerEnvironment& env) {
  CRM_RETURN_IF_ERROR(ValidateContext(ctx));
  if (command.command_case() == v1::CustomerCommand::COMMAND_NOT_SET) {
    return absl::InvalidArgumentError("command: is not set");
  }
  // Every command names its customer as "<command>.customer_id".
  const std::string command_name =
      command.GetDescriptor()->FindFieldByNumber(command.command_case())->name();
  CRM_RETURN_IF_ERROR(
      ValidateId(absl::StrCat(command_name, ".customer_id"), TargetCustomerId(command)));
  if (state.exists && state.customer_id != TargetCustomerId(command)) {
    return absl::InvalidArgumentError(absl::StrCat(command_name, ".customer_id: names ",
                                                   TargetCustomerId(command),
                                                   " but the state is of ", state.customer_id));
  }
  switch (command.command_case()) {
    case v1::CustomerCommand::kRegister:
      return Register(ctx, command.register_(), state);
    case v1::CustomerCommand::kUpdateProfile:
      return UpdateProfile(command.update_profile(), state);
    case v1::CustomerCommand::kClassify:
      return Classify(command.classify(), state);
    case v1::CustomerCommand::kTag:
      return Tag(command.tag(), state);
    case v1::CustomerCommand::kUntag:
      return Untag(command.untag(), state);
    case v1::CustomerCommand::kAssignOwner:
      return AssignOwner(ctx, command.assign_owner(), state);
    case v1::CustomerCommand::kReleaseToPool:
      return Release(ctx, command.release_to_pool(), state);
    case v1::CustomerCommand::kClaimFromPool:
      return Claim(ctx, command.claim_from_pool(), state, env);
    case v1::CustomerCommand::kLock:
      return Lock(command.lock(), state);
    case v1::CustomerCommand::kUnlock:
      return Unlock(command.unlock(), state);
    case v1::CustomerCommand::kAddContact:
      return AddContact(command.add_contact(), state);
    case v1::CustomerCommand::kChangeContact:
      return ChangeContact(command.change_contact(), state);
    case v1::CustomerCommand::kRemoveContact:
      return RemoveContact(command.remove_contact(), state);
    case v1::CustomerCommand::kArchive:
      return Archive(command.archive(), state);
    case v1::CustomerCommand::kLogFollowUp:
      return LogFollowUp(ctx, command.log_follow_up(), state);
    case v1::CustomerCommand::kRescheduleNextFollowUp:
      return Reschedule(command.reschedule_next_follow_up(), state);
    case v1::CustomerCommand::COMMAND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("command: is not set");
}

}  // namespace crm::engine::domain
