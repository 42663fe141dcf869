#include "clients/crmctl/remote_report_source.h"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "crm/v1/balances_service.grpc.pb.h"
#include "crm/v1/pipeline_service.grpc.pb.h"
#include "crm/v1/reports_service.grpc.pb.h"

namespace crm::clients {
namespace {

// crmd's refusal as the report's error: its code, and what to check.
absl::Status FromGrpc(const grpc::Status& s) {
  const auto code = static_cast<absl::StatusCode>(s.error_code());
  std::string hint;
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
    hint = " (is crmd running there? check --server or CRM_SERVER)";
  } else if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    hint = " (check --key or CRM_API_KEY)";
  }
  return absl::Status(code, absl::StrCat("crmd answered ", absl::StatusCodeToString(code), ": ",
                                         s.error_message(), hint));
}

v1::Date WireDate(absl::CivilDay day) {
  v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

absl::CivilDay Day(const v1::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); }

// crmd's id syntax: 1..64 of [A-Za-z0-9_-].
bool LooksLikeId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (const char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

bool RepMatches(const std::string& wanted, const std::string& id, const std::string& name) {
  return wanted.empty() || wanted == id || wanted == name;
}

const std::string& NameOr(const std::string& name, const std::string& id) {
  return name.empty() ? id : name;
}

// An aging row as the export lays it out, named by its rep or customer.
AgingLine AgingLineOf(const v1::AgingRow& row, bool by_rep) {
  AgingLine line;
  line.name = by_rep ? NameOr(row.rep_name(), row.rep_id())
                     : NameOr(row.customer_name(), row.customer_id());
  line.currency_code = row.currency_code();
  line.buckets = {row.current().minor_units(),        row.days_1_to_30().minor_units(),
                  row.days_31_to_60().minor_units(),  row.days_61_to_90().minor_units(),
                  row.days_91_to_120().minor_units(), row.over_120_days().minor_units()};
  line.total = row.total().minor_units();
  return line;
}

// `fetch(server_rep)` filtered by `rep`: see the top of the header for why
// an id is tried on crmd's side first and a name on ours.
template <typename Report, typename Fetch>
absl::StatusOr<Report> ForRep(const std::string& rep, Fetch fetch, bool (*empty)(const Report&)) {
  if (rep.empty() || !LooksLikeId(rep)) return fetch(std::string());
  absl::StatusOr<Report> by_id = fetch(rep);
  if (!by_id.ok() || !empty(*by_id)) return by_id;
  absl::StatusOr<Report> by_name = fetch(std::string());
  // A key that may read only some reps cannot ask for every rep's rows; its
  // (empty) answer for the id stands.
  return by_name.ok() ? by_name : by_id;
}

}  // namespace

absl::StatusOr<CollectionExport> RemoteReportSource::Collection(absl::CivilDay from,
                                                                absl::CivilDay to,
                                                                const std::string& rep) {
  auto stub = v1::ReportsService::NewStub(crmd_.channel);
  auto fetch = [&](const std::string& server_rep) -> absl::StatusOr<CollectionExport> {
    CollectionExport report;
    report.from = from;
    report.to = to;
    v1::GetCollectionReportRequest request;
    *request.mutable_from_date() = WireDate(from);
    *request.mutable_to_date() = WireDate(to);
    request.set_rep_id(server_rep);
    request.set_page_size(1000);
    if (min_position_) request.set_min_position(*min_position_);
    do {
      v1::GetCollectionReportResponse response;
      const grpc::Status s = stub->GetCollectionReport(crmd_.Context().get(), request, &response);
      if (!s.ok()) return FromGrpc(s);
      for (const v1::CollectionReportRow& row : response.rows()) {
        const std::string& name = NameOr(row.rep_name(), row.rep_id());
        if (!RepMatches(rep, row.rep_id(), name)) continue;
        report.lines.push_back(
            CollectionLine{name, row.products(), row.customer_name(), Day(row.paid_on()),
                           row.amount().currency_code(), row.amount().minor_units(),
                           PaymentStatusLabel(row.order_status(), row.order_cancelled())});
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return report;
  };
  return ForRep<CollectionExport>(
      rep, fetch, +[](const CollectionExport& r) { return r.lines.empty(); });
}

absl::StatusOr<std::vector<v1::AgingRow>> RemoteReportSource::AgingRows(v1::AgingGrouping group_by,
                                                                        absl::CivilDay as_of,
                                                                        const std::string& rep_id) {
  auto stub = v1::BalancesService::NewStub(crmd_.channel);
  v1::GetAgingRequest request;
  request.set_group_by(group_by);
  *request.mutable_as_of() = WireDate(as_of);
  request.set_rep_id(rep_id);
  request.set_page_size(1000);
  if (min_position_) request.set_min_position(*min_position_);
  std::vector<v1::AgingRow> rows;
  do {
    v1::GetAgingResponse response;
    const grpc::Status s = stub->GetAging(crmd_.Context().get(), request, &response);
    if (!s.ok()) return FromGrpc(s);
    for (v1::AgingRow& row : *response.mutable_rows()) rows.push_back(std::move(row));
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return rows;
}

absl::StatusOr<AgingExport> RemoteReportSource::Aging(absl::CivilDay as_of,
                                                      const std::string& rep) {
  AgingExport report;
  report.as_of = as_of;
  if (rep.empty()) {
    for (const bool by_rep : {false, true}) {
      absl::StatusOr<std::vector<v1::AgingRow>> rows =
          AgingRows(by_rep ? v1::AGING_GROUPING_REP : v1::AGING_GROUPING_CUSTOMER, as_of, "");
      if (!rows.ok()) return rows.status();
      for (const v1::AgingRow& row : *rows) {
        (by_rep ? report.by_rep : report.by_customer).push_back(AgingLineOf(row, by_rep));
      }
    }
    return report;
  }

  // The reps `rep` stands for. An id goes to crmd, so a rep's or a
  // manager's key reads its own aging; a name (or an id no order is
  // credited to) is matched among every rep's rows, which needs scope all.
  std::set<std::string> rep_ids;
  if (LooksLikeId(rep)) {
    absl::StatusOr<std::vector<v1::AgingRow>> by_id = AgingRows(v1::AGING_GROUPING_REP, as_of, rep);
    if (!by_id.ok()) return by_id.status();
    for (const v1::AgingRow& row : *by_id) {
      report.by_rep.push_back(AgingLineOf(row, true));
      rep_ids.insert(row.rep_id());
    }
  }
  if (rep_ids.empty()) {
    absl::StatusOr<std::vector<v1::AgingRow>> every = AgingRows(v1::AGING_GROUPING_REP, as_of, "");
    // A key that may read only some reps cannot match a name among every
    // rep; for an id, its (empty) answer stands.
    if (!every.ok()) {
      if (LooksLikeId(rep)) return report;
      return every.status();
    }
    for (const v1::AgingRow& row : *every) {
      if (!RepMatches(rep, row.rep_id(), NameOr(row.rep_name(), row.rep_id()))) continue;
      report.by_rep.push_back(AgingLineOf(row, true));
      rep_ids.insert(row.rep_id());
    }
  }

  // The customers of those reps' orders. A name may stand for several reps:
  // their shares of a customer add up, as the embedded report's one query
  // over all their orders does; keyed as crmd sorts (customer id, then
  // currency).
  std::map<std::pair<std::string, std::string>, AgingLine> customers;
  for (const std::string& rep_id : rep_ids) {
    absl::StatusOr<std::vector<v1::AgingRow>> rows =
        AgingRows(v1::AGING_GROUPING_CUSTOMER, as_of, rep_id);
    if (!rows.ok()) return rows.status();
    for (const v1::AgingRow& row : *rows) {
      AgingLine line = AgingLineOf(row, false);
      auto [it, inserted] = customers.try_emplace({row.customer_id(), row.currency_code()}, line);
      if (inserted) continue;
      for (size_t b = 0; b < line.buckets.size(); ++b) it->second.buckets[b] += line.buckets[b];
      it->second.total += line.total;
    }
  }
  for (auto& [key, line] : customers) report.by_customer.push_back(std::move(line));
  return report;
}

absl::StatusOr<PerformanceExport> RemoteReportSource::Performance(absl::CivilDay from,
                                                                  absl::CivilDay to,
                                                                  const std::string& rep) {
  auto stub = v1::ReportsService::NewStub(crmd_.channel);
  auto fetch = [&](const std::string& server_rep) -> absl::StatusOr<PerformanceExport> {
    PerformanceExport report;
    report.from = from;
    report.to = to;
    v1::GetRepPerformanceRequest request;
    *request.mutable_from_date() = WireDate(from);
    *request.mutable_to_date() = WireDate(to);
    request.set_period(v1::PERFORMANCE_PERIOD_MONTH);
    request.set_rep_id(server_rep);
    if (min_position_) request.set_min_position(*min_position_);
    v1::GetRepPerformanceResponse response;
    const grpc::Status s = stub->GetRepPerformance(crmd_.Context().get(), request, &response);
    if (!s.ok()) return FromGrpc(s);
    for (const v1::RepPerformanceRow& row : response.rows()) {
      const std::string& name = NameOr(row.rep_name(), row.rep_id());
      if (!RepMatches(rep, row.rep_id(), name)) continue;
      PerformanceLine line{name,
                           Day(row.period_start()),
                           Day(row.period_end()),
                           row.follow_ups(),
                           row.new_customers(),
                           row.orders(),
                           {}};
      for (const v1::RepMoneyFigures& m : row.money()) {
        line.money.push_back(
            {m.ordered().currency_code(), m.ordered().minor_units(), m.collected().minor_units()});
      }
      report.lines.push_back(std::move(line));
    }
    return report;
  };
  return ForRep<PerformanceExport>(
      rep, fetch, +[](const PerformanceExport& r) { return r.lines.empty(); });
}

absl::StatusOr<PipelineExport> RemoteReportSource::Pipeline(const PipelineReportScope& scope,
                                                            std::optional<absl::CivilDay> as_of) {
  auto stub = v1::PipelineService::NewStub(crmd_.channel);
  v1::ListPipelineRequest request;
  if (!scope.rep_id.empty()) {
    request.mutable_scope()->set_rep_id(scope.rep_id);
  } else if (!scope.team_id.empty()) {
    request.mutable_scope()->set_team_id(scope.team_id);
  } else if (scope.pool) {
    request.mutable_scope()->set_public_pool(true);
  } else {
    request.mutable_scope()->set_everyone(true);
  }
  if (as_of) *request.mutable_as_of() = WireDate(*as_of);
  request.set_page_size(1000);
  if (min_position_) request.set_min_position(*min_position_);
  PipelineExport report;
  do {
    v1::ListPipelineResponse response;
    const grpc::Status s = stub->ListPipeline(crmd_.Context().get(), request, &response);
    if (!s.ok()) return FromGrpc(s);
    report.as_of = Day(response.as_of());
    // Every page against the first page's day, even across midnight.
    *request.mutable_as_of() = response.as_of();
    for (const v1::PipelineEntry& e : response.entries()) {
      PipelineLine line;
      line.customer_id = e.customer_id();
      line.company = e.company_name();
      line.contact = e.contact_person();
      line.owner = e.owner_rep_name().empty() ? e.owner_rep_id() : e.owner_rep_name();
      line.intent = IntentWord(e.intent());
      line.follow_ups = e.follow_up_count();
      if (e.has_days_since_last_contact()) {
        line.last_contact = report.as_of - e.days_since_last_contact();
      }
      if (e.has_next_follow_up_date()) line.next_call = Day(e.next_follow_up_date());
      line.due_today = e.due_today();
      line.days_overdue = e.overdue() ? e.days_overdue() : 0;
      report.lines.push_back(std::move(line));
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return report;
}

}  // namespace crm::clients
