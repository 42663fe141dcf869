// A random but reproducible CRM workload for incremental-vs-rebuild checks:
// customers registered, followed up, assigned, released, claimed, merged,
// archived, locked, recycled, rescheduled; reps moved between teams; a rep
// deactivated and its customers reassigned.
#ifndef CRM_TESTS_PROJECTIONS_PIPELINE_RANDOM_WORKLOAD_H_
#define CRM_TESTS_PROJECTIONS_PIPELINE_RANDOM_WORKLOAD_H_

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/projections/pipeline/crm_world.h"
#include "tests/support/status_matchers.h"

namespace crm::projections::testing {

// Business refusals are expected in a random workload; anything else is a bug.
inline void ExpectBusinessOutcome(const absl::Status& s) {
  EXPECT_TRUE(s.ok() || absl::IsFailedPrecondition(s) || absl::IsAlreadyExists(s) ||
              absl::IsNotFound(s))
      << s;
}

// Drives `ops` random commands over `customers` customers and 5 reps in 3
// teams; a manager reassigns a deactivated rep's customers now and then.
inline void RandomWorkload(CrmWorld& w, int customers, int ops, uint32_t seed) {
  std::mt19937 rng(seed);
  const std::vector<std::string> reps = {"r1", "r2", "r3", "r4", "r5"};
  int64_t now = At(2026, 1, 5);
  ASSERT_THAT(w.Team("t1", "", now), ::crm::testing::IsOk());
  ASSERT_THAT(w.Team("t2", "t1", now), ::crm::testing::IsOk());
  ASSERT_THAT(w.Team("t3", "", now), ::crm::testing::IsOk());
  for (size_t i = 0; i < reps.size(); ++i) {
    ASSERT_THAT(w.Rep(reps[i], i < 2 ? "t1" : i < 4 ? "t2" : "t3", now), ::crm::testing::IsOk());
  }
  const std::vector<std::string> names = {"王伟", "李娜", "张敏", "刘洋", "Li Ming"};
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  auto customer = [&] { return absl::StrCat("c", pick(customers)); };
  auto rep = [&] { return reps[pick(static_cast<int>(reps.size()))]; };
  for (int i = 0; i < customers; ++i) {
    CustomerSpec s;
    s.id = absl::StrCat("c", i);
    s.name = absl::StrCat("随机公司", i);
    s.owner = pick(5) == 0 ? "" : rep();
    s.allow_duplicate = true;
    s.phones = {absl::StrCat("139", 10000000 + i)};
    s.contact_person = names[pick(static_cast<int>(names.size()))];
    s.province = pick(2) == 0 ? "广东省" : "浙江省";
    s.city = pick(2) == 0 ? "深圳市" : "杭州市";
    s.industry = pick(2) == 0 ? "物流" : "科技";
    if (pick(3) == 0) s.tags = {"key"};
    ASSERT_THAT(w.Register(s, now), ::crm::testing::IsOk());
  }
  int follow_ups = 0;
  for (int op = 0; op < ops; ++op) {
    now += (1 + pick(20)) * int64_t{3600} * 1000000;
    const int kind = pick(100);
    absl::Status s;
    if (kind < 45) {
      const absl::CivilDay today =
          engine::domain::CivilDayAt(now, engine::domain::DefaultBusinessTimeZone());
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
            engine::domain::ToDate(
                engine::domain::CivilDayAt(now, engine::domain::DefaultBusinessTimeZone()) +
                pick(5));
      }
      s = w.Customer(c, now);
    } else if (kind < 95) {
      s = w.Recycle(4, now).status();
    } else if (kind < 96) {
      v1::CustomerCommand c;
      v1::UpdateCustomerProfile* u = c.mutable_update_profile();
      u->set_customer_id(customer());
      u->mutable_profile()->set_company_name(absl::StrCat("改名公司", pick(1000)));
      u->mutable_update_mask()->add_paths("company_name");
      u->set_allow_duplicate(true);
      s = w.Customer(c, now);
    } else if (kind < 97) {
      v1::CustomerCommand c;
      v1::AddContact* a = c.mutable_add_contact();
      a->set_customer_id(customer());
      a->mutable_contact()->set_contact_id(absl::StrCat("k", op));
      a->mutable_contact()->set_name(names[pick(static_cast<int>(names.size()))]);
      a->mutable_contact()->add_phones(absl::StrCat("137", 10000000 + op));
      a->set_allow_duplicate(true);
      s = w.Customer(c, now);
    } else if (kind < 98) {
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

}  // namespace crm::projections::testing

#endif  // CRM_TESTS_PROJECTIONS_PIPELINE_RANDOM_WORKLOAD_H_
