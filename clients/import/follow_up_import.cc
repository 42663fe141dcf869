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

// Lookups per batch call, and commands per batch call (whole customers:
// a batch may run over by one customer's steps).
constexpr size_t kReadsPerBatch = 1000;
constexpr size_t kCommandsPerBatch = 256;

// fn over `in` in pieces of `size`, up to `parallelism` pieces at a time;
// the answers in the order of `in`. fn returns one answer per element.
template <typename In, typename Fn>
auto InBatches(const std::vector<In>& in, size_t size, int parallelism, Fn fn) -> decltype(fn(in)) {
  using Out = typename std::decay_t<decltype(*fn(in))>::value_type;
  std::vector<Out> out(in.size());
  const size_t pieces = (in.size() + size - 1) / size;
  CRM_RETURN_IF_ERROR(ParallelFor(pieces, parallelism, [&](size_t p) -> absl::Status {
    const size_t first = p * size;
    const std::vector<In> piece(in.begin() + first, in.begin() + std::min(in.size(), first + size));
    auto answers = fn(piece);
    if (!answers.ok()) return answers.status();
    if (answers->size() != piece.size()) {
      return absl::InternalError("a batch lookup answered a different number of results");
    }
    std::move(answers->begin(), answers->end(), out.begin() + first);
    return absl::OkStatus();
  }));
  return out;
}

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

  // Resolve: reads only, in batches (a few calls through crmd for the whole
  // sheet, a few batches in parallel); what each planned customer runs into
  // is collected per customer and merged in plan order.
  const size_t n = plan.customers.size();
  std::vector<Target> targets(n);
  std::vector<std::vector<RowProblem>> found(n);
  auto problem = [&](size_t i, int line, std::string column, std::string value,
                     std::string reason) {
    found[i].push_back(RowProblem{line, std::move(column), std::move(value), std::move(reason)});
  };

  // 1. Who holds each customer's company name (without one: its phone).
  std::vector<HolderQuery> holder_queries;
  holder_queries.reserve(n);
  for (const PlannedCustomer& c : plan.customers) {
    if (c.match_by_phone_only) {
      holder_queries.push_back({HolderQuery::kPhone, c.contacts.empty()
                                                         ? c.key.substr(6)  // "phone:"
                                                         : c.contacts[0].phone});
    } else {
      holder_queries.push_back({HolderQuery::kCompanyName, c.company_name});
    }
  }
  CRM_ASSIGN_OR_RETURN(
      std::vector<absl::StatusOr<std::string>> holders,
      InBatches(holder_queries, kReadsPerBatch, options.parallelism,
                [&](const std::vector<HolderQuery>& q) { return backend.CustomersHolding(q); }));
  std::vector<size_t> matched;  // customers found in the CRM
  for (size_t i = 0; i < n; ++i) {
    const PlannedCustomer& c = plan.customers[i];
    if (holders[i].ok()) {
      targets[i].id = *holders[i];
      matched.push_back(i);
    } else if (absl::IsNotFound(holders[i].status())) {
      if (c.match_by_phone_only) {
        for (int line : c.lines) {
          problem(i, line, "", c.key.substr(6),
                  "the row has no company and its phone belongs to no customer: add the company");
        }
      } else {
        targets[i].id = StableId("cust", {c.key});
      }
    } else {
      return Interrupted(holders[i].status(), "looking up " + c.key);
    }
  }

  // 2. What the matched customers already have.
  std::vector<std::string> matched_ids;
  for (size_t i : matched) matched_ids.push_back(targets[i].id);
  CRM_ASSIGN_OR_RETURN(
      std::vector<ExistingCustomer> existing,
      InBatches(matched_ids, kReadsPerBatch, options.parallelism,
                [&](const std::vector<std::string>& ids) { return backend.GetCustomers(ids); }));
  for (size_t k = 0; k < matched.size(); ++k) {
    const size_t i = matched[k];
    Target& t = targets[i];
    t.existing = std::move(existing[k]);
    t.exists = t.existing.exists;
    if (t.existing.archived) {
      for (int line : plan.customers[i].lines) {
        problem(i, line, "", plan.customers[i].company_name,
                absl::StrCat("customer ", t.id, " is archived; unarchive it or remove the row"));
      }
    }
  }

  // 3. Whether each contact's phone belongs to another customer.
  std::vector<HolderQuery> phone_queries;
  std::vector<std::pair<size_t, const PlannedContact*>> phone_of;  // query -> customer, contact
  for (size_t i = 0; i < n; ++i) {
    if (targets[i].id.empty()) continue;
    for (const PlannedContact& contact : plan.customers[i].contacts) {
      if (contact.phone_key.empty()) continue;
      phone_queries.push_back({HolderQuery::kPhone, contact.phone});
      phone_of.emplace_back(i, &contact);
    }
  }
  CRM_ASSIGN_OR_RETURN(
      std::vector<absl::StatusOr<std::string>> phone_holders,
      InBatches(phone_queries, kReadsPerBatch, options.parallelism,
                [&](const std::vector<HolderQuery>& q) { return backend.CustomersHolding(q); }));
  for (size_t k = 0; k < phone_queries.size(); ++k) {
    const auto [i, contact] = phone_of[k];
    const PlannedCustomer& c = plan.customers[i];
    const absl::StatusOr<std::string>& holder = phone_holders[k];
    if (holder.ok() && *holder != targets[i].id) {
      problem(i, contact->line, "phone", contact->phone,
              absl::StrCat("this phone belongs to customer ", *holder, " in the CRM, not to ",
                           c.company_name.empty() ? targets[i].id : c.company_name));
    } else if (!holder.ok() && !absl::IsNotFound(holder.status())) {
      return Interrupted(holder.status(), "looking up phone " + contact->phone);
    }
  }
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
  // Batches of whole customers (steps were planned customer by customer,
  // so one customer's steps are consecutive and stay in one batch, in
  // order); a few batches in parallel.
  std::vector<std::pair<size_t, size_t>> batches;  // [first step, end)
  for (size_t i = rep_count; i < steps.size(); ++i) {
    const bool same_customer =
        i > rep_count && CustomerOf(steps[i].customer) == CustomerOf(steps[i - 1].customer);
    if (batches.empty() || (!same_customer && i - batches.back().first >= kCommandsPerBatch)) {
      batches.emplace_back(i, i + 1);
    } else {
      batches.back().second = i + 1;
    }
  }
  CRM_RETURN_IF_ERROR(ParallelFor(batches.size(), options.parallelism, [&](size_t b) {
    const auto [first, end] = batches[b];
    std::vector<BackendCommand> commands;
    commands.reserve(end - first);
    for (size_t i = first; i < end; ++i) {
      commands.push_back({ImportContext(options, steps[i].request_id), steps[i].customer});
    }
    CRM_ASSIGN_OR_RETURN(std::vector<absl::StatusOr<bool>> results, backend.ExecuteAll(commands));
    for (size_t k = 0; k < results.size(); ++k) {
      if (!results[k].ok()) {
        return Interrupted(results[k].status(),
                           absl::StrCat("command ", first + k + 1, " of ", steps.size()));
      }
    }
    absl::MutexLock lock(&progress_mu);
    done += end - first;
    if (options.progress) options.progress(done, steps.size());
    return absl::OkStatus();
  }));
  return report;
}

}  // namespace crm::clients
