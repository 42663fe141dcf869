#include "engine/domain/customer_decider.h"

#include "engine/domain/field_validation.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/domain/customer_fixture.h"
#include "tests/support/status_matchers.h"

namespace crm::engine::domain {
namespace {

using ::crm::testing::IsOk;
using ::crm::testing::StatusIs;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using namespace ::crm::engine::domain::testing;  // NOLINT: test fixture helpers

const int64_t kNow = ShanghaiUs(2026, 3, 12, 10, 0);

class CustomerDeciderTest : public ::testing::Test {
 protected:
  // Given: the customer's past events.
  void Given(std::vector<v1::CustomerEvent> events) { given_ = std::move(events); }
  void GivenRegistered() { Given({RegisteredEvent("c1", ShanghaiUs(2026, 3, 1))}); }
  void AndGiven(v1::CustomerEvent event) { given_.push_back(std::move(event)); }

  // When: the command is decided against the folded state.
  absl::StatusOr<std::vector<v1::CustomerEvent>> When(const v1::CustomerCommand& command,
                                                      int64_t now_us = kNow) {
    return DecideCustomer(Context(now_us), command, testing::Given(given_), env_);
  }

  // The state after the given events and the decided ones.
  CustomerState StateAfter(const std::vector<v1::CustomerEvent>& decided) {
    CustomerState state = testing::Given(given_);
    for (const v1::CustomerEvent& e : decided) Evolve(state, e);
    return state;
  }

  // The one event `command` yields against the given events.
  v1::CustomerEvent Event(const v1::CustomerCommand& command, int64_t now_us = kNow) {
    auto events = When(command, now_us);
    EXPECT_THAT(events, IsOk());
    if (!events.ok() || events->size() != 1) {
      ADD_FAILURE() << "expected one event";
      return v1::CustomerEvent();
    }
    return events->front();
  }

  std::vector<v1::CustomerEvent> given_;
  CustomerEnvironment env_;
};

v1::CustomerCommand Register(v1::RegisterCustomer r = CompanyRegistration()) {
  v1::CustomerCommand c;
  *c.mutable_register_() = std::move(r);
  return c;
}

v1::CustomerCommand Tag(const std::string& tag) {
  v1::CustomerCommand c;
  c.mutable_tag()->set_customer_id("c1");
  c.mutable_tag()->set_tag(tag);
  return c;
}

v1::CustomerCommand Untag(const std::string& tag) {
  v1::CustomerCommand c;
  c.mutable_untag()->set_customer_id("c1");
  c.mutable_untag()->set_tag(tag);
  return c;
}

v1::CustomerCommand Claim(const std::string& rep) {
  v1::CustomerCommand c;
  c.mutable_claim_from_pool()->set_customer_id("c1");
  c.mutable_claim_from_pool()->set_rep_id(rep);
  return c;
}

v1::CustomerCommand Release() {
  v1::CustomerCommand c;
  c.mutable_release_to_pool()->set_customer_id("c1");
  c.mutable_release_to_pool()->set_reason("no budget this year");
  return c;
}

v1::CustomerCommand Lock() {
  v1::CustomerCommand c;
  c.mutable_lock()->set_customer_id("c1");
  return c;
}

v1::CustomerCommand FollowUp(const std::string& id, v1::Intent intent, int64_t at_us) {
  v1::CustomerCommand c;
  v1::LogFollowUp* f = c.mutable_log_follow_up();
  f->set_customer_id("c1");
  f->set_follow_up_id(id);
  f->set_channel(v1::FOLLOW_UP_CHANNEL_PHONE);
  f->set_occurred_us(at_us);
  f->set_rep_id("rep-lina");
  f->set_intent(intent);
  f->set_notes("首电: 有兴趣, 下周报价");
  f->mutable_next_follow_up_date()->set_year(2026);
  f->mutable_next_follow_up_date()->set_month(3);
  f->mutable_next_follow_up_date()->set_day(19);
  return c;
}

v1::CustomerCommand AddContactCmd(const std::string& id, const std::string& phone) {
  v1::CustomerCommand c;
  c.mutable_add_contact()->set_customer_id("c1");
  v1::Contact* contact = c.mutable_add_contact()->mutable_contact();
  contact->set_contact_id(id);
  contact->set_name("林洋");
  contact->set_title("采购经理");
  contact->add_phones(phone);
  return c;
}

// ---- RegisterCustomer -------------------------------------------------------

TEST_F(CustomerDeciderTest, GivenNoCustomerWhenRegisteredThenRegisteredEventCarriesProfile) {
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(Register()));
  ASSERT_THAT(events, SizeIs(1));
  const v1::CustomerRegistered& e = events[0].registered();
  EXPECT_EQ(e.customer_id(), "c1");
  EXPECT_EQ(e.kind(), v1::CUSTOMER_KIND_COMPANY);
  EXPECT_EQ(e.profile().company_name(), "天宇物流集团有限公司");
  EXPECT_EQ(e.owner_rep_id(), "rep-lina");
  EXPECT_EQ(e.registered_us(), kNow);
  CustomerState state = StateAfter(events);
  EXPECT_TRUE(state.exists);
  EXPECT_EQ(state.owner_rep_id, "rep-lina");
  EXPECT_EQ(state.intent, v1::INTENT_NOT_CONTACTED);
}

TEST_F(CustomerDeciderTest, GivenNoCustomerWhenRegisteredWithoutOwnerThenItStartsInThePool) {
  v1::RegisterCustomer r = CompanyRegistration();
  r.clear_owner_rep_id();
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(Register(r)));
  EXPECT_TRUE(StateAfter(events).owner_rep_id.empty());
}

TEST_F(CustomerDeciderTest, GivenRegisteredWhenRegisteredAgainThenAlreadyExists) {
  GivenRegistered();
  EXPECT_THAT(When(Register()), StatusIs(absl::StatusCode::kAlreadyExists, "c1"));
}

TEST_F(CustomerDeciderTest, WhenRegisteredWithBadFieldsThenInvalidArgumentNamesTheField) {
  struct Case {
    std::function<void(v1::RegisterCustomer&)> mutate;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](auto& r) { r.set_customer_id(""); }, "register.customer_id"},
      {[](auto& r) { r.set_customer_id("c/1"); }, "register.customer_id"},
      {[](auto& r) { r.set_kind(v1::CUSTOMER_KIND_UNSPECIFIED); }, "register.kind"},
      {[](auto& r) { r.mutable_profile()->set_company_name("  "); },
       "register.profile.company_name"},
      {[](auto& r) { r.mutable_profile()->set_company_name("有限公司"); },
       "register.profile.company_name"},
      {[](auto& r) { r.mutable_profile()->add_phones("1380000"); }, "register.profile.phones[2]"},
      {[](auto& r) { r.mutable_profile()->add_phones("+86 130 7589 3910"); },
       "register.profile.phones[2]"},
      {[](auto& r) { r.mutable_profile()->set_email("gao.example"); }, "register.profile.email"},
      {[](auto& r) { r.add_tags(" "); }, "register.tags[0]"},
      {[](auto& r) { r.set_owner_rep_id("rep lina"); }, "register.owner_rep_id"},
  };
  for (const Case& c : cases) {
    v1::RegisterCustomer r = CompanyRegistration();
    c.mutate(r);
    EXPECT_THAT(When(Register(r)), StatusIs(absl::StatusCode::kInvalidArgument, c.field))
        << c.field;
  }
}

TEST_F(CustomerDeciderTest, WhenPersonRegisteredWithCommonNameThenNameIsNotNormalisedAsCompany) {
  v1::RegisterCustomer r = CompanyRegistration();
  r.set_kind(v1::CUSTOMER_KIND_PERSON);
  r.mutable_profile()->set_company_name("王静");
  EXPECT_THAT(When(Register(r)), IsOk());
}

TEST_F(CustomerDeciderTest, WhenContextLacksRequestIdOrClockThenInvalidArgument) {
  v1::CommandContext ctx = Context(kNow);
  ctx.clear_request_id();
  EXPECT_THAT(DecideCustomer(ctx, Register(), CustomerState{}, env_),
              StatusIs(absl::StatusCode::kInvalidArgument, "context.request_id"));
  EXPECT_THAT(When(Register(), 0), StatusIs(absl::StatusCode::kInvalidArgument, "context.now_us"));
}

TEST_F(CustomerDeciderTest, WhenCommandIsEmptyThenInvalidArgument) {
  EXPECT_THAT(When(v1::CustomerCommand()), StatusIs(absl::StatusCode::kInvalidArgument, "command"));
}

// ---- Existence, merge and archive guards ------------------------------------

TEST_F(CustomerDeciderTest, GivenNoCustomerWhenTaggedThenNotFound) {
  EXPECT_THAT(When(Tag("key")), StatusIs(absl::StatusCode::kNotFound, "customer c1"));
}

TEST_F(CustomerDeciderTest, GivenMergedCustomerWhenAnyCommandThenRefusedNamingTheSurvivor) {
  GivenRegistered();
  v1::CustomerEvent merged;
  merged.mutable_merged_into()->set_survivor_customer_id("c9");
  AndGiven(merged);
  for (const v1::CustomerCommand& c :
       {Tag("key"), Claim("rep-wang"), Lock(), FollowUp("f1", v1::INTENT_INTERESTED, kNow)}) {
    EXPECT_THAT(When(c),
                StatusIs(absl::StatusCode::kFailedPrecondition, "merged into customer c9"));
  }
}

TEST_F(CustomerDeciderTest, GivenArchivedCustomerWhenChangedThenRefusedAndArchiveAgainIsNoOp) {
  GivenRegistered();
  v1::CustomerEvent archived;
  archived.mutable_archived()->set_reason("closed down");
  AndGiven(archived);
  EXPECT_THAT(When(Tag("key")), StatusIs(absl::StatusCode::kFailedPrecondition, "archived"));
  v1::CustomerCommand archive;
  archive.mutable_archive()->set_customer_id("c1");
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(archive));
  EXPECT_THAT(events, IsEmpty());
}

TEST_F(CustomerDeciderTest, GivenStateOfAnotherCustomerWhenDecidedThenInvalidArgument) {
  Given({RegisteredEvent("c2")});
  EXPECT_THAT(When(Tag("key")), StatusIs(absl::StatusCode::kInvalidArgument, "customer_id"));
}

// ---- UpdateCustomerProfile --------------------------------------------------

TEST_F(CustomerDeciderTest, GivenRegisteredWhenProfileUpdatedThenOnlyChangedFieldsAreRecorded) {
  GivenRegistered();
  v1::CustomerCommand c;
  v1::UpdateCustomerProfile* u = c.mutable_update_profile();
  u->set_customer_id("c1");
  u->mutable_profile()->set_email("gao@tianyu.example");  // unchanged
  u->mutable_profile()->set_industry("物流");
  u->mutable_profile()->add_phones("13075893910");
  u->mutable_update_mask()->add_paths("email");
  u->mutable_update_mask()->add_paths("industry");
  u->mutable_update_mask()->add_paths("phones");
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(c));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_THAT(events[0].profile_changed().changed_fields().paths(),
              ::testing::ElementsAre("industry", "phones"));
  CustomerState state = StateAfter(events);
  EXPECT_EQ(state.profile.industry(), "物流");
  EXPECT_THAT(state.profile.phones(), ::testing::ElementsAre("13075893910"));
  EXPECT_EQ(state.profile.email(), "gao@tianyu.example");
  EXPECT_EQ(state.profile.company_name(), "天宇物流集团有限公司");
}

TEST_F(CustomerDeciderTest, GivenRegisteredWhenProfileUpdatedToSameValuesThenNoEvent) {
  GivenRegistered();
  v1::CustomerCommand c;
  c.mutable_update_profile()->set_customer_id("c1");
  c.mutable_update_profile()->mutable_profile()->set_contact_person("高娟");
  c.mutable_update_profile()->mutable_update_mask()->add_paths("contact_person");
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(c));
  EXPECT_THAT(events, IsEmpty());
}

TEST_F(CustomerDeciderTest, WhenProfileUpdateHasBadMaskOrValueThenInvalidArgument) {
  GivenRegistered();
  v1::CustomerCommand c;
  c.mutable_update_profile()->set_customer_id("c1");
  EXPECT_THAT(When(c), StatusIs(absl::StatusCode::kInvalidArgument, "update_mask"));
  c.mutable_update_profile()->mutable_update_mask()->add_paths("address.city");
  EXPECT_THAT(When(c), StatusIs(absl::StatusCode::kInvalidArgument, "address.city"));
  c.mutable_update_profile()->mutable_update_mask()->clear_paths();
  c.mutable_update_profile()->mutable_update_mask()->add_paths("phones");
  c.mutable_update_profile()->mutable_profile()->add_phones("12345");
  EXPECT_THAT(When(c),
              StatusIs(absl::StatusCode::kInvalidArgument, "update_profile.profile.phones[0]"));
}

// ---- Classification and tags ------------------------------------------------

TEST_F(CustomerDeciderTest, GivenRegisteredWhenClassifiedThenGradeIndustryAndSizeAreSet) {
  GivenRegistered();
  v1::CustomerCommand c;
  c.mutable_classify()->set_customer_id("c1");
  c.mutable_classify()->set_grade("A");
  c.mutable_classify()->set_industry("物流");
  c.mutable_classify()->set_size("200-500");
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(c));
  CustomerState state = StateAfter(events);
  EXPECT_EQ(state.grade, "A");
  EXPECT_EQ(state.profile.industry(), "物流");
  AndGiven(events[0]);
  CRM_ASSERT_OK_AND_ASSIGN(auto again, When(c));
  EXPECT_THAT(again, IsEmpty());
}

TEST_F(CustomerDeciderTest, GivenTaggedWhenTaggedAgainThenNoEventAndUntagRemovesIt) {
  GivenRegistered();
  CRM_ASSERT_OK_AND_ASSIGN(auto tagged, When(Tag(" key ")));
  ASSERT_THAT(tagged, SizeIs(1));
  EXPECT_EQ(tagged[0].tagged().tag(), "key");
  AndGiven(tagged[0]);
  CRM_ASSERT_OK_AND_ASSIGN(auto again, When(Tag("key")));
  EXPECT_THAT(again, IsEmpty());
  CRM_ASSERT_OK_AND_ASSIGN(auto untagged, When(Untag("key")));
  EXPECT_FALSE(StateAfter(untagged).tags.contains("key"));
  AndGiven(untagged[0]);
  CRM_ASSERT_OK_AND_ASSIGN(auto untag_again, When(Untag("key")));
  EXPECT_THAT(untag_again, IsEmpty());
}

// ---- Ownership and the public pool ------------------------------------------

TEST_F(CustomerDeciderTest, GivenOwnedWhenAssignedToAnotherRepThenOwnerAndClockChange) {
  GivenRegistered();
  v1::CustomerCommand c;
  c.mutable_assign_owner()->set_customer_id("c1");
  c.mutable_assign_owner()->set_owner_rep_id("rep-zhang");
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(c));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].owner_assigned().previous_owner_rep_id(), "rep-lina");
  CustomerState state = StateAfter(events);
  EXPECT_EQ(state.owner_rep_id, "rep-zhang");
  EXPECT_EQ(state.owned_since_us, kNow);
  AndGiven(events[0]);
  CRM_ASSERT_OK_AND_ASSIGN(auto again, When(c));
  EXPECT_THAT(again, IsEmpty());
}

TEST_F(CustomerDeciderTest, GivenOwnedWhenReleasedThenInPoolAndReleaseAgainIsNoOp) {
  GivenRegistered();
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(Release()));
  ASSERT_THAT(events, SizeIs(1));
  CustomerState state = StateAfter(events);
  EXPECT_TRUE(state.owner_rep_id.empty());
  EXPECT_EQ(state.last_lost_owner_rep_id, "rep-lina");
  AndGiven(events[0]);
  CRM_ASSERT_OK_AND_ASSIGN(auto again, When(Release()));
  EXPECT_THAT(again, IsEmpty());
}

TEST_F(CustomerDeciderTest, GivenLockedWhenReleasedThenRefused) {
  GivenRegistered();
  AndGiven(Event(Lock()));
  EXPECT_THAT(When(Release()), StatusIs(absl::StatusCode::kFailedPrecondition, "locked"));
}

TEST_F(CustomerDeciderTest, GivenInPoolWhenClaimedThenOwnedWithShanghaiClaimDate) {
  GivenRegistered();
  AndGiven(Event(Release(), ShanghaiUs(2026, 3, 2)));
  // 17:30 UTC on March 12 is already March 13 in Shanghai.
  const int64_t now = absl::ToUnixMicros(
      absl::FromCivil(absl::CivilSecond(2026, 3, 12, 17, 30, 0), absl::UTCTimeZone()));
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(Claim("rep-wang"), now));
  ASSERT_THAT(events, SizeIs(1));
  const v1::CustomerClaimedFromPool& e = events[0].claimed_from_pool();
  EXPECT_EQ(e.rep_id(), "rep-wang");
  EXPECT_EQ(e.claimed_on().day(), 13);
  EXPECT_EQ(StateAfter(events).owner_rep_id, "rep-wang");
}

TEST_F(CustomerDeciderTest, GivenOwnedByAnotherWhenClaimedThenRefusedNamingTheOwner) {
  GivenRegistered();
  EXPECT_THAT(When(Claim("rep-wang")), StatusIs(absl::StatusCode::kFailedPrecondition, "rep-lina"));
  CRM_ASSERT_OK_AND_ASSIGN(auto own, When(Claim("rep-lina")));
  EXPECT_THAT(own, IsEmpty());
}

TEST_F(CustomerDeciderTest, GivenDailyClaimLimitReachedWhenClaimedThenRefused) {
  GivenRegistered();
  AndGiven(Event(Release()));
  env_.pool_rules.set_daily_claim_limit(5);
  env_.claimant.claims_today = 5;
  EXPECT_THAT(When(Claim("rep-wang")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "daily claim limit of 5"));
  env_.claimant.claims_today = 4;
  EXPECT_THAT(When(Claim("rep-wang")), IsOk());
}

TEST_F(CustomerDeciderTest, GivenRepAtOwnershipCapWhenClaimedThenRefused) {
  GivenRegistered();
  AndGiven(Event(Release()));
  env_.pool_rules.set_max_owned_customers(200);
  env_.claimant.owned_customers = 200;
  EXPECT_THAT(When(Claim("rep-wang")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "the cap is 200"));
}

TEST_F(CustomerDeciderTest, GivenReleasedByRepWhenSameRepReclaimsWithinCooldownThenRefused) {
  GivenRegistered();
  AndGiven(Event(Release(), ShanghaiUs(2026, 3, 10)));
  env_.pool_rules.set_reclaim_cooldown_days(7);
  EXPECT_THAT(When(Claim("rep-lina"), ShanghaiUs(2026, 3, 16, 23, 59)),
              StatusIs(absl::StatusCode::kFailedPrecondition, "from 2026-03-17"));
  EXPECT_THAT(When(Claim("rep-lina"), ShanghaiUs(2026, 3, 17, 0, 1)), IsOk());
  // The cooldown binds the previous owner only.
  EXPECT_THAT(When(Claim("rep-wang"), ShanghaiUs(2026, 3, 11)), IsOk());
}

TEST_F(CustomerDeciderTest, GivenLockedWhenLockedAgainThenNoEventAndUnlockUnlocks) {
  GivenRegistered();
  CRM_ASSERT_OK_AND_ASSIGN(auto locked, When(Lock()));
  ASSERT_THAT(locked, SizeIs(1));
  AndGiven(locked[0]);
  CRM_ASSERT_OK_AND_ASSIGN(auto again, When(Lock()));
  EXPECT_THAT(again, IsEmpty());
  v1::CustomerCommand unlock;
  unlock.mutable_unlock()->set_customer_id("c1");
  CRM_ASSERT_OK_AND_ASSIGN(auto unlocked, When(unlock));
  EXPECT_FALSE(StateAfter(unlocked).locked);
}

// ---- Contacts ---------------------------------------------------------------

TEST_F(CustomerDeciderTest, GivenRegisteredWhenContactAddedThenItIsListed) {
  GivenRegistered();
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(AddContactCmd("k1", "138 6645 3392")));
  CustomerState state = StateAfter(events);
  ASSERT_NE(state.FindContact("k1"), nullptr);
  EXPECT_EQ(state.FindContact("k1")->name(), "林洋");
}

TEST_F(CustomerDeciderTest, GivenContactWhenAddedAgainThenSameIsNoOpAndDifferentIsAlreadyExists) {
  GivenRegistered();
  AndGiven(Event(AddContactCmd("k1", "13866453392")));
  CRM_ASSERT_OK_AND_ASSIGN(auto same, When(AddContactCmd("k1", "13866453392")));
  EXPECT_THAT(same, IsEmpty());
  EXPECT_THAT(When(AddContactCmd("k1", "13900000000")),
              StatusIs(absl::StatusCode::kAlreadyExists, "contact k1"));
}

TEST_F(CustomerDeciderTest, WhenContactHasBadPhoneThenInvalidArgumentNamesIt) {
  GivenRegistered();
  EXPECT_THAT(When(AddContactCmd("k1", "phone")),
              StatusIs(absl::StatusCode::kInvalidArgument, "add_contact.contact.phones[0]"));
}

TEST_F(CustomerDeciderTest, GivenContactWhenChangedThenReplacedAndUnknownContactIsNotFound) {
  GivenRegistered();
  AndGiven(Event(AddContactCmd("k1", "13866453392")));
  v1::CustomerCommand change;
  change.mutable_change_contact()->set_customer_id("c1");
  *change.mutable_change_contact()->mutable_contact() =
      AddContactCmd("k1", "13866453392").add_contact().contact();
  change.mutable_change_contact()->mutable_contact()->set_title("总经理");
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(change));
  EXPECT_EQ(StateAfter(events).FindContact("k1")->title(), "总经理");
  change.mutable_change_contact()->mutable_contact()->set_contact_id("k2");
  EXPECT_THAT(When(change), StatusIs(absl::StatusCode::kNotFound, "contact k2"));
}

TEST_F(CustomerDeciderTest, GivenContactWhenRemovedTwiceThenSecondIsNoOpButUnknownIsNotFound) {
  GivenRegistered();
  AndGiven(Event(AddContactCmd("k1", "13866453392")));
  v1::CustomerCommand remove;
  remove.mutable_remove_contact()->set_customer_id("c1");
  remove.mutable_remove_contact()->set_contact_id("k1");
  CRM_ASSERT_OK_AND_ASSIGN(auto events, When(remove));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(StateAfter(events).FindContact("k1"), nullptr);
  AndGiven(events[0]);
  CRM_ASSERT_OK_AND_ASSIGN(auto again, When(remove));
  EXPECT_THAT(again, IsEmpty());
  remove.mutable_remove_contact()->set_contact_id("k7");
  EXPECT_THAT(When(remove), StatusIs(absl::StatusCode::kNotFound, "contact k7"));
}

// ---- Follow-ups ---------------------------------------------------------------

TEST_F(CustomerDeciderTest, GivenRegisteredWhenFollowUpLoggedThenIntentAndNextDateAreTracked) {
  GivenRegistered();
  CRM_ASSERT_OK_AND_ASSIGN(auto events,
                           When(FollowUp("f1", v1::INTENT_INTERESTED, ShanghaiUs(2026, 3, 12, 9))));
  ASSERT_THAT(events, SizeIs(1));
  CustomerState state = StateAfter(events);
  EXPECT_EQ(state.intent, v1::INTENT_INTERESTED);
  EXPECT_EQ(state.last_follow_up_us, ShanghaiUs(2026, 3, 12, 9));
  EXPECT_EQ(state.next_follow_up_date.day(), 19);
  EXPECT_FALSE(state.won);
}

TEST_F(CustomerDeciderTest, GivenFollowUpsWhenDealClosedThenCustomerIsWon) {
  GivenRegistered();
  AndGiven(Event(FollowUp("f1", v1::INTENT_CONSIDERING, ShanghaiUs(2026, 3, 5))));
  CRM_ASSERT_OK_AND_ASSIGN(
      auto events, When(FollowUp("f2", v1::INTENT_DEAL_CLOSED, ShanghaiUs(2026, 3, 12, 9))));
  EXPECT_TRUE(StateAfter(events).won);
}

TEST_F(CustomerDeciderTest, GivenALaterCallWhenAnEarlierCallIsLoggedThenTheLatestCallStillCounts) {
  GivenRegistered();
  v1::CustomerCommand latest = FollowUp("f2", v1::INTENT_INTERESTED, ShanghaiUs(2026, 3, 12, 9));
  latest.mutable_log_follow_up()->mutable_next_follow_up_date()->set_day(26);
  AndGiven(Event(latest));
  // Logged now, but it happened on 03-05: history, not the customer's state.
  CRM_ASSERT_OK_AND_ASSIGN(auto events,
                           When(FollowUp("f1", v1::INTENT_REFUSED, ShanghaiUs(2026, 3, 5))));
  ASSERT_THAT(events, SizeIs(1));
  CustomerState state = StateAfter(events);
  EXPECT_EQ(state.intent, v1::INTENT_INTERESTED);
  EXPECT_EQ(state.next_follow_up_date.day(), 26);
  EXPECT_EQ(state.last_follow_up_us, ShanghaiUs(2026, 3, 12, 9));
  EXPECT_TRUE(state.follow_up_ids.contains("f1"));
}

TEST_F(CustomerDeciderTest, GivenFollowUpWhenLoggedWithSameIdThenAlreadyExists) {
  GivenRegistered();
  AndGiven(Event(FollowUp("f1", v1::INTENT_CONSIDERING, ShanghaiUs(2026, 3, 5))));
  EXPECT_THAT(When(FollowUp("f1", v1::INTENT_INTERESTED, ShanghaiUs(2026, 3, 6))),
              StatusIs(absl::StatusCode::kAlreadyExists, "follow-up f1"));
}

TEST_F(CustomerDeciderTest, WhenFollowUpIsMalformedThenInvalidArgumentNamesTheField) {
  GivenRegistered();
  v1::CustomerCommand future = FollowUp("f1", v1::INTENT_INTERESTED, kNow + 1);
  EXPECT_THAT(When(future), StatusIs(absl::StatusCode::kInvalidArgument, "occurred_us"));
  v1::CustomerCommand no_intent = FollowUp("f1", v1::INTENT_NOT_CONTACTED, kNow);
  EXPECT_THAT(When(no_intent), StatusIs(absl::StatusCode::kInvalidArgument, "intent"));
  v1::CustomerCommand no_channel = FollowUp("f1", v1::INTENT_INTERESTED, kNow);
  no_channel.mutable_log_follow_up()->clear_channel();
  EXPECT_THAT(When(no_channel), StatusIs(absl::StatusCode::kInvalidArgument, "channel"));
  v1::CustomerCommand feb30 = FollowUp("f1", v1::INTENT_INTERESTED, kNow);
  feb30.mutable_log_follow_up()->mutable_next_follow_up_date()->set_month(2);
  feb30.mutable_log_follow_up()->mutable_next_follow_up_date()->set_day(30);
  EXPECT_THAT(When(feb30),
              StatusIs(absl::StatusCode::kInvalidArgument, "next_follow_up_date: 2026-2-30"));
}

TEST_F(CustomerDeciderTest, WhenFollowUpNamesUnknownContactThenNotFound) {
  GivenRegistered();
  v1::CustomerCommand c = FollowUp("f1", v1::INTENT_INTERESTED, kNow);
  c.mutable_log_follow_up()->set_contact_id("k404");
  EXPECT_THAT(When(c), StatusIs(absl::StatusCode::kNotFound, "contact k404"));
}

TEST_F(CustomerDeciderTest, GivenPlannedFollowUpWhenRescheduledThenDateMovesOrClears) {
  GivenRegistered();
  AndGiven(Event(FollowUp("f1", v1::INTENT_INTERESTED, ShanghaiUs(2026, 3, 5))));
  v1::CustomerCommand c;
  c.mutable_reschedule_next_follow_up()->set_customer_id("c1");
  c.mutable_reschedule_next_follow_up()->mutable_next_follow_up_date()->set_year(2026);
  c.mutable_reschedule_next_follow_up()->mutable_next_follow_up_date()->set_month(3);
  c.mutable_reschedule_next_follow_up()->mutable_next_follow_up_date()->set_day(19);
  CRM_ASSERT_OK_AND_ASSIGN(auto same, When(c));
  EXPECT_THAT(same, IsEmpty());
  c.mutable_reschedule_next_follow_up()->clear_next_follow_up_date();
  CRM_ASSERT_OK_AND_ASSIGN(auto cleared, When(c));
  ASSERT_THAT(cleared, SizeIs(1));
  EXPECT_FALSE(IsSet(StateAfter(cleared).next_follow_up_date));
}

}  // namespace
}  // namespace crm::engine::domain
