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
  for (const balances::PaymentView& pay : v.payments) {
    v1::PaymentBalance* p = out.add_payments();
    p->set_payment_id(pay.payment_id);
    p->set_instalment_number(pay.instalment_number);
    *p->mutable_amount() = MoneyOf(c, pay.amount);
    *p->mutable_paid_on() = ToDate(pay.paid_on);
    p->set_rep_id(pay.rep_id);
    *p->mutable_reversed_amount() = MoneyOf(c, pay.reversed);
    *p->mutable_remaining() = MoneyOf(c, pay.Remaining());
    p->set_reversed(pay.Remaining() <= 0);
    for (const balances::ReversalView& r : pay.reversals) {
      v1::PaymentReversalBalance* rev = p->add_reversals();
      *rev->mutable_amount() = MoneyOf(c, r.amount);
      rev->set_reason(r.reason);
      *rev->mutable_reversed_on() = ToDate(r.reversed_on);
    }
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

// Whose orders a request names: a customer, a rep or a team.
struct Owner {
  std::string customer_id;
  std::string rep_id;
  std::string team_id;
};

template <typename Request>
Owner OwnerOf(const Request& r) {
  return Owner{r.customer_id(), r.rep_id(), r.team_id()};
}

// Exactly one of customer_id, rep_id and team_id, a valid id.
absl::Status CheckOneOwner(const Owner& o) {
  if (!o.customer_id.empty() + !o.rep_id.empty() + !o.team_id.empty() != 1) {
    return absl::InvalidArgumentError("customer_id, rep_id, team_id: exactly one is required");
  }
  if (!o.customer_id.empty()) return engine::domain::ValidateId("customer_id", o.customer_id);
  if (!o.rep_id.empty()) return engine::domain::ValidateId("rep_id", o.rep_id);
  return engine::domain::ValidateId("team_id", o.team_id);
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

// PermissionDenied naming team_id unless the team is at or below the
// caller's (or the caller has scope all).
absl::Status CheckTeam(const QueryDeps& deps, const Principal& p, const std::string& team_id) {
  CRM_ASSIGN_OR_RETURN(const bool within, deps.access->TeamInScope(p, team_id));
  if (within) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("team_id: team \"", team_id, "\" is not within your data scope"));
}

// CheckCustomer, CheckRep or CheckTeam, whichever the request names.
absl::Status CheckOwner(const QueryDeps& deps, const Principal& p, const Owner& o) {
  if (!o.customer_id.empty()) return CheckCustomer(deps, p, o.customer_id);
  if (!o.rep_id.empty()) return deps.access->CheckRep(p, o.rep_id, "rep_id");
  return CheckTeam(deps, p, o.team_id);
}

// The reps a team filter selects: of those credited with an order, the ones
// whose current team is `team_id` or below it, judged by AccessControl as a
// team scope is, so a filter and a scope never disagree about a rep.
absl::StatusOr<balances::RepSet> TeamReps(const QueryDeps& deps,
                                          const balances::BalancesQueries& queries,
                                          const std::string& team_id) {
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> credited, queries.CreditedReps());
  balances::RepSet reps{absl::StrCat("team:", team_id), {}};
  for (std::string& rep : credited) {
    CRM_ASSIGN_OR_RETURN(const bool member, deps.access->RepInTeam(rep, team_id));
    if (member) reps.rep_ids.push_back(std::move(rep));
  }
  return reps;
}

// The name a person reads in an aging row: the rep's name, or the
// customer's company (else contact person); the id when there is none.
std::string GroupName(const QueryDeps& deps, const Principal& p, bool by_rep,
                      const std::string& id) {
  if (by_rep) return RepName(deps.handler, id);
  if (deps.handler == nullptr) return id;
  absl::StatusOr<engine::domain::CustomerState> c = deps.handler->LoadCustomer(id);
  if (!c.ok() || !c->exists) return id;
  // A rep's order stays filed under the rep when its customer is reassigned
  // or merged away, so aging by rep or team can list a customer the caller
  // may no longer read: the id (already in ListOrderBalances) but not the
  // customer's name.
  if (!deps.access->CheckCustomerRead(p, id, *c).ok()) return "";
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
  CRM_RETURN_IF_ERROR(CheckOneOwner(OwnerOf(r)));
  CRM_ASSIGN_OR_RETURN(absl::CivilDay as_of, AsOf(r.has_as_of(), r.as_of(), zone));
  CRM_ASSIGN_OR_RETURN(projections::PageRequest page, Page(r.page_size(), r.page_token()));
  return Checked{as_of, std::move(page)};
}

absl::StatusOr<Checked> CheckTotalsRequest(const v1::GetBalanceTotalsRequest& r,
                                           absl::TimeZone zone) {
  CRM_RETURN_IF_ERROR(CheckOneOwner(OwnerOf(r)));
  CRM_ASSIGN_OR_RETURN(absl::CivilDay as_of, AsOf(r.has_as_of(), r.as_of(), zone));
  return Checked{as_of, {}};
}

absl::StatusOr<Checked> CheckAgingRequest(const v1::GetAgingRequest& r, absl::TimeZone zone) {
  if (r.group_by() != v1::AGING_GROUPING_CUSTOMER && r.group_by() != v1::AGING_GROUPING_REP) {
    return absl::InvalidArgumentError(
        "group_by: required, AGING_GROUPING_CUSTOMER or AGING_GROUPING_REP");
  }
  if (!r.rep_id().empty() && !r.team_id().empty()) {
    return absl::InvalidArgumentError("rep_id, team_id: at most one may be set");
  }
  if (!r.rep_id().empty()) {
    CRM_RETURN_IF_ERROR(engine::domain::ValidateId("rep_id", r.rep_id()));
  }
  if (!r.team_id().empty()) {
    CRM_RETURN_IF_ERROR(engine::domain::ValidateId("team_id", r.team_id()));
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
  return Query(
      context, deps_, "ListOrderBalances", CheckListRequest(*request, deps_.models->zone()),
      min_position, [=, this](const Principal& p, const Checked& checked) -> absl::Status {
        const Owner owner = OwnerOf(*request);
        CRM_RETURN_IF_ERROR(CheckOwner(deps_, p, owner));
        CRM_ASSIGN_OR_RETURN(std::unique_ptr<projections::ViewReader> reader,
                             deps_.models->Reader(balances::kBalancesProjectionName));
        const balances::BalancesQueries queries(reader.get());
        balances::OrderBalancePage result;
        if (!owner.customer_id.empty()) {
          CRM_ASSIGN_OR_RETURN(
              result, queries.OrdersOfCustomer(owner.customer_id, checked.as_of, checked.page));
        } else if (!owner.rep_id.empty()) {
          CRM_ASSIGN_OR_RETURN(result,
                               queries.OrdersOfRep(owner.rep_id, checked.as_of, checked.page));
        } else {
          CRM_ASSIGN_OR_RETURN(balances::RepSet reps, TeamReps(deps_, queries, owner.team_id));
          CRM_ASSIGN_OR_RETURN(result, queries.OrdersOfReps(reps, checked.as_of, checked.page));
        }
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
  return Query(
      context, deps_, "GetBalanceTotals", CheckTotalsRequest(*request, deps_.models->zone()),
      min_position, [=, this](const Principal& p, const Checked& checked) -> absl::Status {
        const Owner owner = OwnerOf(*request);
        CRM_RETURN_IF_ERROR(CheckOwner(deps_, p, owner));
        CRM_ASSIGN_OR_RETURN(std::unique_ptr<projections::ViewReader> reader,
                             deps_.models->Reader(balances::kBalancesProjectionName));
        const balances::BalancesQueries queries(reader.get());
        std::vector<balances::BalanceTotals> totals;
        if (!owner.customer_id.empty()) {
          CRM_ASSIGN_OR_RETURN(totals, queries.CustomerTotals(owner.customer_id, checked.as_of));
        } else if (!owner.rep_id.empty()) {
          CRM_ASSIGN_OR_RETURN(totals, queries.RepTotals(owner.rep_id, checked.as_of));
        } else {
          CRM_ASSIGN_OR_RETURN(balances::RepSet reps, TeamReps(deps_, queries, owner.team_id));
          CRM_ASSIGN_OR_RETURN(totals, queries.RepsTotals(reps, checked.as_of));
        }
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
        const std::string& rep_id = request->rep_id();
        const std::string& team_id = request->team_id();
        if (!rep_id.empty() || !team_id.empty()) {
          CRM_RETURN_IF_ERROR(CheckOwner(deps_, p, Owner{"", rep_id, team_id}));
        } else if (p.scope != SCOPE_ALL) {
          return absl::PermissionDeniedError(
              "GetAging without rep_id or team_id covers every customer and rep: it needs scope "
              "all (set rep_id or team_id within your data scope)");
        }
        CRM_ASSIGN_OR_RETURN(std::unique_ptr<projections::ViewReader> reader,
                             deps_.models->Reader(balances::kBalancesProjectionName));
        const balances::BalancesQueries queries(reader.get());
        std::optional<balances::RepSet> reps;
        if (!rep_id.empty()) reps = balances::RepSet{absl::StrCat("rep:", rep_id), {rep_id}};
        if (!team_id.empty()) {
          CRM_ASSIGN_OR_RETURN(reps, TeamReps(deps_, queries, team_id));
        }
        const balances::RepSet* filter = reps.has_value() ? &*reps : nullptr;
        const bool by_rep = request->group_by() == v1::AGING_GROUPING_REP;
        CRM_ASSIGN_OR_RETURN(balances::AgingPage aging,
                             by_rep ? queries.AgingByRep(checked.as_of, checked.page, filter)
                                    : queries.AgingByCustomer(checked.as_of, checked.page, filter));
        for (const balances::AgingRow& row : aging.rows) {
          const std::string& c = row.currency_code;
          v1::AgingRow* out = response->add_rows();
          (by_rep ? out->mutable_rep_id() : out->mutable_customer_id())->assign(row.group_id);
          (by_rep ? out->mutable_rep_name() : out->mutable_customer_name())
              ->assign(GroupName(deps_, p, by_rep, row.group_id));
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
