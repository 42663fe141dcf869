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
#include "engine/status_macros.h"

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

  // Resolve: reads only. Each customer name and each customer found is
  // looked up once, all in batches (a few calls through crmd).
  std::vector<std::string> names;  // distinct customer keys, first-seen order
  absl::flat_hash_map<std::string, size_t> name_index;
  std::vector<HolderQuery> queries;
  for (const PlannedCollection& row : plan.rows) {
    if (name_index.try_emplace(row.customer_key, names.size()).second) {
      names.push_back(row.customer_key);
      queries.push_back({HolderQuery::kCompanyName, row.customer_name});
    }
  }
  CRM_ASSIGN_OR_RETURN(std::vector<absl::StatusOr<std::string>> holders,
                       backend.CustomersHolding(queries));
  if (holders.size() != queries.size()) {
    return absl::InternalError("the customer lookup answered a different number of results");
  }
  std::vector<std::string> found_ids;
  absl::flat_hash_map<std::string, size_t> found_index;  // id -> position in found_ids
  for (const absl::StatusOr<std::string>& h : holders) {
    if (h.ok() && found_index.try_emplace(*h, found_ids.size()).second) found_ids.push_back(*h);
  }
  absl::StatusOr<std::vector<ExistingCustomer>> existing = backend.GetCustomers(found_ids);
  if (!existing.ok()) return Interrupted(existing.status(), "reading the customers found");

  using Product = ImportBackend::Product;
  absl::flat_hash_map<std::string, Product> products;  // by id
  std::vector<std::string> customer_of(plan.rows.size());
  std::vector<bool> ok(plan.rows.size(), true);
  for (size_t i = 0; i < plan.rows.size(); ++i) {
    const PlannedCollection& row = plan.rows[i];
    auto problem = [&](std::string column, std::string value, std::string reason) {
      report.problems.push_back(
          RowProblem{row.line, std::move(column), std::move(value), std::move(reason)});
      ok[i] = false;
    };
    const absl::StatusOr<std::string>& holder = holders[name_index[row.customer_key]];
    if (holder.ok()) {
      if ((*existing)[found_index[*holder]].archived) {
        problem("customer", row.customer_name, absl::StrCat("customer ", *holder, " is archived"));
      }
      customer_of[i] = *holder;
    } else if (absl::IsNotFound(holder.status())) {
      problem("customer", row.customer_name,
              "no customer of this name in the CRM (a payment sheet does not create customers: "
              "import the follow-up sheet or register the customer first)");
    } else {
      return Interrupted(holder.status(), "looking up customer " + row.customer_name);
    }
    const std::string pid = product_id(row.product_name);
    auto p = products.find(pid);
    if (p == products.end()) {
      absl::StatusOr<Product> found = backend.LookUpProduct(pid);
      if (!found.ok()) return Interrupted(found.status(), "looking up product " + pid);
      p = products.emplace(pid, *found).first;
    }
    if (p->second == Product::kRetired) {
      problem("product", row.product_name,
              absl::StrCat("product ", pid,
                           " is retired and no longer sold (map the name to a product on sale "
                           "with --product NAME=ID)"));
    } else if (p->second == Product::kMissing && !options.create_missing) {
      problem("product", row.product_name,
              absl::StrCat("product ", pid,
                           " is not defined (define it, map the name with --product NAME=ID, or "
                           "pass --create-missing)"));
    }
  }
  std::stable_sort(report.problems.begin(), report.problems.end(),
                   [](const RowProblem& a, const RowProblem& b) { return a.line < b.line; });
  if (!report.problems.empty() && !options.skip_invalid) return report;

  // Commands: reps, missing products, then each row's order.
  struct Step {
    std::string request_id;
    v1::RepCommand rep;
    v1::ProductCommand product;
    v1::OrderCommand order;
    enum Kind { kRep, kProduct, kPlace, kApprove, kPay } kind;
  };
  std::vector<Step> steps;
  std::vector<Step> product_steps;
  std::set<std::string> reps;
  std::set<std::string> defined;
  std::map<std::string, int> occurrences;
  for (size_t i = 0; i < plan.rows.size(); ++i) {
    if (!ok[i]) continue;
    const PlannedCollection& row = plan.rows[i];
    reps.insert(row.rep_name);
    const std::string pid = product_id(row.product_name);
    if (products[pid] == Product::kMissing && defined.insert(pid).second) {
      Step s;
      s.kind = Step::kProduct;
      s.request_id = StableId("imp", {"define", pid});
      v1::DefineProduct* d = s.product.mutable_define();
      d->set_product_id(pid);
      d->set_name(row.product_name);
      *d->mutable_unit_price() = Cny(row.order_amount);
      product_steps.push_back(std::move(s));
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
  // Reps, then products, then the orders that name them.
  steps.insert(steps.begin(), std::make_move_iterator(product_steps.begin()),
               std::make_move_iterator(product_steps.end()));
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
  // Reps and products first, one by one (orders name them); then the orders'
  // commands in batches: one order's place, approve and payment stay in
  // order, orders run concurrently.
  size_t first_order_step = 0;
  for (; first_order_step < steps.size(); ++first_order_step) {
    const Step& s = steps[first_order_step];
    if (s.kind != Step::kRep && s.kind != Step::kProduct) break;
    const v1::CommandContext ctx = ImportContext(options, s.request_id);
    absl::StatusOr<bool> wrote;
    if (s.kind == Step::kRep) {
      wrote = backend.Execute(ctx, s.rep);
      if (absl::IsAlreadyExists(wrote.status())) wrote = false;  // registered before
      if (wrote.ok() && *wrote) ++report.reps_registered;
    } else {
      wrote = backend.Execute(ctx, s.product);
    }
    if (!wrote.ok()) {
      return Interrupted(wrote.status(),
                         absl::StrCat("command ", first_order_step + 1, " of ", steps.size()));
    }
    if (options.progress) options.progress(first_order_step + 1, steps.size());
  }
  constexpr size_t kCommandsPerBatch = 300;  // whole orders (at most 3 commands each)
  for (size_t first = first_order_step; first < steps.size();) {
    size_t end = std::min(steps.size(), first + kCommandsPerBatch);
    while (end < steps.size() && steps[end].kind != Step::kPlace) ++end;  // keep orders whole
    std::vector<BackendCommand> commands;
    for (size_t i = first; i < end; ++i) {
      commands.push_back({ImportContext(options, steps[i].request_id), steps[i].order});
    }
    CRM_ASSIGN_OR_RETURN(std::vector<absl::StatusOr<bool>> results, backend.ExecuteAll(commands));
    for (size_t k = 0; k < results.size(); ++k) {
      const Step& s = steps[first + k];
      if (!results[k].ok()) {
        return Interrupted(results[k].status(),
                           absl::StrCat("command ", first + k + 1, " of ", steps.size()));
      }
      if (s.kind == Step::kPlace)
        ++(*results[k] ? report.orders_placed : report.orders_already_there);
      if (s.kind == Step::kPay && *results[k]) ++report.payments_recorded;
    }
    if (options.progress) options.progress(end, steps.size());
    first = end;
  }
  return report;
}

}  // namespace crm::clients
