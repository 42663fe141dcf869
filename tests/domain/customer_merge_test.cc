#include "engine/domain/customer_merge.h"

#include "engine/domain/reservations.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/domain/customer_fixture.h"
#include "tests/support/status_matchers.h"

namespace crm::engine::domain {
namespace {

using ::crm::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace ::crm::engine::domain::testing;  // NOLINT: test fixture helpers

const int64_t kNow = ShanghaiUs(2026, 3, 12);

v1::MergeCustomers Merge(const std::string& duplicate, const std::string& survivor) {
  v1::MergeCustomers m;
  m.set_duplicate_customer_id(duplicate);
  m.set_survivor_customer_id(survivor);
  return m;
}

v1::CustomerEvent Registered(const std::string& id, const std::string& name,
                             std::vector<std::string> phones) {
  v1::CustomerEvent e = RegisteredEvent(id);
  e.mutable_registered()->mutable_profile()->set_company_name(name);
  e.mutable_registered()->mutable_profile()->clear_phones();
  for (const std::string& p : phones) e.mutable_registered()->mutable_profile()->add_phones(p);
  return e;
}

v1::CustomerEvent ContactAdded(const std::string& id, const std::string& phone) {
  v1::CustomerEvent e;
  e.mutable_contact_added()->mutable_contact()->set_contact_id(id);
  e.mutable_contact_added()->mutable_contact()->set_name("郭娟");
  e.mutable_contact_added()->mutable_contact()->add_phones(phone);
  return e;
}

TEST(CustomerMergeTest, GivenTwoCustomersWhenMergedThenDuplicatePointsToSurvivorWhichTakesOver) {
  CustomerState dup =
      Given({Registered("c2", "德润化工 有限公司", {"130-8968-6414", "0571-46246886"}),
             ContactAdded("k1", "13260288912")});
  CustomerState survivor =
      Given({Registered("c1", "德润化工集团", {"13089686414"}), ContactAdded("k1", "13969358465")});
  CRM_ASSERT_OK_AND_ASSIGN(MergeDecision d,
                           DecideMerge(Context(kNow), Merge("c2", "c1"), dup, survivor));

  ASSERT_EQ(d.duplicate_events.size(), 1u);
  EXPECT_EQ(d.duplicate_events[0].merged_into().survivor_customer_id(), "c1");
  ASSERT_EQ(d.survivor_events.size(), 1u);
  const v1::CustomerDuplicateAbsorbed& a = d.survivor_events[0].duplicate_absorbed();
  EXPECT_EQ(a.duplicate_customer_id(), "c2");
  // The mobile is the same number as the survivor's: only the landline moves.
  EXPECT_THAT(a.moved_phones(), ElementsAre("0571-46246886"));
  ASSERT_EQ(a.moved_contacts_size(), 1);
  EXPECT_EQ(a.moved_contacts(0).contact_id(), "c2_k1");  // k1 was taken on the survivor
  EXPECT_THAT(a.moved_company_name_keys(), ElementsAre("德润化工"));

  for (const auto& e : d.duplicate_events) Evolve(dup, e);
  for (const auto& e : d.survivor_events) Evolve(survivor, e);
  EXPECT_THAT(CustomerReservationKeys(dup), IsEmpty());
  const std::set<ReservationKey> keys = CustomerReservationKeys(survivor);
  EXPECT_TRUE(keys.contains(ReservationKey{v1::RESERVATION_KIND_PHONE, "057146246886"}));
  EXPECT_TRUE(keys.contains(ReservationKey{v1::RESERVATION_KIND_PHONE, "13260288912"}));
  EXPECT_TRUE(keys.contains(ReservationKey{v1::RESERVATION_KIND_COMPANY_NAME, "德润化工"}));
  EXPECT_TRUE(keys.contains(ReservationKey{v1::RESERVATION_KIND_COMPANY_NAME, "德润化工集团"}));
}

TEST(CustomerMergeTest, GivenAlreadyMergedIntoSurvivorWhenMergedAgainThenNoEvents) {
  v1::CustomerEvent merged;
  merged.mutable_merged_into()->set_survivor_customer_id("c1");
  CustomerState dup = Given({Registered("c2", "德润化工", {}), merged});
  CustomerState survivor = Given({Registered("c1", "德润化工集团", {})});
  CRM_ASSERT_OK_AND_ASSIGN(MergeDecision d,
                           DecideMerge(Context(kNow), Merge("c2", "c1"), dup, survivor));
  EXPECT_THAT(d.duplicate_events, IsEmpty());
  EXPECT_THAT(d.survivor_events, IsEmpty());
}

TEST(CustomerMergeTest, GivenDuplicateMergedElsewhereWhenMergedThenRefusedNamingTheOther) {
  v1::CustomerEvent merged;
  merged.mutable_merged_into()->set_survivor_customer_id("c7");
  CustomerState dup = Given({Registered("c2", "德润化工", {}), merged});
  CustomerState survivor = Given({Registered("c1", "德润化工集团", {})});
  EXPECT_THAT(DecideMerge(Context(kNow), Merge("c2", "c1"), dup, survivor),
              StatusIs(absl::StatusCode::kFailedPrecondition, "c7"));
}

TEST(CustomerMergeTest, GivenMergedSurvivorWhenMergedIntoItThenRefusedNamingItsSurvivor) {
  v1::CustomerEvent merged;
  merged.mutable_merged_into()->set_survivor_customer_id("c0");
  CustomerState dup = Given({Registered("c2", "德润化工", {})});
  CustomerState survivor = Given({Registered("c1", "德润化工集团", {}), merged});
  EXPECT_THAT(DecideMerge(Context(kNow), Merge("c2", "c1"), dup, survivor),
              StatusIs(absl::StatusCode::kFailedPrecondition, "merge into c0"));
}

TEST(CustomerMergeTest, WhenMergingIntoItselfOrAnUnknownCustomerThenRefused) {
  CustomerState c1 = Given({Registered("c1", "德润化工", {})});
  EXPECT_THAT(DecideMerge(Context(kNow), Merge("c1", "c1"), c1, c1),
              StatusIs(absl::StatusCode::kInvalidArgument, "survivor_customer_id"));
  EXPECT_THAT(DecideMerge(Context(kNow), Merge("c2", "c1"), CustomerState{}, c1),
              StatusIs(absl::StatusCode::kNotFound, "customer c2"));
}

TEST(ReservationKeysTest, PersonCustomersReserveTheirPhonesButNotTheirName) {
  v1::CustomerEvent person = Registered("p1", "王静", {"136 7175 1584"});
  person.mutable_registered()->set_kind(v1::CUSTOMER_KIND_PERSON);
  EXPECT_THAT(CustomerReservationKeys(Given({person})),
              ElementsAre(ReservationKey{v1::RESERVATION_KIND_PHONE, "13671751584"}));
}

TEST(ReservationKeysTest, ReservationStreamsAreNamedByKindAndNormalisedValue) {
  EXPECT_EQ((ReservationKey{v1::RESERVATION_KIND_PHONE, "13671751584"}).Stream(),
            "phone-13671751584");
  EXPECT_EQ((ReservationKey{v1::RESERVATION_KIND_COMPANY_NAME, "德润化工"}).Stream(),
            "company-德润化工");
  CRM_ASSERT_OK_AND_ASSIGN(ReservationKey contract,
                           ContractReservationKey("c", " ht-2026 ００１ "));
  EXPECT_EQ(contract.Stream(), "contract-HT-2026001");
  EXPECT_THAT(ContractReservationKey("place.contract_number", "  "),
              StatusIs(absl::StatusCode::kInvalidArgument, "place.contract_number"));
}

TEST(ReservationKeysTest, OwnerFollowsClaimsTransfersAndReleases) {
  ReservationState state;
  v1::ReservationEvent e;
  e.mutable_claimed()->set_owner_id("c2");
  Evolve(state, e);
  EXPECT_EQ(state.owner_id, "c2");
  e.mutable_transferred()->set_from_owner_id("c2");
  e.mutable_transferred()->set_to_owner_id("c1");
  Evolve(state, e);
  EXPECT_EQ(state.owner_id, "c1");
  e.mutable_released()->set_owner_id("c1");
  Evolve(state, e);
  EXPECT_TRUE(state.exists);
  EXPECT_TRUE(state.owner_id.empty());
}

}  // namespace
}  // namespace crm::engine::domain
