#include "clients/crmctl/balances_command.h"

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/crmctl/crmd_call.h"
#include "crm/v1/balances_service.grpc.pb.h"

namespace crm::clients {
namespace {

// Sets the as-of date and min_position every BalancesService request has;
// false, having said why, for a date that is not one.
template <typename Request>
bool SetQuery(const BalancesQuery& q, const char* command, Request& r, FILE* err) {
  if (!q.as_of.empty() && !ParseDay(q.as_of, r.mutable_as_of())) {
    absl::FPrintF(err, "crmctl %s: --as-of=%s is not a YYYY-MM-DD date\n", command, q.as_of);
    return false;
  }
  if (q.min_position >= 0) r.set_min_position(static_cast<uint64_t>(q.min_position));
  return true;
}

std::string AsOfText(const BalancesQuery& q) { return q.as_of.empty() ? "today" : q.as_of; }

// Money right-aligned in a column, so that amounts line up by their decimals.
std::string Amount(const v1::Money& m, int width = 14) {
  return absl::StrFormat("%*s ", width, MoneyText(m.minor_units()));
}

// The collection sheet's words for a status (回款状态).
std::string StatusWord(v1::PaymentStatus status, int64_t days_overdue) {
  switch (status) {
    case v1::PAYMENT_STATUS_UNPAID:
      return "未回款";
    case v1::PAYMENT_STATUS_PARTIAL:
      return "部分回款";
    case v1::PAYMENT_STATUS_PAID:
      return "已回款";
    case v1::PAYMENT_STATUS_OVERDUE:
      return days_overdue > 0 ? absl::StrCat("逾期 ", days_overdue, " 天") : "逾期";
    default:
      return "-";
  }
}

std::string OrderStatusWord(const v1::OrderBalance& o) {
  // A cancelled order reads PAID (it owes nothing); say what happened.
  if (o.cancelled()) return "已取消";
  int64_t days = 0;
  for (const v1::InstalmentBalance& i : o.instalments()) days = std::max(days, i.days_overdue());
  return StatusWord(o.status(), days);
}

// The terminal columns of `text` as Pad counts them (a CJK character is two).
int Columns(const std::string& text) {
  constexpr int kWide = 1000;
  return kWide - static_cast<int>(Pad(text, kWide).size() - text.size());
}

// The width of a column: its widest cell, at least the heading.
template <typename Row, typename Cell>
int Width(const std::vector<Row>& rows, const std::string& heading, Cell cell) {
  int width = Columns(heading);
  for (const Row& r : rows) width = std::max(width, Columns(cell(r)));
  return width + 1;
}

void PrintOrderRows(const std::vector<v1::OrderBalance>& orders, FILE* out) {
  using O = v1::OrderBalance;
  const int order = Width(orders, "order", [](const O& o) { return o.order_id(); });
  const int contract = Width(orders, "contract", [](const O& o) { return o.contract_number(); });
  const int customer = Width(orders, "customer", [](const O& o) { return o.customer_id(); });
  const int rep = Width(orders, "rep", [](const O& o) { return o.rep_id(); });
  absl::FPrintF(out, "%s%s%s%s%s%s%14s %14s %14s %s\n", Pad("order", order),
                Pad("contract", contract), Pad("customer", customer), Pad("rep", rep),
                Pad("placed", 11), Pad("cur", 4), "amount", "paid", "outstanding", "status");
  for (const v1::OrderBalance& o : orders) {
    absl::FPrintF(out, "%s%s%s%s%s%s%s%s%s%s\n", Pad(o.order_id(), order),
                  Pad(o.contract_number(), contract), Pad(o.customer_id(), customer),
                  Pad(o.rep_id(), rep), Pad(DateText(o.placed_on()), 11),
                  Pad(o.amount().currency_code(), 4), Amount(o.amount()), Amount(o.paid()),
                  Amount(o.outstanding()), OrderStatusWord(o));
  }
}

void PrintTotals(const v1::GetBalanceTotalsResponse& totals, FILE* out) {
  if (totals.totals().empty()) absl::FPrintF(out, "total: nothing receivable\n");
  for (const v1::BalanceTotals& t : totals.totals()) {
    absl::FPrintF(out, "total %s: %d orders, amount %s, paid %s, outstanding %s, overdue %s%s\n",
                  t.currency_code(), t.orders(), MoneyText(t.amount().minor_units()),
                  MoneyText(t.paid().minor_units()), MoneyText(t.outstanding().minor_units()),
                  MoneyText(t.overdue().minor_units()),
                  t.overpaid().minor_units() > 0
                      ? absl::StrCat(", overpaid ", MoneyText(t.overpaid().minor_units()))
                      : "");
  }
}

// The six buckets of an aging row and its total, in column order.
std::array<int64_t, 7> Buckets(const v1::AgingRow& r) {
  return {r.current().minor_units(),        r.days_1_to_30().minor_units(),
          r.days_31_to_60().minor_units(),  r.days_61_to_90().minor_units(),
          r.days_91_to_120().minor_units(), r.over_120_days().minor_units(),
          r.total().minor_units()};
}

// Column widths of the aging table's id and name.
struct AgingWidths {
  int id = 0;
  int name = 0;
};

void PrintAgingLine(const AgingWidths& w, const std::string& id, const std::string& name,
                    const std::string& currency, const std::array<int64_t, 7>& buckets, FILE* out) {
  std::string line = absl::StrCat(Pad(id, w.id), Pad(name, w.name), Pad(currency, 4));
  for (int64_t b : buckets) absl::StrAppend(&line, absl::StrFormat("%14s ", MoneyText(b)));
  absl::FPrintF(out, "%s\n", line);
}

// "customer c1", "rep r1", "team t1 (with its sub-teams)".
std::string Whose(const BalancesCommandOptions& o) {
  if (!o.customer_id.empty()) return absl::StrCat("customer ", o.customer_id);
  if (!o.rep_id.empty()) return absl::StrCat("rep ", o.rep_id);
  return absl::StrCat("team ", o.team_id, " (with its sub-teams)");
}

void PrintPayments(const v1::OrderBalance& o, FILE* out) {
  if (o.payments().empty()) {
    absl::FPrintF(out, "payments: none\n");
    return;
  }
  using P = v1::PaymentBalance;
  const std::vector<P> payments(o.payments().begin(), o.payments().end());
  const int id = Width(payments, "payment", [](const P& p) { return p.payment_id(); });
  absl::FPrintF(out, "%s%s%s%14s %14s %14s\n", Pad("payment", id), Pad("paid on", 11), Pad("#", 4),
                "amount", "reversed", "remaining");
  for (const P& p : payments) {
    absl::FPrintF(out, "%s%s%s%s%s%s%s\n", Pad(p.payment_id(), id), Pad(DateText(p.paid_on()), 11),
                  Pad(p.instalment_number() > 0 ? absl::StrCat(p.instalment_number()) : "-", 4),
                  Amount(p.amount()), Amount(p.reversed_amount()), Amount(p.remaining()),
                  p.reversed() ? "已冲销" : "");
    for (const v1::PaymentReversalBalance& r : p.reversals()) {
      absl::FPrintF(out, "%s  reversed %s on %s: %s\n", Pad("", id),
                    MoneyText(r.amount().minor_units()), DateText(r.reversed_on()), r.reason());
    }
  }
}

}  // namespace

int RunBalances(const Crmd& crmd, const BalancesCommandOptions& options, FILE* out, FILE* err) {
  if (!options.customer_id.empty() + !options.rep_id.empty() + !options.team_id.empty() != 1) {
    absl::FPrintF(err, "crmctl balances: give exactly one of --customer=ID, --rep=R, --team=T\n");
    return kExitBadOptions;
  }
  v1::ListOrderBalancesRequest list;
  v1::GetBalanceTotalsRequest totals_request;
  list.set_customer_id(options.customer_id);
  list.set_rep_id(options.rep_id);
  list.set_team_id(options.team_id);
  totals_request.set_customer_id(options.customer_id);
  totals_request.set_rep_id(options.rep_id);
  totals_request.set_team_id(options.team_id);
  if (!SetQuery(options.query, "balances", list, err) ||
      !SetQuery(options.query, "balances", totals_request, err)) {
    return kExitBadOptions;
  }

  auto stub = v1::BalancesService::NewStub(crmd.channel);
  std::vector<v1::OrderBalance> orders;
  bool more = false;
  do {
    v1::ListOrderBalancesResponse response;
    const grpc::Status s = stub->ListOrderBalances(crmd.Context().get(), list, &response);
    if (!s.ok()) return ReportRefusal(err, "balances", s);
    for (v1::OrderBalance& o : *response.mutable_orders()) {
      if (!options.outstanding_only || o.outstanding().minor_units() > 0) {
        orders.push_back(std::move(o));
      }
    }
    list.set_page_token(response.next_page_token());
    more = !list.page_token().empty();
  } while (options.query.all && more);
  v1::GetBalanceTotalsResponse totals;
  const grpc::Status s = stub->GetBalanceTotals(crmd.Context().get(), totals_request, &totals);
  if (!s.ok()) return ReportRefusal(err, "balances", s);

  if (options.query.json) {
    for (const v1::OrderBalance& o : orders) {
      if (!PrintJsonLine(o, out)) return kExitRefused;
    }
    for (const v1::BalanceTotals& t : totals.totals()) {
      if (!PrintJsonLine(t, out)) return kExitRefused;
    }
  } else {
    absl::FPrintF(out, "%s as of %s: %d %sorders\n", Whose(options), AsOfText(options.query),
                  orders.size(), options.outstanding_only ? "outstanding " : "");
    PrintOrderRows(orders, out);
    PrintTotals(totals, out);
  }
  if (more) {
    absl::FPrintF(options.query.json ? err : out,
                  "(more orders than shown: pass --all for every one)\n");
  }
  return kExitOk;
}

int RunAging(const Crmd& crmd, const AgingCommandOptions& options, FILE* out, FILE* err) {
  if (!options.rep_id.empty() && !options.team_id.empty()) {
    absl::FPrintF(err, "crmctl aging: give at most one of --rep=R, --team=T\n");
    return kExitBadOptions;
  }
  v1::GetAgingRequest request;
  request.set_rep_id(options.rep_id);
  request.set_team_id(options.team_id);
  if (options.by.empty() || options.by == "customer") {
    request.set_group_by(v1::AGING_GROUPING_CUSTOMER);
  } else if (options.by == "rep") {
    request.set_group_by(v1::AGING_GROUPING_REP);
  } else {
    absl::FPrintF(err, "crmctl aging: --by=%s: customer or rep\n", options.by);
    return kExitBadOptions;
  }
  if (!SetQuery(options.query, "aging", request, err)) return kExitBadOptions;

  auto stub = v1::BalancesService::NewStub(crmd.channel);
  std::vector<v1::AgingRow> rows;
  v1::Date as_of;
  bool more = false;
  do {
    v1::GetAgingResponse response;
    const grpc::Status s = stub->GetAging(crmd.Context().get(), request, &response);
    if (!s.ok()) return ReportRefusal(err, "aging", s);
    for (v1::AgingRow& r : *response.mutable_rows()) rows.push_back(std::move(r));
    as_of = response.as_of();
    request.set_page_token(response.next_page_token());
    more = !request.page_token().empty();
  } while (options.query.all && more);

  if (options.query.json) {
    for (const v1::AgingRow& r : rows) {
      if (!PrintJsonLine(r, out)) return kExitRefused;
    }
  } else {
    const bool by_rep = request.group_by() == v1::AGING_GROUPING_REP;
    const std::string of = !options.rep_id.empty()    ? absl::StrCat(", of rep ", options.rep_id)
                           : !options.team_id.empty() ? absl::StrCat(", of team ", options.team_id,
                                                                     " (with its sub-teams)")
                                                      : "";
    absl::FPrintF(out, "receivables aging as of %s, by %s%s: %d rows\n", DateText(as_of),
                  by_rep ? "rep" : "customer", of, rows.size());
    const std::string heading = by_rep ? "rep" : "customer";
    AgingWidths w;
    w.id = Width(rows, "total shown",
                 [&](const v1::AgingRow& r) { return by_rep ? r.rep_id() : r.customer_id(); });
    w.name = Width(rows, "name", [&](const v1::AgingRow& r) {
      return by_rep ? r.rep_name() : r.customer_name();
    });
    std::string header = absl::StrCat(Pad(heading, w.id), Pad("name", w.name), Pad("cur", 4));
    for (const char* column :
         {"current", "1-30 d", "31-60 d", "61-90 d", "91-120 d", "> 120 d", "total"}) {
      absl::StrAppend(&header, absl::StrFormat("%14s ", column));
    }
    absl::FPrintF(out, "%s\n", header);
    // Totals per currency; different currencies are never added together.
    std::map<std::string, std::array<int64_t, 7>> totals;
    for (const v1::AgingRow& r : rows) {
      const std::array<int64_t, 7> buckets = Buckets(r);
      PrintAgingLine(w, by_rep ? r.rep_id() : r.customer_id(),
                     by_rep ? r.rep_name() : r.customer_name(), r.currency_code(), buckets, out);
      std::array<int64_t, 7>& sum = totals.try_emplace(r.currency_code()).first->second;
      for (size_t i = 0; i < buckets.size(); ++i) sum[i] += buckets[i];
    }
    for (const auto& [currency, sum] : totals) {
      PrintAgingLine(w, more ? "total shown" : "total", "", currency, sum, out);
    }
  }
  if (more) {
    absl::FPrintF(options.query.json ? err : out,
                  "(more rows than shown: pass --all for every one)\n");
  }
  return kExitOk;
}

int ShowOrderBalance(const Crmd& crmd, const std::string& order_id, const BalancesQuery& query,
                     FILE* out, FILE* err) {
  v1::GetOrderBalanceRequest request;
  request.set_order_id(order_id);
  if (!SetQuery(query, "order show", request, err)) return kExitBadOptions;
  auto stub = v1::BalancesService::NewStub(crmd.channel);
  v1::OrderBalance o;
  const grpc::Status s = stub->GetOrderBalance(crmd.Context().get(), request, &o);
  if (!s.ok()) return ReportRefusal(err, "order show", s);
  if (query.json) return PrintJsonLine(o, out) ? kExitOk : kExitRefused;

  const std::string customer =
      o.placed_customer_id().empty() || o.placed_customer_id() == o.customer_id()
          ? o.customer_id()
          : absl::StrCat(o.customer_id(), " (placed for ", o.placed_customer_id(), ", merged)");
  const char* progress = o.cancelled()  ? "cancelled"
                         : o.shipped()  ? "approved, shipped"
                         : o.approved() ? "approved, not shipped"
                                        : "not approved";
  absl::FPrintF(out, "order %s (contract %s), customer %s, rep %s, placed %s: %s\n", o.order_id(),
                o.contract_number(), customer, o.rep_id(), DateText(o.placed_on()), progress);
  absl::FPrintF(out, "as of %s: amount %s %s, paid %s, outstanding %s%s: %s\n", AsOfText(query),
                MoneyText(o.amount().minor_units()), o.amount().currency_code(),
                MoneyText(o.paid().minor_units()), MoneyText(o.outstanding().minor_units()),
                o.overpaid().minor_units() > 0
                    ? absl::StrCat(", overpaid ", MoneyText(o.overpaid().minor_units()))
                    : "",
                OrderStatusWord(o));
  absl::FPrintF(out, "%s%s%14s %14s %14s %s\n", Pad("#", 4), Pad("due", 11), "amount", "paid",
                "outstanding", "status");
  for (const v1::InstalmentBalance& i : o.instalments()) {
    absl::FPrintF(out, "%s%s%s%s%s%s\n", Pad(absl::StrCat(i.number()), 4),
                  Pad(DateText(i.due_date()), 11), Amount(i.amount()), Amount(i.paid()),
                  Amount(i.outstanding()), StatusWord(i.status(), i.days_overdue()));
  }
  PrintPayments(o, out);
  return kExitOk;
}

}  // namespace crm::clients
