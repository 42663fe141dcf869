#include "projections/balances/balances_queries.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/money.h"
#include "engine/status_macros.h"
#include "projections/balances/balances_keys.h"
#include "projections/balances/balances_projection.h"
#include "projections/balances/order_row.h"

namespace crm::projections::balances {
namespace {

using engine::domain::ToCivilDay;

std::string DayString(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// Adds `v` to `acc`; InvalidArgument naming `field` rather than wrapping.
absl::Status Accumulate(int64_t& acc, int64_t v, absl::string_view field) {
  CRM_ASSIGN_OR_RETURN(acc, engine::domain::AddMinorUnits(field, acc, v));
  return absl::OkStatus();
}

OrderBalanceView ViewOf(const views::OrderRow& row, absl::CivilDay as_of) {
  const engine::domain::OrderBalance b = engine::domain::BalanceAsOf(ToOrderState(row), as_of);
  OrderBalanceView v;
  v.order_id = row.order_id();
  v.contract_number = row.contract_number();
  v.customer_id = row.customer_id();
  v.placed_customer_id = row.placed_customer_id();
  v.rep_id = row.rep_id();
  v.currency_code = row.currency_code();
  v.placed_on = ToCivilDay(row.placed_on());
  v.approved = row.approved();
  v.shipped = row.shipped();
  // Only a cancellation decided by the as-of date counts on that date.
  v.cancelled = row.cancelled() && ToCivilDay(row.cancelled_on()) <= as_of;
  v.amount = b.amount;
  v.paid = b.paid;
  v.outstanding = std::max<int64_t>(b.outstanding, 0);
  v.overpaid = std::max<int64_t>(-b.outstanding, 0);
  v.status = b.status;
  for (const engine::domain::InstalmentBalance& i : b.instalments) {
    v.instalments.push_back(InstalmentBalanceView{i.number, i.due, i.amount, i.paid, i.outstanding,
                                                  i.status, i.days_overdue});
  }
  if (v.cancelled) {
    // A cancelled order owes nothing, whatever its plan said.
    v.outstanding = 0;
    v.status = PaymentStatus::kPaid;
    for (InstalmentBalanceView& i : v.instalments) {
      i.outstanding = 0;
      i.days_overdue = 0;
      i.status = PaymentStatus::kPaid;
    }
  }
  return v;
}

// The payments received by `as_of`, with the reversals made by then: what
// the balance counts, so a listed payment and `paid` always agree.
std::vector<PaymentView> PaymentsOf(const views::OrderRow& row, absl::CivilDay as_of) {
  std::vector<PaymentView> out;
  for (const views::PaymentRow& p : row.payments()) {
    if (ToCivilDay(p.paid_on()) > as_of) continue;
    PaymentView v;
    v.payment_id = p.payment_id();
    v.instalment_number = p.instalment_number();
    v.amount = p.amount();
    v.paid_on = ToCivilDay(p.paid_on());
    v.rep_id = p.rep_id();
    for (const views::ReversalRow& r : p.reversals()) {
      const absl::CivilDay on = ToCivilDay(r.reversed_on());
      if (on > as_of) continue;
      // The decider never reverses more than remains, so this cannot pass
      // `amount`.
      v.reversed += r.amount();
      v.reversals.push_back(ReversalView{r.amount(), on, r.reason()});
    }
    out.push_back(std::move(v));
  }
  return out;
}

// The ids of `reps`, sorted and without repeats, so that scans run in key
// order and no rep is read twice.
std::vector<std::string> SortedReps(const RepSet& reps) {
  std::vector<std::string> ids = reps.rep_ids;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// The key right after `prefix` + `last` and before the next id under
// `prefix`: ids are [A-Za-z0-9_-], all above 0x01.
std::string After(absl::string_view prefix, absl::string_view last) {
  return last.empty() ? std::string() : absl::StrCat(prefix, last, "\x01");
}

absl::Status AddToTotals(const OrderBalanceView& v, BalanceTotals& t) {
  t.orders += 1;
  CRM_RETURN_IF_ERROR(Accumulate(t.amount, v.amount, "totals.amount"));
  CRM_RETURN_IF_ERROR(Accumulate(t.paid, v.paid, "totals.paid"));
  CRM_RETURN_IF_ERROR(Accumulate(t.outstanding, v.outstanding, "totals.outstanding"));
  CRM_RETURN_IF_ERROR(Accumulate(t.overpaid, v.overpaid, "totals.overpaid"));
  for (const InstalmentBalanceView& i : v.instalments) {
    if (i.status == PaymentStatus::kOverdue) {
      CRM_RETURN_IF_ERROR(Accumulate(t.overdue, i.outstanding, "totals.overdue"));
    }
  }
  return absl::OkStatus();
}

absl::Status AddToAging(const OrderBalanceView& v, Aging& aging) {
  for (const InstalmentBalanceView& i : v.instalments) {
    if (i.outstanding <= 0) continue;
    CRM_RETURN_IF_ERROR(
        Accumulate(aging.at(BucketFor(i.days_overdue)), i.outstanding, "aging bucket"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<OrderBalanceView> BalancesQueries::Order(absl::string_view order_id,
                                                        absl::CivilDay as_of) const {
  const std::string key = keys::Order(order_id);
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> stored, reader_->Get(key));
  if (!stored.has_value()) return absl::NotFoundError(absl::StrCat("order ", order_id));
  CRM_ASSIGN_OR_RETURN(views::OrderRow row, ParseOrderRow(*stored, key));
  OrderBalanceView v = ViewOf(row, as_of);
  // Only here, not in ViewOf: totals and aging never read payments one by
  // one, and aging converts every order.
  v.payments = PaymentsOf(row, as_of);
  return v;
}

absl::StatusOr<OrderBalancePage> BalancesQueries::OrdersOfCustomer(absl::string_view customer_id,
                                                                   absl::CivilDay as_of,
                                                                   const PageRequest& page) const {
  CRM_ASSIGN_OR_RETURN(std::string current, ResolveCustomer(*reader_, std::string(customer_id)));
  return OrdersUnder("customer_orders", keys::CustomerPrefix(current), as_of, page);
}

absl::StatusOr<OrderBalancePage> BalancesQueries::OrdersOfRep(absl::string_view rep_id,
                                                              absl::CivilDay as_of,
                                                              const PageRequest& page) const {
  return OrdersUnder("rep_orders", keys::RepPrefix(rep_id), as_of, page);
}

absl::StatusOr<OrderBalancePage> BalancesQueries::OrdersUnder(absl::string_view kind,
                                                              absl::string_view prefix,
                                                              absl::CivilDay as_of,
                                                              const PageRequest& page) const {
  CRM_ASSIGN_OR_RETURN(const size_t limit, EffectivePageSize(page.page_size));
  // Tokens split on 0x00, which the prefix ends with.
  const std::string fingerprint = absl::StrCat(absl::CHexEscape(prefix), "@", DayString(as_of));
  CRM_ASSIGN_OR_RETURN(std::string last, DecodePageToken(page.page_token, kind, fingerprint));
  std::vector<std::string> ids;
  CRM_RETURN_IF_ERROR(reader_->Scan(
      prefix,
      [&](absl::string_view k, absl::string_view) {
        ids.emplace_back(k.substr(prefix.size()));
        return ids.size() <= limit;  // one more than asked: is there a next page?
      },
      After(prefix, last)));
  return LoadPage(std::move(ids), limit, kind, fingerprint, as_of);
}

absl::StatusOr<OrderBalancePage> BalancesQueries::OrdersOfReps(const RepSet& reps,
                                                               absl::CivilDay as_of,
                                                               const PageRequest& page) const {
  constexpr absl::string_view kind = "reps_orders";
  CRM_ASSIGN_OR_RETURN(const size_t limit, EffectivePageSize(page.page_size));
  const std::string fingerprint = absl::StrCat(reps.name, "@", DayString(as_of));
  CRM_ASSIGN_OR_RETURN(std::string last, DecodePageToken(page.page_token, kind, fingerprint));
  // The first limit + 1 ids after `last` of each rep hold the first
  // limit + 1 of their union (an order has one rep, so there are no repeats).
  std::vector<std::string> ids;
  for (const std::string& rep : SortedReps(reps)) {
    const std::string prefix = keys::RepPrefix(rep);
    size_t taken = 0;
    CRM_RETURN_IF_ERROR(reader_->Scan(
        prefix,
        [&](absl::string_view k, absl::string_view) {
          ids.emplace_back(k.substr(prefix.size()));
          return ++taken <= limit;
        },
        After(prefix, last)));
  }
  std::sort(ids.begin(), ids.end());
  if (ids.size() > limit + 1) ids.resize(limit + 1);
  return LoadPage(std::move(ids), limit, kind, fingerprint, as_of);
}

absl::StatusOr<OrderBalancePage> BalancesQueries::LoadPage(std::vector<std::string> ids,
                                                           size_t limit, absl::string_view kind,
                                                           absl::string_view fingerprint,
                                                           absl::CivilDay as_of) const {
  OrderBalancePage out;
  if (ids.size() > limit) {
    ids.resize(limit);
    out.next_page_token = EncodePageToken(kind, fingerprint, ids.back());
  }
  for (const std::string& id : ids) {
    absl::StatusOr<OrderBalanceView> v = Order(id, as_of);
    if (absl::IsNotFound(v.status())) {
      return absl::DataLossError(absl::StrCat("balances index names missing order ", id));
    }
    if (!v.ok()) return v.status();
    out.orders.push_back(*std::move(v));
  }
  return out;
}

absl::StatusOr<std::vector<BalanceTotals>> BalancesQueries::CustomerTotals(
    absl::string_view customer_id, absl::CivilDay as_of) const {
  CRM_ASSIGN_OR_RETURN(std::string current, ResolveCustomer(*reader_, std::string(customer_id)));
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> ids, OrderIdsUnder(keys::CustomerPrefix(current)));
  return TotalsOf(ids, as_of);
}

absl::StatusOr<std::vector<BalanceTotals>> BalancesQueries::RepTotals(absl::string_view rep_id,
                                                                      absl::CivilDay as_of) const {
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> ids, OrderIdsUnder(keys::RepPrefix(rep_id)));
  return TotalsOf(ids, as_of);
}

absl::StatusOr<std::vector<BalanceTotals>> BalancesQueries::RepsTotals(const RepSet& reps,
                                                                       absl::CivilDay as_of) const {
  std::vector<std::string> ids;
  for (const std::string& rep : SortedReps(reps)) {
    CRM_ASSIGN_OR_RETURN(std::vector<std::string> of_rep, OrderIdsUnder(keys::RepPrefix(rep)));
    ids.insert(ids.end(), of_rep.begin(), of_rep.end());
  }
  return TotalsOf(ids, as_of);
}

absl::StatusOr<std::vector<std::string>> BalancesQueries::OrderIdsUnder(
    absl::string_view prefix) const {
  std::vector<std::string> ids;
  CRM_RETURN_IF_ERROR(reader_->Scan(prefix, [&](absl::string_view k, absl::string_view) {
    ids.emplace_back(k.substr(prefix.size()));
    return true;
  }));
  return ids;
}

absl::StatusOr<std::vector<std::string>> BalancesQueries::CreditedReps() const {
  constexpr absl::string_view kRepIndex = "r";
  std::vector<std::string> reps;
  std::string start;
  for (;;) {
    std::optional<std::string> first;
    CRM_RETURN_IF_ERROR(reader_->Scan(
        kRepIndex,
        [&](absl::string_view k, absl::string_view) {
          first.emplace(k);
          return false;
        },
        start));
    if (!first.has_value()) return reps;
    const size_t end = first->find('\0', kRepIndex.size());
    if (end == std::string::npos) {
      return absl::DataLossError(
          absl::StrCat("rep index key ", absl::CHexEscape(*first), " has no order id"));
    }
    reps.push_back(first->substr(kRepIndex.size(), end - kRepIndex.size()));
    // Past every "r" rep 0x00 order key of this rep, and before any longer
    // rep id it prefixes (ids are above 0x01).
    start = absl::StrCat(kRepIndex, reps.back(), "\x01");
  }
}

absl::StatusOr<std::vector<BalanceTotals>> BalancesQueries::TotalsOf(
    const std::vector<std::string>& ids, absl::CivilDay as_of) const {
  std::map<std::string, BalanceTotals> by_currency;
  for (const std::string& id : ids) {
    const std::string key = keys::Order(id);
    CRM_ASSIGN_OR_RETURN(std::optional<std::string> stored, reader_->Get(key));
    if (!stored.has_value()) {
      return absl::DataLossError(absl::StrCat("balances index names missing order ", id));
    }
    CRM_ASSIGN_OR_RETURN(views::OrderRow row, ParseOrderRow(*stored, key));
    if (!LiveOn(row, as_of)) continue;
    BalanceTotals& t = by_currency[row.currency_code()];
    t.currency_code = row.currency_code();
    CRM_RETURN_IF_ERROR(AddToTotals(ViewOf(row, as_of), t));
  }
  std::vector<BalanceTotals> out;
  for (auto& [currency, totals] : by_currency) out.push_back(std::move(totals));
  return out;
}

absl::StatusOr<AgingPage> BalancesQueries::AgingByCustomer(absl::CivilDay as_of,
                                                           const PageRequest& page,
                                                           const RepSet* reps) const {
  return AgingBy(/*by_rep=*/false, as_of, page, reps);
}

absl::StatusOr<AgingPage> BalancesQueries::AgingByRep(absl::CivilDay as_of, const PageRequest& page,
                                                      const RepSet* reps) const {
  return AgingBy(/*by_rep=*/true, as_of, page, reps);
}

absl::StatusOr<AgingPage> BalancesQueries::AgingBy(bool by_rep, absl::CivilDay as_of,
                                                   const PageRequest& page,
                                                   const RepSet* reps) const {
  CRM_ASSIGN_OR_RETURN(const size_t limit, EffectivePageSize(page.page_size));
  const absl::string_view kind = by_rep ? "aging_by_rep" : "aging_by_customer";
  // Unfiltered tokens keep their old fingerprint, so a page token handed
  // out before filters existed still resumes.
  const std::string fingerprint =
      reps == nullptr ? DayString(as_of) : absl::StrCat(DayString(as_of), "|", reps->name);
  CRM_ASSIGN_OR_RETURN(std::string last, DecodePageToken(page.page_token, kind, fingerprint));

  // Keyed group 0x00 currency, so the order is by group, then currency.
  std::map<std::string, AgingRow> rows;
  auto add = [&](absl::string_view k, absl::string_view value) -> absl::Status {
    CRM_ASSIGN_OR_RETURN(views::OrderRow row, ParseOrderRow(value, k));
    if (!LiveOn(row, as_of)) return absl::OkStatus();
    const std::string& group = by_rep ? row.rep_id() : row.customer_id();
    std::string key = absl::StrCat(group, absl::string_view("\0", 1), row.currency_code());
    if (!last.empty() && key <= last) return absl::OkStatus();
    const OrderBalanceView v = ViewOf(row, as_of);
    if (v.outstanding <= 0) return absl::OkStatus();
    AgingRow& out = rows[std::move(key)];
    out.group_id = group;
    out.currency_code = row.currency_code();
    return AddToAging(v, out.aging);
  };
  if (reps == nullptr) {
    absl::Status inner;
    CRM_RETURN_IF_ERROR(
        reader_->Scan(keys::kOrderPrefix, [&](absl::string_view k, absl::string_view value) {
          inner = add(k, value);
          return inner.ok();
        }));
    CRM_RETURN_IF_ERROR(inner);
  } else {
    // Only the reps' orders, through the rep index: a rep's or a team's
    // aging costs their orders, not the company's.
    for (const std::string& rep : SortedReps(*reps)) {
      CRM_ASSIGN_OR_RETURN(std::vector<std::string> ids, OrderIdsUnder(keys::RepPrefix(rep)));
      std::vector<std::string> order_keys;
      order_keys.reserve(ids.size());
      for (const std::string& id : ids) order_keys.push_back(keys::Order(id));
      CRM_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> values,
                           reader_->MultiGet(order_keys));
      for (size_t i = 0; i < values.size(); ++i) {
        if (!values[i].has_value()) {
          return absl::DataLossError(absl::StrCat("balances index names missing order ", ids[i]));
        }
        CRM_RETURN_IF_ERROR(add(order_keys[i], *values[i]));
      }
    }
  }

  AgingPage page_out;
  for (auto it = rows.begin(); it != rows.end(); ++it) {
    if (page_out.rows.size() == limit) {
      page_out.next_page_token = EncodePageToken(kind, fingerprint, std::prev(it)->first);
      break;
    }
    page_out.rows.push_back(it->second);
  }
  return page_out;
}

}  // namespace crm::projections::balances
