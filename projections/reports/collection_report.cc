#include "projections/reports/collection_report.h"

#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/money.h"
#include "engine/status_macros.h"
#include "projections/balances/balances_projection.h"
#include "projections/balances/order_row.h"
#include "projections/reports/report_rows.pb.h"
#include "projections/reports/reports_keys.h"

namespace crm::projections::reports {
namespace {

constexpr absl::string_view kKind = "collection_report";

struct PaymentRef {
  std::string key;
  std::string order_id;
  std::string payment_id;
};

absl::Status AddTo(std::map<std::string, CurrencyTotal>& totals, const CollectionRow& row) {
  CurrencyTotal& t = totals[row.currency_code];
  t.currency_code = row.currency_code;
  t.payments += 1;
  CRM_ASSIGN_OR_RETURN(t.amount, engine::domain::AddMinorUnits("total", t.amount, row.amount));
  return absl::OkStatus();
}

std::vector<CurrencyTotal> Values(const std::map<std::string, CurrencyTotal>& m) {
  std::vector<CurrencyTotal> out;
  for (const auto& [currency, total] : m) out.push_back(total);
  return out;
}

class RowBuilder {
 public:
  RowBuilder(const ViewReader& reader, absl::CivilDay to) : reader_(reader), to_(to) {}

  absl::StatusOr<CollectionRow> Build(const PaymentRef& ref) {
    if (!order_.has_value() || order_->order_id() != ref.order_id) {
      const std::string key = keys::Order(ref.order_id);
      CRM_ASSIGN_OR_RETURN(std::optional<std::string> stored, reader_.Get(key));
      if (!stored.has_value()) {
        return absl::DataLossError(
            absl::StrCat("payment index names missing order ", ref.order_id));
      }
      CRM_ASSIGN_OR_RETURN(order_, balances::ParseOrderRow(*stored, key));
      status_ = engine::domain::BalanceAsOf(balances::ToOrderState(*order_), to_).status;
    }
    const views::OrderRow& o = *order_;
    CollectionRow row;
    row.order_id = o.order_id();
    row.contract_number = o.contract_number();
    row.currency_code = o.currency_code();
    row.order_status = status_;
    row.order_cancelled = o.cancelled() && engine::domain::ToCivilDay(o.cancelled_on()) <= to_;
    std::vector<std::string> products;
    for (const v1::OrderLine& l : o.lines()) products.push_back(l.product_name());
    row.products = absl::StrJoin(products, "、");
    CRM_ASSIGN_OR_RETURN(row.customer_id,
                         balances::ResolveCustomer(reader_, o.placed_customer_id()));
    CRM_ASSIGN_OR_RETURN(std::optional<std::string> customer,
                         reader_.Get(keys::Customer(row.customer_id)));
    views::CustomerReportRow c;
    if (customer.has_value() && c.ParseFromString(*customer)) row.customer_name = c.name();
    for (const views::PaymentRow& p : o.payments()) {
      if (p.payment_id() != ref.payment_id) continue;
      row.payment_id = p.payment_id();
      row.rep_id = p.rep_id();
      row.paid_on = engine::domain::ToCivilDay(p.paid_on());
      row.received = p.amount();
      for (const views::ReversalRow& r : p.reversals()) row.reversed += r.amount();
      row.amount = row.received - row.reversed;
      return row;
    }
    return absl::DataLossError(
        absl::StrCat("payment index names missing payment ", ref.payment_id, " of ", ref.order_id));
  }

 private:
  const ViewReader& reader_;
  absl::CivilDay to_;
  std::optional<views::OrderRow> order_;
  engine::domain::PaymentStatus status_ = engine::domain::PaymentStatus::kUnpaid;
};

}  // namespace

absl::StatusOr<CollectionReport> BuildCollectionReport(const ViewReader& reader,
                                                       absl::CivilDay from, absl::CivilDay to,
                                                       const PageRequest& page) {
  if (to < from) {
    return absl::InvalidArgumentError(absl::StrCat(
        "to: ", absl::FormatCivilTime(to), " is before from: ", absl::FormatCivilTime(from)));
  }
  CRM_ASSIGN_OR_RETURN(const size_t limit, EffectivePageSize(page.page_size));
  const std::string fingerprint =
      absl::StrCat(absl::FormatCivilTime(from), "..", absl::FormatCivilTime(to));
  CRM_ASSIGN_OR_RETURN(std::string last, DecodePageToken(page.page_token, kKind, fingerprint));

  // Every payment of the range, for the totals; the page is a slice of it.
  std::vector<PaymentRef> refs;
  const std::string end = keys::Payment(to + 1, "", "");
  CRM_RETURN_IF_ERROR(reader.Scan(
      keys::kPaymentPrefix,
      [&](absl::string_view k, absl::string_view) {
        if (k >= end) return false;
        const absl::string_view rest = k.substr(1 + 8);
        const size_t sep = rest.find('\0');
        refs.push_back(PaymentRef{std::string(k), std::string(rest.substr(0, sep)),
                                  std::string(rest.substr(sep + 1))});
        return true;
      },
      keys::Payment(from, "", "")));

  CollectionReport out;
  std::map<std::string, std::map<std::string, CurrencyTotal>> by_rep;
  std::map<std::string, CurrencyTotal> overall;
  RowBuilder builder(reader, to);
  for (const PaymentRef& ref : refs) {
    CRM_ASSIGN_OR_RETURN(CollectionRow row, builder.Build(ref));
    CRM_RETURN_IF_ERROR(AddTo(by_rep[row.rep_id], row));
    CRM_RETURN_IF_ERROR(AddTo(overall, row));
    if (!last.empty() && ref.key <= last) continue;
    if (out.rows.size() == limit) {
      if (out.next_page_token.empty()) {
        out.next_page_token = EncodePageToken(kKind, fingerprint, last);
      }
      continue;
    }
    out.rows.push_back(std::move(row));
    last = ref.key;
  }
  for (auto& [rep, totals] : by_rep) out.by_rep.push_back({rep, Values(totals)});
  out.overall = Values(overall);
  return out;
}

}  // namespace crm::projections::reports
