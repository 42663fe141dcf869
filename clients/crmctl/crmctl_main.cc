// crmctl: the command line for people.
//
//   crmctl import followups FILE [--year=2026] [--dry-run] [--skip-invalid] ...
//   crmctl import payments FILE [--unpaid-due=2026-12-31] [--create-missing] ...
//   crmctl events export [--from=POSITION] [--limit=N] [--out=FILE]
//   crmctl report collection|aging|performance --from=YYYY-MM-DD [--to=...] [--rep=R]
//          --format=xlsx|csv --out=F      (aging is as of --to)
//   crmctl pipeline --rep=R|--team=T|--everyone|--pool [--due=today|overdue|due]
//          [--as-of=YYYY-MM-DD] [--min-position=P] [--all] [--json]   (through crmd)
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
// the sheet. Without a server, and always for `events` and `report` (they
// have no RPCs yet), crmctl works on a store folder directly (--data-dir),
// which crmd must not have open at the same time (RocksDB locks it): an
// initial bulk load while crmd is stopped.
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
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "clients/crmctl/crmd_call.h"
#include "clients/crmctl/event_json.h"
#include "clients/crmctl/import_command.h"
#include "clients/crmctl/pipeline_command.h"
#include "clients/crmctl/report_command.h"
#include "clients/import/embedded_backend.h"
#include "clients/import/grpc_backend.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/command_handler.h"
#include "engine/store/event_store.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "projections/balances/balances_projection.h"
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
ABSL_FLAG(uint64_t, from, 0, "events export: the first global position.");
ABSL_FLAG(uint64_t, limit, 0, "events export: at most this many events (0: to the end).");
ABSL_FLAG(std::string, out, "", "events export, report: the file to write.");
ABSL_FLAG(std::string, from_date, "", "report: first day (YYYY-MM-DD).");
ABSL_FLAG(std::string, to_date, "", "report: last day (YYYY-MM-DD), default today.");
ABSL_FLAG(std::string, report_rep, "", "report: only this rep (id or name).");
ABSL_FLAG(std::string, format, "xlsx", "report: xlsx or csv.");
ABSL_FLAG(std::string, team, "", "pipeline: a team's customers (with its sub-teams).");
ABSL_FLAG(bool, everyone, false, "pipeline: every owned customer.");
ABSL_FLAG(bool, pool, false, "pipeline: the public pool.");
ABSL_FLAG(std::string, due, "", "pipeline: today, overdue or due (both).");
ABSL_FLAG(std::string, as_of, "", "pipeline: the day (YYYY-MM-DD), default today.");
ABSL_FLAG(bool, all, false, "pipeline: every page, not just the first 100 customers.");
ABSL_FLAG(int64_t, min_position, -1,
          "pipeline: wait until crmd's view has applied this position (a command's result).");

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
  const bool report = subcommand == "report" || subcommand == "pipeline";
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
      "  crmctl import payments FILE [--unpaid-due=YYYY-MM-DD] [--create-missing]\n"
      "         [--product=NAME=ID,...] [--rep=NAME=ID,...] [--dry-run] [--skip-invalid]\n"
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

// Writes the log from --from as JSON lines; a consumer resumes from the last
// position it saw plus one.
int ExportEvents(const std::vector<char*>& args) {
  if (args.size() != 3 || std::string(args[2]) != "export") return Usage();
  absl::StatusOr<std::unique_ptr<crm::engine::EventStore>> store = OpenStore();
  if (!store.ok()) return 2;
  std::FILE* out = stdout;
  const std::string path = absl::GetFlag(FLAGS_out);
  if (!path.empty()) {
    out = std::fopen(path.c_str(), "wb");
    if (out == nullptr) {
      absl::FPrintF(stderr, "crmctl: cannot write %s\n", path);
      return 2;
    }
  }
  uint64_t position = absl::GetFlag(FLAGS_from);
  const uint64_t limit = absl::GetFlag(FLAGS_limit);
  uint64_t written = 0;
  int code = 0;
  while (limit == 0 || written < limit) {
    const size_t page = limit == 0 ? 1000 : std::min<uint64_t>(1000, limit - written);
    auto events = (*store)->ReadAll(position, crm::engine::Direction::kForward, page);
    if (!events.ok()) {
      absl::FPrintF(stderr, "crmctl: reading at %d: %s\n", position, events.status().message());
      code = 3;
      break;
    }
    for (const crm::engine::RecordedEvent& e : *events) {
      absl::StatusOr<std::string> line = crm::clients::EventToJsonLine(e);
      if (!line.ok()) {
        absl::FPrintF(stderr, "crmctl: %s\n", line.status().message());
        code = 3;
        break;
      }
      absl::FPrintF(out, "%s\n", *line);
      position = e.position + 1;
      ++written;
    }
    if (code != 0 || events->size() < page) break;
  }
  if (out != stdout && std::fclose(out) != 0) {
    absl::FPrintF(stderr, "crmctl: writing %s failed\n", path);
    return 3;
  }
  if (std::ferror(stdout)) return 3;
  absl::FPrintF(stderr, "%d events exported; resume with --from=%d\n", written, position);
  return code;
}

int Report(const std::vector<char*>& args) {
  if (args.size() != 3) return Usage();
  crm::clients::ReportCommandOptions o;
  o.kind = args[2];
  const absl::TimeZone zone = crm::engine::domain::DefaultBusinessTimeZone();
  o.to = crm::engine::domain::CivilDayAt(absl::ToUnixMicros(absl::Now()), zone);
  const std::string from = absl::GetFlag(FLAGS_from_date);
  const std::string to = absl::GetFlag(FLAGS_to_date);
  if (from.empty() || !absl::ParseCivilTime(from, &o.from)) {
    absl::FPrintF(stderr, "crmctl report: --from=YYYY-MM-DD is required\n");
    return 2;
  }
  if (!to.empty() && !absl::ParseCivilTime(to, &o.to)) {
    absl::FPrintF(stderr, "crmctl report: --to=%s is not a YYYY-MM-DD date\n", to);
    return 2;
  }
  o.rep = absl::GetFlag(FLAGS_report_rep);
  o.format = absl::GetFlag(FLAGS_format);
  o.out = absl::GetFlag(FLAGS_out);
  absl::StatusOr<std::unique_ptr<crm::engine::EventStore>> store = OpenStore();
  if (!store.ok()) return 2;
  std::vector<std::unique_ptr<crm::projections::Projection>> projections;
  projections.push_back(std::make_unique<crm::projections::reports::ReportsProjection>(zone));
  projections.push_back(std::make_unique<crm::projections::balances::BalancesProjection>(zone));
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
  return crm::clients::RunReport(o, **store, **runner, handler, stdout, stderr);
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

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("crmctl import followups|payments FILE [flags]");
  std::vector<std::string> storage;
  std::vector<char*> fixed = DashesToUnderscores(argc, argv, storage);
  std::vector<char*> args = absl::ParseCommandLine(static_cast<int>(fixed.size()), fixed.data());
  if (args.size() >= 2 && std::string(args[1]) == "import") return Import(args);
  if (args.size() >= 2 && std::string(args[1]) == "events") return ExportEvents(args);
  if (args.size() >= 2 && std::string(args[1]) == "report") return Report(args);
  if (args.size() == 2 && std::string(args[1]) == "pipeline") return Pipeline();
  return Usage();
}
