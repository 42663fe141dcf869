// crmctl: the command line for people.
//
//   crmctl import followups FILE [--year=2026] [--dry-run] [--skip-invalid] ...
//   crmctl import payments FILE [--unpaid-due=2026-12-31] [--create-missing] ...
//   crmctl events export [--from=POSITION] [--limit=N] [--out=FILE]
//   crmctl events tail [--from=POSITION] [--type-prefix=T] [--stream-prefix=S]
//          [--limit=N]   (through crmd, until interrupted)
//   crmctl report collection|aging|performance --from=YYYY-MM-DD [--to=...] [--rep=R]
//          --format=xlsx|csv --out=F      (aging is as of --to)
//   crmctl report pipeline [--rep=R|--team=T|--pool] [--as-of=YYYY-MM-DD]
//          --format=xlsx|csv --out=F
//   crmctl pipeline --rep=R|--team=T|--everyone|--pool [--due=today|overdue|due]
//          [--as-of=YYYY-MM-DD] [--min-position=P] [--all] [--json]   (through crmd)
//   crmctl whoami [--json]   (the key's name, role, scope, rep, team; crmd's time zone)
//
// (In `report` and `pipeline`, --from/--to are dates and --rep filters; the parser renames
// them to --from_date/--to_date/--report_rep, since events export and import
// give --from and --rep other meanings.)
//
// Flags may be written with dashes or underscores.
//
// `import` talks to a running crmd when given a server:
//   --server=HOST:PORT   (default $CRM_SERVER)
//   --key=KEY            the API key (default $CRM_API_KEY), sent as x-api-key;
//                        its role must allow every command the sheet needs
//                        (in practice an admin key: reps, products, approvals)
//   --tls-ca=FILE        PEM root certificates, for a crmd serving TLS
// It checks the server and the key first: exit 2 with "cannot reach crmd at
// HOST:PORT: ..." or a note that the key is missing or wrong, before reading
// the sheet. `report` and `events export` also work through crmd when given a
// server (reading the raw log needs an admin or analytics key); `events tail`
// only does. Without a server, crmctl works on a store folder directly
// (--data-dir), which crmd must not have open at the same time (RocksDB locks
// it): an initial bulk load, or reports, while crmd is stopped.
//
// The key is read from the environment rather than given as a flag default
// so that --help never prints it.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "clients/crmctl/balances_command.h"
#include "clients/crmctl/crmd_call.h"
#include "clients/crmctl/customer_command.h"
#include "clients/crmctl/event_json.h"
#include "clients/crmctl/events_command.h"
#include "clients/crmctl/follow_up_command.h"
#include "clients/crmctl/import_command.h"
#include "clients/crmctl/order_command.h"
#include "clients/crmctl/payment_command.h"
#include "clients/crmctl/pipeline_command.h"
#include "clients/crmctl/pool_command.h"
#include "clients/crmctl/remote_report_source.h"
#include "clients/crmctl/report_command.h"
#include "clients/crmctl/whoami_command.h"
#include "clients/import/embedded_backend.h"
#include "clients/import/grpc_backend.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/command_handler.h"
#include "engine/store/event_store.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "projections/balances/balances_projection.h"
#include "projections/pipeline/pipeline_projection.h"
#include "projections/reports/reports_projection.h"

ABSL_FLAG(std::string, data_dir, "crm-data",
          "The store folder, when no --server is given (crmd must not be running on it).");
ABSL_FLAG(std::string, server, "", "import: crmd's HOST:PORT (default $CRM_SERVER).");
ABSL_FLAG(std::string, key, "", "import: the API key for --server (default $CRM_API_KEY).");
ABSL_FLAG(std::string, tls_ca, "", "import: PEM root certificates, for a crmd serving TLS.");
ABSL_FLAG(std::string, encoding, "auto", "File encoding: auto, utf-8 or gb18030.");
ABSL_FLAG(int32_t, year, 0, "Year of dates written without one (3.12, 3月12日).");
ABSL_FLAG(std::string, unpaid_due, "", "Due date (YYYY-MM-DD) of unpaid rows without a date.");
ABSL_FLAG(std::vector<std::string>, map, {}, "HEADING=FIELD entries (FIELD - ignores a column).");
ABSL_FLAG(std::vector<std::string>, intent, {}, "WORD=INTENT entries added to the intent table.");
ABSL_FLAG(std::vector<std::string>, rep, {}, "NAME=REP_ID entries for reps named in the sheet.");
ABSL_FLAG(std::vector<std::string>, product, {}, "NAME=PRODUCT_ID entries.");
ABSL_FLAG(bool, dry_run, false, "Check and report what would be written; write nothing.");
ABSL_FLAG(bool, skip_invalid, false, "Import the valid rows even if others have problems.");
ABSL_FLAG(bool, create_missing, false, "Define products the CRM does not have (payments).");
ABSL_FLAG(bool, json, false, "Print the report as JSON.");
ABSL_FLAG(std::string, errors_csv, "", "Write the rejected rows and their problems to this file.");
ABSL_FLAG(std::string, actor, "", "Who is importing (default $USER).");
ABSL_FLAG(uint64_t, from, 0, "events export, tail: the first global position.");
ABSL_FLAG(uint64_t, limit, 0,
          "events export, tail: at most this many events (0: to the end; tail: until stopped).");
ABSL_FLAG(std::string, out, "", "events export, report: the file to write.");
ABSL_FLAG(std::string, from_date, "", "report: first day (YYYY-MM-DD).");
ABSL_FLAG(std::string, to_date, "", "report: last day (YYYY-MM-DD), default today.");
ABSL_FLAG(std::string, report_rep, "", "report: only this rep (id or name).");
ABSL_FLAG(std::string, format, "xlsx", "report: xlsx or csv.");
ABSL_FLAG(std::string, type_prefix, "", "events tail: only event types starting with this.");
ABSL_FLAG(std::string, stream_prefix, "", "events tail: only streams starting with this.");
ABSL_FLAG(std::string, team, "",
          "pipeline, report pipeline: a team's customers (with its sub-teams); balances, aging: "
          "the orders credited to its reps (with its sub-teams').");
ABSL_FLAG(bool, everyone, false, "pipeline: every owned customer.");
ABSL_FLAG(bool, pool, false, "pipeline, report pipeline: the public pool.");
ABSL_FLAG(std::string, due, "",
          "pipeline: today, overdue or due (both); order place: the day the whole amount is due.");
ABSL_FLAG(std::string, as_of, "",
          "pipeline: the day (YYYY-MM-DD), default today; customer show: a day or an RFC 3339 "
          "moment.");
ABSL_FLAG(bool, all, false, "pipeline: every page, not just the first 100 customers.");
ABSL_FLAG(int64_t, min_position, -1,
          "pipeline, report: wait until crmd's view has applied this position (a command's "
          "result).");
ABSL_FLAG(std::string, company, "", "customer register, duplicates: the company name.");
ABSL_FLAG(std::vector<std::string>, phone, {}, "customer register, duplicates: phone numbers.");
ABSL_FLAG(std::string, contact, "", "customer register, duplicates: the contact person.");
ABSL_FLAG(std::string, owner, "", "customer register: the owning rep (default: the pool).");
ABSL_FLAG(std::string, id, "",
          "customer register, order place, payment record: the new id (default: derived).");
ABSL_FLAG(std::string, request_id, "",
          "customer, followup, pool, order, payment: the command's idempotency key (default: a new "
          "one).");
ABSL_FLAG(std::string, by, "",
          "customer search: company, phone, contact, tag, owner or status (default: guessed).");
ABSL_FLAG(std::string, note, "", "followup log: what was said.");
ABSL_FLAG(std::string, next, "", "followup log: the next call (YYYY-MM-DD).");
ABSL_FLAG(std::string, channel, "phone", "followup log: phone, visit, message or email.");
ABSL_FLAG(std::string, reason, "", "pool release, order cancel, payment reverse: why.");
ABSL_FLAG(std::string, customer, "", "order place, balances: the customer's id.");
ABSL_FLAG(std::string, quantity, "", "order place: whole units of --product.");
ABSL_FLAG(std::string, price, "", "order place: the unit price (default: the list price).");
ABSL_FLAG(std::string, contract, "", "order place: the contract number (default: the order id).");
ABSL_FLAG(std::string, signed_on, "", "order place: the signing date (YYYY-MM-DD).");
ABSL_FLAG(std::string, instalment, "",
          "order place: YYYY-MM-DD:AMOUNT, repeated once per instalment; payment record: the "
          "number of the instalment paid.");
ABSL_FLAG(std::string, shipped_on, "", "order ship: the shipment date (default: today).");
ABSL_FLAG(std::string, reference, "",
          "order ship, payment record: the shipment or bank reference.");
ABSL_FLAG(std::string, amount, "",
          "payment record|reverse: the amount, e.g. 3,000.00 (reverse: default all that remains).");
ABSL_FLAG(std::string, paid_on, "", "payment record: the day received (default: today).");
ABSL_FLAG(std::string, method, "bank", "payment record: bank, cash, cheque, online or other.");
ABSL_FLAG(bool, allow_overpayment, false, "payment record: paying more than is owed is intended.");
ABSL_FLAG(bool, outstanding, false, "balances: only orders with something outstanding.");

namespace {

// absl flags are spelled with underscores; people type dashes.
std::vector<char*> DashesToUnderscores(int argc, char** argv, std::vector<std::string>& storage) {
  storage.assign(argv, argv + argc);
  // report and pipeline take --rep as one rep id; import as NAME=ID entries.
  // The subcommand is the first word that is not a flag.
  std::string subcommand;
  for (int i = 1; i < argc && subcommand.empty(); ++i) {
    if (argv[i][0] != '-') subcommand = argv[i];
  }
  const bool report = subcommand == "report" || subcommand == "pipeline" ||
                      subcommand == "customer" || subcommand == "followup" ||
                      subcommand == "pool" || subcommand == "order" || subcommand == "payment" ||
                      subcommand == "balances" || subcommand == "aging";
  for (std::string& arg : storage) {
    if (arg.rfind("--", 0) != 0) continue;
    const size_t end = arg.find('=');
    for (size_t i = 2; i < std::min(end, arg.size()); ++i) {
      if (arg[i] == '-') arg[i] = '_';
    }
    if (report) {
      for (const auto& [flag, renamed] :
           {std::pair<std::string, std::string>{"--from", "--from_date"},
            {"--to", "--to_date"},
            {"--rep", "--report_rep"}}) {
        if (arg == flag || arg.rfind(flag + "=", 0) == 0) {
          arg = renamed + arg.substr(flag.size());
        }
      }
    }
  }
  std::vector<char*> out;
  for (std::string& arg : storage) out.push_back(arg.data());
  return out;
}

int Usage() {
  absl::FPrintF(
      stderr,
      "usage:\n"
      "  crmctl import followups FILE [--year=YYYY] [--dry-run] [--skip-invalid]\n"
      "         [--map=HEADING=FIELD,...] [--intent=WORD=INTENT,...] [--errors-csv=F]\n"
      "  crmctl pipeline --rep=R|--team=T|--everyone|--pool [--due=today|overdue|due]\n"
      "         [--as-of=YYYY-MM-DD] [--all] [--json]   (needs --server, --key)\n"
      "  crmctl customer show ID [--as-of=YYYY-MM-DD|2026-03-12T10:00:00+08:00]\n"
      "  crmctl customer search TEXT [--by=company|phone|contact|tag|owner|status] [--all]\n"
      "  crmctl customer duplicates ID | --company=NAME [--phone=P,...] [--contact=NAME]\n"
      "  crmctl customer register --company=NAME [--phone=P,...] [--contact=NAME]\n"
      "         [--owner=REP] [--id=ID] [--request-id=R]\n"
      "  crmctl customer history ID [--all]\n"
      "  crmctl followup log CUSTOMER --intent=interested|considering|refused|deal-closed\n"
      "         [--note=TEXT] [--next=YYYY-MM-DD] [--channel=phone|visit|message|email]\n"
      "         [--rep=REP (default: a rep key's rep, else the owner)] [--request-id=R]\n"
      "  crmctl pool list [--due=today|overdue|due] [--as-of=YYYY-MM-DD] [--all]\n"
      "  crmctl pool claim ID [--rep=REP (default: a rep key's rep)] [--request-id=R]\n"
      "  crmctl pool release ID [--reason=TEXT] [--request-id=R]\n"
      "         (customer, followup, pool: need --server, --key; --json, --min-position=P)\n"
      "  crmctl order place --customer=ID --product=ID --quantity=N [--price=AMOUNT]\n"
      "         --due=YYYY-MM-DD | --instalment=YYYY-MM-DD:AMOUNT (once per instalment)\n"
      "         [--contract=NO] [--signed-on=YYYY-MM-DD] [--rep=REP (default: the owner)]\n"
      "         [--id=ORDER] [--request-id=R]\n"
      "  crmctl order approve ORDER [--actor=NAME] [--request-id=R]\n"
      "  crmctl order ship ORDER [--shipped-on=YYYY-MM-DD] [--reference=REF] [--request-id=R]\n"
      "  crmctl order cancel ORDER --reason=TEXT [--request-id=R]\n"
      "  crmctl order show ORDER [--as-of=YYYY-MM-DD]\n"
      "  crmctl payment record ORDER --amount=AMOUNT [--paid-on=YYYY-MM-DD]\n"
      "         [--method=bank|cash|cheque|online|other] [--instalment=N] [--reference=REF]\n"
      "         [--allow-overpayment] [--rep=REP] [--id=PAYMENT] [--request-id=R]\n"
      "  crmctl payment reverse ORDER PAYMENT --reason=TEXT [--amount=AMOUNT] [--request-id=R]\n"
      "         (no --amount: all that remains of the payment)\n"
      "  crmctl balances --customer=ID|--rep=REP|--team=T [--outstanding] [--as-of=YYYY-MM-DD]\n"
      "         [--all]\n"
      "  crmctl aging [--by=customer|rep] [--rep=REP|--team=T] [--as-of=YYYY-MM-DD] [--all]\n"
      "         (order, payment, balances, aging: need --server, --key; --json,\n"
      "         --min-position=P; amounts as 12,500.00, ¥3,000 or 4999.5)\n"
      "  crmctl import payments FILE [--unpaid-due=YYYY-MM-DD] [--create-missing]\n"
      "         [--product=NAME=ID,...] [--rep=NAME=ID,...] [--dry-run] [--skip-invalid]\n"
      "  crmctl report collection|aging|performance --from=YYYY-MM-DD [--to=YYYY-MM-DD]\n"
      "         [--rep=R] --format=xlsx|csv --out=FILE   (aging is as of --to)\n"
      "  crmctl report pipeline [--rep=R|--team=T|--pool] [--as-of=YYYY-MM-DD]\n"
      "         --format=xlsx|csv --out=FILE\n"
      "         (report: through crmd with --server [--min-position=P], else --data-dir)\n"
      "  crmctl events export [--from=POSITION] [--limit=N] [--out=FILE]\n"
      "  crmctl events tail [--from=POSITION] [--type-prefix=T] [--stream-prefix=S]\n"
      "         [--limit=N]   (needs --server and an admin or analytics --key)\n"
      "  crmctl whoami [--json]   (who --key is, and crmd's business time zone)\n"
      "  common: --server=HOST:PORT --key=KEY [--tls-ca=FILE] (default $CRM_SERVER,\n"
      "         $CRM_API_KEY), or --data-dir=DIR (default crm-data) without a server;\n"
      "         --encoding=auto|utf-8|gb18030, --json\n");
  return 2;
}

// A flag, or when it is empty the environment variable.
std::string FlagOrEnv(const absl::Flag<std::string>& flag, const char* variable) {
  std::string value = absl::GetFlag(flag);
  if (value.empty()) {
    const char* env = std::getenv(variable);
    if (env != nullptr) value = env;
  }
  return value;
}

// A channel to crmd at `server` (TLS with --tls-ca); nullptr, having said why
// on stderr, when the CA file cannot be read.
std::shared_ptr<grpc::Channel> CrmdChannel(const std::string& server) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (const std::string ca = absl::GetFlag(FLAGS_tls_ca); !ca.empty()) {
    std::ifstream in(ca, std::ios::binary);
    if (!in) {
      absl::FPrintF(stderr, "crmctl: --tls-ca: cannot read %s\n", ca);
      return nullptr;
    }
    std::stringstream pem;
    pem << in.rdbuf();
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = pem.str();
    credentials = grpc::SslCredentials(tls);
  }
  return grpc::CreateChannel(server, credentials);
}

// The API key for crmd at `server`; empty, having said why, when none.
std::string CrmdKey(const std::string& server) {
  const std::string key = FlagOrEnv(FLAGS_key, "CRM_API_KEY");
  if (key.empty()) {
    absl::FPrintF(stderr, "crmctl: no API key for crmd at %s: pass --key=KEY or set CRM_API_KEY\n",
                  server);
  }
  return key;
}

// The backend for `import --server`, once crmd has answered and accepted the
// key; nullptr (having said why on stderr) otherwise.
std::unique_ptr<crm::clients::GrpcImportBackend> ConnectToCrmd(const std::string& server) {
  const std::string key = CrmdKey(server);
  if (key.empty()) return nullptr;
  std::shared_ptr<grpc::Channel> channel = CrmdChannel(server);
  if (channel == nullptr) return nullptr;
  crm::clients::GrpcBackendOptions options;
  options.api_key = key;
  auto backend = std::make_unique<crm::clients::GrpcImportBackend>(channel, options);
  const absl::Status s = backend->CheckConnection(absl::Seconds(10));
  if (s.ok()) return backend;
  if (absl::IsUnavailable(s) || absl::IsDeadlineExceeded(s)) {
    absl::FPrintF(stderr, "crmctl: cannot reach crmd at %s: %s\n", server, s.message());
  } else if (absl::IsUnauthenticated(s)) {
    absl::FPrintF(stderr,
                  "crmctl: crmd at %s refused the API key: it is missing or wrong (check --key "
                  "or CRM_API_KEY): %s\n",
                  server, s.message());
  } else if (absl::IsPermissionDenied(s)) {
    absl::FPrintF(stderr, "crmctl: the API key may not import into crmd at %s: %s\n", server,
                  s.message());
  } else {
    absl::FPrintF(stderr, "crmctl: crmd at %s: %s\n", server, s.message());
  }
  return nullptr;
}

absl::StatusOr<std::unique_ptr<crm::engine::EventStore>> OpenStore() {
  crm::engine::StoreOptions store_options;
  store_options.path = absl::GetFlag(FLAGS_data_dir);
  absl::StatusOr<std::unique_ptr<crm::engine::EventStore>> store =
      crm::engine::EventStore::Open(store_options);
  if (!store.ok()) {
    absl::FPrintF(stderr, "crmctl: cannot open the store in %s: %s (is crmd running on it?)\n",
                  store_options.path, store.status().message());
  }
  return store;
}

std::optional<crm::clients::Crmd> RemoteCrmd(const char* command);

// crmctl events export|tail: the log as JSON lines. Both say on stderr where
// to resume; `tail` only through crmd (a stopped store has no live events).
int ExportEvents(const std::vector<char*>& args) {
  const std::string verb = args.size() == 3 ? args[2] : "";
  if (verb != "export" && verb != "tail") return Usage();
  const bool remote = verb == "tail" || !FlagOrEnv(FLAGS_server, "CRM_SERVER").empty();
  std::optional<crm::clients::Crmd> crmd;
  absl::StatusOr<std::unique_ptr<crm::engine::EventStore>> store;
  if (remote) {
    crmd = RemoteCrmd(verb == "tail" ? "events tail" : "events export");
    if (!crmd) return 2;
  } else {
    store = OpenStore();
    if (!store.ok()) return 2;
  }
  if (verb == "tail") {
    crm::clients::EventsTailOptions o;
    o.from = absl::GetFlag(FLAGS_from);
    o.type_prefix = absl::GetFlag(FLAGS_type_prefix);
    o.stream_prefix = absl::GetFlag(FLAGS_stream_prefix);
    o.limit = absl::GetFlag(FLAGS_limit);
    return crm::clients::RunEventsTail(*crmd, o, stdout, stderr);
  }
  std::FILE* out = stdout;
  const std::string path = absl::GetFlag(FLAGS_out);
  if (!path.empty()) {
    out = std::fopen(path.c_str(), "wb");
    if (out == nullptr) {
      absl::FPrintF(stderr, "crmctl: cannot write %s\n", path);
      return 2;
    }
  }
  crm::clients::EventsExportOptions o;
  o.from = absl::GetFlag(FLAGS_from);
  o.limit = absl::GetFlag(FLAGS_limit);
  const int code = remote ? crm::clients::RunEventsExport(*crmd, o, out, stderr)
                          : crm::clients::RunEventsExport(**store, o, out, stderr);
  if (out != stdout && std::fclose(out) != 0) {
    absl::FPrintF(stderr, "crmctl: writing %s failed\n", path);
    return 3;
  }
  if (std::ferror(stdout)) return 3;
  return code;
}

// crmctl report KIND: through crmd with a server, else from a stopped
// store's views; the same files either way (report_source.h).
int Report(const std::vector<char*>& args) {
  if (args.size() != 3) return Usage();
  crm::clients::ReportCommandOptions o;
  o.kind = args[2];
  const absl::TimeZone zone = crm::engine::domain::DefaultBusinessTimeZone();
  o.to = crm::engine::domain::CivilDayAt(absl::ToUnixMicros(absl::Now()), zone);
  const std::string from = absl::GetFlag(FLAGS_from_date);
  const std::string to = absl::GetFlag(FLAGS_to_date);
  if (o.kind == "pipeline") {
    if (!from.empty() || !to.empty()) {
      absl::FPrintF(stderr, "crmctl report pipeline: no --from/--to; use --as-of=YYYY-MM-DD\n");
      return 2;
    }
    if (const std::string as_of = absl::GetFlag(FLAGS_as_of); !as_of.empty()) {
      absl::CivilDay day;
      if (!absl::ParseCivilTime(as_of, &day)) {
        absl::FPrintF(stderr, "crmctl report: --as-of=%s is not a YYYY-MM-DD date\n", as_of);
        return 2;
      }
      o.as_of = day;
    }
  } else {
    if (from.empty() || !absl::ParseCivilTime(from, &o.from)) {
      absl::FPrintF(stderr, "crmctl report: --from=YYYY-MM-DD is required\n");
      return 2;
    }
    if (!to.empty() && !absl::ParseCivilTime(to, &o.to)) {
      absl::FPrintF(stderr, "crmctl report: --to=%s is not a YYYY-MM-DD date\n", to);
      return 2;
    }
  }
  o.rep = absl::GetFlag(FLAGS_report_rep);
  o.team = absl::GetFlag(FLAGS_team);
  o.pool = absl::GetFlag(FLAGS_pool);
  o.format = absl::GetFlag(FLAGS_format);
  o.out = absl::GetFlag(FLAGS_out);
  // Bad options are told before crmd is asked or the store opened.
  if (absl::Status valid = crm::clients::CheckReportOptions(o); !valid.ok()) {
    absl::FPrintF(stderr, "crmctl report: %s\n", valid.message());
    return 2;
  }
  if (!FlagOrEnv(FLAGS_server, "CRM_SERVER").empty()) {
    std::optional<crm::clients::Crmd> crmd = RemoteCrmd("report");
    if (!crmd) return 2;
    if (o.kind != "pipeline" && to.empty()) {
      // Today as crmd counts days, not as Asia/Shanghai would.
      absl::TimeZone crmd_zone;
      if (const grpc::Status s = crm::clients::CrmdTimeZone(*crmd, &crmd_zone); !s.ok()) {
        return crm::clients::ReportRefusal(stderr, "report", s);
      }
      o.to = crm::engine::domain::CivilDayAt(absl::ToUnixMicros(absl::Now()), crmd_zone);
    }
    const int64_t min_position = absl::GetFlag(FLAGS_min_position);
    crm::clients::RemoteReportSource source(
        *crmd, min_position >= 0 ? std::optional<uint64_t>(min_position) : std::nullopt);
    return crm::clients::RunReport(o, source, stdout, stderr);
  }
  absl::StatusOr<std::unique_ptr<crm::engine::EventStore>> store = OpenStore();
  if (!store.ok()) return 2;
  std::vector<std::unique_ptr<crm::projections::Projection>> projections;
  projections.push_back(std::make_unique<crm::projections::reports::ReportsProjection>(zone));
  projections.push_back(std::make_unique<crm::projections::balances::BalancesProjection>(zone));
  projections.push_back(std::make_unique<crm::projections::pipeline::PipelineProjection>(zone));
  crm::projections::RunnerOptions runner_options;
  runner_options.path = absl::GetFlag(FLAGS_data_dir) + "/views";
  auto runner = crm::projections::ProjectionRunner::Open(store->get(), std::move(projections),
                                                         runner_options);
  if (!runner.ok()) {
    absl::FPrintF(stderr, "crmctl report: views in %s: %s\n", runner_options.path,
                  runner.status().message());
    return 3;
  }
  crm::engine::domain::CommandHandler handler(store->get(), {});
  crm::clients::EmbeddedReportSource source(**store, **runner, handler, zone);
  return crm::clients::RunReport(o, source, stdout, stderr);
}

int Import(const std::vector<char*>& args) {
  if (args.size() != 4) return Usage();
  crm::clients::ImportCommandOptions o;
  o.kind = args[2];
  o.file = args[3];
  o.encoding = absl::GetFlag(FLAGS_encoding);
  if (const int year = absl::GetFlag(FLAGS_year); year != 0) {
    if (year < 1900 || year > 9999) {
      absl::FPrintF(stderr, "crmctl: --year=%d is not a year\n", year);
      return 2;
    }
    o.year = year;
  }
  if (const std::string due = absl::GetFlag(FLAGS_unpaid_due); !due.empty()) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(due, &day)) {
      absl::FPrintF(stderr, "crmctl: --unpaid-due=%s is not a YYYY-MM-DD date\n", due);
      return 2;
    }
    o.unpaid_due = day;
  }
  o.column_map = absl::GetFlag(FLAGS_map);
  o.intents = absl::GetFlag(FLAGS_intent);
  o.reps = absl::GetFlag(FLAGS_rep);
  o.products = absl::GetFlag(FLAGS_product);
  o.dry_run = absl::GetFlag(FLAGS_dry_run);
  o.skip_invalid = absl::GetFlag(FLAGS_skip_invalid);
  o.create_missing = absl::GetFlag(FLAGS_create_missing);
  o.json = absl::GetFlag(FLAGS_json);
  o.errors_csv = absl::GetFlag(FLAGS_errors_csv);
  o.actor = absl::GetFlag(FLAGS_actor);
  if (o.actor.empty()) {
    const char* user = std::getenv("USER");
    o.actor = absl::StrCat("crmctl:", user != nullptr ? user : "unknown");
  }
  o.now_us = absl::ToUnixMicros(absl::Now());
  o.progress = !o.json && isatty(STDERR_FILENO);

  if (const std::string server = FlagOrEnv(FLAGS_server, "CRM_SERVER"); !server.empty()) {
    std::unique_ptr<crm::clients::GrpcImportBackend> backend = ConnectToCrmd(server);
    if (backend == nullptr) return 2;
    return crm::clients::RunImport(o, *backend, stdout, stderr);
  }
  absl::StatusOr<std::unique_ptr<crm::engine::EventStore>> store = OpenStore();
  if (!store.ok()) return 2;
  crm::engine::domain::CommandHandler handler(store->get(), {});
  crm::clients::EmbeddedBackend backend(&handler);
  return crm::clients::RunImport(o, backend, stdout, stderr);
}

// crmd's address and key from the flags or the environment, for the
// subcommands that only work through crmd; nullopt (having said why on
// stderr) when either is missing.
std::optional<crm::clients::Crmd> RemoteCrmd(const char* command) {
  const std::string server = FlagOrEnv(FLAGS_server, "CRM_SERVER");
  if (server.empty()) {
    absl::FPrintF(stderr, "crmctl %s: needs crmd: pass --server=HOST:PORT or set CRM_SERVER\n",
                  command);
    return std::nullopt;
  }
  crm::clients::Crmd crmd;
  crmd.api_key = CrmdKey(server);
  if (crmd.api_key.empty()) return std::nullopt;
  crmd.channel = CrmdChannel(server);
  if (crmd.channel == nullptr) return std::nullopt;
  return crmd;
}

int Pipeline() {
  std::optional<crm::clients::Crmd> crmd = RemoteCrmd("pipeline");
  if (!crmd) return 2;
  crm::clients::PipelineCommandOptions o;
  o.rep_id = absl::GetFlag(FLAGS_report_rep);
  o.team_id = absl::GetFlag(FLAGS_team);
  o.everyone = absl::GetFlag(FLAGS_everyone);
  o.pool = absl::GetFlag(FLAGS_pool);
  o.due = absl::GetFlag(FLAGS_due);
  o.as_of = absl::GetFlag(FLAGS_as_of);
  o.json = absl::GetFlag(FLAGS_json);
  o.all = absl::GetFlag(FLAGS_all);
  o.min_position = absl::GetFlag(FLAGS_min_position);
  return crm::clients::RunPipeline(*crmd, o, stdout, stderr);
}

// crmctl customer show|search|duplicates|register|history ...
int Customer(const std::vector<char*>& args) {
  const std::string verb = args.size() >= 3 ? args[2] : "";
  const std::string id = args.size() == 4 ? args[3] : "";
  const bool takes_id = verb == "show" || verb == "history" || verb == "duplicates";
  if (!(takes_id && args.size() <= 4) && !(verb == "search" && args.size() >= 4) &&
      !(verb == "register" && args.size() == 3)) {
    return Usage();
  }
  std::optional<crm::clients::Crmd> crmd = RemoteCrmd("customer");
  if (!crmd) return 2;
  const bool json = absl::GetFlag(FLAGS_json);
  const int64_t min_position = absl::GetFlag(FLAGS_min_position);
  if (verb == "show") {
    crm::clients::CustomerShowOptions o{id, absl::GetFlag(FLAGS_as_of), json};
    return crm::clients::RunCustomerShow(*crmd, o, stdout, stderr);
  }
  if (verb == "history") {
    crm::clients::CustomerHistoryOptions o{id, min_position, json, absl::GetFlag(FLAGS_all)};
    return crm::clients::RunCustomerHistory(*crmd, o, stdout, stderr);
  }
  if (verb == "duplicates") {
    crm::clients::CustomerDuplicatesOptions o{id,
                                              absl::GetFlag(FLAGS_company),
                                              absl::GetFlag(FLAGS_phone),
                                              absl::GetFlag(FLAGS_contact),
                                              min_position,
                                              json};
    return crm::clients::RunCustomerDuplicates(*crmd, o, stdout, stderr);
  }
  if (verb == "search") {
    // An unquoted name of several words arrives as several arguments.
    std::string text = args[3];
    for (size_t i = 4; i < args.size(); ++i) absl::StrAppend(&text, " ", args[i]);
    crm::clients::CustomerSearchOptions o{text, absl::GetFlag(FLAGS_by), min_position, json,
                                          absl::GetFlag(FLAGS_all)};
    return crm::clients::RunCustomerSearch(*crmd, o, stdout, stderr);
  }
  crm::clients::CustomerRegisterOptions o;
  o.company = absl::GetFlag(FLAGS_company);
  o.phones = absl::GetFlag(FLAGS_phone);
  o.contact = absl::GetFlag(FLAGS_contact);
  o.owner_rep_id = absl::GetFlag(FLAGS_owner);
  o.customer_id = absl::GetFlag(FLAGS_id);
  o.request_id = absl::GetFlag(FLAGS_request_id);
  o.json = json;
  return crm::clients::RunCustomerRegister(*crmd, o, stdout, stderr);
}

// crmctl followup log CUSTOMER --intent=... ; --intent is import's list flag
// (WORD=INTENT entries), here holding the one word.
int FollowUp(const std::vector<char*>& args) {
  if (args.size() != 4 || std::string(args[2]) != "log") return Usage();
  const std::vector<std::string> intents = absl::GetFlag(FLAGS_intent);
  if (intents.size() > 1) {
    absl::FPrintF(stderr, "crmctl followup log: --intent: give one intent, not %d\n",
                  intents.size());
    return 2;
  }
  std::optional<crm::clients::Crmd> crmd = RemoteCrmd("followup");
  if (!crmd) return 2;
  crm::clients::FollowUpLogOptions o;
  o.customer_id = args[3];
  o.intent = intents.empty() ? "" : intents[0];
  o.note = absl::GetFlag(FLAGS_note);
  o.next = absl::GetFlag(FLAGS_next);
  o.channel = absl::GetFlag(FLAGS_channel);
  o.rep_id = absl::GetFlag(FLAGS_report_rep);
  o.request_id = absl::GetFlag(FLAGS_request_id);
  o.json = absl::GetFlag(FLAGS_json);
  return crm::clients::RunFollowUpLog(*crmd, o, stdout, stderr);
}

// crmctl pool list|claim ID|release ID
int Pool(const std::vector<char*>& args) {
  const std::string verb = args.size() >= 3 ? args[2] : "";
  if (!(verb == "list" && args.size() == 3) &&
      !((verb == "claim" || verb == "release") && args.size() == 4)) {
    return Usage();
  }
  std::optional<crm::clients::Crmd> crmd = RemoteCrmd("pool");
  if (!crmd) return 2;
  if (verb == "list") {
    crm::clients::PipelineCommandOptions o;
    o.pool = true;
    o.due = absl::GetFlag(FLAGS_due);
    o.as_of = absl::GetFlag(FLAGS_as_of);
    o.json = absl::GetFlag(FLAGS_json);
    o.all = absl::GetFlag(FLAGS_all);
    o.min_position = absl::GetFlag(FLAGS_min_position);
    return crm::clients::RunPipeline(*crmd, o, stdout, stderr);
  }
  crm::clients::PoolMoveOptions o;
  o.customer_id = args[3];
  o.rep_id = absl::GetFlag(FLAGS_report_rep);
  o.reason = absl::GetFlag(FLAGS_reason);
  o.request_id = absl::GetFlag(FLAGS_request_id);
  o.json = absl::GetFlag(FLAGS_json);
  return verb == "claim" ? crm::clients::RunPoolClaim(*crmd, o, stdout, stderr)
                         : crm::clients::RunPoolRelease(*crmd, o, stdout, stderr);
}

// crmctl whoami [--json]
int WhoAmI(const std::vector<char*>& args) {
  if (args.size() != 2) return Usage();
  std::optional<crm::clients::Crmd> crmd = RemoteCrmd("whoami");
  if (!crmd) return 2;
  crm::clients::WhoAmIOptions o;
  o.json = absl::GetFlag(FLAGS_json);
  return crm::clients::RunWhoAmI(*crmd, o, stdout, stderr);
}

// Every value given to --`name`, in order: absl keeps only the last of a
// repeated flag, and an instalment plan is one flag per instalment.
std::vector<std::string> RepeatedFlag(const std::vector<char*>& argv, const std::string& name) {
  std::vector<std::string> values;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string arg = argv[i];
    if (arg == "--") break;
    for (const char* dashes : {"--", "-"}) {
      const std::string flag = dashes + name;
      if (arg == flag && i + 1 < argv.size()) {
        values.push_back(argv[++i]);
      } else if (arg.rfind(flag + "=", 0) == 0) {
        values.push_back(arg.substr(flag.size() + 1));
      }
    }
  }
  return values;
}

crm::clients::BalancesQuery BalancesQueryFlags() {
  crm::clients::BalancesQuery q;
  q.as_of = absl::GetFlag(FLAGS_as_of);
  q.min_position = absl::GetFlag(FLAGS_min_position);
  q.json = absl::GetFlag(FLAGS_json);
  q.all = absl::GetFlag(FLAGS_all);
  return q;
}

// crmctl order place | approve|ship|cancel|show ORDER; `argv` is the whole
// command line, for the repeated --instalment.
int Order(const std::vector<char*>& args, const std::vector<char*>& argv) {
  const std::string verb = args.size() >= 3 ? args[2] : "";
  if (!(verb == "place" && args.size() == 3) &&
      !((verb == "approve" || verb == "ship" || verb == "cancel" || verb == "show") &&
        args.size() == 4)) {
    return Usage();
  }
  std::optional<crm::clients::Crmd> crmd = RemoteCrmd("order");
  if (!crmd) return 2;
  crm::clients::OrderCommandOptions o;
  o.verb = verb;
  o.order_id = verb == "place" ? absl::GetFlag(FLAGS_id) : args[3];
  o.customer_id = absl::GetFlag(FLAGS_customer);
  o.products = absl::GetFlag(FLAGS_product);
  o.quantity = absl::GetFlag(FLAGS_quantity);
  o.price = absl::GetFlag(FLAGS_price);
  o.contract_number = absl::GetFlag(FLAGS_contract);
  o.signed_on = absl::GetFlag(FLAGS_signed_on);
  o.rep_id = absl::GetFlag(FLAGS_report_rep);
  o.due = absl::GetFlag(FLAGS_due);
  o.instalments = RepeatedFlag(argv, "instalment");
  o.approver = absl::GetFlag(FLAGS_actor);
  if (o.approver.empty()) {
    const char* user = std::getenv("USER");
    o.approver = user != nullptr ? user : "crmctl";
  }
  o.shipped_on = absl::GetFlag(FLAGS_shipped_on);
  o.reference = absl::GetFlag(FLAGS_reference);
  o.reason = absl::GetFlag(FLAGS_reason);
  o.request_id = absl::GetFlag(FLAGS_request_id);
  o.query = BalancesQueryFlags();
  return crm::clients::RunOrder(*crmd, o, stdout, stderr);
}

// crmctl payment record ORDER | reverse ORDER PAYMENT
int Payment(const std::vector<char*>& args) {
  const std::string verb = args.size() >= 3 ? args[2] : "";
  if (!(verb == "record" && args.size() == 4) && !(verb == "reverse" && args.size() == 5)) {
    return Usage();
  }
  std::optional<crm::clients::Crmd> crmd = RemoteCrmd("payment");
  if (!crmd) return 2;
  crm::clients::PaymentCommandOptions o;
  o.verb = verb;
  o.order_id = args[3];
  o.payment_id = verb == "reverse" ? args[4] : absl::GetFlag(FLAGS_id);
  o.amount = absl::GetFlag(FLAGS_amount);
  o.paid_on = absl::GetFlag(FLAGS_paid_on);
  o.method = absl::GetFlag(FLAGS_method);
  o.instalment = absl::GetFlag(FLAGS_instalment);
  o.reference = absl::GetFlag(FLAGS_reference);
  o.allow_overpayment = absl::GetFlag(FLAGS_allow_overpayment);
  o.rep_id = absl::GetFlag(FLAGS_report_rep);
  o.reason = absl::GetFlag(FLAGS_reason);
  o.request_id = absl::GetFlag(FLAGS_request_id);
  o.min_position = absl::GetFlag(FLAGS_min_position);
  o.json = absl::GetFlag(FLAGS_json);
  return crm::clients::RunPayment(*crmd, o, stdout, stderr);
}

int Balances(const std::vector<char*>& args) {
  if (args.size() != 2) return Usage();
  std::optional<crm::clients::Crmd> crmd = RemoteCrmd("balances");
  if (!crmd) return 2;
  crm::clients::BalancesCommandOptions o;
  o.customer_id = absl::GetFlag(FLAGS_customer);
  o.rep_id = absl::GetFlag(FLAGS_report_rep);
  o.team_id = absl::GetFlag(FLAGS_team);
  o.outstanding_only = absl::GetFlag(FLAGS_outstanding);
  o.query = BalancesQueryFlags();
  return crm::clients::RunBalances(*crmd, o, stdout, stderr);
}

int Aging(const std::vector<char*>& args) {
  if (args.size() != 2) return Usage();
  std::optional<crm::clients::Crmd> crmd = RemoteCrmd("aging");
  if (!crmd) return 2;
  crm::clients::AgingCommandOptions o;
  o.by = absl::GetFlag(FLAGS_by);
  o.rep_id = absl::GetFlag(FLAGS_report_rep);
  o.team_id = absl::GetFlag(FLAGS_team);
  o.query = BalancesQueryFlags();
  return crm::clients::RunAging(*crmd, o, stdout, stderr);
}

// absl exits 1 on an unknown flag or a bad value, which for import means
// "imported, with problem rows"; a person's mistyped option is exit 2, named.
// False (having said why) on the first such flag.
bool FlagsAreKnown(const std::vector<char*>& args) {
  for (size_t i = 1; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;
    arg = arg.substr(arg[1] == '-' ? 2 : 1);
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && name.rfind("no", 0) == 0) {
      absl::CommandLineFlag* negated = absl::FindCommandLineFlag(name.substr(2));
      if (negated != nullptr && negated->IsOfType<bool>() && eq == std::string::npos) continue;
    }
    if (flag == nullptr) {
      absl::FPrintF(stderr, "crmctl: unknown flag --%s (crmctl --help lists them)\n", name);
      return false;
    }
    std::string error;
    if (eq != std::string::npos && !flag->ParseFrom(arg.substr(eq + 1), &error)) {
      absl::FPrintF(stderr, "crmctl: --%s: %s\n", arg, error);
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("crmctl import followups|payments FILE [flags]");
  std::vector<std::string> storage;
  std::vector<char*> fixed = DashesToUnderscores(argc, argv, storage);
  if (!FlagsAreKnown(fixed)) return 2;
  std::vector<char*> args = absl::ParseCommandLine(static_cast<int>(fixed.size()), fixed.data());
  if (args.size() >= 2 && std::string(args[1]) == "import") return Import(args);
  if (args.size() >= 2 && std::string(args[1]) == "events") return ExportEvents(args);
  if (args.size() >= 2 && std::string(args[1]) == "report") return Report(args);
  if (args.size() == 2 && std::string(args[1]) == "pipeline") return Pipeline();
  if (args.size() >= 2 && std::string(args[1]) == "customer") return Customer(args);
  if (args.size() >= 2 && std::string(args[1]) == "followup") return FollowUp(args);
  if (args.size() >= 2 && std::string(args[1]) == "pool") return Pool(args);
  if (args.size() >= 2 && std::string(args[1]) == "order") return Order(args, fixed);
  if (args.size() >= 2 && std::string(args[1]) == "payment") return Payment(args);
  if (args.size() >= 2 && std::string(args[1]) == "balances") return Balances(args);
  if (args.size() >= 2 && std::string(args[1]) == "aging") return Aging(args);
  if (args.size() >= 2 && std::string(args[1]) == "whoami") return WhoAmI(args);
  return Usage();
}
