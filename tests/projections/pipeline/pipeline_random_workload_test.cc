// The pipeline after a long random workload: equal to a rebuild from scratch
// (runner Verify), and agreeing with the domain's own fold of every customer
// (CommandHandler::LoadCustomer) on what the pipeline shows.
#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/pipeline/pipeline_projection.h"
#include "projections/pipeline/pipeline_queries.h"
#include "tests/projections/pipeline/crm_world.h"
#include "tests/projections/pipeline/random_workload.h"
#include "tests/support/status_matchers.h"

namespace crm::projections::pipeline {
namespace {

using ::crm::projections::testing::At;
using ::crm::projections::testing::CrmWorld;
using ::crm::projections::testing::RandomWorkload;
using ::crm::testing::IsOk;

const absl::TimeZone kZone = engine::domain::DefaultBusinessTimeZone();

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
  std::vector<int64_t> owned_by_intent(v1::Intent_ARRAYSIZE, 0);
  std::vector<int64_t> pooled_by_intent(v1::Intent_ARRAYSIZE, 0);
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
      ++pooled_by_intent[state->intent];
    } else {
      ++owned[state->owner_rep_id];
      ++owned_by_intent[state->intent];
    }
  }
  auto counts = queries.CountByIntent(Scope::Everyone());
  ASSERT_THAT(counts, IsOk());
  EXPECT_EQ(*counts, owned_by_intent);
  auto pool_counts = queries.CountByIntent(Scope::PublicPool());
  ASSERT_THAT(pool_counts, IsOk());
  EXPECT_EQ(*pool_counts, pooled_by_intent);
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

// Filters that turn index entries down (an intent over the due index) make
// a page read its rows in several batches: every page size must still list
// exactly the domain's matches, in index order, with full pages before a
// token.
TEST(PipelineRandomWorkloadTest, FilteredPagesOfAnySizeListExactlyTheMatchesInIndexOrder) {
  std::vector<std::unique_ptr<Projection>> p;
  p.push_back(std::make_unique<PipelineProjection>(kZone));
  CrmWorld w(std::move(p));
  ASSERT_THAT(w.status(), IsOk());
  constexpr int kCustomers = 80;
  RandomWorkload(w, kCustomers, 1200, 20260401);
  ASSERT_THAT(w.Sync(), IsOk());
  // Every planned call is overdue by then: only the intent filters.
  const absl::CivilDay today(2030, 1, 1);
  // (owner, next call day, id) of each live owned customer with a planned
  // call, by intent.
  using Planned = std::tuple<std::string, absl::CivilDay, std::string>;
  std::vector<std::vector<Planned>> due_by_intent(v1::Intent_ARRAYSIZE);
  for (int i = 0; i < kCustomers; ++i) {
    const std::string id = absl::StrCat("c", i);
    auto state = w.handler()->LoadCustomer(id);
    ASSERT_THAT(state, IsOk());
    if (!state->merged_into.empty() || state->archived || state->owner_rep_id.empty() ||
        state->next_follow_up_date.year() == 0) {
      continue;
    }
    due_by_intent[state->intent].emplace_back(
        state->owner_rep_id, engine::domain::ToCivilDay(state->next_follow_up_date), id);
  }
  PipelineQueries queries(w.runner(), kZone);
  int listed = 0;
  for (int intent = v1::INTENT_NOT_CONTACTED; intent < v1::Intent_ARRAYSIZE; ++intent) {
    std::vector<Planned> due = due_by_intent[intent];
    std::sort(due.begin(), due.end());
    for (const std::string rep : {"", "r1", "r2", "r3", "r4", "r5"}) {
      std::vector<std::string> expected;
      for (const auto& [owner, day, id] : due) {
        if (rep.empty() || owner == rep) expected.push_back(id);
      }
      for (int page_size : {1, 2, 3, 100}) {
        PipelineQuery q;
        q.scope = rep.empty() ? Scope::Everyone() : Scope::Rep(rep);
        q.intent = static_cast<v1::Intent>(intent);
        q.due = Due::kDueTodayOrOverdue;
        q.as_of = today;
        q.read.page_size = page_size;
        std::vector<std::string> ids;
        for (int pages = 0; pages <= kCustomers; ++pages) {
          auto page = queries.List(q);
          ASSERT_THAT(page, IsOk());
          for (const PipelineEntry& e : page->entries) {
            EXPECT_EQ(e.intent, intent) << e.customer_id;
            ids.push_back(e.customer_id);
          }
          if (page->next_page_token.empty()) break;
          EXPECT_EQ(static_cast<int>(page->entries.size()), page_size);
          q.read.page_token = page->next_page_token;
        }
        EXPECT_EQ(ids, expected) << "rep " << rep << " intent " << intent << " size " << page_size;
      }
      if (rep.empty()) listed += static_cast<int>(expected.size());
    }
  }
  // The workload must have planned calls under several intents.
  EXPECT_GT(listed, 10);
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
