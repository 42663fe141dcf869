// A real event store and CommandHandler in a temp folder, a ProjectionRunner
// over them, and one-line helpers for the commands the read-model tests
// script. Every helper asserts the command succeeded and remembers the last
// position written, so Sync() can wait until the views have applied it.
#ifndef CRM_TESTS_PROJECTIONS_BALANCES_HANDLER_FIXTURE_H_
#define CRM_TESTS_PROJECTIONS_BALANCES_HANDLER_FIXTURE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "crm/v1/customer_commands.pb.h"
#include "crm/v1/order_commands.pb.h"
#include "crm/v1/product.pb.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/command_handler.h"
#include "engine/domain/money.h"
#include "engine/domain/product_decider.h"
#include "engine/store/event_store.h"
#include "gtest/gtest.h"
#include "projections/projection_runner.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace crm::projections::testing {

inline v1::Date D(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// UTC microseconds of 10:00 on a civil day in Asia/Shanghai.
inline int64_t At(int y, int m, int d, int h = 10) {
  return absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(y, m, d, h, 0, 0),
                                            engine::domain::DefaultBusinessTimeZone()));
}

inline v1::OrderLine Line(const std::string& product_name, int64_t quantity, int64_t unit_fen,
                          const std::string& currency = "CNY") {
  v1::OrderLine line;
  line.set_product_id(absl::StrCat("p-", quantity, "-", unit_fen));
  line.set_product_name(product_name);
  line.set_quantity(quantity);
  *line.mutable_unit_price() = engine::domain::MakeMoney(currency, unit_fen);
  return line;
}

inline v1::Instalment Due(int number, int64_t fen, v1::Date due,
                          const std::string& currency = "CNY") {
  v1::Instalment i;
  i.set_number(number);
  *i.mutable_amount() = engine::domain::MakeMoney(currency, fen);
  *i.mutable_due_date() = due;
  return i;
}

class HandlerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    engine::StoreOptions options;
    options.path = store_dir_.path();
    options.sync_writes = false;  // tests do not survive power loss
    auto store = engine::EventStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    handler_ = std::make_unique<engine::domain::CommandHandler>(
        store_.get(), engine::domain::CommandHandlerOptions{});
  }

  void TearDown() override { runner_.reset(); }

  void StartRunner(std::vector<std::unique_ptr<Projection>> projections) {
    runner_.reset();
    RunnerOptions o;
    o.path = views_dir_.path();
    o.batch_events = 64;  // small, so a scenario crosses batches
    auto r = ProjectionRunner::Open(store_.get(), std::move(projections), o);
    ASSERT_TRUE(r.ok()) << r.status();
    runner_ = std::move(*r);
  }

  // Waits until `projection` has applied everything written so far.
  void Sync(const std::string& projection) {
    if (last_position_ == engine::kNoPosition) return;
    ASSERT_THAT(runner_->WaitFor(projection, last_position_, absl::Now() + absl::Seconds(30)),
                crm::testing::IsOk());
  }

  v1::CommandContext Ctx(int64_t now_us) {
    v1::CommandContext ctx;
    ctx.set_request_id(absl::StrCat("req-", ++requests_));
    ctx.set_actor("user-test");
    ctx.set_now_us(now_us);
    return ctx;
  }

  void Done(const absl::StatusOr<engine::domain::CommandResult>& r) {
    ASSERT_TRUE(r.ok()) << r.status();
    if (r->position != engine::kNoPosition &&
        (last_position_ == engine::kNoPosition || r->position > last_position_)) {
      last_position_ = r->position;
    }
  }

  void Register(const std::string& id, const std::string& company, const std::string& phone,
                const std::string& rep, int64_t now_us) {
    v1::CustomerCommand c;
    v1::RegisterCustomer* r = c.mutable_register_();
    r->set_customer_id(id);
    r->set_kind(v1::CUSTOMER_KIND_COMPANY);
    r->mutable_profile()->set_company_name(company);
    r->mutable_profile()->add_phones(phone);
    r->set_owner_rep_id(rep);
    Done(handler_->Execute(Ctx(now_us), c));
  }

  void FollowUp(const std::string& customer, const std::string& id, const std::string& rep,
                v1::Intent intent, int64_t occurred_us) {
    v1::CustomerCommand c;
    v1::LogFollowUp* f = c.mutable_log_follow_up();
    f->set_customer_id(customer);
    f->set_follow_up_id(id);
    f->set_channel(v1::FOLLOW_UP_CHANNEL_PHONE);
    f->set_occurred_us(occurred_us);
    f->set_rep_id(rep);
    f->set_intent(intent);
    Done(handler_->Execute(Ctx(occurred_us), c));
  }

  void Merge(const std::string& duplicate, const std::string& survivor, int64_t now_us) {
    v1::MergeCustomers m;
    m.set_duplicate_customer_id(duplicate);
    m.set_survivor_customer_id(survivor);
    Done(handler_->Merge(Ctx(now_us), m));
  }

  // Defines every product `lines` name that is not defined yet: orders may
  // only sell defined products.
  void DefineProducts(const google::protobuf::RepeatedPtrField<v1::OrderLine>& lines,
                      int64_t now_us) {
    for (const v1::OrderLine& line : lines) {
      absl::StatusOr<engine::domain::ProductState> product =
          handler_->LoadProduct(line.product_id());
      ASSERT_TRUE(product.ok()) << product.status();
      if (product->exists) continue;
      v1::ProductCommand c;
      v1::DefineProduct* d = c.mutable_define();
      d->set_product_id(line.product_id());
      d->set_name(line.product_name());
      *d->mutable_unit_price() = line.unit_price();
      Done(handler_->Execute(Ctx(now_us), c));
    }
  }

  // Places and approves an order.
  void Place(const std::string& id, const std::string& customer, const std::string& rep,
             std::vector<v1::OrderLine> lines, std::vector<v1::Instalment> plan, v1::Date signed_on,
             const std::string& currency = "CNY") {
    v1::OrderCommand c;
    v1::PlaceOrder* p = c.mutable_place();
    p->set_order_id(id);
    p->set_contract_number(absl::StrCat("HT-", id));
    p->set_customer_id(customer);
    p->set_rep_id(rep);
    p->set_currency_code(currency);
    for (v1::OrderLine& l : lines) *p->add_lines() = std::move(l);
    for (v1::Instalment& i : plan) *p->add_plan() = std::move(i);
    *p->mutable_signed_on() = signed_on;
    const int64_t now = At(signed_on.year(), signed_on.month(), signed_on.day());
    DefineProducts(p->lines(), now);
    Done(handler_->Execute(Ctx(now), c));
    v1::OrderCommand a;
    a.mutable_approve()->set_order_id(id);
    a.mutable_approve()->set_approver("mgr-wang");
    Done(handler_->Execute(Ctx(now), a));
  }

  void Amend(const std::string& id, std::vector<v1::OrderLine> lines,
             std::vector<v1::Instalment> plan, int64_t now_us) {
    v1::OrderCommand c;
    v1::AmendOrder* a = c.mutable_amend();
    a->set_order_id(id);
    for (v1::OrderLine& l : lines) *a->add_lines() = std::move(l);
    for (v1::Instalment& i : plan) *a->add_plan() = std::move(i);
    a->set_reason("customer added a line");
    DefineProducts(a->lines(), now_us);
    Done(handler_->Execute(Ctx(now_us), c));
  }

  void Ship(const std::string& id, v1::Date on) {
    v1::OrderCommand c;
    c.mutable_ship()->set_order_id(id);
    c.mutable_ship()->set_shipment_reference("SF123");
    *c.mutable_ship()->mutable_shipped_on() = on;
    Done(handler_->Execute(Ctx(At(on.year(), on.month(), on.day())), c));
  }

  void Cancel(const std::string& id, int64_t now_us) {
    v1::OrderCommand c;
    c.mutable_cancel()->set_order_id(id);
    c.mutable_cancel()->set_reason("customer withdrew");
    Done(handler_->Execute(Ctx(now_us), c));
  }

  void Pay(const std::string& order, const std::string& payment, int instalment, int64_t fen,
           v1::Date on, const std::string& rep, bool allow_overpayment = false,
           const std::string& currency = "CNY") {
    v1::OrderCommand c;
    v1::RecordPayment* p = c.mutable_record_payment();
    p->set_order_id(order);
    p->set_payment_id(payment);
    p->set_instalment_number(instalment);
    *p->mutable_amount() = engine::domain::MakeMoney(currency, fen);
    *p->mutable_paid_on() = on;
    p->set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
    p->set_rep_id(rep);
    p->set_allow_overpayment(allow_overpayment);
    Done(handler_->Execute(Ctx(At(on.year(), on.month(), on.day())), c));
  }

  // The reversal is dated by the command's now.
  void Reverse(const std::string& order, const std::string& payment, int64_t fen, int64_t now_us,
               const std::string& currency = "CNY") {
    v1::OrderCommand c;
    v1::ReversePayment* r = c.mutable_reverse_payment();
    r->set_order_id(order);
    r->set_payment_id(payment);
    *r->mutable_amount() = engine::domain::MakeMoney(currency, fen);
    r->set_reason("transfer bounced");
    Done(handler_->Execute(Ctx(now_us), c));
  }

  crm::testing::TempDir store_dir_;
  crm::testing::TempDir views_dir_;
  std::unique_ptr<engine::EventStore> store_;
  std::unique_ptr<engine::domain::CommandHandler> handler_;
  std::unique_ptr<ProjectionRunner> runner_;
  engine::Position last_position_ = engine::kNoPosition;
  int requests_ = 0;
};

}  // namespace crm::projections::testing

#endif  // CRM_TESTS_PROJECTIONS_BALANCES_HANDLER_FIXTURE_H_
