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
  return ViewOf(row, as_of);
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
  // The key right after the last order returned.
  const std::string start = last.empty() ? std::string() : absl::StrCat(prefix, last, "\x01");
  std::vector<std::string> ids;
  CRM_RETURN_IF_ERROR(reader_->Scan(
      prefix,
      [&](absl::string_view k, absl::string_view) {
        ids.emplace_back(k.substr(prefix.size()));
        return ids.size() <= limit;  // one more than asked: is there a next page?
      },
      start));
  OrderBalancePage out;
  if (ids.size() > limit) {
    ids.pop_back();
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
  return TotalsUnder(keys::CustomerPrefix(current), as_of);
}

absl::StatusOr<std::vector<BalanceTotals>> BalancesQueries::RepTotals(absl::string_view rep_id,
                                                                      absl::CivilDay as_of) const {
  return TotalsUnder(keys::RepPrefix(rep_id), as_of);
}

absl::StatusOr<std::vector<BalanceTotals>> BalancesQueries::TotalsUnder(
    absl::string_view prefix, absl::CivilDay as_of) const {
  std::vector<std::string> ids;
  CRM_RETURN_IF_ERROR(reader_->Scan(prefix, [&](absl::string_view k, absl::string_view) {
    ids.emplace_back(k.substr(prefix.size()));
    return true;
  }));
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
                                                           const PageRequest& page) const {
  return AgingBy(/*by_rep=*/false, as_of, page);
}

absl::StatusOr<AgingPage> BalancesQueries::AgingByRep(absl::CivilDay as_of,
                                                      const PageRequest& page) const {
  return AgingBy(/*by_rep=*/true, as_of, page);
}

absl::StatusOr<AgingPage> BalancesQueries::AgingBy(bool by_rep, absl::CivilDay as_of,
                                                   const PageRequest& page) const {
  CRM_ASSIGN_OR_RETURN(const size_t limit, EffectivePageSize(page.page_size));
  const absl::string_view kind = by_rep ? "aging_by_rep" : "aging_by_customer";
  const std::string fingerprint = DayString(as_of);
  CRM_ASSIGN_OR_RETURN(std::string last, DecodePageToken(page.page_token, kind, fingerprint));

  // Keyed group 0x00 currency, so the order is by group, then currency.
  std::map<std::string, AgingRow> rows;
  absl::Status inner;
  CRM_RETURN_IF_ERROR(
      reader_->Scan(keys::kOrderPrefix, [&](absl::string_view k, absl::string_view value) {
        absl::StatusOr<views::OrderRow> row = ParseOrderRow(value, k);
        if (!row.ok()) {
          inner = row.status();
          return false;
        }
        if (!LiveOn(*row, as_of)) return true;
        const std::string& group = by_rep ? row->rep_id() : row->customer_id();
        std::string key = absl::StrCat(group, absl::string_view("\0", 1), row->currency_code());
        if (!last.empty() && key <= last) return true;
        const OrderBalanceView v = ViewOf(*row, as_of);
        if (v.outstanding <= 0) return true;
        AgingRow& out = rows[std::move(key)];
        out.group_id = group;
        out.currency_code = row->currency_code();
        inner = AddToAging(v, out.aging);
        return inner.ok();
      }));
  CRM_RETURN_IF_ERROR(inner);

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
