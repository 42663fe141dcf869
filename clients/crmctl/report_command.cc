#include "clients/crmctl/report_command.h"

#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "clients/crmctl/crmd_call.h"
#include "clients/export/collection_export.h"
#include "clients/export/report_export.h"
#include "engine/domain/business_calendar.h"
#include "projections/balances/balances_projection.h"
#include "projections/balances/balances_queries.h"
#include "projections/pipeline/pipeline_projection.h"
#include "projections/pipeline/pipeline_queries.h"
#include "projections/reports/collection_report.h"
#include "projections/reports/rep_performance.h"
#include "projections/reports/reports_projection.h"

namespace crm::clients {
namespace {

v1::PaymentStatus WireStatus(engine::domain::PaymentStatus status) {
  switch (status) {
    case engine::domain::PaymentStatus::kPaid:
      return v1::PAYMENT_STATUS_PAID;
    case engine::domain::PaymentStatus::kPartial:
      return v1::PAYMENT_STATUS_PARTIAL;
    case engine::domain::PaymentStatus::kUnpaid:
      return v1::PAYMENT_STATUS_UNPAID;
    case engine::domain::PaymentStatus::kOverdue:
      return v1::PAYMENT_STATUS_OVERDUE;
  }
  return v1::PAYMENT_STATUS_UNSPECIFIED;
}

bool RepMatches(const std::string& wanted, const std::string& id, const std::string& name) {
  return wanted.empty() || wanted == id || wanted == name;
}

absl::Status Write(const ReportCommandOptions& o, ReportSource& source, size_t& rows) {
  const bool xlsx = o.format == "xlsx";
  if (o.kind == "collection") {
    absl::StatusOr<CollectionExport> r = source.Collection(o.from, o.to, o.rep);
    if (!r.ok()) return r.status();
    rows = r->lines.size();
    return xlsx ? WriteCollectionXlsx(*r, o.out) : WriteCollectionCsv(*r, o.out);
  }
  if (o.kind == "aging") {
    absl::StatusOr<AgingExport> r = source.Aging(o.to, o.rep);
    if (!r.ok()) return r.status();
    rows = r->by_customer.size() + (xlsx ? r->by_rep.size() : 0);
    return xlsx ? WriteAgingXlsx(*r, o.out) : WriteAgingCsv(*r, o.out);
  }
  if (o.kind == "performance") {
    absl::StatusOr<PerformanceExport> r = source.Performance(o.from, o.to, o.rep);
    if (!r.ok()) return r.status();
    rows = r->lines.size();
    return xlsx ? WritePerformanceXlsx(*r, o.out) : WritePerformanceCsv(*r, o.out);
  }
  PipelineReportScope scope{o.rep, o.team, o.pool};
  absl::StatusOr<PipelineExport> r = source.Pipeline(scope, o.as_of);
  if (!r.ok()) return r.status();
  rows = r->lines.size();
  return xlsx ? WritePipelineXlsx(*r, o.out) : WritePipelineCsv(*r, o.out);
}

}  // namespace

absl::Status CheckReportOptions(const ReportCommandOptions& o) {
  if (o.kind != "collection" && o.kind != "aging" && o.kind != "performance" &&
      o.kind != "pipeline") {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown report \"", o.kind, "\" (collection, aging, performance or pipeline)"));
  }
  if (o.format != "xlsx" && o.format != "csv") {
    return absl::InvalidArgumentError("--format must be xlsx or csv");
  }
  if (o.out.empty()) return absl::InvalidArgumentError("--out=FILE is required");
  if (o.kind == "pipeline") {
    if (!o.rep.empty() + !o.team.empty() + o.pool > 1) {
      return absl::InvalidArgumentError("give at most one of --rep, --team, --pool");
    }
    return absl::OkStatus();
  }
  if (!o.team.empty() || o.pool) {
    return absl::InvalidArgumentError("--team and --pool are for the pipeline report");
  }
  if (o.to < o.from) return absl::InvalidArgumentError("--to is before --from");
  return absl::OkStatus();
}

int RunReport(const ReportCommandOptions& o, ReportSource& source, std::FILE* out, std::FILE* err) {
  if (absl::Status valid = CheckReportOptions(o); !valid.ok()) {
    absl::FPrintF(err, "crmctl report: %s\n", valid.message());
    return kExitBadOptions;
  }
  size_t rows = 0;
  if (absl::Status written = Write(o, source, rows); !written.ok()) {
    absl::FPrintF(err, "crmctl report: %s\n", written.message());
    return kExitRefused;
  }
  if (o.kind == "collection") {
    absl::FPrintF(out, "%d payments from %s to %s written to %s\n", rows,
                  absl::FormatCivilTime(o.from), absl::FormatCivilTime(o.to), o.out);
  } else if (o.kind == "pipeline") {
    absl::FPrintF(out, "pipeline report: %d customers written to %s\n", rows, o.out);
  } else {
    absl::FPrintF(out, "%s report: %d rows written to %s\n", o.kind, rows, o.out);
  }
  return kExitOk;
}

absl::StatusOr<std::unique_ptr<projections::ViewReader>> EmbeddedReportSource::CaughtUpReader(
    const std::string& view) {
  // The view answers for everything committed before this command started.
  const engine::Position committed = store_.CommittedPosition();
  if (committed > 0) {
    absl::Status caught_up = runner_.WaitFor(view, committed - 1, absl::Now() + absl::Minutes(5));
    if (!caught_up.ok()) {
      return absl::Status(
          caught_up.code(),
          absl::StrCat("the ", view, " view is not up to date: ", caught_up.message()));
    }
  }
  return runner_.Reader(view);
}

const std::string& EmbeddedReportSource::RepName(const std::string& id) {
  auto [it, inserted] = rep_names_.try_emplace(id, id);
  if (inserted) {
    absl::StatusOr<engine::domain::RepState> rep = handler_.LoadRep(id);
    if (rep.ok() && rep->exists && !rep->name.empty()) it->second = rep->name;
  }
  return it->second;
}

const std::string& EmbeddedReportSource::CustomerName(const std::string& id) {
  auto [it, inserted] = customer_names_.try_emplace(id, id);
  if (inserted) {
    absl::StatusOr<engine::domain::CustomerState> c = handler_.LoadCustomer(id);
    if (c.ok() && c->exists) {
      const std::string& name = c->profile.company_name().empty() ? c->profile.contact_person()
                                                                  : c->profile.company_name();
      if (!name.empty()) it->second = name;
    }
  }
  return it->second;
}

absl::StatusOr<CollectionExport> EmbeddedReportSource::Collection(absl::CivilDay from,
                                                                  absl::CivilDay to,
                                                                  const std::string& rep) {
  absl::StatusOr<std::unique_ptr<projections::ViewReader>> reader =
      CaughtUpReader(projections::reports::kReportsProjectionName);
  if (!reader.ok()) return reader.status();
  CollectionExport report;
  report.from = from;
  report.to = to;
  projections::PageRequest page;
  page.page_size = projections::kMaxPageSize;
  while (true) {
    absl::StatusOr<projections::reports::CollectionReport> built =
        projections::reports::BuildCollectionReport(**reader, from, to, page);
    if (!built.ok()) return built.status();
    for (const projections::reports::CollectionRow& row : built->rows) {
      const std::string& name = RepName(row.rep_id);
      if (!RepMatches(rep, row.rep_id, name)) continue;
      report.lines.push_back(CollectionLine{
          name, row.products, row.customer_name, row.paid_on, row.currency_code, row.amount,
          PaymentStatusLabel(WireStatus(row.order_status), row.order_cancelled)});
    }
    if (built->next_page_token.empty()) break;
    page.page_token = built->next_page_token;
  }
  return report;
}

absl::StatusOr<AgingExport> EmbeddedReportSource::Aging(absl::CivilDay as_of,
                                                        const std::string& rep) {
  namespace pb = projections::balances;
  absl::StatusOr<std::unique_ptr<projections::ViewReader>> reader =
      CaughtUpReader(pb::kBalancesProjectionName);
  if (!reader.ok()) return reader.status();
  const pb::BalancesQueries queries(reader->get());
  // Every page of one grouping, limited to `reps` when set.
  auto rows_of = [&](bool by_rep,
                     const pb::RepSet* reps) -> absl::StatusOr<std::vector<pb::AgingRow>> {
    std::vector<pb::AgingRow> rows;
    projections::PageRequest page;
    page.page_size = projections::kMaxPageSize;
    while (true) {
      absl::StatusOr<pb::AgingPage> aging = by_rep ? queries.AgingByRep(as_of, page, reps)
                                                   : queries.AgingByCustomer(as_of, page, reps);
      if (!aging.ok()) return aging.status();
      for (pb::AgingRow& row : aging->rows) rows.push_back(std::move(row));
      if (aging->next_page_token.empty()) return rows;
      page.page_token = aging->next_page_token;
    }
  };
  auto line_of = [&](const pb::AgingRow& row, bool by_rep) {
    AgingLine line;
    line.name = by_rep ? RepName(row.group_id) : CustomerName(row.group_id);
    line.currency_code = row.currency_code;
    for (int b = 0; b < pb::kAgingBucketCount; ++b) line.buckets[b] = row.aging.outstanding[b];
    line.total = row.aging.Total();
    return line;
  };

  AgingExport report;
  report.as_of = as_of;
  absl::StatusOr<std::vector<pb::AgingRow>> by_rep = rows_of(true, nullptr);
  if (!by_rep.ok()) return by_rep.status();
  // The reps `rep` stands for, chosen as RemoteReportSource chooses them (an
  // id with rows, else every rep of that name), so both give one file.
  pb::RepSet reps{absl::StrCat("report-rep:", rep), {}};
  for (const bool by_name : {false, true}) {
    if (rep.empty() || !reps.rep_ids.empty()) break;
    for (const pb::AgingRow& row : *by_rep) {
      if (by_name ? RepName(row.group_id) == rep : row.group_id == rep) {
        reps.rep_ids.push_back(row.group_id);
      }
    }
  }
  for (const pb::AgingRow& row : *by_rep) {
    if (rep.empty() || absl::c_linear_search(reps.rep_ids, row.group_id)) {
      report.by_rep.push_back(line_of(row, true));
    }
  }
  // With `rep`, only the customers of its reps' orders, as crmd's rep_id
  // filter gives them; a rep with nothing outstanding has no such customers.
  if (!rep.empty() && reps.rep_ids.empty()) return report;
  absl::StatusOr<std::vector<pb::AgingRow>> by_customer =
      rows_of(false, rep.empty() ? nullptr : &reps);
  if (!by_customer.ok()) return by_customer.status();
  for (const pb::AgingRow& row : *by_customer) report.by_customer.push_back(line_of(row, false));
  return report;
}

absl::StatusOr<PerformanceExport> EmbeddedReportSource::Performance(absl::CivilDay from,
                                                                    absl::CivilDay to,
                                                                    const std::string& rep) {
  absl::StatusOr<std::unique_ptr<projections::ViewReader>> reader =
      CaughtUpReader(projections::reports::kReportsProjectionName);
  if (!reader.ok()) return reader.status();
  absl::StatusOr<std::vector<projections::reports::RepPerformanceRow>> rows =
      projections::reports::RepPerformance(**reader, from, to,
                                           projections::reports::Period::kMonth);
  if (!rows.ok()) return rows.status();
  PerformanceExport report;
  report.from = from;
  report.to = to;
  for (const projections::reports::RepPerformanceRow& row : *rows) {
    const std::string& name = RepName(row.rep_id);
    if (!RepMatches(rep, row.rep_id, name)) continue;
    PerformanceLine line{
        name, row.period_start, row.period_end, row.follow_ups, row.new_customers, row.orders, {}};
    for (const projections::reports::MoneyFigures& m : row.money) {
      line.money.push_back({m.currency_code, m.ordered, m.collected});
    }
    report.lines.push_back(std::move(line));
  }
  return report;
}

absl::StatusOr<PipelineExport> EmbeddedReportSource::Pipeline(const PipelineReportScope& scope,
                                                              std::optional<absl::CivilDay> as_of) {
  namespace pq = projections::pipeline;
  // Waits as the other reports do; the queries then read that snapshot's
  // successors, which only ever hold more.
  absl::StatusOr<std::unique_ptr<projections::ViewReader>> caught_up =
      CaughtUpReader(pq::kPipelineProjectionName);
  if (!caught_up.ok()) return caught_up.status();
  PipelineExport report;
  report.as_of = as_of.value_or(engine::domain::CivilDayAt(absl::ToUnixMicros(absl::Now()), zone_));
  pq::PipelineQuery query;
  query.scope = !scope.rep_id.empty()    ? pq::Scope::Rep(scope.rep_id)
                : !scope.team_id.empty() ? pq::Scope::Team(scope.team_id)
                : scope.pool             ? pq::Scope::PublicPool()
                                         : pq::Scope::Everyone();
  query.as_of = report.as_of;
  query.read.page_size = 1000;
  const pq::PipelineQueries queries(&runner_, zone_);
  while (true) {
    absl::StatusOr<pq::PipelinePage> page = queries.List(query);
    if (!page.ok()) return page.status();
    for (const pq::PipelineEntry& e : page->entries) {
      PipelineLine line;
      line.customer_id = e.customer_id;
      line.company = e.company_name;
      line.contact = e.contact_person;
      line.owner = e.owner_rep_id.empty() ? "" : RepName(e.owner_rep_id);
      line.intent = IntentWord(e.intent);
      line.follow_ups = e.follow_up_count;
      // From the days since, as crmd gives it, so both sources agree.
      if (e.days_since_last_contact.has_value()) {
        line.last_contact = report.as_of - *e.days_since_last_contact;
      }
      line.next_call = e.next_follow_up;
      line.due_today = e.due_today;
      line.days_overdue = e.overdue ? e.days_overdue : 0;
      report.lines.push_back(std::move(line));
    }
    if (page->next_page_token.empty()) break;
    query.read.page_token = page->next_page_token;
  }
  return report;
}

}  // namespace crm::clients
