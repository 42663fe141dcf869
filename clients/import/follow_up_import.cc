#include "clients/import/follow_up_import.h"

#include <algorithm>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "clients/import/parallel_for.h"
#include "engine/domain/phone_normalizer.h"
#include "engine/status_macros.h"
#include "engine/store/event_id.h"

namespace crm::clients {
namespace {

// What resolving decided for one planned customer.
struct Target {
  std::string id;
  bool exists = false;
  ExistingCustomer existing;
};

// The customer a planned customer command is for.
const std::string& CustomerOf(const v1::CustomerCommand& c) {
  switch (c.command_case()) {
    case v1::CustomerCommand::kRegister:
      return c.register_().customer_id();
    case v1::CustomerCommand::kAddContact:
      return c.add_contact().customer_id();
    default:
      return c.log_follow_up().customer_id();
  }
}

bool HasContact(const ExistingCustomer& existing, const PlannedContact& contact) {
  for (const v1::Contact& c : existing.contacts) {
    if (!contact.phone_key.empty()) {
      for (const std::string& p : c.phones()) {
        absl::StatusOr<engine::domain::NormalizedPhone> key = engine::domain::NormalizePhone(p);
        if (key.ok() && key->key == contact.phone_key) return true;
      }
    } else if (c.name() == contact.name) {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<ImportReport> ImportFollowUps(const FollowUpSheetPlan& plan, ImportBackend& backend,
                                             const ImportOptions& options) {
  ImportReport report;
  report.problems = plan.problems;
  absl::flat_hash_set<int> rejected;
  for (const RowProblem& p : plan.problems) rejected.insert(p.line);
  auto reject_line = [&](int line, std::string column, std::string value, std::string reason) {
    report.problems.push_back(
        RowProblem{line, std::move(column), std::move(value), std::move(reason)});
    rejected.insert(line);
  };

  // Resolve: reads only, each planned customer on its own (in parallel
  // through crmd); what a customer's rows run into is merged in plan order.
  std::vector<Target> targets(plan.customers.size());
  std::vector<std::vector<RowProblem>> found(plan.customers.size());
  absl::Status resolved =
      ParallelFor(plan.customers.size(), options.parallelism, [&](size_t i) -> absl::Status {
        const PlannedCustomer& c = plan.customers[i];
        Target& t = targets[i];
        auto problem = [&](int line, std::string column, std::string value, std::string reason) {
          found[i].push_back(
              RowProblem{line, std::move(column), std::move(value), std::move(reason)});
        };
        absl::StatusOr<std::string> holder =
            c.match_by_phone_only
                ? backend.CustomerHoldingPhone(c.contacts.empty() ? c.key.substr(6)  // "phone:"
                                                                  : c.contacts[0].phone)
                : backend.CustomerHoldingCompanyName(c.company_name);
        if (holder.ok()) {
          t.id = *holder;
          absl::StatusOr<ExistingCustomer> existing = backend.GetCustomer(t.id);
          if (!existing.ok()) return Interrupted(existing.status(), "reading customer " + t.id);
          t.existing = *std::move(existing);
          t.exists = t.existing.exists;
          if (t.existing.archived) {
            for (int line : c.lines) {
              problem(
                  line, "", c.company_name,
                  absl::StrCat("customer ", t.id, " is archived; unarchive it or remove the row"));
            }
          }
        } else if (absl::IsNotFound(holder.status())) {
          if (c.match_by_phone_only) {
            for (int line : c.lines) {
              problem(line, "", c.key.substr(6),
                      "the row has no company and its phone belongs to no customer: add the "
                      "company");
            }
            return absl::OkStatus();
          }
          t.id = StableId("cust", {c.key});
        } else {
          return Interrupted(holder.status(), "looking up " + c.key);
        }
        for (const PlannedContact& contact : c.contacts) {
          if (contact.phone_key.empty()) continue;
          absl::StatusOr<std::string> phone_holder = backend.CustomerHoldingPhone(contact.phone);
          if (phone_holder.ok() && *phone_holder != t.id) {
            problem(contact.line, "phone", contact.phone,
                    absl::StrCat("this phone belongs to customer ", *phone_holder,
                                 " in the CRM, not to ",
                                 c.company_name.empty() ? t.id : c.company_name));
          } else if (!phone_holder.ok() && !absl::IsNotFound(phone_holder.status())) {
            return Interrupted(phone_holder.status(), "looking up phone " + contact.phone);
          }
        }
        return absl::OkStatus();
      });
  if (!resolved.ok()) return resolved;
  for (std::vector<RowProblem>& problems : found) {
    for (RowProblem& p : problems) reject_line(p.line, p.column, p.value, p.reason);
  }
  std::stable_sort(report.problems.begin(), report.problems.end(),
                   [](const RowProblem& a, const RowProblem& b) { return a.line < b.line; });
  if (!report.problems.empty() && !options.skip_invalid) return report;

  // Plan the commands (after rejections), then run them.
  struct Step {
    enum Kind { kRep, kCustomer, kContact, kFollowUp } kind;
    v1::CustomerCommand customer;
    v1::RepCommand rep;
    std::string request_id;
  };
  std::vector<Step> steps;
  absl::flat_hash_set<int> imported_lines;
  std::set<std::string> reps_needed;
  auto rep_id = [&](const std::string& name) {
    auto it = options.rep_ids.find(name);
    return it != options.rep_ids.end() ? it->second : StableId("rep", {name});
  };
  auto request = [&](absl::string_view kind, const std::string& id) {
    return StableId("imp", {options.file_digest, std::string(kind), id});
  };
  for (size_t i = 0; i < plan.customers.size(); ++i) {
    const PlannedCustomer& c = plan.customers[i];
    const Target& t = targets[i];
    if (t.id.empty()) continue;
    const bool any_line = std::any_of(c.lines.begin(), c.lines.end(),
                                      [&](int line) { return !rejected.contains(line); });
    if (!any_line) continue;
    for (int line : c.lines) {
      if (!rejected.contains(line)) imported_lines.insert(line);
    }
    if (t.exists) {
      ++report.customers_matched;
    } else {
      Step s{Step::kCustomer, {}, {}, request("customer", t.id)};
      v1::RegisterCustomer* r = s.customer.mutable_register_();
      r->set_customer_id(t.id);
      r->set_kind(v1::CUSTOMER_KIND_COMPANY);
      r->mutable_profile()->set_company_name(c.company_name);
      r->set_owner_rep_id(rep_id(c.owner_rep_name));
      reps_needed.insert(c.owner_rep_name);
      steps.push_back(std::move(s));
      ++report.customers_registered;
    }
    absl::flat_hash_map<std::string, std::string> contact_ids;  // phone key -> contact id
    for (const PlannedContact& contact : c.contacts) {
      if (rejected.contains(contact.line) || contact.name.empty()) continue;
      if (t.exists && HasContact(t.existing, contact)) continue;
      const std::string contact_id = StableId("ct", {c.key, contact.name, contact.phone_key});
      contact_ids[contact.phone_key] = contact_id;
      Step s{Step::kContact, {}, {}, request("contact", t.id + "/" + contact_id)};
      v1::AddContact* a = s.customer.mutable_add_contact();
      a->set_customer_id(t.id);
      a->mutable_contact()->set_contact_id(contact_id);
      a->mutable_contact()->set_name(contact.name);
      if (!contact.phone.empty()) a->mutable_contact()->add_phones(contact.phone);
      steps.push_back(std::move(s));
      ++report.contacts_added;
    }
    for (const PlannedFollowUp& f : c.follow_ups) {
      if (rejected.contains(f.line)) continue;
      const std::string fu_id =
          StableId("fu", {c.key, absl::StrCat(f.call), absl::FormatCivilTime(f.date),
                          absl::StrCat(static_cast<int>(f.intent)), f.rep_name});
      if (t.exists && t.existing.follow_up_ids.contains(fu_id)) {
        ++report.follow_ups_already_there;
        continue;
      }
      Step s{Step::kFollowUp, {}, {}, request("follow-up", t.id + "/" + fu_id)};
      v1::LogFollowUp* l = s.customer.mutable_log_follow_up();
      l->set_customer_id(t.id);
      l->set_follow_up_id(fu_id);
      l->set_channel(v1::FOLLOW_UP_CHANNEL_PHONE);
      l->set_occurred_us(absl::ToUnixMicros(
          absl::FromCivil(absl::CivilSecond(f.date), options.zone) + absl::Seconds(f.call - 1)));
      l->set_rep_id(rep_id(f.rep_name));
      l->set_intent(f.intent);
      if (auto it = contact_ids.find(f.contact_phone_key);
          it != contact_ids.end() && !f.contact_phone_key.empty()) {
        l->set_contact_id(it->second);
      }
      reps_needed.insert(f.rep_name);
      steps.push_back(std::move(s));
      ++report.follow_ups_logged;
    }
  }
  // Reps first: customers name their owner.
  std::vector<Step> rep_steps;
  for (const std::string& name : reps_needed) {
    Step s{Step::kRep, {}, {}, request("rep", rep_id(name))};
    s.rep.mutable_register_()->set_rep_id(rep_id(name));
    s.rep.mutable_register_()->set_name(name);
    rep_steps.push_back(std::move(s));
  }
  const size_t rep_count = rep_steps.size();
  steps.insert(steps.begin(), std::make_move_iterator(rep_steps.begin()),
               std::make_move_iterator(rep_steps.end()));
  report.rows_imported = static_cast<int>(imported_lines.size());
  if (options.dry_run) {
    report.reps_registered = static_cast<int>(rep_count);  // at most
    return report;
  }

  report.wrote = true;
  // Reps first and in order (customers name their owner); then each
  // customer's commands in order, customers in parallel.
  size_t done = 0;
  absl::Mutex progress_mu;
  auto run = [&](const Step& s, size_t number) -> absl::Status {
    const v1::CommandContext ctx = ImportContext(options, s.request_id);
    absl::StatusOr<bool> wrote =
        s.kind == Step::kRep ? backend.Execute(ctx, s.rep) : backend.Execute(ctx, s.customer);
    absl::Status status = wrote.status();
    if (s.kind == Step::kRep) {
      // A rep registered before (by an earlier import or an admin) is fine.
      if (wrote.ok() && *wrote) ++report.reps_registered;
      if (absl::IsAlreadyExists(status)) status = absl::OkStatus();
    }
    if (!status.ok()) {
      return Interrupted(status, absl::StrCat("command ", number, " of ", steps.size()));
    }
    absl::MutexLock lock(&progress_mu);
    ++done;
    if (options.progress) options.progress(done, steps.size());
    return absl::OkStatus();
  };
  for (size_t i = 0; i < rep_count; ++i) {
    CRM_RETURN_IF_ERROR(run(steps[i], i + 1));
  }
  // Runs of consecutive steps of one customer (steps were planned customer by
  // customer).
  std::vector<std::pair<size_t, size_t>> runs;
  for (size_t i = rep_count; i < steps.size(); ++i) {
    const std::string& id = CustomerOf(steps[i].customer);
    if (runs.empty() || CustomerOf(steps[runs.back().first].customer) != id) {
      runs.emplace_back(i, i + 1);
    } else {
      runs.back().second = i + 1;
    }
  }
  CRM_RETURN_IF_ERROR(ParallelFor(runs.size(), options.parallelism, [&](size_t r) {
    for (size_t i = runs[r].first; i < runs[r].second; ++i) {
      CRM_RETURN_IF_ERROR(run(steps[i], i + 1));
    }
    return absl::OkStatus();
  }));
  return report;
}

}  // namespace crm::clients
