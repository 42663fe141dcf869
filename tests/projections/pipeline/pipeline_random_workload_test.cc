// The pipeline after a long random workload: equal to a rebuild from scratch
// (runner Verify), and agreeing with the domain's own fold of every customer
// (CommandHandler::LoadCustomer) on what the pipeline shows.
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/pipeline/pipeline_projection.h"
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

const absl::TimeZone kZone = engine::domain::DefaultBusinessTimeZone();

// Business refusals are expected in a random workload; anything else is a bug.
void ExpectBusinessOutcome(const absl::Status& s) {
  EXPECT_TRUE(s.ok() || absl::IsFailedPrecondition(s) || absl::IsAlreadyExists(s) ||
              absl::IsNotFound(s))
      << s;
}

// Drives `ops` random commands over `customers` customers and 5 reps in 3
// teams; a manager reassigns a deactivated rep's customers now and then.
void RandomWorkload(CrmWorld& w, int customers, int ops, uint32_t seed) {
  std::mt19937 rng(seed);
  const std::vector<std::string> reps = {"r1", "r2", "r3", "r4", "r5"};
  int64_t now = At(2026, 1, 5);
  ASSERT_THAT(w.Team("t1", "", now), IsOk());
  ASSERT_THAT(w.Team("t2", "t1", now), IsOk());
  ASSERT_THAT(w.Team("t3", "", now), IsOk());
  for (size_t i = 0; i < reps.size(); ++i) {
    ASSERT_THAT(w.Rep(reps[i], i < 2 ? "t1" : i < 4 ? "t2" : "t3", now), IsOk());
  }
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  auto customer = [&] { return absl::StrCat("c", pick(customers)); };
  auto rep = [&] { return reps[pick(static_cast<int>(reps.size()))]; };
  for (int i = 0; i < customers; ++i) {
    CustomerSpec s;
    s.id = absl::StrCat("c", i);
    s.name = absl::StrCat("随机公司", i);
    s.owner = pick(5) == 0 ? "" : rep();
    s.allow_duplicate = true;
    ASSERT_THAT(w.Register(s, now), IsOk());
  }
  int follow_ups = 0;
  for (int op = 0; op < ops; ++op) {
    now += (1 + pick(20)) * int64_t{3600} * 1000000;
    const int kind = pick(100);
    absl::Status s;
    if (kind < 45) {
      const absl::CivilDay today = engine::domain::CivilDayAt(now, kZone);
      std::optional<v1::Date> next;
      if (pick(3) != 0) next = engine::domain::ToDate(today + pick(10));
      s = w.FollowUp(customer(), absl::StrCat("f", ++follow_ups), rep(),
                     now - pick(48) * int64_t{3600} * 1000000, static_cast<v1::Intent>(2 + pick(4)),
                     next);
    } else if (kind < 55) {
      s = w.Assign(customer(), rep(), now);
    } else if (kind < 63) {
      s = w.Release(customer(), now);
    } else if (kind < 73) {
      s = w.Claim(customer(), rep(), now);
    } else if (kind < 76) {
      const std::string a = customer(), b = customer();
      if (a != b) s = w.Merge(a, b, now);
    } else if (kind < 78) {
      s = w.Archive(customer(), now);
    } else if (kind < 82) {
      s = w.Lock(customer(), now);
    } else if (kind < 86) {
      v1::CustomerCommand c;
      c.mutable_unlock()->set_customer_id(customer());
      s = w.Customer(c, now);
    } else if (kind < 90) {
      v1::CustomerCommand c;
      c.mutable_reschedule_next_follow_up()->set_customer_id(customer());
      if (pick(2) == 0) {
        *c.mutable_reschedule_next_follow_up()->mutable_next_follow_up_date() =
            engine::domain::ToDate(engine::domain::CivilDayAt(now, kZone) + pick(5));
      }
      s = w.Customer(c, now);
    } else if (kind < 95) {
      s = w.Recycle(4, now).status();
    } else if (kind < 97) {
      v1::RepCommand c;
      c.mutable_move_to_team()->set_rep_id(rep());
      c.mutable_move_to_team()->set_team_id(absl::StrCat("t", 1 + pick(3)));
      s = w.handler()->Execute(w.Ctx(now), c).status();
    } else {
      const std::string from = rep(), to = rep();
      // r5 leaves the company the first time it is picked; reassigning its
      // customers away afterwards is what a manager does.
      if (from == "r5") ExpectBusinessOutcome(w.Deactivate(from, now));
      if (from != to) s = w.Reassign(from, to, now).status();
    }
    ExpectBusinessOutcome(s);
  }
}

TEST(PipelineRandomWorkloadTest, IncrementalViewEqualsRebuildAndTheDomainsFold) {
  std::vector<std::unique_ptr<Projection>> p;
  p.push_back(std::make_unique<PipelineProjection>(kZone));
  CrmWorld w(std::move(p));
  ASSERT_THAT(w.status(), IsOk());
  constexpr int kCustomers = 60;
  RandomWorkload(w, kCustomers, 1500, 20260312);
  ASSERT_THAT(w.Sync(), IsOk());

  auto report = w.runner()->Verify(kPipelineProjectionName);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->differences.front();

  PipelineQueries queries(w.runner(), kZone);
  const absl::CivilDay today(2026, 6, 1);
  absl::flat_hash_map<std::string, int> owned;
  int pool = 0, merged = 0, archived = 0;
  for (int i = 0; i < kCustomers; ++i) {
    const std::string id = absl::StrCat("c", i);
    auto state = w.handler()->LoadCustomer(id);
    ASSERT_THAT(state, IsOk());
    auto entry = queries.Get(id, today);
    ASSERT_THAT(entry, IsOk());
    EXPECT_EQ(entry->owner_rep_id, state->owner_rep_id) << id;
    EXPECT_EQ(entry->intent, state->intent) << id;
    EXPECT_EQ(entry->won, state->won) << id;
    EXPECT_EQ(entry->locked, state->locked) << id;
    EXPECT_EQ(entry->archived, state->archived) << id;
    EXPECT_EQ(entry->merged_into, state->merged_into) << id;
    EXPECT_EQ(entry->last_contact_us, state->last_follow_up_us) << id;
    EXPECT_EQ(entry->follow_up_count, static_cast<int>(state->follow_up_ids.size())) << id;
    const bool planned = state->next_follow_up_date.year() != 0;
    ASSERT_EQ(entry->next_follow_up.has_value(), planned) << id;
    if (planned) {
      EXPECT_EQ(*entry->next_follow_up, engine::domain::ToCivilDay(state->next_follow_up_date));
    }
    if (!state->merged_into.empty()) {
      ++merged;
    } else if (state->archived) {
      ++archived;
    } else if (state->owner_rep_id.empty()) {
      ++pool;
    } else {
      ++owned[state->owner_rep_id];
    }
  }
  // The workload must have exercised what it claims to.
  EXPECT_GT(merged, 0);
  EXPECT_GT(pool, 0);
  RecycledQuery recycled;
  auto recyclings = queries.Recycled(recycled);
  ASSERT_THAT(recyclings, IsOk());
  EXPECT_FALSE(recyclings->entries.empty());

  int listed = 0;
  for (const auto& [rep, n] : owned) {
    PipelineQuery q;
    q.scope = Scope::Rep(rep);
    q.as_of = today;
    auto page = queries.List(q);
    ASSERT_THAT(page, IsOk());
    EXPECT_EQ(static_cast<int>(page->entries.size()), n) << rep;
    auto load = queries.ClaimantLoad(rep, today);
    ASSERT_THAT(load, IsOk());
    EXPECT_EQ(load->owned_customers, n) << rep;
    listed += n;
  }
  PipelineQuery everyone;
  everyone.as_of = today;
  everyone.read.page_size = 7;
  int seen = 0;
  for (int pages = 0; pages < 100; ++pages) {
    auto page = queries.List(everyone);
    ASSERT_THAT(page, IsOk());
    seen += static_cast<int>(page->entries.size());
    if (page->next_page_token.empty()) break;
    everyone.read.page_token = page->next_page_token;
  }
  EXPECT_EQ(seen, listed);
  PipelineQuery in_pool;
  in_pool.scope = Scope::PublicPool();
  in_pool.as_of = today;
  auto pool_page = queries.List(in_pool);
  ASSERT_THAT(pool_page, IsOk());
  EXPECT_EQ(static_cast<int>(pool_page->entries.size()), pool);
}

TEST(PipelineRandomWorkloadTest, VerifyReportsATamperedRow) {
  std::vector<std::unique_ptr<Projection>> p;
  p.push_back(std::make_unique<PipelineProjection>(kZone));
  CrmWorld w(std::move(p));
  ASSERT_THAT(w.status(), IsOk());
  RandomWorkload(w, 10, 50, 7);
  ASSERT_THAT(w.Sync(), IsOk());
  ASSERT_THAT(w.runner()->TamperForTest(kPipelineProjectionName, "n/r1", "junk"), IsOk());
  auto report = w.runner()->Verify(kPipelineProjectionName);
  ASSERT_THAT(report, IsOk());
  EXPECT_FALSE(report->ok());
}

}  // namespace
}  // namespace crm::projections::pipeline
