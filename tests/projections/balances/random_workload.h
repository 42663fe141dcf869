// A long random workload of customer, order and payment commands through the
// real CommandHandler, for checking a read model equals a rebuild and the
// domain's own view. Refusals by business rules are part of the workload.
#ifndef CRM_TESTS_PROJECTIONS_BALANCES_RANDOM_WORKLOAD_H_
#define CRM_TESTS_PROJECTIONS_BALANCES_RANDOM_WORKLOAD_H_

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "crm/v1/opportunity.pb.h"
#include "engine/domain/business_calendar.h"
#include "gtest/gtest.h"
#include "tests/projections/balances/handler_fixture.h"
#include "tests/support/status_matchers.h"

namespace crm::projections::testing {

class RandomWorkloadFixture : public HandlerFixture {
 protected:
  static constexpr int kCustomers = 24;
  static constexpr int kCommands = 900;

  // Runs `command`; a refusal by a business rule is part of a random
  // workload, anything else is a failure.
  void Try(const absl::StatusOr<engine::domain::CommandResult>& r) {
    if (r.ok()) {
      Done(r);
      return;
    }
    const absl::StatusCode code = r.status().code();
    EXPECT_TRUE(code == absl::StatusCode::kFailedPrecondition ||
                code == absl::StatusCode::kNotFound || code == absl::StatusCode::kAlreadyExists)
        << r.status();
  }

  v1::Date RandomDate(int64_t day_offset) {
    const absl::CivilDay d = absl::CivilDay(2025, 10, 1) + day_offset;
    return D(static_cast<int>(d.year()), d.month(), d.day());
  }

  // Registers kCustomers customers, then runs kCommands random commands.
  void RandomWorkload() {
    std::mt19937_64 rng(20260415);
    auto pick = [&](int n) { return static_cast<int>(rng() % n); };
    const std::vector<std::string> reps = {"rep-zhang", "rep-li", "rep-wang", "rep-zhao"};
    for (int i = 0; i < kCustomers; ++i) {
      Register(absl::StrCat("c", i), absl::StrCat("客户公司", i, "号"),
               absl::StrCat("1300000", 1000 + i), reps[i % reps.size()], At(2025, 9, 1));
    }
    int orders = 0;
    int opportunities = 0;
    std::map<std::string, int> payments;  // per order
    for (int n = 0; n < kCommands; ++n) {
      const int op = pick(100);
      const std::string order = absl::StrCat("o", orders == 0 ? 0 : pick(orders));
      const int64_t now = At(2026, 1, 1) + int64_t{86400000000} * pick(150);
      v1::OrderCommand c;
      if (op < 20 || orders == 0) {
        const std::string currency = pick(5) == 0 ? "USD" : "CNY";
        v1::PlaceOrder* p = c.mutable_place();
        p->set_order_id(absl::StrCat("o", orders++));
        p->set_contract_number(absl::StrCat("HT-", p->order_id()));
        p->set_customer_id(absl::StrCat("c", pick(kCustomers)));
        p->set_rep_id(reps[pick(reps.size())]);
        p->set_currency_code(currency);
        const int64_t unit = 1000 * (1 + pick(500));
        const int64_t qty = 1 + pick(4);
        *p->add_lines() = Line("实施服务", qty, unit, currency);
        const int parts = 1 + pick(3);
        int64_t left = unit * qty;
        const int64_t start = pick(200);
        for (int k = 1; k <= parts; ++k) {
          const int64_t amount = k == parts ? left : left / 2;
          left -= amount;
          *p->add_plan() = Due(k, amount, RandomDate(start + 30 * k), currency);
        }
        *p->mutable_signed_on() = RandomDate(start);
        DefineProducts(p->lines(), now);
        Try(handler_->Execute(Ctx(now), c));
        v1::OrderCommand a;
        a.mutable_approve()->set_order_id(p->order_id());
        a.mutable_approve()->set_approver("mgr");
        if (pick(10) != 0) Try(handler_->Execute(Ctx(now), a));
      } else if (op < 60) {
        CRM_ASSERT_OK_AND_ASSIGN(engine::domain::OrderState s, handler_->LoadOrder(order));
        if (!s.exists) continue;
        v1::RecordPayment* p = c.mutable_record_payment();
        p->set_order_id(order);
        p->set_payment_id(absl::StrCat("p", payments[order]++));
        p->set_instalment_number(pick(static_cast<int>(s.plan.size()) + 1));
        const int64_t cap = std::max<int64_t>(s.Outstanding(), 1000);
        *p->mutable_amount() =
            engine::domain::MakeMoney(s.currency_code, 1 + static_cast<int64_t>(rng() % cap));
        *p->mutable_paid_on() = RandomDate(60 + pick(200));
        p->set_method(v1::PAYMENT_METHOD_CASH);
        p->set_rep_id(reps[pick(reps.size())]);
        p->set_allow_overpayment(pick(4) == 0);
        Try(handler_->Execute(Ctx(now), c));
      } else if (op < 75) {
        CRM_ASSERT_OK_AND_ASSIGN(engine::domain::OrderState s, handler_->LoadOrder(order));
        if (!s.exists || s.payments.empty()) continue;
        const engine::domain::PaymentRecord& pay = s.payments[pick(s.payments.size())];
        if (pay.Net() <= 0) continue;
        v1::ReversePayment* r = c.mutable_reverse_payment();
        r->set_order_id(order);
        r->set_payment_id(pay.payment_id);
        *r->mutable_amount() =
            engine::domain::MakeMoney(s.currency_code, 1 + static_cast<int64_t>(rng() % pay.Net()));
        r->set_reason("bounced");
        Try(handler_->Execute(Ctx(now), c));
      } else if (op < 82) {
        c.mutable_cancel()->set_order_id(order);
        c.mutable_cancel()->set_reason("withdrawn");
        Try(handler_->Execute(Ctx(now), c));
      } else if (op < 90) {
        CRM_ASSERT_OK_AND_ASSIGN(engine::domain::OrderState s, handler_->LoadOrder(order));
        if (!s.exists) continue;
        v1::AmendOrder* a = c.mutable_amend();
        a->set_order_id(order);
        for (const v1::OrderLine& l : s.lines) *a->add_lines() = l;
        const int64_t extra = 1000 * (1 + pick(100));
        *a->add_lines() = Line("培训服务", 1, extra, s.currency_code);
        for (const v1::Instalment& i : s.plan) *a->add_plan() = i;
        const absl::CivilDay last_due = engine::domain::ToCivilDay(s.plan.back().due_date());
        const absl::CivilDay due = last_due + 1 + pick(60);
        *a->add_plan() =
            Due(static_cast<int>(s.plan.size()) + 1, extra,
                D(static_cast<int>(due.year()), due.month(), due.day()), s.currency_code);
        Try(handler_->Execute(Ctx(now), c));
      } else if (op < 93) {
        // Opens an opportunity, or moves, wins or loses an earlier one.
        v1::OpportunityCommand o;
        const int kind = opportunities == 0 ? 0 : pick(4);
        const std::string id = absl::StrCat("y", kind == 0 ? opportunities++ : pick(opportunities));
        if (kind == 0) {
          v1::OpenOpportunity* open = o.mutable_open();
          open->set_opportunity_id(id);
          open->set_customer_id(absl::StrCat("c", pick(kCustomers)));
          open->set_source("web");
          *open->mutable_expected_amount() =
              engine::domain::MakeMoney("CNY", 1000 * (1 + pick(1000)));
          *open->mutable_expected_close_date() = RandomDate(200);
          open->set_stage(static_cast<v1::OpportunityStage>(1 + pick(4)));
          open->set_owner_rep_id(reps[pick(reps.size())]);
        } else if (kind == 1) {
          o.mutable_change_stage()->set_opportunity_id(id);
          o.mutable_change_stage()->set_stage(static_cast<v1::OpportunityStage>(1 + pick(4)));
        } else if (kind == 2) {
          o.mutable_win()->set_opportunity_id(id);
          o.mutable_win()->set_order_id(order);
        } else {
          o.mutable_lose()->set_opportunity_id(id);
          o.mutable_lose()->set_reason("budget cut");
        }
        Try(handler_->Execute(Ctx(now), o));
      } else if (op < 95) {
        c.mutable_ship()->set_order_id(order);
        *c.mutable_ship()->mutable_shipped_on() = RandomDate(100);
        Try(handler_->Execute(Ctx(now), c));
      } else if (op < 98) {
        v1::CustomerCommand f;
        v1::LogFollowUp* l = f.mutable_log_follow_up();
        l->set_customer_id(absl::StrCat("c", pick(kCustomers)));
        l->set_follow_up_id(absl::StrCat("f", n));
        l->set_channel(v1::FOLLOW_UP_CHANNEL_PHONE);
        l->set_occurred_us(now);
        l->set_rep_id(reps[pick(reps.size())]);
        l->set_intent(static_cast<v1::Intent>(2 + pick(4)));
        Try(handler_->Execute(Ctx(now), f));
      } else {
        v1::MergeCustomers m;
        m.set_duplicate_customer_id(absl::StrCat("c", pick(kCustomers)));
        m.set_survivor_customer_id(absl::StrCat("c", pick(kCustomers)));
        if (m.duplicate_customer_id() == m.survivor_customer_id()) continue;
        absl::StatusOr<engine::domain::CommandResult> r = handler_->Merge(Ctx(now), m);
        if (!r.ok() && r.status().code() == absl::StatusCode::kInvalidArgument) continue;
        Try(r);
      }
    }
    order_count_ = orders;
  }

  // The customer a merged customer now is, from the customers' own streams.
  std::string Survivor(std::string id) {
    for (;;) {
      absl::StatusOr<engine::domain::CustomerState> s = handler_->LoadCustomer(id);
      EXPECT_TRUE(s.ok()) << s.status();
      if (!s.ok() || s->merged_into.empty()) return id;
      id = s->merged_into;
    }
  }

  int order_count_ = 0;
};

}  // namespace crm::projections::testing

#endif  // CRM_TESTS_PROJECTIONS_BALANCES_RANDOM_WORKLOAD_H_
