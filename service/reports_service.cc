#include "service/reports_service.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/field_validation.h"
#include "engine/status_macros.h"
#include "projections/reports/collection_report.h"
#include "projections/reports/customer_reports.h"
#include "projections/reports/opportunity_funnel.h"
#include "projections/reports/rep_performance.h"
#include "projections/reports/reports_projection.h"
#include "service/rep_names.h"
#include "service/wire_values.h"

namespace crm::service {
namespace {

namespace reports = projections::reports;
using engine::domain::ToCivilDay;
using engine::domain::ToDate;

// A macro argument cannot hold the map type's comma.
using IntentCounts = std::map<v1::Intent, int64_t>;

struct DateRange {
  absl::CivilDay from;
  absl::CivilDay to;
};

// from_date and to_date: both required, real dates, in order.
absl::StatusOr<DateRange> Range(bool has_from, const v1::Date& from, bool has_to,
                                const v1::Date& to) {
  if (!has_from) return absl::InvalidArgumentError("from_date: required");
  CRM_RETURN_IF_ERROR(engine::domain::ValidateDate("from_date", from));
  if (!has_to) return absl::InvalidArgumentError("to_date: required");
  CRM_RETURN_IF_ERROR(engine::domain::ValidateDate("to_date", to));
  DateRange range{ToCivilDay(from), ToCivilDay(to)};
  if (range.to < range.from) {
    return absl::InvalidArgumentError("to_date: must not be before from_date");
  }
  return range;
}

absl::Status ValidateRepFilter(const std::string& rep_id) {
  return rep_id.empty() ? absl::OkStatus() : engine::domain::ValidateId("rep_id", rep_id);
}

// A report of every rep reveals every rep's customers and money: scope all
// only. One rep's report is as readable as that rep's customers.
absl::Status CheckReportScope(const QueryDeps& deps, const Principal& p, const std::string& rep_id,
                              absl::string_view method) {
  if (!rep_id.empty()) return deps.access->CheckRep(p, rep_id, "rep_id");
  if (p.scope == SCOPE_ALL) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(method, " of every rep needs scope all; set rep_id to a rep within your scope"));
}

// Reports with no rep filter are company-wide by nature.
absl::Status RequireScopeAll(const Principal& p, absl::string_view method) {
  if (p.scope == SCOPE_ALL) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(method, " covers every customer: it needs scope all"));
}

v1::CollectionTotal ToProto(const reports::CurrencyTotal& t) {
  v1::CollectionTotal out;
  *out.mutable_amount() = MoneyOf(t.currency_code, t.amount);
  out.set_payments(t.payments);
  return out;
}

void ToProto(const reports::CollectionRow& row, v1::CollectionReportRow& out) {
  const std::string& c = row.currency_code;
  out.set_rep_id(row.rep_id);
  out.set_products(row.products);
  out.set_customer_id(row.customer_id);
  out.set_customer_name(row.customer_name);
  out.set_order_id(row.order_id);
  out.set_contract_number(row.contract_number);
  out.set_payment_id(row.payment_id);
  *out.mutable_paid_on() = ToDate(row.paid_on);
  *out.mutable_received() = MoneyOf(c, row.received);
  *out.mutable_reversed() = MoneyOf(c, row.reversed);
  *out.mutable_amount() = MoneyOf(c, row.amount);
  out.set_order_status(ProtoPaymentStatus(row.order_status));
  out.set_order_cancelled(row.order_cancelled);
}

void ToProto(const reports::FunnelAmount& a, v1::FunnelAmount& out) {
  *out.mutable_expected() = MoneyOf(a.currency_code, a.expected);
  *out.mutable_weighted() = MoneyOf(a.currency_code, a.weighted);
}

// A request checked field by field. Checking happens before RunQuery's
// wait for min_position, so a malformed request fails at once rather than
// after the view catches up (or the deadline passes).
struct Checked {
  DateRange range;
  reports::Period period = reports::Period::kWhole;
  projections::PageRequest page;
};

// RunQuery on the reports view, running `work` with the checked request, or
// answering `checked`'s error without waiting when it failed.
template <typename Work>
grpc::ServerUnaryReactor* Query(grpc::CallbackServerContext* context, const QueryDeps& deps,
                                absl::string_view method, absl::StatusOr<Checked> checked,
                                std::optional<uint64_t> min_position, Work work) {
  absl::Status valid = checked.status();
  return RunCheckedQuery(
      context, deps, kCustomerReaders, method, reports::kReportsProjectionName, std::move(valid),
      min_position, [checked = std::move(checked), work = std::move(work)](const Principal& p) {
        return work(p, *checked);
      });
}

absl::StatusOr<Checked> CheckCollectionRequest(const v1::GetCollectionReportRequest& r) {
  Checked checked;
  CRM_ASSIGN_OR_RETURN(checked.range,
                       Range(r.has_from_date(), r.from_date(), r.has_to_date(), r.to_date()));
  CRM_RETURN_IF_ERROR(ValidateRepFilter(r.rep_id()));
  CRM_ASSIGN_OR_RETURN(const int32_t page_size, PageSize(r.page_size()));
  checked.page = projections::PageRequest{page_size, r.page_token()};
  return checked;
}

absl::StatusOr<Checked> CheckPerformanceRequest(const v1::GetRepPerformanceRequest& r) {
  Checked checked;
  CRM_ASSIGN_OR_RETURN(checked.range,
                       Range(r.has_from_date(), r.from_date(), r.has_to_date(), r.to_date()));
  switch (r.period()) {
    case v1::PERFORMANCE_PERIOD_UNSPECIFIED:
    case v1::PERFORMANCE_PERIOD_WHOLE_RANGE:
      checked.period = reports::Period::kWhole;
      break;
    case v1::PERFORMANCE_PERIOD_MONTH:
      checked.period = reports::Period::kMonth;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("period: unknown value ", static_cast<int>(r.period())));
  }
  CRM_RETURN_IF_ERROR(ValidateRepFilter(r.rep_id()));
  return checked;
}

absl::StatusOr<Checked> CheckFunnelRequest(const v1::GetOpportunityFunnelRequest& r) {
  CRM_RETURN_IF_ERROR(ValidateRepFilter(r.rep_id()));
  return Checked{};
}

}  // namespace

grpc::ServerUnaryReactor* ReportsServiceImpl::GetCollectionReport(
    grpc::CallbackServerContext* context, const v1::GetCollectionReportRequest* request,
    v1::GetCollectionReportResponse* response) {
  return Query(
      context, deps_, "GetCollectionReport", CheckCollectionRequest(*request),
      MinPosition(*request), [=, this](const Principal& p, const Checked& checked) -> absl::Status {
        const std::string& rep_id = request->rep_id();
        CRM_RETURN_IF_ERROR(CheckReportScope(deps_, p, rep_id, "GetCollectionReport"));
        CRM_ASSIGN_OR_RETURN(std::unique_ptr<projections::ViewReader> reader,
                             deps_.models->Reader(reports::kReportsProjectionName));
        // The builder has no rep filter: filtering its page keeps one read
        // per call, at the price of short pages for one rep.
        CRM_ASSIGN_OR_RETURN(reports::CollectionReport report,
                             reports::BuildCollectionReport(*reader, checked.range.from,
                                                            checked.range.to, checked.page));
        RepNames names(deps_.handler);
        for (const reports::CollectionRow& row : report.rows) {
          if (!rep_id.empty() && row.rep_id != rep_id) continue;
          v1::CollectionReportRow* out = response->add_rows();
          ToProto(row, *out);
          out->set_rep_name(names.Of(row.rep_id));
        }
        for (const reports::RepCollectionTotal& rep : report.by_rep) {
          if (!rep_id.empty() && rep.rep_id != rep_id) continue;
          v1::RepCollectionTotals* out = response->add_rep_totals();
          out->set_rep_id(rep.rep_id);
          for (const reports::CurrencyTotal& t : rep.totals) *out->add_totals() = ToProto(t);
          // One rep's overall totals are its own.
          if (!rep_id.empty()) *response->mutable_totals() = out->totals();
        }
        if (rep_id.empty()) {
          for (const reports::CurrencyTotal& t : report.overall) {
            *response->add_totals() = ToProto(t);
          }
        }
        response->set_next_page_token(report.next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ReportsServiceImpl::GetRepPerformance(
    grpc::CallbackServerContext* context, const v1::GetRepPerformanceRequest* request,
    v1::GetRepPerformanceResponse* response) {
  return Query(
      context, deps_, "GetRepPerformance", CheckPerformanceRequest(*request), MinPosition(*request),
      [=, this](const Principal& p, const Checked& checked) -> absl::Status {
        const std::string& rep_id = request->rep_id();
        CRM_RETURN_IF_ERROR(CheckReportScope(deps_, p, rep_id, "GetRepPerformance"));
        CRM_ASSIGN_OR_RETURN(std::unique_ptr<projections::ViewReader> reader,
                             deps_.models->Reader(reports::kReportsProjectionName));
        CRM_ASSIGN_OR_RETURN(
            std::vector<reports::RepPerformanceRow> rows,
            reports::RepPerformance(*reader, checked.range.from, checked.range.to, checked.period));
        RepNames names(deps_.handler);
        for (const reports::RepPerformanceRow& row : rows) {
          if (!rep_id.empty() && row.rep_id != rep_id) continue;
          v1::RepPerformanceRow* out = response->add_rows();
          out->set_rep_id(row.rep_id);
          out->set_rep_name(names.Of(row.rep_id));
          *out->mutable_period_start() = ToDate(row.period_start);
          *out->mutable_period_end() = ToDate(row.period_end);
          out->set_follow_ups(row.follow_ups);
          out->set_new_customers(row.new_customers);
          out->set_orders(row.orders);
          for (const reports::MoneyFigures& m : row.money) {
            v1::RepMoneyFigures* figures = out->add_money();
            *figures->mutable_ordered() = MoneyOf(m.currency_code, m.ordered);
            *figures->mutable_collected() = MoneyOf(m.currency_code, m.collected);
          }
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ReportsServiceImpl::GetIntentDistribution(
    grpc::CallbackServerContext* context, const v1::GetIntentDistributionRequest* request,
    v1::GetIntentDistributionResponse* response) {
  return RunQuery(context, deps_, kCustomerReaders, "GetIntentDistribution",
                  reports::kReportsProjectionName, MinPosition(*request),
                  [=, this](const Principal& p) -> absl::Status {
                    CRM_RETURN_IF_ERROR(RequireScopeAll(p, "GetIntentDistribution"));
                    CRM_ASSIGN_OR_RETURN(std::unique_ptr<projections::ViewReader> reader,
                                         deps_.models->Reader(reports::kReportsProjectionName));
                    CRM_ASSIGN_OR_RETURN(IntentCounts counts, reports::IntentDistribution(*reader));
                    for (const auto& [intent, customers] : counts) {
                      v1::IntentCount* out = response->add_counts();
                      out->set_intent(intent);
                      out->set_customers(customers);
                    }
                    return absl::OkStatus();
                  });
}

grpc::ServerUnaryReactor* ReportsServiceImpl::GetFollowUpCycle(
    grpc::CallbackServerContext* context, const v1::GetFollowUpCycleRequest* request,
    v1::GetFollowUpCycleResponse* response) {
  return RunQuery(
      context, deps_, kCustomerReaders, "GetFollowUpCycle", reports::kReportsProjectionName,
      MinPosition(*request), [=, this](const Principal& p) -> absl::Status {
        CRM_RETURN_IF_ERROR(RequireScopeAll(p, "GetFollowUpCycle"));
        CRM_ASSIGN_OR_RETURN(std::unique_ptr<projections::ViewReader> reader,
                             deps_.models->Reader(reports::kReportsProjectionName));
        CRM_ASSIGN_OR_RETURN(reports::FollowUpCycle cycle,
                             reports::ComputeFollowUpCycle(*reader, deps_.models->zone()));
        response->set_customers(cycle.customers);
        response->set_mean_days(cycle.mean_days);
        response->set_median_days(cycle.median_days);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ReportsServiceImpl::GetConversion(grpc::CallbackServerContext* context,
                                                            const v1::GetConversionRequest* request,
                                                            v1::GetConversionResponse* response) {
  return RunQuery(
      context, deps_, kCustomerReaders, "GetConversion", reports::kReportsProjectionName,
      MinPosition(*request), [=, this](const Principal& p) -> absl::Status {
        CRM_RETURN_IF_ERROR(RequireScopeAll(p, "GetConversion"));
        CRM_ASSIGN_OR_RETURN(std::unique_ptr<projections::ViewReader> reader,
                             deps_.models->Reader(reports::kReportsProjectionName));
        CRM_ASSIGN_OR_RETURN(reports::Conversion conversion, reports::ComputeConversion(*reader));
        response->set_contacted(conversion.contacted);
        response->set_converted(conversion.converted);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ReportsServiceImpl::GetOpportunityFunnel(
    grpc::CallbackServerContext* context, const v1::GetOpportunityFunnelRequest* request,
    v1::GetOpportunityFunnelResponse* response) {
  return Query(context, deps_, "GetOpportunityFunnel", CheckFunnelRequest(*request),
               MinPosition(*request),
               [=, this](const Principal& p, const Checked&) -> absl::Status {
                 const std::string& rep_id = request->rep_id();
                 CRM_RETURN_IF_ERROR(CheckReportScope(deps_, p, rep_id, "GetOpportunityFunnel"));
                 CRM_ASSIGN_OR_RETURN(std::unique_ptr<projections::ViewReader> reader,
                                      deps_.models->Reader(reports::kReportsProjectionName));
                 CRM_ASSIGN_OR_RETURN(reports::OpportunityFunnel funnel,
                                      reports::BuildOpportunityFunnel(*reader, rep_id));
                 for (const reports::FunnelStage& stage : funnel.stages) {
                   v1::FunnelStage* out = response->add_stages();
                   out->set_stage(stage.stage);
                   out->set_open(stage.open);
                   for (const reports::FunnelAmount& a : stage.amounts)
                     ToProto(a, *out->add_amounts());
                 }
                 response->set_won(funnel.won);
                 for (const reports::FunnelAmount& a : funnel.won_amounts) {
                   ToProto(a, *response->add_won_amounts());
                 }
                 response->set_lost(funnel.lost);
                 return absl::OkStatus();
               });
}

}  // namespace crm::service
