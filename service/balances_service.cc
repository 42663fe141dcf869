#include "service/balances_service.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/customer_state.h"
#include "engine/domain/field_validation.h"
#include "engine/status_macros.h"
#include "projections/balances/balances_projection.h"
#include "projections/balances/balances_queries.h"
#include "service/rep_names.h"
#include "service/wire_values.h"

namespace crm::service {
namespace {

namespace balances = projections::balances;
using engine::domain::ToCivilDay;
using engine::domain::ToDate;

// A merge chain longer than this is corrupt data, not real merges.
constexpr int kMaxMergeHops = 16;

void ToProto(const balances::OrderBalanceView& v, v1::OrderBalance& out) {
  const std::string& c = v.currency_code;
  out.set_order_id(v.order_id);
  out.set_contract_number(v.contract_number);
  out.set_customer_id(v.customer_id);
  out.set_placed_customer_id(v.placed_customer_id);
  out.set_rep_id(v.rep_id);
  *out.mutable_placed_on() = ToDate(v.placed_on);
  out.set_approved(v.approved);
  out.set_shipped(v.shipped);
  out.set_cancelled(v.cancelled);
  *out.mutable_amount() = MoneyOf(c, v.amount);
  *out.mutable_paid() = MoneyOf(c, v.paid);
  *out.mutable_outstanding() = MoneyOf(c, v.outstanding);
  *out.mutable_overpaid() = MoneyOf(c, v.overpaid);
  out.set_status(ProtoPaymentStatus(v.status));
  for (const balances::InstalmentBalanceView& i : v.instalments) {
    v1::InstalmentBalance* p = out.add_instalments();
    p->set_number(i.number);
    *p->mutable_due_date() = ToDate(i.due);
    *p->mutable_amount() = MoneyOf(c, i.amount);
    *p->mutable_paid() = MoneyOf(c, i.paid);
    *p->mutable_outstanding() = MoneyOf(c, i.outstanding);
    p->set_status(ProtoPaymentStatus(i.status));
    p->set_days_overdue(i.days_overdue);
  }
}

// The request's as-of date, or today in the business time zone: a balance
// is always of some day, and "now" is what a caller means by leaving it out.
absl::StatusOr<absl::CivilDay> AsOf(bool has, const v1::Date& date, absl::TimeZone zone) {
  if (!has) return absl::ToCivilDay(absl::Now(), zone);
  CRM_RETURN_IF_ERROR(engine::domain::ValidateDate("as_of", date));
  return ToCivilDay(date);
}

absl::StatusOr<projections::PageRequest> Page(int32_t page_size, const std::string& page_token) {
  CRM_ASSIGN_OR_RETURN(const int32_t size, PageSize(page_size));
  return projections::PageRequest{size, page_token};
}

// Exactly one of customer_id and rep_id, each a valid id when set.
absl::Status CheckOneOwner(const std::string& customer_id, const std::string& rep_id) {
  if (customer_id.empty() == rep_id.empty()) {
    return absl::InvalidArgumentError("customer_id, rep_id: exactly one is required");
  }
  if (!customer_id.empty()) return engine::domain::ValidateId("customer_id", customer_id);
  return engine::domain::ValidateId("rep_id", rep_id);
}

// OK when `p` may read the balances of `customer_id`. The balances view
// answers a merged duplicate as its survivor, so the survivor's owner
// decides; the messages name only `customer_id`, so a denial reveals
// nothing about the chain. Owners come from the customers' streams (the
// command handler's cache), not from a view that may lag.
absl::Status CheckCustomer(const QueryDeps& deps, const Principal& p,
                           const std::string& customer_id) {
  engine::domain::CustomerState state;
  std::string current = customer_id;
  for (int hop = 0; hop < kMaxMergeHops; ++hop) {
    CRM_ASSIGN_OR_RETURN(state, deps.handler->LoadCustomer(current));
    if (!state.exists || state.merged_into.empty()) break;
    current = state.merged_into;
  }
  if (p.scope == SCOPE_ALL && !state.exists) {
    return absl::NotFoundError(absl::StrCat("customer ", customer_id, " not found"));
  }
  return deps.access->CheckCustomerRead(p, customer_id, state);
}

absl::Status OrderOutOfScope(const std::string& order_id) {
  return absl::PermissionDeniedError(
      absl::StrCat("order ", order_id, " is not within your data scope (or does not exist)"));
}

// CheckCustomer or CheckRep, whichever the request names.
absl::Status CheckOwner(const QueryDeps& deps, const Principal& p, const std::string& customer_id,
                        const std::string& rep_id) {
  if (!customer_id.empty()) return CheckCustomer(deps, p, customer_id);
  return deps.access->CheckRep(p, rep_id, "rep_id");
}

// The name a person reads in an aging row: the rep's name, or the
// customer's company (else contact person); the id when there is none.
std::string GroupName(const QueryDeps& deps, bool by_rep, const std::string& id) {
  if (by_rep) return RepName(deps.handler, id);
  if (deps.handler == nullptr) return id;
  absl::StatusOr<engine::domain::CustomerState> c = deps.handler->LoadCustomer(id);
  if (!c.ok() || !c->exists) return id;
  const std::string& name =
      c->profile.company_name().empty() ? c->profile.contact_person() : c->profile.company_name();
  return name.empty() ? id : name;
}

// A request checked field by field. Checking happens before RunQuery's
// wait for min_position, so a malformed request fails at once rather than
// after the view catches up (or the deadline passes).
struct Checked {
  absl::CivilDay as_of;
  projections::PageRequest page;
};

// RunQuery, running `work` with the checked request, or answering
// `checked`'s error without waiting when it failed.
template <typename Work>
grpc::ServerUnaryReactor* Query(grpc::CallbackServerContext* context, const QueryDeps& deps,
                                absl::string_view method, absl::StatusOr<Checked> checked,
                                std::optional<uint64_t> min_position, Work work) {
  absl::Status valid = checked.status();
  return RunCheckedQuery(
      context, deps, kCustomerReaders, method, balances::kBalancesProjectionName, std::move(valid),
      min_position, [checked = std::move(checked), work = std::move(work)](const Principal& p) {
        return work(p, *checked);
      });
}

absl::StatusOr<Checked> CheckOrderRequest(const v1::GetOrderBalanceRequest& r,
                                          absl::TimeZone zone) {
  CRM_RETURN_IF_ERROR(engine::domain::ValidateId("order_id", r.order_id()));
  CRM_ASSIGN_OR_RETURN(absl::CivilDay as_of, AsOf(r.has_as_of(), r.as_of(), zone));
  return Checked{as_of, {}};
}

absl::StatusOr<Checked> CheckListRequest(const v1::ListOrderBalancesRequest& r,
                                         absl::TimeZone zone) {
  CRM_RETURN_IF_ERROR(CheckOneOwner(r.customer_id(), r.rep_id()));
  CRM_ASSIGN_OR_RETURN(absl::CivilDay as_of, AsOf(r.has_as_of(), r.as_of(), zone));
  CRM_ASSIGN_OR_RETURN(projections::PageRequest page, Page(r.page_size(), r.page_token()));
  return Checked{as_of, std::move(page)};
}

absl::StatusOr<Checked> CheckTotalsRequest(const v1::GetBalanceTotalsRequest& r,
                                           absl::TimeZone zone) {
  CRM_RETURN_IF_ERROR(CheckOneOwner(r.customer_id(), r.rep_id()));
  CRM_ASSIGN_OR_RETURN(absl::CivilDay as_of, AsOf(r.has_as_of(), r.as_of(), zone));
  return Checked{as_of, {}};
}

absl::StatusOr<Checked> CheckAgingRequest(const v1::GetAgingRequest& r, absl::TimeZone zone) {
  if (r.group_by() != v1::AGING_GROUPING_CUSTOMER && r.group_by() != v1::AGING_GROUPING_REP) {
    return absl::InvalidArgumentError(
        "group_by: required, AGING_GROUPING_CUSTOMER or AGING_GROUPING_REP");
  }
  CRM_ASSIGN_OR_RETURN(absl::CivilDay as_of, AsOf(r.has_as_of(), r.as_of(), zone));
  CRM_ASSIGN_OR_RETURN(projections::PageRequest page, Page(r.page_size(), r.page_token()));
  return Checked{as_of, std::move(page)};
}

}  // namespace

grpc::ServerUnaryReactor* BalancesServiceImpl::GetOrderBalance(
    grpc::CallbackServerContext* context, const v1::GetOrderBalanceRequest* request,
    v1::OrderBalance* response) {
  const std::optional<uint64_t> min_position = MinPosition(*request);
  return Query(context, deps_, "GetOrderBalance", CheckOrderRequest(*request, deps_.models->zone()),
               min_position, [=, this](const Principal& p, const Checked& checked) -> absl::Status {
                 const std::string& id = request->order_id();
                 CRM_ASSIGN_OR_RETURN(std::unique_ptr<projections::ViewReader> reader,
                                      deps_.models->Reader(balances::kBalancesProjectionName));
                 const balances::BalancesQueries queries(reader.get());
                 absl::StatusOr<balances::OrderBalanceView> order =
                     queries.Order(id, checked.as_of);
                 if (absl::IsNotFound(order.status())) {
                   if (p.scope != SCOPE_ALL) return OrderOutOfScope(id);
                   return absl::NotFoundError(absl::StrCat("order ", id, " not found"));
                 }
                 if (!order.ok()) return order.status();
                 if (p.scope != SCOPE_ALL) {
                   // The customer's own denial would name the customer: an id the
                   // caller did not ask about and may not know.
                   absl::Status in_scope = CheckCustomer(deps_, p, order->customer_id);
                   if (absl::IsPermissionDenied(in_scope)) return OrderOutOfScope(id);
                   CRM_RETURN_IF_ERROR(in_scope);
                 }
                 ToProto(*order, *response);
                 return absl::OkStatus();
               });
}

grpc::ServerUnaryReactor* BalancesServiceImpl::ListOrderBalances(
    grpc::CallbackServerContext* context, const v1::ListOrderBalancesRequest* request,
    v1::ListOrderBalancesResponse* response) {
  const std::optional<uint64_t> min_position = MinPosition(*request);
  return Query(context, deps_, "ListOrderBalances",
               CheckListRequest(*request, deps_.models->zone()), min_position,
               [=, this](const Principal& p, const Checked& checked) -> absl::Status {
                 const std::string& customer_id = request->customer_id();
                 const std::string& rep_id = request->rep_id();
                 CRM_RETURN_IF_ERROR(CheckOwner(deps_, p, customer_id, rep_id));
                 CRM_ASSIGN_OR_RETURN(std::unique_ptr<projections::ViewReader> reader,
                                      deps_.models->Reader(balances::kBalancesProjectionName));
                 const balances::BalancesQueries queries(reader.get());
                 CRM_ASSIGN_OR_RETURN(
                     balances::OrderBalancePage result,
                     !customer_id.empty()
                         ? queries.OrdersOfCustomer(customer_id, checked.as_of, checked.page)
                         : queries.OrdersOfRep(rep_id, checked.as_of, checked.page));
                 for (const balances::OrderBalanceView& order : result.orders) {
                   ToProto(order, *response->add_orders());
                 }
                 response->set_next_page_token(result.next_page_token);
                 return absl::OkStatus();
               });
}

grpc::ServerUnaryReactor* BalancesServiceImpl::GetBalanceTotals(
    grpc::CallbackServerContext* context, const v1::GetBalanceTotalsRequest* request,
    v1::GetBalanceTotalsResponse* response) {
  const std::optional<uint64_t> min_position = MinPosition(*request);
  return Query(context, deps_, "GetBalanceTotals",
               CheckTotalsRequest(*request, deps_.models->zone()), min_position,
               [=, this](const Principal& p, const Checked& checked) -> absl::Status {
                 const std::string& customer_id = request->customer_id();
                 const std::string& rep_id = request->rep_id();
                 CRM_RETURN_IF_ERROR(CheckOwner(deps_, p, customer_id, rep_id));
                 CRM_ASSIGN_OR_RETURN(std::unique_ptr<projections::ViewReader> reader,
                                      deps_.models->Reader(balances::kBalancesProjectionName));
                 const balances::BalancesQueries queries(reader.get());
                 CRM_ASSIGN_OR_RETURN(std::vector<balances::BalanceTotals> totals,
                                      !customer_id.empty()
                                          ? queries.CustomerTotals(customer_id, checked.as_of)
                                          : queries.RepTotals(rep_id, checked.as_of));
                 for (const balances::BalanceTotals& t : totals) {
                   const std::string& c = t.currency_code;
                   v1::BalanceTotals* out = response->add_totals();
                   out->set_currency_code(c);
                   out->set_orders(t.orders);
                   *out->mutable_amount() = MoneyOf(c, t.amount);
                   *out->mutable_paid() = MoneyOf(c, t.paid);
                   *out->mutable_outstanding() = MoneyOf(c, t.outstanding);
                   *out->mutable_overdue() = MoneyOf(c, t.overdue);
                   *out->mutable_overpaid() = MoneyOf(c, t.overpaid);
                 }
                 return absl::OkStatus();
               });
}

grpc::ServerUnaryReactor* BalancesServiceImpl::GetAging(grpc::CallbackServerContext* context,
                                                        const v1::GetAgingRequest* request,
                                                        v1::GetAgingResponse* response) {
  return Query(
      context, deps_, "GetAging", CheckAgingRequest(*request, deps_.models->zone()),
      MinPosition(*request), [=, this](const Principal& p, const Checked& checked) -> absl::Status {
        if (p.scope != SCOPE_ALL) {
          return absl::PermissionDeniedError(
              "GetAging covers every customer and rep: it needs scope all (read your "
              "customers' or reps' figures with GetBalanceTotals)");
        }
        CRM_ASSIGN_OR_RETURN(std::unique_ptr<projections::ViewReader> reader,
                             deps_.models->Reader(balances::kBalancesProjectionName));
        const balances::BalancesQueries queries(reader.get());
        const bool by_rep = request->group_by() == v1::AGING_GROUPING_REP;
        CRM_ASSIGN_OR_RETURN(balances::AgingPage aging,
                             by_rep ? queries.AgingByRep(checked.as_of, checked.page)
                                    : queries.AgingByCustomer(checked.as_of, checked.page));
        for (const balances::AgingRow& row : aging.rows) {
          const std::string& c = row.currency_code;
          v1::AgingRow* out = response->add_rows();
          (by_rep ? out->mutable_rep_id() : out->mutable_customer_id())->assign(row.group_id);
          (by_rep ? out->mutable_rep_name() : out->mutable_customer_name())
              ->assign(GroupName(deps_, by_rep, row.group_id));
          out->set_currency_code(c);
          using B = balances::AgingBucket;
          *out->mutable_current() = MoneyOf(c, row.aging.at(B::kCurrent));
          *out->mutable_days_1_to_30() = MoneyOf(c, row.aging.at(B::kDays1To30));
          *out->mutable_days_31_to_60() = MoneyOf(c, row.aging.at(B::kDays31To60));
          *out->mutable_days_61_to_90() = MoneyOf(c, row.aging.at(B::kDays61To90));
          *out->mutable_days_91_to_120() = MoneyOf(c, row.aging.at(B::kDays91To120));
          *out->mutable_over_120_days() = MoneyOf(c, row.aging.at(B::kOver120Days));
          *out->mutable_total() = MoneyOf(c, row.aging.Total());
        }
        response->set_next_page_token(aging.next_page_token);
        *response->mutable_as_of() = ToDate(checked.as_of);
        return absl::OkStatus();
      });
}

}  // namespace crm::service
