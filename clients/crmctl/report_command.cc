#include "clients/crmctl/report_command.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "clients/export/collection_export.h"
#include "projections/reports/collection_report.h"
#include "projections/reports/reports_projection.h"

namespace crm::clients {
namespace {

std::string StatusLabel(const projections::reports::CollectionRow& row) {
  if (row.order_cancelled) return "已取消";
  switch (row.order_status) {
    case engine::domain::PaymentStatus::kPaid:
      return "已回款";
    case engine::domain::PaymentStatus::kPartial:
      return "部分回款";
    case engine::domain::PaymentStatus::kUnpaid:
      return "未回款";
    case engine::domain::PaymentStatus::kOverdue:
      return "逾期";
  }
  return "";
}

}  // namespace

int RunReport(const ReportCommandOptions& o, engine::EventStore& store,
              projections::ProjectionRunner& runner, engine::domain::CommandHandler& handler,
              std::FILE* out, std::FILE* err) {
  if (o.kind != "collection") {
    absl::FPrintF(err, "crmctl report: unknown report \"%s\" (collection)\n", o.kind);
    return 2;
  }
  if (o.format != "xlsx" && o.format != "csv") {
    absl::FPrintF(err, "crmctl report: --format must be xlsx or csv\n");
    return 2;
  }
  if (o.out.empty()) {
    absl::FPrintF(err, "crmctl report: --out=FILE is required\n");
    return 2;
  }
  if (o.to < o.from) {
    absl::FPrintF(err, "crmctl report: --to is before --from\n");
    return 2;
  }
  // The view answers for everything committed before this command started.
  const engine::Position committed = store.CommittedPosition();
  if (committed > 0) {
    absl::Status caught_up = runner.WaitFor(projections::reports::kReportsProjectionName,
                                            committed - 1, absl::Now() + absl::Minutes(5));
    if (!caught_up.ok()) {
      absl::FPrintF(err, "crmctl report: the reports view is not up to date: %s\n",
                    caught_up.message());
      return 3;
    }
  }
  absl::StatusOr<std::unique_ptr<projections::ViewReader>> reader =
      runner.Reader(projections::reports::kReportsProjectionName);
  if (!reader.ok()) {
    absl::FPrintF(err, "crmctl report: %s\n", reader.status().message());
    return 3;
  }
  CollectionExport report;
  report.from = o.from;
  report.to = o.to;
  absl::flat_hash_map<std::string, std::string> rep_names;
  projections::PageRequest page;
  page.page_size = projections::kMaxPageSize;
  while (true) {
    absl::StatusOr<projections::reports::CollectionReport> built =
        projections::reports::BuildCollectionReport(**reader, o.from, o.to, page);
    if (!built.ok()) {
      absl::FPrintF(err, "crmctl report: %s\n", built.status().message());
      return 3;
    }
    for (const projections::reports::CollectionRow& row : built->rows) {
      auto [it, inserted] = rep_names.try_emplace(row.rep_id, row.rep_id);
      if (inserted) {
        absl::StatusOr<engine::domain::RepState> rep = handler.LoadRep(row.rep_id);
        if (rep.ok() && rep->exists && !rep->name.empty()) it->second = rep->name;
      }
      if (!o.rep.empty() && o.rep != row.rep_id && o.rep != it->second) continue;
      report.lines.push_back(CollectionLine{it->second, row.products, row.customer_name,
                                            row.paid_on, row.currency_code, row.amount,
                                            StatusLabel(row)});
    }
    if (built->next_page_token.empty()) break;
    page.page_token = built->next_page_token;
  }
  absl::Status written =
      o.format == "xlsx" ? WriteCollectionXlsx(report, o.out) : WriteCollectionCsv(report, o.out);
  if (!written.ok()) {
    absl::FPrintF(err, "crmctl report: %s\n", written.message());
    return 3;
  }
  absl::FPrintF(out, "%d payments from %s to %s written to %s\n", report.lines.size(),
                absl::FormatCivilTime(o.from), absl::FormatCivilTime(o.to), o.out);
  return 0;
}

}  // namespace crm::clients
