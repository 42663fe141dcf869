// The command handler against a real event store in a temp folder.
#include "engine/domain/command_handler.h"

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/domain/customer_fixture.h"
#include "tests/domain/order_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace crm::engine::domain {
namespace {

using ::crm::testing::IsOk;
using ::crm::testing::IsOkAndHolds;
using ::crm::testing::StatusIs;
using namespace ::crm::engine::domain::testing;  // NOLINT: test fixture helpers

const int64_t kNow = ShanghaiUs(2026, 3, 12);

// Everything a CustomerState holds, as one string, to compare states.
std::string Fingerprint(const CustomerState& s) {
  std::vector<std::string> contacts;
  for (const v1::Contact& c : s.contacts) contacts.push_back(c.ShortDebugString());
  return absl::StrCat(s.exists, "|", s.customer_id, "|", s.kind, "|", s.profile.ShortDebugString(),
                      "|", s.grade, "|", absl::StrJoin(s.tags, ","), "|", s.duplicate_allowed, "|",
                      s.owner_rep_id, "|", s.owned_since_us, "|", s.last_lost_owner_rep_id, "|",
                      s.lost_us, "|", s.locked, "|", absl::StrJoin(contacts, ";"), "|",
                      absl::StrJoin(s.removed_contact_ids, ","), "|",
                      absl::StrJoin(s.follow_up_ids, ","), "|", s.last_follow_up_us, "|", s.intent,
                      "|", s.won, "|", s.next_follow_up_date.ShortDebugString(), "|", s.archived,
                      "|", s.merged_into, "|", absl::StrJoin(s.absorbed_duplicate_ids, ","), "|",
                      absl::StrJoin(s.absorbed_company_name_keys, ","));
}

class CommandHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.path = dir_.path();
    options.sync_writes = false;  // tests do not survive power loss
    auto store = EventStore::Open(options);
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
    handler_ = std::make_unique<CommandHandler>(store_.get(), Options());
  }

  virtual CommandHandlerOptions Options() { return CommandHandlerOptions{}; }

  v1::CommandContext Ctx() { return Context(kNow, absl::StrCat("req-", ++requests_)); }

  absl::StatusOr<CommandResult> Register(const std::string& id, const std::string& name,
                                         std::vector<std::string> phones,
                                         bool allow_duplicate = false) {
    v1::CustomerCommand c;
    *c.mutable_register_() = CompanyRegistration(id);
    c.mutable_register_()->mutable_profile()->set_company_name(name);
    c.mutable_register_()->mutable_profile()->clear_phones();
    for (const std::string& p : phones) c.mutable_register_()->mutable_profile()->add_phones(p);
    c.mutable_register_()->set_allow_duplicate(allow_duplicate);
    return handler_->Execute(Ctx(), c);
  }

  absl::StatusOr<CommandResult> FollowUp(const v1::CommandContext& ctx, const std::string& id,
                                         const std::string& follow_up_id) {
    v1::CustomerCommand c;
    v1::LogFollowUp* f = c.mutable_log_follow_up();
    f->set_customer_id(id);
    f->set_follow_up_id(follow_up_id);
    f->set_channel(v1::FOLLOW_UP_CHANNEL_PHONE);
    f->set_occurred_us(ctx.now_us());
    f->set_rep_id("rep-lina");
    f->set_intent(v1::INTENT_INTERESTED);
    return handler_->Execute(ctx, c);
  }

  absl::StatusOr<CommandResult> DefineProduct(const std::string& id) {
    v1::ProductCommand c;
    c.mutable_define()->set_product_id(id);
    c.mutable_define()->set_name(absl::StrCat("产品 ", id));
    *c.mutable_define()->mutable_unit_price() = MakeMoney("CNY", 499950);
    return handler_->Execute(Ctx(), c);
  }

  absl::StatusOr<CommandResult> RetireProduct(const std::string& id) {
    v1::ProductCommand c;
    c.mutable_retire()->set_product_id(id);
    c.mutable_retire()->set_reason("discontinued");
    return handler_->Execute(Ctx(), c);
  }

  // What Placement() needs: its customer and both products it names.
  void GivenCustomerAndProducts() {
    CRM_ASSERT_OK(Register("c1", "天宇物流集团", {}));
    CRM_ASSERT_OK(DefineProduct("p-crm"));
    CRM_ASSERT_OK(DefineProduct("p-impl"));
  }

  crm::testing::TempDir dir_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<CommandHandler> handler_;
  int requests_ = 0;
};

TEST_F(CommandHandlerTest, RegisteredCustomerIsStoredWithMetadataAndReservations) {
  CRM_ASSERT_OK_AND_ASSIGN(CommandResult r,
                           Register("c1", "天宇物流集团有限公司", {"130-7589-3910"}));
  EXPECT_EQ(r.revision, 0u);
  EXPECT_EQ(r.events_written, 1u);
  CRM_ASSERT_OK_AND_ASSIGN(auto events,
                           store_->ReadStream("customer-c1", 0, Direction::kForward, 10));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "crm.v1.CustomerRegistered");
  v1::EventMetadata metadata;
  ASSERT_TRUE(metadata.ParseFromString(events[0].metadata));
  EXPECT_EQ(metadata.request_id(), "req-1");
  EXPECT_EQ(metadata.actor(), "user-li");
  EXPECT_EQ(metadata.recorded_us(), kNow);
  EXPECT_THAT(store_->StreamRevision("phone-13075893910"), IsOk());
  EXPECT_THAT(store_->StreamRevision("company-天宇物流集团"), IsOk());
  CRM_ASSERT_OK_AND_ASSIGN(CustomerState state, handler_->LoadCustomer("c1"));
  EXPECT_TRUE(state.exists);
}

TEST_F(CommandHandlerTest,
       RegisteringAnotherCustomerWithTheSamePhoneIsAlreadyExistsNamingTheOwner) {
  CRM_ASSERT_OK(Register("c1", "天宇物流集团", {"13075893910"}));
  EXPECT_THAT(Register("c2", "银河纺织", {"+86 130 7589 3910"}),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       "phone 13075893910 already belongs to customer c1"));
  EXPECT_THAT(store_->StreamRevision("customer-c2"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(CommandHandlerTest, RegisteringTheSameCompanyUnderAnotherSpellingIsAlreadyExists) {
  CRM_ASSERT_OK(Register("c1", "天宇物流集团有限公司", {}));
  EXPECT_THAT(Register("c2", " 天宇物流集团（有限公司）", {}),
              StatusIs(absl::StatusCode::kAlreadyExists, "customer c1"));
}

TEST_F(CommandHandlerTest, TheHolderOfAPhoneOrCompanyNameIsFoundUnderAnySpelling) {
  CRM_ASSERT_OK(Register("c1", "天宇物流集团有限公司", {"130-7589-3910"}));
  EXPECT_THAT(handler_->CustomerHoldingPhone("+86 130 7589 3910"), IsOkAndHolds("c1"));
  EXPECT_THAT(handler_->CustomerHoldingCompanyName("天宇物流集团（有限公司）"), IsOkAndHolds("c1"));
  EXPECT_THAT(handler_->CustomerHoldingPhone("13800000000"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(handler_->CustomerHoldingPhone("12345"),
              StatusIs(absl::StatusCode::kInvalidArgument, "phone: "));
  EXPECT_THAT(handler_->CustomerHoldingCompanyName("有限公司"),
              StatusIs(absl::StatusCode::kInvalidArgument, "company_name: "));
}

TEST_F(CommandHandlerTest, AllowedDuplicateIsRegisteredButDoesNotTakeTheReservation) {
  CRM_ASSERT_OK(Register("c1", "天宇物流集团", {"13075893910"}));
  CRM_ASSERT_OK(Register("c2", "天宇物流集团", {"13075893910"}, /*allow_duplicate=*/true));
  // The reservation still names c1, so a third registration is told c1.
  EXPECT_THAT(Register("c3", "天宇物流", {"13075893910"}),
              StatusIs(absl::StatusCode::kAlreadyExists, "customer c1"));
}

TEST_F(CommandHandlerTest, ContactWithAnotherCustomersPhoneIsRefused) {
  CRM_ASSERT_OK(Register("c1", "天宇物流集团", {"13075893910"}));
  CRM_ASSERT_OK(Register("c2", "银河纺织", {"13211138017"}));
  v1::CustomerCommand add;
  add.mutable_add_contact()->set_customer_id("c2");
  add.mutable_add_contact()->mutable_contact()->set_contact_id("k1");
  add.mutable_add_contact()->mutable_contact()->set_name("马磊");
  add.mutable_add_contact()->mutable_contact()->add_phones("130 7589 3910");
  EXPECT_THAT(handler_->Execute(Ctx(), add),
              StatusIs(absl::StatusCode::kAlreadyExists, "customer c1"));
  add.mutable_add_contact()->set_allow_duplicate(true);
  EXPECT_THAT(handler_->Execute(Ctx(), add), IsOk());
}

TEST_F(CommandHandlerTest, PhoneDroppedFromAProfileIsFreeForAnotherCustomer) {
  CRM_ASSERT_OK(Register("c1", "天宇物流集团", {"13075893910"}));
  v1::CustomerCommand update;
  update.mutable_update_profile()->set_customer_id("c1");
  update.mutable_update_profile()->mutable_profile()->add_phones("13800138000");
  update.mutable_update_profile()->mutable_update_mask()->add_paths("phones");
  CRM_ASSERT_OK(handler_->Execute(Ctx(), update));
  EXPECT_THAT(Register("c2", "银河纺织", {"13075893910"}), IsOk());
  EXPECT_THAT(Register("c3", "金桥电子", {"138-0013-8000"}),
              StatusIs(absl::StatusCode::kAlreadyExists, "customer c1"));
}

TEST_F(CommandHandlerTest, RetriedCommandWithTheSameRequestIdWritesNothingAgain) {
  CRM_ASSERT_OK(Register("c1", "天宇物流集团", {}));
  const v1::CommandContext ctx = Context(kNow, "follow-up-42");
  CRM_ASSERT_OK_AND_ASSIGN(CommandResult first, FollowUp(ctx, "c1", "f1"));
  EXPECT_FALSE(first.already_done);
  // A fresh handler (an empty cache) must recognise the retry from the store.
  CommandHandler fresh(store_.get(), CommandHandlerOptions{});
  CRM_ASSERT_OK_AND_ASSIGN(CommandResult retry, fresh.Execute(ctx, [] {
    v1::CustomerCommand c;
    c.mutable_log_follow_up()->set_customer_id("c1");
    return c;
  }()));
  EXPECT_TRUE(retry.already_done);
  EXPECT_EQ(retry.revision, first.revision);
  CRM_ASSERT_OK_AND_ASSIGN(CommandResult again, FollowUp(ctx, "c1", "f1"));
  EXPECT_TRUE(again.already_done);
  EXPECT_EQ(store_->StreamRevision("customer-c1").value_or(kNoRevision), first.revision);
}

TEST_F(CommandHandlerTest, ARetryOlderThanTheRecentRequestIdsIsStillRecognised) {
  v1::CustomerCommand registration;
  *registration.mutable_register_() = CompanyRegistration("c1");
  const v1::CommandContext register_ctx = Context(kNow, "register-c1");
  CRM_ASSERT_OK(handler_->Execute(register_ctx, registration));
  const v1::CommandContext first_follow_up = Context(kNow, "follow-up-0");
  CRM_ASSERT_OK(FollowUp(first_follow_up, "c1", "f0"));
  for (size_t i = 1; i <= kRecentRequestIds + 5; ++i) {
    CRM_ASSERT_OK(
        FollowUp(Context(kNow, absl::StrCat("follow-up-", i)), "c1", absl::StrCat("f", i)));
  }
  const Revision head = store_->StreamRevision("customer-c1").value_or(kNoRevision);

  // Decided again, these would be refused as duplicates of themselves.
  CRM_ASSERT_OK_AND_ASSIGN(CommandResult again, handler_->Execute(register_ctx, registration));
  EXPECT_TRUE(again.already_done);
  CRM_ASSERT_OK_AND_ASSIGN(CommandResult follow_up_again, FollowUp(first_follow_up, "c1", "f0"));
  EXPECT_TRUE(follow_up_again.already_done);
  EXPECT_EQ(store_->StreamRevision("customer-c1").value_or(kNoRevision), head);
  // A new request with the old follow-up id is still a real duplicate.
  EXPECT_THAT(FollowUp(Context(kNow, "follow-up-new"), "c1", "f0"),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_F(CommandHandlerTest, MergeMovesReservationsAndClosesTheDuplicate) {
  CRM_ASSERT_OK(Register("c1", "德润化工集团", {"13089686414"}));
  CRM_ASSERT_OK(Register("c2", "德润化工", {"0571-46246886"}));
  v1::MergeCustomers merge;
  merge.set_duplicate_customer_id("c2");
  merge.set_survivor_customer_id("c1");
  CRM_ASSERT_OK(handler_->Merge(Ctx(), merge));
  EXPECT_THAT(Register("c3", "德润化工有限公司", {}),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       "company name 德润化工 already belongs to customer c1"));
  EXPECT_THAT(Register("c4", "凯旋酒店", {"0571 4624 6886"}),
              StatusIs(absl::StatusCode::kAlreadyExists, "customer c1"));
  v1::CustomerCommand tag;
  tag.mutable_tag()->set_customer_id("c2");
  tag.mutable_tag()->set_tag("key");
  EXPECT_THAT(handler_->Execute(Ctx(), tag),
              StatusIs(absl::StatusCode::kFailedPrecondition, "merged into customer c1"));
  CRM_ASSERT_OK_AND_ASSIGN(CustomerState survivor, handler_->LoadCustomer("c1"));
  EXPECT_THAT(survivor.profile.phones(), ::testing::ElementsAre("13089686414", "0571-46246886"));
}

TEST_F(CommandHandlerTest, OrderNeedsALiveCustomerAndAUniqueContractNumber) {
  v1::OrderCommand place;
  *place.mutable_place() = Placement("o1");
  EXPECT_THAT(handler_->Execute(Ctx(), place),
              StatusIs(absl::StatusCode::kNotFound, "place.customer_id: customer c1"));
  GivenCustomerAndProducts();
  CRM_ASSERT_OK(handler_->Execute(Ctx(), place));
  *place.mutable_place() = Placement("o2");
  place.mutable_place()->set_contract_number("ht-2026-001 ");
  EXPECT_THAT(handler_->Execute(Ctx(), place),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       "contract number HT-2026-001 already belongs to order o1"));
}

TEST_F(CommandHandlerTest, OrderForAnUndefinedProductIsNotFoundAndWritesNothing) {
  CRM_ASSERT_OK(Register("c1", "天宇物流集团", {}));
  CRM_ASSERT_OK(DefineProduct("p-crm"));  // but not p-impl, the second line's
  const Position log_size = store_->CommittedPosition();
  v1::OrderCommand place;
  *place.mutable_place() = Placement("o1");
  EXPECT_THAT(handler_->Execute(Ctx(), place),
              StatusIs(absl::StatusCode::kNotFound,
                       "place.lines[1].product_id: product p-impl is not defined"));
  EXPECT_EQ(store_->CommittedPosition(), log_size);
  EXPECT_THAT(store_->StreamRevision("order-o1"), StatusIs(absl::StatusCode::kNotFound));
  // The contract number is still free: the order goes in once p-impl exists.
  CRM_ASSERT_OK(DefineProduct("p-impl"));
  EXPECT_THAT(handler_->Execute(Ctx(), place), IsOk());
}

TEST_F(CommandHandlerTest, OrderForARetiredProductIsRefusedAndWritesNothing) {
  GivenCustomerAndProducts();
  CRM_ASSERT_OK(RetireProduct("p-impl"));
  const Position log_size = store_->CommittedPosition();
  v1::OrderCommand place;
  *place.mutable_place() = Placement("o1");
  EXPECT_THAT(handler_->Execute(Ctx(), place),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "place.lines[1].product_id: product p-impl (产品 p-impl) is retired"));
  EXPECT_EQ(store_->CommittedPosition(), log_size);
  EXPECT_THAT(store_->StreamRevision("order-o1"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(CommandHandlerTest, OrderForDefinedProductsIsAcceptedAndLeavesTheProductsUnchanged) {
  GivenCustomerAndProducts();
  v1::OrderCommand place;
  *place.mutable_place() = Placement("o1");
  CRM_ASSERT_OK_AND_ASSIGN(CommandResult r, handler_->Execute(Ctx(), place));
  EXPECT_EQ(r.events_written, 1u);
  EXPECT_FALSE(r.already_done);
  CRM_ASSERT_OK_AND_ASSIGN(OrderState order, handler_->LoadOrder("o1"));
  EXPECT_EQ(order.lines.size(), 2u);
  // The product streams are only checked, never written.
  EXPECT_THAT(store_->StreamRevision("product-p-crm"), IsOkAndHolds(0u));
  EXPECT_THAT(store_->StreamRevision("product-p-impl"), IsOkAndHolds(0u));
}

TEST_F(CommandHandlerTest, RetriedOrderSucceedsAgainAfterItsProductIsRetired) {
  GivenCustomerAndProducts();
  v1::OrderCommand place;
  *place.mutable_place() = Placement("o1");
  const v1::CommandContext first = Ctx();
  CRM_ASSERT_OK(handler_->Execute(first, place));
  CRM_ASSERT_OK(RetireProduct("p-crm"));
  // The client never saw the first answer and retries: it was done.
  CRM_ASSERT_OK_AND_ASSIGN(CommandResult retry, handler_->Execute(first, place));
  EXPECT_TRUE(retry.already_done);
  CommandHandler fresh(store_.get(), CommandHandlerOptions{});
  CRM_ASSERT_OK_AND_ASSIGN(CommandResult from_fresh, fresh.Execute(first, place));
  EXPECT_TRUE(from_fresh.already_done);
}

TEST_F(CommandHandlerTest, AmendmentMayKeepARetiredProductButNotAddAnUndefinedOrRetiredOne) {
  GivenCustomerAndProducts();
  v1::OrderCommand place;
  *place.mutable_place() = Placement("o1");
  CRM_ASSERT_OK(handler_->Execute(Ctx(), place));
  CRM_ASSERT_OK(RetireProduct("p-crm"));
  CRM_ASSERT_OK(DefineProduct("p-old"));
  CRM_ASSERT_OK(RetireProduct("p-old"));

  v1::OrderCommand amend;
  amend.mutable_amend()->set_order_id("o1");
  *amend.mutable_amend()->add_lines() = Line("p-crm", 3, 499950);
  *amend.mutable_amend()->add_lines() = Line("p-training", 1, 100);
  *amend.mutable_amend()->add_plan() = Instalment(1, 1499950, D(2026, 4, 30));
  const Position log_size = store_->CommittedPosition();
  EXPECT_THAT(handler_->Execute(Ctx(), amend),
              StatusIs(absl::StatusCode::kNotFound,
                       "amend.lines[1].product_id: product p-training is not defined"));
  amend.mutable_amend()->mutable_lines(1)->set_product_id("p-old");
  EXPECT_THAT(handler_->Execute(Ctx(), amend),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "amend.lines[1].product_id: product p-old (产品 p-old) is retired"));
  EXPECT_EQ(store_->CommittedPosition(), log_size);
  // p-crm was retired after the order was placed: the contract keeps it.
  amend.mutable_amend()->mutable_lines(1)->set_product_id("p-impl");
  CRM_ASSERT_OK(handler_->Execute(Ctx(), amend));
  CRM_ASSERT_OK_AND_ASSIGN(OrderState order, handler_->LoadOrder("o1"));
  EXPECT_EQ(order.amount, 1499950);
}

// The product check is part of the order's append (a check-only entry on
// each product stream), so no order naming a product commits after that
// product's retirement, however the two race.
TEST_F(CommandHandlerTest, NoOrderCommitsAfterItsProductIsRetiredEvenWhenTheyRace) {
  GivenCustomerAndProducts();
  constexpr int kPlacers = 4, kOrdersEach = 25;
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  std::atomic<int> other{0};
  for (int t = 0; t < kPlacers; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kOrdersEach; ++i) {
        v1::OrderCommand place;
        *place.mutable_place() = Placement(absl::StrCat("o", t, "-", i));
        place.mutable_place()->set_contract_number(absl::StrCat("HT-", t, "-", i));
        absl::StatusOr<CommandResult> r =
            handler_->Execute(Context(kNow, absl::StrCat("race-", t, "-", i)), place);
        if (!r.ok() && !absl::IsFailedPrecondition(r.status())) {
          ++other;
          ADD_FAILURE() << r.status();
        }
      }
    });
  }
  go = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CRM_ASSERT_OK(RetireProduct("p-impl"));
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  CRM_ASSERT_OK_AND_ASSIGN(auto retired,
                           store_->ReadStream("product-p-impl", 1, Direction::kForward, 1));
  ASSERT_EQ(retired.size(), 1u);
  CRM_ASSERT_OK_AND_ASSIGN(auto orders,
                           store_->ReadCategory("order", 0, Direction::kForward, 1000));
  for (const RecordedEvent& e : orders) EXPECT_LT(e.position, retired[0].position) << e.stream;
}

TEST_F(CommandHandlerTest, PaymentsFlowThroughTheHandlerAndRefusalsWriteNothing) {
  GivenCustomerAndProducts();
  v1::OrderCommand c;
  *c.mutable_place() = Placement("o1");
  CRM_ASSERT_OK(handler_->Execute(Ctx(), c));
  v1::OrderCommand pay;
  v1::RecordPayment* p = pay.mutable_record_payment();
  p->set_order_id("o1");
  p->set_payment_id("pay1");
  *p->mutable_amount() = MakeMoney("CNY", 1000000);
  *p->mutable_paid_on() = D(2026, 3, 12);
  p->set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
  p->set_rep_id("rep-zhang");
  EXPECT_THAT(handler_->Execute(Ctx(), pay),
              StatusIs(absl::StatusCode::kFailedPrecondition, "not approved"));
  EXPECT_EQ(store_->StreamRevision("order-o1").value_or(kNoRevision), 0u);
  c.mutable_approve()->set_order_id("o1");
  c.mutable_approve()->set_approver("manager-zhao");
  CRM_ASSERT_OK(handler_->Execute(Ctx(), c));
  CRM_ASSERT_OK(handler_->Execute(Ctx(), pay));
  CRM_ASSERT_OK_AND_ASSIGN(OrderState order, handler_->LoadOrder("o1"));
  EXPECT_EQ(order.Paid(), 1000000);
  EXPECT_EQ(order.Outstanding(), 1499900);
}

TEST_F(CommandHandlerTest, RecyclePoolRecyclesDueCustomersOnceAndIsIdempotent) {
  CRM_ASSERT_OK(Register("c1", "天宇物流集团", {}));
  CRM_ASSERT_OK(Register("c2", "银河纺织", {}));
  v1::CustomerCommand lock;
  lock.mutable_lock()->set_customer_id("c2");
  CRM_ASSERT_OK(handler_->Execute(Ctx(), lock));
  v1::RecyclePool recycle;
  recycle.mutable_rules()->set_recycle_after_days(30);
  const v1::CommandContext ctx = Context(ShanghaiUs(2026, 5, 1), "recycle-2026-05-01");
  CRM_ASSERT_OK_AND_ASSIGN(size_t recycled, handler_->RecyclePool(ctx, recycle));
  EXPECT_EQ(recycled, 1u);
  CRM_ASSERT_OK_AND_ASSIGN(size_t again, handler_->RecyclePool(ctx, recycle));
  EXPECT_EQ(again, 0u);
  CRM_ASSERT_OK_AND_ASSIGN(CustomerState c1, handler_->LoadCustomer("c1"));
  EXPECT_TRUE(c1.owner_rep_id.empty());
  CRM_ASSERT_OK_AND_ASSIGN(CustomerState c2, handler_->LoadCustomer("c2"));
  EXPECT_EQ(c2.owner_rep_id, "rep-lina");
}

TEST_F(CommandHandlerTest, DeactivatedRepsCustomersAreReassignedInOneCommand) {
  CRM_ASSERT_OK(Register("c1", "天宇物流集团", {}));
  CRM_ASSERT_OK(Register("c2", "银河纺织", {}));
  v1::CustomerCommand assign;
  assign.mutable_assign_owner()->set_customer_id("c2");
  assign.mutable_assign_owner()->set_owner_rep_id("rep-zhao");
  CRM_ASSERT_OK(handler_->Execute(Ctx(), assign));
  CRM_ASSERT_OK(Register("c3", "金桥电子", {}));

  v1::ReassignRepCustomers reassign;
  reassign.set_from_rep_id("rep-lina");
  reassign.set_to_rep_id("rep-wang");
  reassign.set_reason("李娜离职");
  const v1::CommandContext ctx = Context(kNow, "reassign-lina");
  CRM_ASSERT_OK_AND_ASSIGN(size_t moved, handler_->ReassignCustomers(ctx, reassign));
  EXPECT_EQ(moved, 2u);
  CRM_ASSERT_OK_AND_ASSIGN(size_t again, handler_->ReassignCustomers(ctx, reassign));
  EXPECT_EQ(again, 0u);
  for (const char* id : {"c1", "c3"}) {
    CRM_ASSERT_OK_AND_ASSIGN(CustomerState state, handler_->LoadCustomer(id));
    EXPECT_EQ(state.owner_rep_id, "rep-wang") << id;
  }
  CRM_ASSERT_OK_AND_ASSIGN(CustomerState c2, handler_->LoadCustomer("c2"));
  EXPECT_EQ(c2.owner_rep_id, "rep-zhao");

  v1::RepCommand rep;
  rep.mutable_register_()->set_rep_id("rep-gone");
  rep.mutable_register_()->set_name("离职");
  CRM_ASSERT_OK(handler_->Execute(Ctx(), rep));
  rep.mutable_deactivate()->set_rep_id("rep-gone");
  CRM_ASSERT_OK(handler_->Execute(Ctx(), rep));
  reassign.set_to_rep_id("rep-gone");
  EXPECT_THAT(handler_->ReassignCustomers(Ctx(), reassign),
              StatusIs(absl::StatusCode::kFailedPrecondition, "deactivated"));
}

TEST_F(CommandHandlerTest, CustomerStateAsOfAPastTimeIgnoresLaterEvents) {
  CRM_ASSERT_OK(Register("c1", "天宇物流集团", {}));
  absl::SleepFor(absl::Milliseconds(5));
  const int64_t between = absl::ToUnixMicros(absl::Now());
  absl::SleepFor(absl::Milliseconds(5));
  v1::CustomerCommand tag;
  tag.mutable_tag()->set_customer_id("c1");
  tag.mutable_tag()->set_tag("key");
  CRM_ASSERT_OK(handler_->Execute(Ctx(), tag));
  CRM_ASSERT_OK_AND_ASSIGN(CustomerState then, handler_->CustomerAsOf("c1", between));
  EXPECT_TRUE(then.exists);
  EXPECT_FALSE(then.tags.contains("key"));
  CRM_ASSERT_OK_AND_ASSIGN(CustomerState now, handler_->CustomerAsOf("c1", INT64_MAX));
  EXPECT_TRUE(now.tags.contains("key"));
  CRM_ASSERT_OK_AND_ASSIGN(CustomerState before, handler_->CustomerAsOf("c1", 0));
  EXPECT_FALSE(before.exists);
}

TEST_F(CommandHandlerTest, ClaimWithPoolLimitsButNoLoadSourceIsRefused) {
  CommandHandlerOptions options;
  options.pool_rules.set_daily_claim_limit(3);
  CommandHandler limited(store_.get(), options);
  v1::CustomerCommand c;
  *c.mutable_register_() = CompanyRegistration("c1");
  c.mutable_register_()->clear_owner_rep_id();
  CRM_ASSERT_OK(limited.Execute(Ctx(), c));
  v1::CustomerCommand claim;
  claim.mutable_claim_from_pool()->set_customer_id("c1");
  claim.mutable_claim_from_pool()->set_rep_id("rep-wang");
  EXPECT_THAT(limited.Execute(Ctx(), claim),
              StatusIs(absl::StatusCode::kFailedPrecondition, "claimant_load"));
  options.claimant_load = [](const std::string&, absl::CivilDay) -> absl::StatusOr<ClaimantLoad> {
    return ClaimantLoad{3, 10};
  };
  CommandHandler with_load(store_.get(), options);
  EXPECT_THAT(with_load.Execute(Ctx(), claim),
              StatusIs(absl::StatusCode::kFailedPrecondition, "daily claim limit of 3"));
}

TEST_F(CommandHandlerTest, OpportunityProductRepAndTeamCommandsRunThroughTheHandler) {
  v1::OpportunityCommand open;
  open.mutable_open()->set_opportunity_id("op1");
  open.mutable_open()->set_customer_id("c1");
  *open.mutable_open()->mutable_expected_amount() = MakeMoney("CNY", 100);
  *open.mutable_open()->mutable_expected_close_date() = D(2026, 6, 30);
  open.mutable_open()->set_owner_rep_id("rep-lina");
  EXPECT_THAT(handler_->Execute(Ctx(), open), StatusIs(absl::StatusCode::kNotFound, "customer c1"));
  CRM_ASSERT_OK(Register("c1", "天宇物流集团", {}));
  EXPECT_THAT(handler_->Execute(Ctx(), open), IsOk());

  v1::ProductCommand define;
  define.mutable_define()->set_product_id("p1");
  define.mutable_define()->set_name("培训服务");
  *define.mutable_define()->mutable_unit_price() = MakeMoney("CNY", 120000);
  EXPECT_THAT(handler_->Execute(Ctx(), define), IsOk());
  EXPECT_THAT(handler_->Execute(Ctx(), define), StatusIs(absl::StatusCode::kAlreadyExists));

  v1::CreateTeam team;
  team.set_team_id("south");
  team.set_name("华南");
  EXPECT_THAT(handler_->Execute(Ctx(), team), IsOk());
  v1::RepCommand rep;
  rep.mutable_register_()->set_rep_id("rep-lina");
  rep.mutable_register_()->set_name("李娜");
  rep.mutable_register_()->set_team_id("south");
  EXPECT_THAT(handler_->Execute(Ctx(), rep), IsOk());
  rep.mutable_register_()->set_rep_id("rep-wang");
  rep.mutable_register_()->set_team_id("north");
  EXPECT_THAT(handler_->Execute(Ctx(), rep), StatusIs(absl::StatusCode::kNotFound, "team north"));
}

TEST_F(CommandHandlerTest, ConcurrentRegistrationsOfOnePhoneLetExactlyOneWin) {
  constexpr int kThreads = 8;
  std::atomic<int> won{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      v1::CustomerCommand c;
      *c.mutable_register_() = CompanyRegistration(absl::StrCat("racer", t));
      c.mutable_register_()->mutable_profile()->set_company_name(absl::StrCat("公司", t));
      c.mutable_register_()->mutable_profile()->clear_phones();
      // Every thread writes the number differently; it is one number.
      c.mutable_register_()->mutable_profile()->add_phones(t % 2 ? "+86 138 5739 0467"
                                                                 : "138-5739-0467");
      absl::StatusOr<CommandResult> r =
          handler_->Execute(Context(kNow, absl::StrCat("race-", t)), c);
      if (r.ok()) {
        ++won;
      } else if (absl::IsAlreadyExists(r.status())) {
        ++refused;
      } else {
        ++other;
        ADD_FAILURE() << r.status();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  CRM_ASSERT_OK_AND_ASSIGN(auto claims,
                           store_->ReadStream("phone-13857390467", 0, Direction::kForward, 10));
  EXPECT_EQ(claims.size(), 1u);
}

// Random valid command sequences: the handler's (cached) state equals the
// state rebuilt from the stored events, and replaying twice gives the same.
TEST_F(CommandHandlerTest, RandomCommandSequencesFoldToTheSameStateFromTheStore) {
  std::mt19937 rng(20260312);  // fixed seed: a failure reproduces
  const std::vector<std::string> ids = {"r0", "r1", "r2"};
  for (size_t i = 0; i < ids.size(); ++i) {
    CRM_ASSERT_OK(Register(ids[i], absl::StrCat("随机公司", i), {absl::StrCat("1380000000", i)}));
  }
  int64_t now = kNow;
  for (int step = 0; step < 300; ++step) {
    now += 3600LL * 1000000;
    const std::string& id = ids[rng() % ids.size()];
    v1::CustomerCommand c;
    switch (rng() % 9) {
      case 0:
        c.mutable_tag()->set_customer_id(id);
        c.mutable_tag()->set_tag(rng() % 2 ? "key" : "potential");
        break;
      case 1:
        c.mutable_untag()->set_customer_id(id);
        c.mutable_untag()->set_tag("key");
        break;
      case 2:
        c.mutable_release_to_pool()->set_customer_id(id);
        break;
      case 3:
        c.mutable_claim_from_pool()->set_customer_id(id);
        c.mutable_claim_from_pool()->set_rep_id(rng() % 2 ? "rep-wang" : "rep-zhao");
        break;
      case 4:
        c.mutable_lock()->set_customer_id(id);
        break;
      case 5:
        c.mutable_unlock()->set_customer_id(id);
        break;
      case 6: {
        v1::LogFollowUp* f = c.mutable_log_follow_up();
        f->set_customer_id(id);
        f->set_follow_up_id(absl::StrCat("f", step));
        f->set_channel(v1::FOLLOW_UP_CHANNEL_VISIT);
        f->set_occurred_us(now);
        f->set_rep_id("rep-lina");
        f->set_intent(static_cast<v1::Intent>(2 + rng() % 4));
        break;
      }
      case 7: {
        v1::AddContact* a = c.mutable_add_contact();
        a->set_customer_id(id);
        a->mutable_contact()->set_contact_id(absl::StrCat("k", step));
        a->mutable_contact()->set_name("联系人");
        a->mutable_contact()->add_phones(absl::StrCat("1390000", 1000 + step));
        break;
      }
      default: {
        v1::UpdateCustomerProfile* u = c.mutable_update_profile();
        u->set_customer_id(id);
        u->mutable_profile()->set_industry(rng() % 2 ? "物流" : "化工");
        u->mutable_update_mask()->add_paths("industry");
        break;
      }
    }
    absl::StatusOr<CommandResult> r =
        handler_->Execute(Context(now, absl::StrCat("step-", step)), c);
    // Business refusals are part of a random walk; anything else is a bug.
    ASSERT_TRUE(r.ok() || absl::IsFailedPrecondition(r.status())) << r.status();
  }
  for (const std::string& id : ids) {
    CRM_ASSERT_OK_AND_ASSIGN(CustomerState cached, handler_->LoadCustomer(id));
    CRM_ASSERT_OK_AND_ASSIGN(CustomerState replayed, handler_->CustomerAsOf(id, INT64_MAX));
    CRM_ASSERT_OK_AND_ASSIGN(CustomerState replayed_again, handler_->CustomerAsOf(id, INT64_MAX));
    EXPECT_EQ(Fingerprint(cached), Fingerprint(replayed)) << id;
    EXPECT_EQ(Fingerprint(replayed), Fingerprint(replayed_again)) << id;
    CommandHandler fresh(store_.get(), CommandHandlerOptions{});
    CRM_ASSERT_OK_AND_ASSIGN(CustomerState from_fresh, fresh.LoadCustomer(id));
    EXPECT_EQ(Fingerprint(cached), Fingerprint(from_fresh)) << id;
  }
}

}  // namespace
}  // namespace crm::engine::domain
