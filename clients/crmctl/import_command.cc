#include "clients/crmctl/import_command.h"

#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "clients/import/collection_import.h"
#include "clients/import/collection_sheet.h"
#include "clients/import/csv_reader.h"
#include "clients/import/follow_up_import.h"
#include "clients/import/follow_up_sheet.h"
#include "clients/import/intent_table.h"
#include "clients/import/text_encoding.h"
#include "engine/domain/business_calendar.h"
#include "engine/store/event_id.h"

namespace crm::clients {
namespace {

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\"", "\"\""}}), "\"");
}

std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out.push_back(c);
        }
    }
  }
  return out + "\"";
}

absl::Status ParsePairs(const std::vector<std::string>& entries, absl::string_view flag,
                        absl::flat_hash_map<std::string, std::string>& out) {
  for (const std::string& e : entries) {
    const size_t eq = e.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == e.size()) {
      return absl::InvalidArgumentError(absl::StrCat("--", flag, " \"", e, "\": expected NAME=ID"));
    }
    out[e.substr(0, eq)] = e.substr(eq + 1);
  }
  return absl::OkStatus();
}

// The rejected rows as they were, plus why, so a person can fix them and
// import this file again (the extra column is recognised and ignored).
absl::Status WriteErrorsCsv(const std::string& path, const std::vector<CsvRow>& rows,
                            const std::vector<RowProblem>& problems) {
  absl::flat_hash_map<int, std::vector<std::string>> reasons;
  for (const RowProblem& p : problems) {
    reasons[p.line].push_back(absl::StrCat(p.column.empty() ? "" : p.column + ": ", p.reason));
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::InvalidArgumentError(absl::StrCat("--errors-csv: cannot write ", path));
  out << "\xEF\xBB\xBF";  // so Excel reads it as UTF-8
  for (size_t r = 0; r < rows.size(); ++r) {
    if (r > 0 && !reasons.contains(rows[r].line)) continue;
    std::vector<std::string> fields;
    for (const std::string& f : rows[r].fields) fields.push_back(CsvField(f));
    fields.push_back(CsvField(r == 0 ? "导入问题" : absl::StrJoin(reasons[rows[r].line], "; ")));
    out << absl::StrJoin(fields, ",") << "\r\n";
  }
  out.close();
  if (!out) return absl::DataLossError(absl::StrCat("--errors-csv: writing ", path, " failed"));
  return absl::OkStatus();
}

void PrintReport(std::FILE* out, const ImportCommandOptions& o, const ImportReport& r,
                 int rows_read) {
  if (o.json) {
    std::vector<std::string> problems;
    for (const RowProblem& p : r.problems) {
      problems.push_back(absl::StrCat("{\"line\":", p.line, ",\"column\":", JsonString(p.column),
                                      ",\"value\":", JsonString(p.value),
                                      ",\"reason\":", JsonString(p.reason), "}"));
    }
    absl::FPrintF(out,
                  "{\"file\":%s,\"kind\":%s,\"dry_run\":%s,\"wrote\":%s,\"rows_read\":%d,"
                  "\"rows_imported\":%d,\"reps_registered\":%d,\"customers_registered\":%d,"
                  "\"customers_matched\":%d,\"contacts_added\":%d,\"follow_ups_logged\":%d,"
                  "\"follow_ups_already_there\":%d,\"products_defined\":%d,"
                  "\"orders_placed\":%d,\"orders_already_there\":%d,\"payments_recorded\":%d,"
                  "\"problems\":[%s]}\n",
                  JsonString(o.file), JsonString(o.kind), o.dry_run ? "true" : "false",
                  r.wrote ? "true" : "false", rows_read, r.rows_imported, r.reps_registered,
                  r.customers_registered, r.customers_matched, r.contacts_added,
                  r.follow_ups_logged, r.follow_ups_already_there, r.products_defined,
                  r.orders_placed, r.orders_already_there, r.payments_recorded,
                  absl::StrJoin(problems, ","));
    return;
  }
  if (!r.problems.empty()) {
    // One problem per line rather than a table: Chinese text has no fixed
    // width in a terminal, so columns would not line up anyway.
    absl::FPrintF(out, "%d problem%s:\n", r.problems.size(), r.problems.size() == 1 ? "" : "s");
    for (const RowProblem& p : r.problems) {
      absl::FPrintF(out, "  line %d%s%s: %s\n", p.line, p.column.empty() ? "" : ", " + p.column,
                    p.value.empty() ? "" : absl::StrCat(" \"", p.value, "\""), p.reason);
    }
  }
  const char* verb = o.dry_run ? " would be" : "";
  absl::FPrintF(out, "%d rows read, %d %s\n", rows_read, r.rows_imported,
                o.dry_run ? "would be imported"
                : r.wrote ? "imported"
                          : "imported: nothing was written (fix the rows above, or pass "
                            "--skip-invalid to import the others)");
  if (!r.wrote && !o.dry_run) return;
  if (o.kind == "followups") {
    absl::FPrintF(out,
                  "  customers%s registered: %d, already in the CRM: %d\n"
                  "  contacts%s added: %d\n  follow-ups%s logged: %d, already there: %d\n"
                  "  reps%s registered: %d\n",
                  verb, r.customers_registered, r.customers_matched, verb, r.contacts_added, verb,
                  r.follow_ups_logged, r.follow_ups_already_there, verb, r.reps_registered);
  } else {
    absl::FPrintF(out,
                  "  orders%s placed: %d, already there: %d\n  payments%s recorded: %d\n"
                  "  products%s defined: %d\n  reps%s registered: %d\n",
                  verb, r.orders_placed, r.orders_already_there, verb, r.payments_recorded, verb,
                  r.products_defined, verb, r.reps_registered);
  }
}

}  // namespace

int RunImport(const ImportCommandOptions& o, ImportBackend& backend, std::FILE* out,
              std::FILE* err) {
  auto usage = [&](absl::string_view message) {
    absl::FPrintF(err, "crmctl import: %s\n", message);
    return 2;
  };
  if (o.kind != "followups" && o.kind != "payments") {
    return usage(absl::StrCat("unknown sheet kind \"", o.kind, "\" (followups or payments)"));
  }
  std::ifstream in(o.file, std::ios::binary);
  if (!in) return usage(absl::StrCat("cannot read ", o.file));
  std::stringstream bytes;
  bytes << in.rdbuf();
  absl::StatusOr<Encoding> encoding = ParseEncoding(o.encoding);
  if (!encoding.ok()) return usage(encoding.status().message());
  absl::StatusOr<DecodedText> text = DecodeToUtf8(bytes.str(), *encoding);
  if (!text.ok()) return usage(absl::StrCat(o.file, ": ", text.status().message()));
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(text->utf8);
  if (!rows.ok()) return usage(absl::StrCat(o.file, ": ", rows.status().message()));

  ImportOptions options;
  // Request ids derive from the file's bytes: the same file imports once.
  options.file_digest = engine::EventId::NameBased("crm.import.file", bytes.str()).ToString();
  options.actor = o.actor;
  options.now_us = o.now_us;
  options.zone = engine::domain::DefaultBusinessTimeZone();
  options.dry_run = o.dry_run;
  options.skip_invalid = o.skip_invalid;
  options.create_missing = o.create_missing;
  if (absl::Status s = ParsePairs(o.reps, "rep", options.rep_ids); !s.ok()) {
    return usage(s.message());
  }
  if (absl::Status s = ParsePairs(o.products, "product", options.product_ids); !s.ok()) {
    return usage(s.message());
  }
  if (o.progress) {
    options.progress = [err](size_t done, size_t total) {
      if (done == total || done % 50 == 0) {
        absl::FPrintF(err, "\r%d/%d commands", done, total);
        if (done == total) absl::FPrintF(err, "\n");
      }
    };
  }
  const absl::CivilDay today =
      engine::domain::CivilDayAt(o.now_us, engine::domain::DefaultBusinessTimeZone());

  absl::StatusOr<ImportReport> report;
  int rows_read = 0;
  if (o.kind == "followups") {
    IntentTable intents;
    for (const std::string& entry : o.intents) {
      if (absl::Status s = intents.AddEntry(entry); !s.ok()) return usage(s.message());
    }
    FollowUpSheetOptions plan_options;
    plan_options.year = o.year;
    plan_options.today = today;
    plan_options.intents = &intents;
    plan_options.column_overrides = o.column_map;
    plan_options.column_overrides.push_back("导入问题=-");
    absl::StatusOr<FollowUpSheetPlan> plan = PlanFollowUpSheet(*rows, plan_options);
    if (!plan.ok()) return usage(absl::StrCat(o.file, ": ", plan.status().message()));
    rows_read = plan->rows_read;
    report = ImportFollowUps(*plan, backend, options);
  } else {
    CollectionSheetOptions plan_options;
    plan_options.year = o.year;
    plan_options.today = today;
    plan_options.unpaid_due = o.unpaid_due;
    plan_options.column_overrides = o.column_map;
    plan_options.column_overrides.push_back("导入问题=-");
    absl::StatusOr<CollectionSheetPlan> plan = PlanCollectionSheet(*rows, plan_options);
    if (!plan.ok()) return usage(absl::StrCat(o.file, ": ", plan.status().message()));
    rows_read = plan->rows_read;
    report = ImportCollections(*plan, backend, options);
  }
  if (!report.ok()) {
    absl::FPrintF(err, "\ncrmctl import: %s\n", report.status().message());
    return 3;
  }
  PrintReport(out, o, *report, rows_read);
  if (!o.errors_csv.empty() && !report->problems.empty()) {
    if (absl::Status s = WriteErrorsCsv(o.errors_csv, *rows, report->problems); !s.ok()) {
      absl::FPrintF(err, "crmctl import: %s\n", s.message());
      return 2;
    }
    if (!o.json) {
      absl::FPrintF(out, "rejected rows written to %s (fix them and import that file)\n",
                    o.errors_csv);
    }
  }
  return report->problems.empty() ? 0 : 1;
}

}  // namespace crm::clients
