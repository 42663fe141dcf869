#include "clients/import/collection_import.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace crm::clients {
namespace {

constexpr char kCurrency[] = "CNY";

v1::Date ToDate(absl::CivilDay d) {
  v1::Date out;
  out.set_year(static_cast<int32_t>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

v1::Money Cny(int64_t minor) {
  v1::Money m;
  m.set_currency_code(kCurrency);
  m.set_minor_units(minor);
  return m;
}

}  // namespace

absl::StatusOr<ImportReport> ImportCollections(const CollectionSheetPlan& plan,
                                               ImportBackend& backend,
                                               const ImportOptions& options) {
  ImportReport report;
  report.problems = plan.problems;
  auto product_id = [&](const std::string& name) {
    auto it = options.product_ids.find(name);
    return it != options.product_ids.end() ? it->second : StableId("prod", {name});
  };
  auto rep_id = [&](const std::string& name) {
    auto it = options.rep_ids.find(name);
    return it != options.rep_ids.end() ? it->second : StableId("rep", {name});
  };

  // Resolve: reads only.
  absl::flat_hash_map<std::string, absl::StatusOr<std::string>> customers;  // name -> id
  absl::flat_hash_map<std::string, bool> products;                          // id -> available
  std::vector<std::string> customer_of(plan.rows.size());
  std::vector<bool> ok(plan.rows.size(), true);
  for (size_t i = 0; i < plan.rows.size(); ++i) {
    const PlannedCollection& row = plan.rows[i];
    auto problem = [&](std::string column, std::string value, std::string reason) {
      report.problems.push_back(
          RowProblem{row.line, std::move(column), std::move(value), std::move(reason)});
      ok[i] = false;
    };
    auto c = customers.find(row.customer_key);
    if (c == customers.end()) {
      c = customers.emplace(row.customer_key, backend.CustomerHoldingCompanyName(row.customer_name))
              .first;
    }
    if (c->second.ok()) {
      absl::StatusOr<ExistingCustomer> existing = backend.GetCustomer(*c->second);
      if (!existing.ok()) return Interrupted(existing.status(), "reading customer " + *c->second);
      if (existing->archived) {
        problem("customer", row.customer_name,
                absl::StrCat("customer ", *c->second, " is archived"));
      }
      customer_of[i] = *c->second;
    } else if (absl::IsNotFound(c->second.status())) {
      problem("customer", row.customer_name,
              "no customer of this name in the CRM (a payment sheet does not create customers: "
              "import the follow-up sheet or register the customer first)");
    } else {
      return Interrupted(c->second.status(), "looking up customer " + row.customer_name);
    }
    const std::string pid = product_id(row.product_name);
    auto p = products.find(pid);
    if (p == products.end()) {
      absl::StatusOr<bool> available = backend.ProductAvailable(pid);
      if (!available.ok()) return Interrupted(available.status(), "looking up product " + pid);
      p = products.emplace(pid, *available).first;
    }
    if (!p->second && !options.create_missing) {
      problem("product", row.product_name,
              absl::StrCat("product ", pid,
                           " is not defined (define it, map the name with --product NAME=ID, or "
                           "pass --create-missing)"));
    }
  }
  std::stable_sort(report.problems.begin(), report.problems.end(),
                   [](const RowProblem& a, const RowProblem& b) { return a.line < b.line; });
  if (!report.problems.empty() && !options.skip_invalid) return report;

  // Commands, in order: reps, missing products, then each row's order.
  struct Step {
    std::string request_id;
    v1::RepCommand rep;
    v1::ProductCommand product;
    v1::OrderCommand order;
    enum Kind { kRep, kProduct, kPlace, kApprove, kPay } kind;
  };
  std::vector<Step> steps;
  std::set<std::string> reps;
  std::set<std::string> defined;
  std::map<std::string, int> occurrences;
  for (size_t i = 0; i < plan.rows.size(); ++i) {
    if (!ok[i]) continue;
    const PlannedCollection& row = plan.rows[i];
    reps.insert(row.rep_name);
    const std::string pid = product_id(row.product_name);
    if (!products[pid] && defined.insert(pid).second) {
      Step s;
      s.kind = Step::kProduct;
      s.request_id = StableId("imp", {"define", pid});
      v1::DefineProduct* d = s.product.mutable_define();
      d->set_product_id(pid);
      d->set_name(row.product_name);
      *d->mutable_unit_price() = Cny(row.order_amount);
      steps.push_back(std::move(s));
      ++report.products_defined;
    }
    const std::string content =
        absl::StrCat(row.customer_key, "\n", pid, "\n", absl::FormatCivilTime(row.due_date), "\n",
                     row.order_amount, "\n", row.paid_amount, "\n",
                     row.paid_on.has_value() ? absl::FormatCivilTime(*row.paid_on) : "", "\n",
                     static_cast<int>(row.status));
    const int occurrence = ++occurrences[content];
    const std::string order_id = StableId("ord", {content, absl::StrCat(occurrence)});
    Step place;
    place.kind = Step::kPlace;
    place.request_id = StableId("imp", {"place", order_id});
    v1::PlaceOrder* o = place.order.mutable_place();
    o->set_order_id(order_id);
    // Contract numbers are upper-case ASCII; the id's hex part is unique.
    o->set_contract_number(
        absl::StrCat("IMP-", absl::AsciiStrToUpper(absl::StripPrefix(order_id, "ord-"))));
    o->set_customer_id(customer_of[i]);
    o->set_rep_id(rep_id(row.rep_name));
    o->set_currency_code(kCurrency);
    v1::OrderLine* line = o->add_lines();
    line->set_product_id(pid);
    line->set_product_name(row.product_name);
    line->set_quantity(1);
    *line->mutable_unit_price() = Cny(row.order_amount);
    v1::Instalment* inst = o->add_plan();
    inst->set_number(1);
    *inst->mutable_amount() = Cny(row.order_amount);
    *inst->mutable_due_date() = ToDate(row.due_date);
    steps.push_back(std::move(place));
    Step approve;
    approve.kind = Step::kApprove;
    approve.request_id = StableId("imp", {"approve", order_id});
    approve.order.mutable_approve()->set_order_id(order_id);
    approve.order.mutable_approve()->set_approver(options.actor);
    steps.push_back(std::move(approve));
    if (row.paid_amount > 0 && row.paid_on.has_value()) {
      Step pay;
      pay.kind = Step::kPay;
      pay.request_id = StableId("imp", {"pay", order_id});
      v1::RecordPayment* p = pay.order.mutable_record_payment();
      p->set_order_id(order_id);
      p->set_payment_id("pay-1");
      p->set_instalment_number(1);
      *p->mutable_amount() = Cny(row.paid_amount);
      *p->mutable_paid_on() = ToDate(*row.paid_on);
      p->set_method(options.payment_method);
      p->set_rep_id(rep_id(row.rep_name));
      p->set_external_reference(absl::StrCat("collection sheet line ", row.line));
      steps.push_back(std::move(pay));
    }
    ++report.rows_imported;
  }
  std::vector<Step> rep_steps;
  for (const std::string& name : reps) {
    Step s;
    s.kind = Step::kRep;
    s.request_id = StableId("imp", {"rep", rep_id(name)});
    s.rep.mutable_register_()->set_rep_id(rep_id(name));
    s.rep.mutable_register_()->set_name(name);
    rep_steps.push_back(std::move(s));
  }
  steps.insert(steps.begin(), std::make_move_iterator(rep_steps.begin()),
               std::make_move_iterator(rep_steps.end()));
  if (options.dry_run) {
    for (const Step& s : steps) {
      if (s.kind == Step::kPlace) ++report.orders_placed;
      if (s.kind == Step::kPay) ++report.payments_recorded;
    }
    return report;
  }

  report.wrote = true;
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    const v1::CommandContext ctx = ImportContext(options, s.request_id);
    absl::StatusOr<bool> wrote;
    switch (s.kind) {
      case Step::kRep:
        wrote = backend.Execute(ctx, s.rep);
        if (absl::IsAlreadyExists(wrote.status())) wrote = false;  // registered before
        if (wrote.ok() && *wrote) ++report.reps_registered;
        break;
      case Step::kProduct:
        wrote = backend.Execute(ctx, s.product);
        break;
      case Step::kPlace:
        wrote = backend.Execute(ctx, s.order);
        if (wrote.ok()) ++(*wrote ? report.orders_placed : report.orders_already_there);
        break;
      case Step::kApprove:
        wrote = backend.Execute(ctx, s.order);
        break;
      case Step::kPay:
        wrote = backend.Execute(ctx, s.order);
        if (wrote.ok() && *wrote) ++report.payments_recorded;
        break;
    }
    if (!wrote.ok()) {
      return Interrupted(wrote.status(), absl::StrCat("command ", i + 1, " of ", steps.size()));
    }
    if (options.progress) options.progress(i + 1, steps.size());
  }
  return report;
}

}  // namespace crm::clients
