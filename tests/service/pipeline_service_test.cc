// crm.v1.PipelineService through a real server on 127.0.0.1.
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/service/crm_calls.h"
#include "tests/service/service_fixture.h"

namespace crm::service::testing {
namespace {

// 2026-03-02 10:00 in Asia/Shanghai (the fixture's business zone).
absl::Time Shanghai(int y, int m, int d, int hh, int mm) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), zone);
}

std::vector<std::string> Ids(const v1::ListPipelineResponse& r) {
  std::vector<std::string> ids;
  for (const v1::PipelineEntry& e : r.entries()) ids.push_back(e.customer_id());
  return ids;
}

v1::PipelineScope RepScope(const std::string& rep) {
  v1::PipelineScope s;
  s.set_rep_id(rep);
  return s;
}

v1::PipelineScope TeamScope(const std::string& team) {
  v1::PipelineScope s;
  s.set_team_id(team);
  return s;
}

v1::PipelineScope Everyone() {
  v1::PipelineScope s;
  s.set_everyone(true);
  return s;
}

v1::PipelineScope Pool() {
  v1::PipelineScope s;
  s.set_public_pool(true);
  return s;
}

class PipelineServiceTest : public ServiceTest {
 protected:
  uint64_t Register(const std::string& id, const std::string& owner) {
    v1::RegisterCustomerRequest r = Registration(NextRequestId(), id, owner, "公司" + id, "");
    return last_ = Ok(kAdmin, &v1::CrmService::Stub::RegisterCustomer, r).position();
  }

  uint64_t LogCall(const std::string& customer, const std::string& id, const std::string& rep,
                   absl::Time when, v1::Intent intent, const v1::Date& next) {
    v1::LogFollowUpRequest r = FollowUp(NextRequestId(), customer, id, rep);
    r.mutable_command()->set_occurred_us(absl::ToUnixMicros(when));
    r.mutable_command()->set_intent(intent);
    *r.mutable_command()->mutable_next_follow_up_date() = next;
    return last_ = Ok(kAdmin, &v1::CrmService::Stub::LogFollowUp, r).position();
  }

  // The org and, as worked by hand for as_of 2026-03-10:
  //  c1 (r1): calls 03-02 10:00 interested, then 2026-03-04 23:30 UTC =
  //      03-05 07:30 in Shanghai considering, next 03-10: due today,
  //      5 days since the last contact.
  //  c2 (r1): call 03-03 interested, next 03-08: overdue by 2 days.
  //  c3 (r1): never contacted.
  //  c4 (r2, t-south-gz): call 03-04 refused, next 03-20.
  //  c5 (r3, t-north): never contacted.
  //  c6: in the public pool.
  void Seed() {
    CreateOrg();
    for (const char* id : {"c1", "c2", "c3"}) Register(id, "r1");
    Register("c4", "r2");
    Register("c5", "r3");
    Register("c6", "");
    LogCall("c1", "f1", "r1", Shanghai(2026, 3, 2, 10, 0), v1::INTENT_INTERESTED, Day(2026, 3, 9));
    LogCall("c1", "f2", "r1",
            absl::FromCivil(absl::CivilMinute(2026, 3, 4, 23, 30), absl::UTCTimeZone()),
            v1::INTENT_CONSIDERING, Day(2026, 3, 10));
    LogCall("c2", "f3", "r1", Shanghai(2026, 3, 3, 9, 0), v1::INTENT_INTERESTED, Day(2026, 3, 8));
    LogCall("c4", "f4", "r2", Shanghai(2026, 3, 4, 9, 0), v1::INTENT_REFUSED, Day(2026, 3, 20));
  }

  v1::ListPipelineRequest ListOf(const v1::PipelineScope& scope) const {
    v1::ListPipelineRequest r;
    *r.mutable_scope() = scope;
    *r.mutable_as_of() = Day(2026, 3, 10);
    r.set_min_position(last_);
    return r;
  }

  grpc::Status List(const char* who, const v1::ListPipelineRequest& r,
                    v1::ListPipelineResponse* out) {
    auto context = As(who);
    return pipeline_->ListPipeline(context.get(), r, out);
  }

  // The entries of one list, or a failure naming the status.
  std::vector<std::string> ListIds(const char* who, const v1::PipelineScope& scope) {
    v1::ListPipelineResponse out;
    grpc::Status s = List(who, ListOf(scope), &out);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return Ids(out);
  }

  grpc::StatusCode ListCode(const char* who, const v1::PipelineScope& scope) {
    v1::ListPipelineResponse out;
    return List(who, ListOf(scope), &out).error_code();
  }

  uint64_t last_ = 0;
};

TEST_F(PipelineServiceTest, ListShowsIntentDueDatesAndFirstSecondCallsAsOfADay) {
  Seed();
  v1::ListPipelineResponse out;
  grpc::Status s = List(kRep1, ListOf(RepScope("r1")), &out);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(Ids(out), (std::vector<std::string>{"c1", "c2", "c3"}));
  EXPECT_EQ(out.next_page_token(), "");
  EXPECT_EQ(out.as_of().ShortDebugString(), Day(2026, 3, 10).ShortDebugString());

  const v1::PipelineEntry& c1 = out.entries(0);
  EXPECT_EQ(c1.owner_rep_id(), "r1");
  EXPECT_EQ(c1.company_name(), "公司c1");
  EXPECT_EQ(c1.intent(), v1::INTENT_CONSIDERING);
  EXPECT_EQ(c1.follow_up_count(), 2u);
  EXPECT_TRUE(c1.due_today());
  EXPECT_FALSE(c1.overdue());
  EXPECT_EQ(c1.days_overdue(), 0);
  ASSERT_TRUE(c1.has_days_since_last_contact());
  EXPECT_EQ(c1.days_since_last_contact(), 5);  // 03-05 (Shanghai) to 03-10
  EXPECT_EQ(c1.next_follow_up_date().ShortDebugString(), Day(2026, 3, 10).ShortDebugString());
  EXPECT_EQ(c1.last_contact_time().seconds(),
            absl::ToUnixSeconds(
                absl::FromCivil(absl::CivilMinute(2026, 3, 4, 23, 30), absl::UTCTimeZone())));
  ASSERT_TRUE(c1.has_first_call());
  EXPECT_EQ(c1.first_call().follow_up_id(), "f1");
  EXPECT_EQ(c1.first_call().intent(), v1::INTENT_INTERESTED);
  EXPECT_EQ(c1.first_call().day().ShortDebugString(), Day(2026, 3, 2).ShortDebugString());
  EXPECT_EQ(c1.first_call().rep_id(), "r1");
  ASSERT_TRUE(c1.has_second_call());
  EXPECT_EQ(c1.second_call().follow_up_id(), "f2");
  EXPECT_EQ(c1.second_call().intent(), v1::INTENT_CONSIDERING);
  // 23:30 UTC on the 4th is already the 5th in Shanghai.
  EXPECT_EQ(c1.second_call().day().ShortDebugString(), Day(2026, 3, 5).ShortDebugString());

  const v1::PipelineEntry& c2 = out.entries(1);
  EXPECT_EQ(c2.intent(), v1::INTENT_INTERESTED);
  EXPECT_FALSE(c2.due_today());
  EXPECT_TRUE(c2.overdue());
  EXPECT_EQ(c2.days_overdue(), 2);
  EXPECT_EQ(c2.days_since_last_contact(), 7);
  EXPECT_TRUE(c2.has_first_call());
  EXPECT_FALSE(c2.has_second_call());

  const v1::PipelineEntry& c3 = out.entries(2);
  EXPECT_EQ(c3.intent(), v1::INTENT_NOT_CONTACTED);
  EXPECT_EQ(c3.follow_up_count(), 0u);
  EXPECT_FALSE(c3.has_days_since_last_contact());
  EXPECT_FALSE(c3.has_last_contact_time());
  EXPECT_FALSE(c3.has_next_follow_up_date());
  EXPECT_FALSE(c3.has_first_call());
  EXPECT_FALSE(c3.due_today() || c3.overdue());
}

TEST_F(PipelineServiceTest, DueFilterSelectsDueTodayOverdueOrBothAgainstAsOf) {
  Seed();
  auto due = [&](v1::PipelineDueFilter filter, v1::Date as_of) {
    v1::ListPipelineRequest r = ListOf(RepScope("r1"));
    r.set_due(filter);
    *r.mutable_as_of() = as_of;
    v1::ListPipelineResponse out;
    grpc::Status s = List(kRep1, r, &out);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return Ids(out);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(due(v1::PIPELINE_DUE_FILTER_DUE_TODAY, Day(2026, 3, 10)), V{"c1"});
  EXPECT_EQ(due(v1::PIPELINE_DUE_FILTER_OVERDUE, Day(2026, 3, 10)), V{"c2"});
  // By next follow-up date: c2 (03-08) before c1 (03-10).
  EXPECT_EQ(due(v1::PIPELINE_DUE_FILTER_DUE_TODAY_OR_OVERDUE, Day(2026, 3, 10)), (V{"c2", "c1"}));
  // A day earlier c1 is not due yet, c2 still overdue.
  EXPECT_EQ(due(v1::PIPELINE_DUE_FILTER_DUE_TODAY_OR_OVERDUE, Day(2026, 3, 9)), V{"c2"});
  EXPECT_EQ(due(v1::PIPELINE_DUE_FILTER_DUE_TODAY, Day(2026, 3, 8)), V{"c2"});
  EXPECT_EQ(due(v1::PIPELINE_DUE_FILTER_OVERDUE, Day(2026, 3, 8)), V{});
}

TEST_F(PipelineServiceTest, IntentFilterKeepsOnlyTheLatestIntent) {
  Seed();
  auto with = [&](v1::Intent intent) {
    v1::ListPipelineRequest r = ListOf(RepScope("r1"));
    r.set_intent(intent);
    v1::ListPipelineResponse out;
    grpc::Status s = List(kRep1, r, &out);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return Ids(out);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(with(v1::INTENT_INTERESTED), V{"c2"});  // c1 moved on to considering
  EXPECT_EQ(with(v1::INTENT_CONSIDERING), V{"c1"});
  EXPECT_EQ(with(v1::INTENT_NOT_CONTACTED), V{"c3"});
  EXPECT_EQ(with(v1::INTENT_REFUSED), V{});
}

TEST_F(PipelineServiceTest, PageTokensVisitEveryEntryOnceThenEnd) {
  CreateOrg();
  std::set<std::string> registered;
  for (int i = 0; i < 7; ++i) {
    const std::string id = "p" + std::to_string(i);
    Register(id, "r1");
    registered.insert(id);
  }
  v1::ListPipelineRequest r = ListOf(RepScope("r1"));
  r.set_page_size(3);
  std::vector<std::string> seen;
  std::vector<int> sizes;
  for (int page = 0; page < 10; ++page) {
    v1::ListPipelineResponse out;
    grpc::Status s = List(kRep1, r, &out);
    ASSERT_TRUE(s.ok()) << Describe(s);
    sizes.push_back(out.entries_size());
    for (const std::string& id : Ids(out)) seen.push_back(id);
    if (out.next_page_token().empty()) break;
    r.set_page_token(out.next_page_token());
  }
  EXPECT_EQ(sizes, (std::vector<int>{3, 3, 1}));
  EXPECT_EQ(seen, std::vector<std::string>(registered.begin(), registered.end()));
}

TEST_F(PipelineServiceTest, APageSizeAboveTheMaximumIsCappedNotRefused) {
  Register("p0", "r1");
  v1::ListPipelineRequest r = ListOf(RepScope("r1"));
  r.set_page_size(5000);
  v1::ListPipelineResponse out;
  grpc::Status s = List(kRep1, r, &out);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(out.entries_size(), 1);
}

TEST_F(PipelineServiceTest, CountByIntentCountsEveryIntentOfTheScope) {
  Seed();
  v1::CountPipelineByIntentRequest r;
  *r.mutable_scope() = TeamScope("t-south");
  r.set_min_position(last_);
  v1::CountPipelineByIntentResponse out;
  auto context = As(kManagerSouth);
  grpc::Status s = pipeline_->CountPipelineByIntent(context.get(), r, &out);
  ASSERT_TRUE(s.ok()) << Describe(s);
  std::map<v1::Intent, int64_t> counts;
  for (const v1::PipelineIntentCount& c : out.counts()) counts[c.intent()] = c.count();
  // r1's c1 considering, c2 interested, c3 not contacted; r2's c4 refused.
  EXPECT_EQ(counts, (std::map<v1::Intent, int64_t>{{v1::INTENT_NOT_CONTACTED, 1},
                                                   {v1::INTENT_INTERESTED, 1},
                                                   {v1::INTENT_CONSIDERING, 1},
                                                   {v1::INTENT_REFUSED, 1},
                                                   {v1::INTENT_DEAL_CLOSED, 0}}));
  EXPECT_EQ(out.total(), 4);
}

TEST_F(PipelineServiceTest, OwnScopeReadsOnlyItsRepAndThePool) {
  Seed();
  EXPECT_EQ(ListIds(kRep1, RepScope("r1")), (std::vector<std::string>{"c1", "c2", "c3"}));
  EXPECT_EQ(ListIds(kRep1, Pool()), std::vector<std::string>{"c6"});
  EXPECT_EQ(ListCode(kRep1, RepScope("r2")), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListCode(kRep1, RepScope("nobody")), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListCode(kRep1, TeamScope("t-south")), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListCode(kRep1, Everyone()), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListIds(kRep2, RepScope("r2")), std::vector<std::string>{"c4"});
}

TEST_F(PipelineServiceTest, TeamScopeReadsItsTeamAndSubTeamsOnly) {
  Seed();
  // t-south covers r1 and r2 (in sub-team t-south-gz), not r3.
  EXPECT_EQ(ListIds(kManagerSouth, TeamScope("t-south")),
            (std::vector<std::string>{"c1", "c2", "c3", "c4"}));
  EXPECT_EQ(ListIds(kManagerSouth, TeamScope("t-south-gz")), std::vector<std::string>{"c4"});
  EXPECT_EQ(ListIds(kManagerSouth, RepScope("r2")), std::vector<std::string>{"c4"});
  EXPECT_EQ(ListIds(kManagerSouth, Pool()), std::vector<std::string>{"c6"});
  EXPECT_EQ(ListCode(kManagerSouth, RepScope("r3")), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListCode(kManagerSouth, TeamScope("t-north")), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListCode(kManagerSouth, TeamScope("no-such-team")),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListCode(kManagerSouth, Everyone()), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListCode(kManagerNorth, TeamScope("t-south")), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListIds(kManagerNorth, TeamScope("t-north")), std::vector<std::string>{"c5"});
}

TEST_F(PipelineServiceTest, ScopeAllReadsEveryoneButAnalyticsMayNotRead) {
  Seed();
  EXPECT_EQ(ListIds(kViewerAll, Everyone()),
            (std::vector<std::string>{"c1", "c2", "c3", "c4", "c5"}));
  EXPECT_EQ(ListIds(kViewerAll, RepScope("r3")), std::vector<std::string>{"c5"});
  EXPECT_EQ(ListCode(kAdmin, TeamScope("no-such-team")), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ListCode(kAnalytics, Pool()), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListCode(nullptr, Pool()), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(PipelineServiceTest, GetEntryIsScopedAndHidesWhichIdsExist) {
  Seed();
  auto get = [&](const char* who, const std::string& id, v1::PipelineEntry* out) {
    v1::GetPipelineEntryRequest r;
    r.set_customer_id(id);
    *r.mutable_as_of() = Day(2026, 3, 10);
    r.set_min_position(last_);
    auto context = As(who);
    return pipeline_->GetPipelineEntry(context.get(), r, out);
  };
  v1::PipelineEntry e;
  grpc::Status s = get(kRep1, "c2", &e);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_TRUE(e.overdue());
  EXPECT_EQ(e.days_overdue(), 2);
  EXPECT_TRUE(get(kRep1, "c6", &e).ok());  // the pool
  EXPECT_EQ(get(kRep1, "c4", &e).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(get(kRep1, "nope", &e).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(get(kManagerSouth, "c4", &e).ok());
  EXPECT_EQ(get(kManagerSouth, "c5", &e).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(get(kAdmin, "nope", &e).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(PipelineServiceTest, RecycleCandidatesAreIdleUnlockedCustomersAtNow) {
  Seed();
  v1::LockCustomerRequest lock;
  lock.mutable_command()->set_customer_id("c2");
  last_ = Ok(kAdmin, &v1::CrmService::Stub::LockCustomer, lock).position();
  auto candidates = [&](absl::Duration later) {
    v1::ListRecycleCandidatesRequest r;
    *r.mutable_scope() = RepScope("r1");
    r.mutable_rules()->set_recycle_after_days(30);
    *r.mutable_now() = Stamp(absl::Now() + later);
    r.set_min_position(last_);
    v1::ListRecycleCandidatesResponse out;
    auto context = As(kRep1);
    grpc::Status s = pipeline_->ListRecycleCandidates(context.get(), r, &out);
    EXPECT_TRUE(s.ok()) << Describe(s);
    std::vector<std::string> ids;
    for (const v1::PipelineEntry& e : out.entries()) ids.push_back(e.customer_id());
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  // Ownership began at registration (today), later than every call, so the
  // idle clock starts today: nothing is due in 10 days; in 40 days all but
  // the locked c2 are.
  EXPECT_EQ(candidates(absl::Hours(24 * 10)), std::vector<std::string>{});
  EXPECT_EQ(candidates(absl::Hours(24 * 40)), (std::vector<std::string>{"c1", "c3"}));
}

TEST_F(PipelineServiceTest, RecycledListIsScopedAndEmptyBeforeAnyRecycling) {
  Seed();
  auto list = [&](const char* who, const v1::PipelineScope& scope,
                  v1::ListRecycledCustomersResponse* out) {
    v1::ListRecycledCustomersRequest r;
    *r.mutable_scope() = scope;
    r.set_min_position(last_);
    auto context = As(who);
    return pipeline_->ListRecycledCustomers(context.get(), r, out);
  };
  v1::ListRecycledCustomersResponse out;
  grpc::Status s = list(kRep1, RepScope("r1"), &out);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(out.recycled_size(), 0);
  EXPECT_EQ(list(kRep1, RepScope("r2"), &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(PipelineServiceTest, ReadYourWritesSeesTheLastCommand) {
  CreateOrg();
  Register("rw", "r1");
  const uint64_t position = LogCall("rw", "f-rw", "r1", Shanghai(2026, 3, 2, 10, 0),
                                    v1::INTENT_DEAL_CLOSED, Day(2026, 4, 1));
  v1::GetPipelineEntryRequest r;
  r.set_customer_id("rw");
  r.set_min_position(position);
  v1::PipelineEntry e;
  auto context = As(kRep1);
  grpc::Status s = pipeline_->GetPipelineEntry(context.get(), r, &e);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(e.intent(), v1::INTENT_DEAL_CLOSED);
  EXPECT_TRUE(e.won());
  EXPECT_EQ(e.follow_up_count(), 1u);
}

TEST_F(PipelineServiceTest, MinPositionBeyondTheLogIsDeadlineExceededWithinTheDeadline) {
  v1::ListPipelineRequest r;
  *r.mutable_scope() = Pool();
  r.set_min_position(1'000'000'000);
  v1::ListPipelineResponse out;
  auto context = As(kViewerAll);
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(500)));
  const absl::Time start = absl::Now();
  grpc::Status s = pipeline_->ListPipeline(context.get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << Describe(s);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

TEST_F(PipelineServiceTest, InvalidRequestsNameTheField) {
  CreateOrg();
  struct Case {
    const char* what;
    std::function<grpc::Status()> call;
    const char* field;
  };
  auto list = [&](std::function<void(v1::ListPipelineRequest&)> edit) {
    return [this, edit] {
      v1::ListPipelineRequest r;
      *r.mutable_scope() = RepScope("r1");
      edit(r);
      v1::ListPipelineResponse out;
      auto context = As(kAdmin);
      return pipeline_->ListPipeline(context.get(), r, &out);
    };
  };
  auto recycle = [&](std::function<void(v1::ListRecycleCandidatesRequest&)> edit) {
    return [this, edit] {
      v1::ListRecycleCandidatesRequest r;
      *r.mutable_scope() = RepScope("r1");
      r.mutable_rules()->set_recycle_after_days(30);
      *r.mutable_now() = Stamp(absl::Now());
      edit(r);
      v1::ListRecycleCandidatesResponse out;
      auto context = As(kAdmin);
      return pipeline_->ListRecycleCandidates(context.get(), r, &out);
    };
  };
  auto recycled = [&](std::function<void(v1::ListRecycledCustomersRequest&)> edit) {
    return [this, edit] {
      v1::ListRecycledCustomersRequest r;
      *r.mutable_scope() = RepScope("r1");
      edit(r);
      v1::ListRecycledCustomersResponse out;
      auto context = As(kAdmin);
      return pipeline_->ListRecycledCustomers(context.get(), r, &out);
    };
  };
  const std::vector<Case> cases = {
      {"no scope", list([](auto& r) { r.clear_scope(); }), "scope:"},
      {"bad rep id", list([](auto& r) { r.mutable_scope()->set_rep_id("r 1"); }), "scope.rep_id:"},
      {"empty team id", list([](auto& r) { r.mutable_scope()->set_team_id(""); }),
       "scope.team_id:"},
      {"everyone false", list([](auto& r) { r.mutable_scope()->set_everyone(false); }),
       "scope.everyone:"},
      {"pool false", list([](auto& r) { r.mutable_scope()->set_public_pool(false); }),
       "scope.public_pool:"},
      {"unknown intent", list([](auto& r) { r.set_intent(static_cast<v1::Intent>(99)); }),
       "intent:"},
      {"unspecified intent", list([](auto& r) { r.set_intent(v1::INTENT_UNSPECIFIED); }),
       "intent:"},
      {"unknown due", list([](auto& r) { r.set_due(static_cast<v1::PipelineDueFilter>(9)); }),
       "due:"},
      {"Feb 30", list([](auto& r) { *r.mutable_as_of() = Day(2026, 2, 30); }), "as_of:"},
      {"year 0", list([](auto& r) { *r.mutable_as_of() = Day(0, 1, 1); }), "as_of:"},
      {"negative page", list([](auto& r) { r.set_page_size(-1); }), "page_size:"},
      {"foreign token", list([](auto& r) { r.set_page_token("bm90LWEtdG9rZW4"); }), "page_token"},
      {"pool recycling", recycle([](auto& r) { *r.mutable_scope() = Pool(); }),
       "scope.public_pool:"},
      {"no rules", recycle([](auto& r) { r.clear_rules(); }), "rules:"},
      {"negative rules", recycle([](auto& r) { r.mutable_rules()->set_recycle_after_days(-1); }),
       "rules"},
      {"no now", recycle([](auto& r) { r.clear_now(); }), "now:"},
      {"bad nanos", recycle([](auto& r) { r.mutable_now()->set_nanos(-1); }), "now:"},
      {"pool recyclings", recycled([](auto& r) { *r.mutable_scope() = Pool(); }),
       "scope.public_pool:"},
      {"end before start", recycled([](auto& r) {
         *r.mutable_start_time() = Stamp(absl::FromUnixSeconds(2000));
         *r.mutable_end_time() = Stamp(absl::FromUnixSeconds(1000));
       }),
       "end_time:"},
      {"start before 1970",
       recycled([](auto& r) { *r.mutable_start_time() = Stamp(absl::FromUnixSeconds(-5)); }),
       "start_time:"},
      {"get without id",
       [this] {
         v1::GetPipelineEntryRequest r;
         v1::PipelineEntry out;
         auto context = As(kAdmin);
         return pipeline_->GetPipelineEntry(context.get(), r, &out);
       },
       "customer_id:"},
      {"count without scope",
       [this] {
         v1::CountPipelineByIntentRequest r;
         v1::CountPipelineByIntentResponse out;
         auto context = As(kAdmin);
         return pipeline_->CountPipelineByIntent(context.get(), r, &out);
       },
       "scope:"},
  };
  for (const Case& c : cases) {
    grpc::Status s = c.call();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.what << ": " << Describe(s);
    EXPECT_TRUE(absl::StartsWith(s.error_message(), c.field)) << c.what << ": " << Describe(s);
  }
}

TEST_F(PipelineServiceTest, InvalidRequestFailsAtOnceInsteadOfWaitingForMinPosition) {
  v1::ListPipelineRequest r;  // no scope
  r.set_min_position(1'000'000'000);
  v1::ListPipelineResponse out;
  auto context = As(kAdmin);
  const absl::Time start = absl::Now();
  grpc::Status s = pipeline_->ListPipeline(context.get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

}  // namespace
}  // namespace crm::service::testing
