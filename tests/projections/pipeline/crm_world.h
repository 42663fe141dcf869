// CrmWorld: a real event store, CommandHandler and ProjectionRunner in temp
// folders, and one-line helpers for the commands a read-model test scripts.
// Shared by the pipeline, directory and history tests.
#ifndef CRM_TESTS_PROJECTIONS_PIPELINE_CRM_WORLD_H_
#define CRM_TESTS_PROJECTIONS_PIPELINE_CRM_WORLD_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/command_handler.h"
#include "engine/status_macros.h"
#include "projections/projection_runner.h"
#include "tests/support/temp_dir.h"

namespace crm::projections::testing {

// UTC microseconds of a civil time in Asia/Shanghai.
inline int64_t At(int y, int mo, int d, int h = 10, int mi = 0) {
  return absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0),
                                            engine::domain::DefaultBusinessTimeZone()));
}

inline v1::Date DateOf(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

struct CustomerSpec {
  std::string id;
  std::string name;
  std::string owner;
  std::vector<std::string> phones;
  std::string contact_person;
  std::string province;
  std::string city;
  std::string industry;
  std::vector<std::string> tags;
  bool allow_duplicate = false;
  v1::CustomerKind kind = v1::CUSTOMER_KIND_COMPANY;
};

class CrmWorld {
 public:
  // Opens everything; check ok() before use.
  explicit CrmWorld(std::vector<std::unique_ptr<Projection>> projections,
                    engine::domain::CommandHandlerOptions options = {}) {
    engine::StoreOptions store_options;
    store_options.path = absl::StrCat(dir_.path(), "/log");
    store_options.sync_writes = false;  // tests do not survive power loss
    auto store = engine::EventStore::Open(store_options);
    if (!store.ok()) {
      status_ = store.status();
      return;
    }
    store_ = std::move(*store);
    handler_ = std::make_unique<engine::domain::CommandHandler>(store_.get(), std::move(options));
    for (const auto& p : projections) names_.push_back(p->name());
    RunnerOptions runner_options;
    runner_options.path = absl::StrCat(dir_.path(), "/views");
    auto runner = ProjectionRunner::Open(store_.get(), std::move(projections), runner_options);
    if (!runner.ok()) {
      status_ = runner.status();
      return;
    }
    runner_ = std::move(*runner);
  }

  const absl::Status& status() const { return status_; }
  engine::EventStore* store() { return store_.get(); }
  engine::domain::CommandHandler* handler() { return handler_.get(); }
  ProjectionRunner* runner() { return runner_.get(); }

  v1::CommandContext Ctx(int64_t now_us, const std::string& actor = "user-li") {
    v1::CommandContext ctx;
    ctx.set_request_id(absl::StrCat("req-", ++requests_));
    ctx.set_actor(actor);
    ctx.set_now_us(now_us);
    return ctx;
  }

  // Waits until every projection has applied the whole log.
  absl::Status Sync() {
    const engine::Position committed = store_->CommittedPosition();
    if (committed == 0) return absl::OkStatus();
    for (const std::string& name : names_) {
      CRM_RETURN_IF_ERROR(runner_->WaitFor(name, committed - 1, absl::Now() + absl::Seconds(10)));
    }
    return absl::OkStatus();
  }

  absl::Status Team(const std::string& id, const std::string& parent, int64_t at) {
    v1::CreateTeam c;
    c.set_team_id(id);
    c.set_name(absl::StrCat("team ", id));
    c.set_parent_team_id(parent);
    return handler_->Execute(Ctx(at), c).status();
  }

  absl::Status Rep(const std::string& id, const std::string& team, int64_t at) {
    v1::RepCommand c;
    c.mutable_register_()->set_rep_id(id);
    c.mutable_register_()->set_name(absl::StrCat("rep ", id));
    c.mutable_register_()->set_team_id(team);
    return handler_->Execute(Ctx(at), c).status();
  }

  absl::Status Deactivate(const std::string& rep, int64_t at) {
    v1::RepCommand c;
    c.mutable_deactivate()->set_rep_id(rep);
    c.mutable_deactivate()->set_reason("left the company");
    return handler_->Execute(Ctx(at), c).status();
  }

  absl::Status Register(const CustomerSpec& s, int64_t at, const std::string& actor = "user-li") {
    v1::CustomerCommand c;
    v1::RegisterCustomer* r = c.mutable_register_();
    r->set_customer_id(s.id);
    r->set_kind(s.kind);
    r->mutable_profile()->set_company_name(s.name);
    r->mutable_profile()->set_contact_person(s.contact_person);
    for (const std::string& p : s.phones) r->mutable_profile()->add_phones(p);
    r->mutable_profile()->mutable_address()->set_province(s.province);
    r->mutable_profile()->mutable_address()->set_city(s.city);
    r->mutable_profile()->set_industry(s.industry);
    for (const std::string& t : s.tags) r->add_tags(t);
    r->set_owner_rep_id(s.owner);
    r->set_allow_duplicate(s.allow_duplicate);
    return handler_->Execute(Ctx(at, actor), c).status();
  }

  absl::Status FollowUp(const std::string& customer, const std::string& follow_up_id,
                        const std::string& rep, int64_t at, v1::Intent intent,
                        std::optional<v1::Date> next = std::nullopt,
                        const std::string& actor = "user-li") {
    v1::CustomerCommand c;
    v1::LogFollowUp* f = c.mutable_log_follow_up();
    f->set_customer_id(customer);
    f->set_follow_up_id(follow_up_id);
    f->set_channel(v1::FOLLOW_UP_CHANNEL_PHONE);
    f->set_occurred_us(at);
    f->set_rep_id(rep);
    f->set_intent(intent);
    if (next) *f->mutable_next_follow_up_date() = *next;
    return handler_->Execute(Ctx(at, actor), c).status();
  }

  absl::Status Customer(const v1::CustomerCommand& c, int64_t at,
                        const std::string& actor = "user-li") {
    return handler_->Execute(Ctx(at, actor), c).status();
  }

  absl::Status Release(const std::string& customer, int64_t at) {
    v1::CustomerCommand c;
    c.mutable_release_to_pool()->set_customer_id(customer);
    return Customer(c, at);
  }

  absl::Status Claim(const std::string& customer, const std::string& rep, int64_t at) {
    v1::CustomerCommand c;
    c.mutable_claim_from_pool()->set_customer_id(customer);
    c.mutable_claim_from_pool()->set_rep_id(rep);
    return Customer(c, at);
  }

  absl::Status Assign(const std::string& customer, const std::string& rep, int64_t at) {
    v1::CustomerCommand c;
    c.mutable_assign_owner()->set_customer_id(customer);
    c.mutable_assign_owner()->set_owner_rep_id(rep);
    return Customer(c, at);
  }

  absl::Status Archive(const std::string& customer, int64_t at) {
    v1::CustomerCommand c;
    c.mutable_archive()->set_customer_id(customer);
    c.mutable_archive()->set_reason("closed down");
    return Customer(c, at);
  }

  absl::Status Lock(const std::string& customer, int64_t at) {
    v1::CustomerCommand c;
    c.mutable_lock()->set_customer_id(customer);
    return Customer(c, at);
  }

  absl::Status Tag(const std::string& customer, const std::string& tag, int64_t at) {
    v1::CustomerCommand c;
    c.mutable_tag()->set_customer_id(customer);
    c.mutable_tag()->set_tag(tag);
    return Customer(c, at);
  }

  absl::Status Merge(const std::string& duplicate, const std::string& survivor, int64_t at) {
    v1::MergeCustomers c;
    c.set_duplicate_customer_id(duplicate);
    c.set_survivor_customer_id(survivor);
    return handler_->Merge(Ctx(at), c).status();
  }

  absl::StatusOr<size_t> Reassign(const std::string& from, const std::string& to, int64_t at) {
    v1::ReassignRepCustomers c;
    c.set_from_rep_id(from);
    c.set_to_rep_id(to);
    c.set_reason("rep deactivated");
    return handler_->ReassignCustomers(Ctx(at, "manager-zhou"), c);
  }

  absl::StatusOr<size_t> Recycle(int recycle_after_days, int64_t at) {
    v1::RecyclePool c;
    c.mutable_rules()->set_recycle_after_days(recycle_after_days);
    return handler_->RecyclePool(Ctx(at, "system-pool"), c);
  }

 private:
  crm::testing::TempDir dir_;
  absl::Status status_;
  std::unique_ptr<engine::EventStore> store_;
  std::unique_ptr<engine::domain::CommandHandler> handler_;
  std::unique_ptr<ProjectionRunner> runner_;
  std::vector<std::string> names_;
  int requests_ = 0;
};

}  // namespace crm::projections::testing

#endif  // CRM_TESTS_PROJECTIONS_PIPELINE_CRM_WORLD_H_
