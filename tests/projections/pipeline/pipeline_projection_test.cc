// The follow-up pipeline against a scripted month of a small sales team,
// driven through the real CommandHandler and ProjectionRunner. Every expected
// value below was worked out by hand from the script in SetUpTestSuite.
#include "projections/pipeline/pipeline_projection.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/pipeline/pipeline_keys.h"
#include "projections/pipeline/pipeline_queries.h"
#include "tests/projections/pipeline/crm_world.h"
#include "tests/support/status_matchers.h"

namespace crm::projections::pipeline {
namespace {

using ::crm::projections::testing::At;
using ::crm::projections::testing::CrmWorld;
using ::crm::projections::testing::CustomerSpec;
using ::crm::projections::testing::DateOf;
using ::crm::testing::IsOk;
using ::crm::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::TimeZone kZone = engine::domain::DefaultBusinessTimeZone();
const absl::CivilDay kMar12(2026, 3, 12);

std::vector<std::unique_ptr<Projection>> Projections() {
  std::vector<std::unique_ptr<Projection>> p;
  p.push_back(std::make_unique<PipelineProjection>(kZone));
  return p;
}

// The script. Teams: south > sz; bj. Reps: lina (south), wang and chen (sz),
// zhao (bj, deactivated on 03-07 and his customers given to lina).
//
//   03-01  c1..c11 registered: c1 c2 c10 lina; c3 c4 c8 c11 wang; c5 c9 chen;
//          c6 c7 zhao. c8 is an allowed duplicate of c1.
//   03-02  c1 f1 INTERESTED next 03-10; c2 f1 REFUSED; c6 f1 INTERESTED next
//          03-12 (by zhao)
//   03-04  c3 f1 INTERESTED next 03-08; c5 f1 DEAL_CLOSED
//   03-05  c1 f2 CONSIDERING next 03-12; chen releases c9
//   03-06  wang claims c9; c8 merged into c1
//   03-07  zhao deactivated, c6 c7 reassigned to lina; c10 archived; c11 locked
//   03-12  RecyclePool after 10 days: c2 (lina, idle since 03-02) and c4
//          (wang, idle since 03-01); chen claims c4
class PipelineScriptTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new CrmWorld(Projections());
    ASSERT_THAT(world_->status(), IsOk());
    CrmWorld& w = *world_;
    const int64_t d1 = At(2026, 3, 1);
    ASSERT_THAT(w.Team("south", "", d1), IsOk());
    ASSERT_THAT(w.Team("sz", "south", d1), IsOk());
    ASSERT_THAT(w.Team("bj", "", d1), IsOk());
    ASSERT_THAT(w.Rep("lina", "south", d1), IsOk());
    ASSERT_THAT(w.Rep("wang", "sz", d1), IsOk());
    ASSERT_THAT(w.Rep("chen", "sz", d1), IsOk());
    ASSERT_THAT(w.Rep("zhao", "bj", d1), IsOk());
    const std::vector<std::pair<std::string, std::string>> customers = {
        {"c1", "lina"}, {"c2", "lina"},  {"c3", "wang"}, {"c4", "wang"},
        {"c5", "chen"}, {"c6", "zhao"},  {"c7", "zhao"}, {"c8", "wang"},
        {"c9", "chen"}, {"c10", "lina"}, {"c11", "wang"}};
    for (const auto& [id, owner] : customers) {
      CustomerSpec s;
      s.id = id;
      s.name = id == "c8" ? "公司c1" : "公司" + id;
      s.owner = owner;
      s.allow_duplicate = id == "c8";
      ASSERT_THAT(w.Register(s, d1), IsOk()) << id;
    }
    ASSERT_THAT(
        w.FollowUp("c1", "f1", "lina", At(2026, 3, 2), v1::INTENT_INTERESTED, DateOf(2026, 3, 10)),
        IsOk());
    ASSERT_THAT(w.FollowUp("c2", "f1", "lina", At(2026, 3, 2), v1::INTENT_REFUSED), IsOk());
    ASSERT_THAT(
        w.FollowUp("c6", "f1", "zhao", At(2026, 3, 2), v1::INTENT_INTERESTED, DateOf(2026, 3, 12)),
        IsOk());
    ASSERT_THAT(
        w.FollowUp("c3", "f1", "wang", At(2026, 3, 4), v1::INTENT_INTERESTED, DateOf(2026, 3, 8)),
        IsOk());
    ASSERT_THAT(w.FollowUp("c5", "f1", "chen", At(2026, 3, 4), v1::INTENT_DEAL_CLOSED), IsOk());
    ASSERT_THAT(
        w.FollowUp("c1", "f2", "lina", At(2026, 3, 5), v1::INTENT_CONSIDERING, DateOf(2026, 3, 12)),
        IsOk());
    ASSERT_THAT(w.Release("c9", At(2026, 3, 5)), IsOk());
    ASSERT_THAT(w.Claim("c9", "wang", At(2026, 3, 6)), IsOk());
    ASSERT_THAT(w.Merge("c8", "c1", At(2026, 3, 6)), IsOk());
    ASSERT_THAT(w.Deactivate("zhao", At(2026, 3, 7)), IsOk());
    auto moved = w.Reassign("zhao", "lina", At(2026, 3, 7));
    ASSERT_THAT(moved, IsOk());
    ASSERT_EQ(*moved, 2u);
    ASSERT_THAT(w.Archive("c10", At(2026, 3, 7)), IsOk());
    ASSERT_THAT(w.Lock("c11", At(2026, 3, 7)), IsOk());
    ASSERT_THAT(w.Sync(), IsOk());
    queries_ = new PipelineQueries(w.runner(), kZone);
    // Before the recycling run: what it is about to take.
    RecycleQuery before;
    before.scope = Scope::Everyone();
    before.rules.set_recycle_after_days(10);
    before.now_us = At(2026, 3, 12, 9);
    auto candidates = queries_->RecycleCandidates(before);
    ASSERT_THAT(candidates, IsOk());
    for (const PipelineEntry& e : candidates->entries) candidates_before_.push_back(e.customer_id);

    auto recycled = w.Recycle(10, At(2026, 3, 12, 9));
    ASSERT_THAT(recycled, IsOk());
    ASSERT_EQ(*recycled, 2u);
    ASSERT_THAT(w.Claim("c4", "chen", At(2026, 3, 12, 11)), IsOk());
    ASSERT_THAT(w.Sync(), IsOk());
  }

  static void TearDownTestSuite() {
    delete queries_;
    delete world_;
  }

  static std::vector<std::string> Ids(const PipelineQuery& q) {
    auto page = queries_->List(q);
    EXPECT_THAT(page, IsOk());
    std::vector<std::string> ids;
    if (!page.ok()) return ids;
    for (const PipelineEntry& e : page->entries) ids.push_back(e.customer_id);
    EXPECT_EQ(page->next_page_token, "");
    return ids;
  }

  static PipelineQuery Query(Scope scope) {
    PipelineQuery q;
    q.scope = std::move(scope);
    q.as_of = kMar12;
    return q;
  }

  static CrmWorld* world_;
  static PipelineQueries* queries_;
  static std::vector<std::string> candidates_before_;
};

CrmWorld* PipelineScriptTest::world_ = nullptr;
PipelineQueries* PipelineScriptTest::queries_ = nullptr;
std::vector<std::string> PipelineScriptTest::candidates_before_;

TEST_F(PipelineScriptTest, RepSeesOwnCustomersIncludingThoseReassignedFromADeactivatedRep) {
  EXPECT_THAT(Ids(Query(Scope::Rep("lina"))), ElementsAre("c1", "c6", "c7"));
  EXPECT_THAT(Ids(Query(Scope::Rep("wang"))), ElementsAre("c11", "c3", "c9"));
  EXPECT_THAT(Ids(Query(Scope::Rep("chen"))), ElementsAre("c4", "c5"));
  EXPECT_THAT(Ids(Query(Scope::Rep("zhao"))), IsEmpty());
}

TEST_F(PipelineScriptTest, TeamScopeCoversSubTeams) {
  EXPECT_THAT(Ids(Query(Scope::Team("south"))),
              ElementsAre("c4", "c5", "c1", "c6", "c7", "c11", "c3", "c9"));
  EXPECT_THAT(Ids(Query(Scope::Team("sz"))), ElementsAre("c4", "c5", "c11", "c3", "c9"));
  EXPECT_THAT(Ids(Query(Scope::Team("bj"))), IsEmpty());
  EXPECT_THAT(queries_->List(Query(Scope::Team("nowhere"))),
              StatusIs(absl::StatusCode::kNotFound, "nowhere"));
}

TEST_F(PipelineScriptTest, EveryoneExcludesMergedArchivedAndPooledCustomers) {
  EXPECT_THAT(Ids(Query(Scope::Everyone())),
              ElementsAre("c4", "c5", "c1", "c6", "c7", "c11", "c3", "c9"));
  EXPECT_THAT(Ids(Query(Scope::PublicPool())), ElementsAre("c2"));
}

TEST_F(PipelineScriptTest, LatestIntentFiltersAndCounts) {
  PipelineQuery q = Query(Scope::Everyone());
  q.intent = v1::INTENT_INTERESTED;
  EXPECT_THAT(Ids(q), ElementsAre("c6", "c3"));
  q.intent = v1::INTENT_DEAL_CLOSED;
  EXPECT_THAT(Ids(q), ElementsAre("c5"));
  q.intent = v1::INTENT_CONSIDERING;
  EXPECT_THAT(Ids(q), ElementsAre("c1"));
  q.intent = v1::INTENT_NOT_CONTACTED;
  EXPECT_THAT(Ids(q), ElementsAre("c4", "c7", "c11", "c9"));
  q.scope = Scope::PublicPool();
  q.intent = v1::INTENT_REFUSED;
  EXPECT_THAT(Ids(q), ElementsAre("c2"));

  auto counts = queries_->CountByIntent(Scope::Everyone());
  ASSERT_THAT(counts, IsOk());
  EXPECT_EQ((*counts)[v1::INTENT_NOT_CONTACTED], 4);
  EXPECT_EQ((*counts)[v1::INTENT_INTERESTED], 2);
  EXPECT_EQ((*counts)[v1::INTENT_CONSIDERING], 1);
  EXPECT_EQ((*counts)[v1::INTENT_REFUSED], 0);
  EXPECT_EQ((*counts)[v1::INTENT_DEAL_CLOSED], 1);
}

TEST_F(PipelineScriptTest, DueTodayAndOverdueAreComputedAgainstTheAsOfDate) {
  PipelineQuery q = Query(Scope::Everyone());
  q.due = Due::kDueToday;
  EXPECT_THAT(Ids(q), ElementsAre("c1", "c6"));
  q.due = Due::kOverdue;
  EXPECT_THAT(Ids(q), ElementsAre("c3"));
  q.due = Due::kDueTodayOrOverdue;
  EXPECT_THAT(Ids(q), ElementsAre("c1", "c6", "c3"));
  q.intent = v1::INTENT_INTERESTED;
  EXPECT_THAT(Ids(q), ElementsAre("c6", "c3"));
  // The same view read as of an earlier day: c3 is due on 03-08 itself.
  q = Query(Scope::Rep("wang"));
  q.as_of = absl::CivilDay(2026, 3, 8);
  q.due = Due::kDueToday;
  EXPECT_THAT(Ids(q), ElementsAre("c3"));
  q.due = Due::kOverdue;
  EXPECT_THAT(Ids(q), IsEmpty());
}

TEST_F(PipelineScriptTest, EntryShowsLastContactDaysSinceAndTheSheetsFirstAndSecondCall) {
  auto c1 = queries_->Get("c1", kMar12);
  ASSERT_THAT(c1, IsOk());
  EXPECT_EQ(c1->owner_rep_id, "lina");
  EXPECT_EQ(c1->intent, v1::INTENT_CONSIDERING);
  EXPECT_EQ(c1->last_contact_us, At(2026, 3, 5));
  EXPECT_EQ(c1->days_since_last_contact, 7);
  EXPECT_EQ(c1->next_follow_up, absl::CivilDay(2026, 3, 12));
  EXPECT_TRUE(c1->due_today);
  EXPECT_FALSE(c1->overdue);
  EXPECT_EQ(c1->follow_up_count, 2);
  ASSERT_TRUE(c1->first_call.present);
  EXPECT_EQ(c1->first_call.day, absl::CivilDay(2026, 3, 2));
  EXPECT_EQ(c1->first_call.intent, v1::INTENT_INTERESTED);
  ASSERT_TRUE(c1->second_call.present);
  EXPECT_EQ(c1->second_call.day, absl::CivilDay(2026, 3, 5));
  EXPECT_EQ(c1->second_call.intent, v1::INTENT_CONSIDERING);

  auto c3 = queries_->Get("c3", kMar12);
  ASSERT_THAT(c3, IsOk());
  EXPECT_TRUE(c3->overdue);
  EXPECT_EQ(c3->days_overdue, 4);
  EXPECT_FALSE(c3->second_call.present);

  auto c6 = queries_->Get("c6", kMar12);
  ASSERT_THAT(c6, IsOk());
  EXPECT_EQ(c6->owner_rep_id, "lina");
  EXPECT_EQ(c6->first_call.rep_id, "zhao");  // the call stays the deactivated rep's

  auto c7 = queries_->Get("c7", kMar12);
  ASSERT_THAT(c7, IsOk());
  EXPECT_EQ(c7->intent, v1::INTENT_NOT_CONTACTED);
  EXPECT_FALSE(c7->days_since_last_contact.has_value());
  EXPECT_FALSE(c7->first_call.present);
}

// A call logged after a later one (an old call entered late) joins the
// history, but the latest call's intent and next call stay.
TEST(PipelineProjectionTest, ACallLoggedLateDoesNotReplaceTheLatestIntentOrNextCall) {
  CrmWorld w(Projections());
  ASSERT_THAT(w.status(), IsOk());
  const int64_t d1 = At(2026, 3, 1);
  ASSERT_THAT(w.Team("south", "", d1), IsOk());
  ASSERT_THAT(w.Rep("lina", "south", d1), IsOk());
  CustomerSpec s;
  s.id = "c1";
  s.name = "公司c1";
  s.owner = "lina";
  ASSERT_THAT(w.Register(s, d1), IsOk());
  ASSERT_THAT(
      w.FollowUp("c1", "f2", "lina", At(2026, 3, 6), v1::INTENT_INTERESTED, DateOf(2026, 3, 20)),
      IsOk());
  ASSERT_THAT(
      w.FollowUp("c1", "f1", "lina", At(2026, 3, 3), v1::INTENT_REFUSED, DateOf(2026, 3, 4)),
      IsOk());
  ASSERT_THAT(w.Sync(), IsOk());
  PipelineQueries queries(w.runner(), kZone);
  auto c1 = queries.Get("c1", kMar12);
  ASSERT_THAT(c1, IsOk());
  EXPECT_EQ(c1->intent, v1::INTENT_INTERESTED);
  EXPECT_EQ(c1->next_follow_up, absl::CivilDay(2026, 3, 20));
  EXPECT_FALSE(c1->overdue);
  EXPECT_EQ(c1->last_contact_us, At(2026, 3, 6));
  EXPECT_EQ(c1->follow_up_count, 2);
  EXPECT_EQ(c1->first_call.day, absl::CivilDay(2026, 3, 3));  // the sheet's 首电 is the earliest
  EXPECT_EQ(c1->first_call.intent, v1::INTENT_REFUSED);
}

TEST_F(PipelineScriptTest, MergedAndArchivedCustomersAreOnlyReachableByGet) {
  auto c8 = queries_->Get("c8", kMar12);
  ASSERT_THAT(c8, IsOk());
  EXPECT_EQ(c8->merged_into, "c1");
  auto c10 = queries_->Get("c10", kMar12);
  ASSERT_THAT(c10, IsOk());
  EXPECT_TRUE(c10->archived);
  EXPECT_THAT(queries_->Get("c99", kMar12), StatusIs(absl::StatusCode::kNotFound, "c99"));
}

TEST_F(PipelineScriptTest, RecycleCandidatesMatchWhatRecyclePoolTook) {
  EXPECT_THAT(candidates_before_, ElementsAre("c2", "c4"));
  RecycleQuery q;
  q.scope = Scope::Everyone();
  q.rules.set_recycle_after_days(10);
  q.now_us = At(2026, 3, 12, 12);
  auto now = queries_->RecycleCandidates(q);
  ASSERT_THAT(now, IsOk());
  EXPECT_THAT(now->entries, IsEmpty());

  // On 03-20: idle since 03-05 (c1), 03-07 (c6, c7: reassigned), 03-04 (c3),
  // 03-06 (c9: claimed); c4 was claimed on 03-12, c5 is won, c11 locked.
  q.now_us = At(2026, 3, 20);
  q.read.page_size = 2;
  std::vector<std::vector<std::string>> pages;
  for (int i = 0; i < 5; ++i) {
    auto page = queries_->RecycleCandidates(q);
    ASSERT_THAT(page, IsOk());
    pages.emplace_back();
    for (const PipelineEntry& e : page->entries) pages.back().push_back(e.customer_id);
    if (page->next_page_token.empty()) break;
    q.read.page_token = page->next_page_token;
  }
  EXPECT_THAT(pages,
              ElementsAre(ElementsAre("c1", "c6"), ElementsAre("c7", "c3"), ElementsAre("c9")));
}

TEST_F(PipelineScriptTest, RecycledCustomersAreListedByTheRepWhoLostThem) {
  RecycledQuery q;
  q.scope = Scope::Everyone();
  auto all = queries_->Recycled(q);
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->entries.size(), 2u);
  EXPECT_EQ(all->entries[0].customer_id, "c2");
  EXPECT_EQ(all->entries[0].previous_owner_rep_id, "lina");
  EXPECT_EQ(all->entries[0].current_owner_rep_id, "");
  EXPECT_EQ(all->entries[0].last_activity_us, At(2026, 3, 2));
  EXPECT_EQ(all->entries[1].customer_id, "c4");
  EXPECT_EQ(all->entries[1].previous_owner_rep_id, "wang");
  EXPECT_EQ(all->entries[1].current_owner_rep_id, "chen");

  q.scope = Scope::Team("sz");
  auto sz = queries_->Recycled(q);
  ASSERT_THAT(sz, IsOk());
  ASSERT_EQ(sz->entries.size(), 1u);
  EXPECT_EQ(sz->entries[0].customer_id, "c4");

  q.scope = Scope::Everyone();
  q.to_us = At(2026, 3, 12, 8);
  auto earlier = queries_->Recycled(q);
  ASSERT_THAT(earlier, IsOk());
  EXPECT_THAT(earlier->entries, IsEmpty());
}

TEST_F(PipelineScriptTest, ClaimantLoadCountsTodaysClaimsAndOwnedCustomers) {
  auto chen = queries_->ClaimantLoad("chen", kMar12);
  ASSERT_THAT(chen, IsOk());
  EXPECT_EQ(chen->claims_today, 1);
  EXPECT_EQ(chen->owned_customers, 2);
  auto wang = queries_->ClaimantLoad("wang", absl::CivilDay(2026, 3, 6));
  ASSERT_THAT(wang, IsOk());
  EXPECT_EQ(wang->claims_today, 1);
  EXPECT_EQ(wang->owned_customers, 3);
  auto lina = queries_->ClaimantLoad("lina", kMar12);
  ASSERT_THAT(lina, IsOk());
  EXPECT_EQ(lina->claims_today, 0);
  EXPECT_EQ(lina->owned_customers, 3);
}

TEST_F(PipelineScriptTest, PagesFollowTokensAndATokenIsBoundToItsQuery) {
  PipelineQuery q = Query(Scope::Everyone());
  q.read.page_size = 3;
  std::vector<std::string> ids;
  std::string token;
  int pages = 0;
  do {
    q.read.page_token = token;
    auto page = queries_->List(q);
    ASSERT_THAT(page, IsOk());
    ++pages;
    for (const PipelineEntry& e : page->entries) ids.push_back(e.customer_id);
    token = page->next_page_token;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(ids, ElementsAre("c4", "c5", "c1", "c6", "c7", "c11", "c3", "c9"));

  q.read.page_token = "";
  auto first = queries_->List(q);
  ASSERT_THAT(first, IsOk());
  PipelineQuery other = Query(Scope::Rep("lina"));
  other.read.page_token = first->next_page_token;
  EXPECT_THAT(queries_->List(other), StatusIs(absl::StatusCode::kInvalidArgument, "page_token"));
  other.read.page_token = "not a token!";
  EXPECT_THAT(queries_->List(other), StatusIs(absl::StatusCode::kInvalidArgument, "page_token"));
}

TEST_F(PipelineScriptTest, BadQueriesNameTheField) {
  PipelineQuery q;
  q.scope = Scope::Everyone();
  EXPECT_THAT(queries_->List(q), StatusIs(absl::StatusCode::kInvalidArgument, "as_of"));
  q = Query(Scope::Rep(""));
  EXPECT_THAT(queries_->List(q), StatusIs(absl::StatusCode::kInvalidArgument, "scope.id"));
  q = Query(Scope::Everyone());
  q.read.page_size = 5000;
  EXPECT_THAT(queries_->List(q), StatusIs(absl::StatusCode::kInvalidArgument, "page_size"));
  RecycleQuery r;
  r.now_us = At(2026, 3, 12);
  r.rules.set_recycle_after_days(-1);
  EXPECT_THAT(queries_->RecycleCandidates(r),
              StatusIs(absl::StatusCode::kInvalidArgument, "recycle_after_days"));
}

TEST_F(PipelineScriptTest, VerifyFindsNoDifferenceFromARebuild) {
  auto report = world_->runner()->Verify(kPipelineProjectionName);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->differences.front();
  EXPECT_GT(report->rows_compared, 30u);
}

// The row lives only under "c/"; index entries are bare keys (see
// pipeline_keys.h for why).
TEST_F(PipelineScriptTest, IndexEntriesHoldNoCopyOfTheRow) {
  auto reader = world_->runner()->Reader(kPipelineProjectionName);
  ASSERT_THAT(reader, IsOk());
  for (const char* prefix : {"a/", "d/", "i/", "o/"}) {
    int entries = 0;
    ASSERT_THAT((*reader)->Scan(prefix,
                                [&](absl::string_view key, absl::string_view value) {
                                  ++entries;
                                  EXPECT_EQ(value, "") << absl::CHexEscape(key);
                                  return true;
                                }),
                IsOk());
    EXPECT_GT(entries, 0) << prefix;
  }
}

// A follow-up rewrites its customer's row but writes an index entry only
// when it appears or moves: entries marked in place (TamperForTest) keep the
// mark through follow-ups that leave them where they are, and lists, which
// read the rows from "c/", stay right.
TEST(PipelineProjectionTest, AFollowUpWritesOnlyTheIndexEntriesItMoves) {
  CrmWorld w(Projections());
  ASSERT_THAT(w.status(), IsOk());
  const int64_t d1 = At(2026, 3, 1);
  ASSERT_THAT(w.Team("south", "", d1), IsOk());
  ASSERT_THAT(w.Rep("lina", "south", d1), IsOk());
  for (const std::string id : {"c1", "c2"}) {
    CustomerSpec s;
    s.id = id;
    s.name = "公司" + id;
    s.owner = "lina";
    ASSERT_THAT(w.Register(s, d1), IsOk());
  }
  ASSERT_THAT(
      w.FollowUp("c1", "f1", "lina", At(2026, 3, 2), v1::INTENT_INTERESTED, DateOf(2026, 3, 20)),
      IsOk());
  ASSERT_THAT(w.Sync(), IsOk());
  const auto dated = [](const std::string& prefix, absl::CivilDay day) {
    return absl::StrCat(prefix, keys::DayBytes(keys::DayNumber(day)), absl::string_view("\0", 1),
                        "c1");
  };
  const std::string owner_key = keys::OwnerPrefix("lina") + "c1";
  const std::string interested_key = keys::IntentPrefix("lina", v1::INTENT_INTERESTED) + "c1";
  const std::string due_key = dated(keys::DuePrefix("lina"), absl::CivilDay(2026, 3, 20));
  const std::string clock_key = dated(keys::RecyclePrefix("lina"), absl::CivilDay(2026, 3, 2));
  const auto row = [&](const std::string& key) -> std::string {
    auto reader = w.runner()->Reader(kPipelineProjectionName);
    EXPECT_THAT(reader, IsOk());
    if (!reader.ok()) return "(no reader)";
    auto value = (*reader)->Get(key);
    EXPECT_THAT(value, IsOk());
    return value.ok() && value->has_value() ? **value : "(none)";
  };
  for (const std::string& key : {owner_key, interested_key, due_key, clock_key}) {
    ASSERT_EQ(row(key), "") << absl::CHexEscape(key);
    ASSERT_THAT(w.runner()->TamperForTest(kPipelineProjectionName, key, "in place"), IsOk());
  }
  // The same day, intent and next call: no index entry moves.
  for (int i = 2; i <= 12; ++i) {
    ASSERT_THAT(w.FollowUp("c1", absl::StrCat("f", i), "lina", At(2026, 3, 2, 11, i),
                           v1::INTENT_INTERESTED, DateOf(2026, 3, 20)),
                IsOk());
  }
  ASSERT_THAT(w.Sync(), IsOk());
  for (const std::string& key : {owner_key, interested_key, due_key, clock_key}) {
    EXPECT_EQ(row(key), "in place") << absl::CHexEscape(key);
  }
  PipelineQueries queries(w.runner(), kZone);
  PipelineQuery q;
  q.scope = Scope::Rep("lina");
  q.as_of = kMar12;
  auto page = queries.List(q);
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->entries[0].customer_id, "c1");
  EXPECT_EQ(page->entries[0].follow_up_count, 12);
  EXPECT_EQ(page->entries[0].company_name, "公司c1");
  EXPECT_EQ(page->entries[1].customer_id, "c2");

  // A call on a later day with another intent moves the intent and the
  // recycling clock entries; the owner and next-call entries stay.
  ASSERT_THAT(
      w.FollowUp("c1", "f13", "lina", At(2026, 3, 3), v1::INTENT_CONSIDERING, DateOf(2026, 3, 20)),
      IsOk());
  ASSERT_THAT(w.Sync(), IsOk());
  EXPECT_EQ(row(owner_key), "in place");
  EXPECT_EQ(row(due_key), "in place");
  EXPECT_EQ(row(interested_key), "(none)");
  EXPECT_EQ(row(clock_key), "(none)");
  EXPECT_EQ(row(keys::IntentPrefix("lina", v1::INTENT_CONSIDERING) + "c1"), "");
  EXPECT_EQ(row(dated(keys::RecyclePrefix("lina"), absl::CivilDay(2026, 3, 3))), "");
  q.intent = v1::INTENT_CONSIDERING;
  page = queries.List(q);
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].customer_id, "c1");
  EXPECT_EQ(page->entries[0].follow_up_count, 13);
  q.intent = v1::INTENT_INTERESTED;
  page = queries.List(q);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(page->entries, IsEmpty());
}

TEST(PipelineReadYourWritesTest, QueryPassingAnAppendPositionSeesThatAppend) {
  CrmWorld w(Projections());
  ASSERT_THAT(w.status(), IsOk());
  CustomerSpec s;
  s.id = "c1";
  s.name = "天宇物流";
  s.owner = "lina";
  ASSERT_THAT(w.Register(s, At(2026, 3, 1)), IsOk());
  PipelineQueries queries(w.runner(), kZone);
  for (int i = 1; i <= 20; ++i) {
    v1::CustomerCommand c;
    v1::LogFollowUp* f = c.mutable_log_follow_up();
    f->set_customer_id("c1");
    f->set_follow_up_id(absl::StrCat("f", i));
    f->set_channel(v1::FOLLOW_UP_CHANNEL_VISIT);
    f->set_occurred_us(At(2026, 3, 2) + i);
    f->set_rep_id("lina");
    f->set_intent(i % 2 == 0 ? v1::INTENT_INTERESTED : v1::INTENT_CONSIDERING);
    auto result = w.handler()->Execute(w.Ctx(At(2026, 3, 2) + i), c);
    ASSERT_THAT(result, IsOk());
    ReadOptions read;
    read.wait_for = result->position;
    auto c1 = queries.Get("c1", kMar12, read);
    ASSERT_THAT(c1, IsOk());
    EXPECT_EQ(c1->follow_up_count, i);
    EXPECT_EQ(c1->intent, f->intent());
  }
}

}  // namespace
}  // namespace crm::projections::pipeline

namespace crm::projections::pipeline {
namespace {

// The pool rules' claimant load (CommandHandlerOptions::claimant_load) served
// by this view: a second claim on one day is refused, the next day allowed.
TEST(PipelineClaimantLoadTest, DailyClaimLimitIsEnforcedFromTheView) {
  PipelineQueries* queries = nullptr;
  engine::EventStore* store = nullptr;
  engine::domain::CommandHandlerOptions options;
  options.pool_rules.set_daily_claim_limit(1);
  options.claimant_load =
      [&](const std::string& rep,
          absl::CivilDay today) -> absl::StatusOr<engine::domain::ClaimantLoad> {
    ReadOptions read;
    read.wait_for = store->CommittedPosition() - 1;  // read-your-writes
    return queries->ClaimantLoad(rep, today, read);
  };
  CrmWorld w(Projections(), options);
  ASSERT_THAT(w.status(), IsOk());
  store = w.store();
  PipelineQueries q(w.runner(), kZone);
  queries = &q;
  for (const std::string id : {"c1", "c2", "c3"}) {
    CustomerSpec s;
    s.id = id;
    s.name = absl::StrCat("公海客户", id);
    ASSERT_THAT(w.Register(s, At(2026, 3, 1)), IsOk());  // straight into the pool
  }
  EXPECT_THAT(w.Claim("c1", "lina", At(2026, 3, 2, 9)), IsOk());
  EXPECT_THAT(w.Claim("c2", "lina", At(2026, 3, 2, 15)),
              StatusIs(absl::StatusCode::kFailedPrecondition, "daily claim limit"));
  EXPECT_THAT(w.Claim("c2", "wang", At(2026, 3, 2, 15)), IsOk());
  EXPECT_THAT(w.Claim("c3", "lina", At(2026, 3, 3, 9)), IsOk());
}

}  // namespace
}  // namespace crm::projections::pipeline
