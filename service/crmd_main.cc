// crmd: the crm-engine gRPC server. `crmd` with no arguments serves on
// 127.0.0.1:50051 from ./crm-data and prints how to connect; see --help.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/text_format.h"
#include "service/api_keys.h"
#include "service/config.h"
#include "service/server.h"

ABSL_FLAG(std::string, config, "", "text-format crm.service.CrmdConfig file (crmd_config.proto)");
ABSL_FLAG(std::string, listen, "", "host:port to serve on (default 127.0.0.1:50051; port 0 = any)");
ABSL_FLAG(std::string, data_dir, "", "event store folder (default ./crm-data)");
ABSL_FLAG(std::string, keys_file, "", "API keys file (default <data_dir>/api_keys.textproto)");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain: serve TLS only");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "", "PEM CA: require client certificates it signed (mTLS)");
ABSL_FLAG(std::string, time_zone, "", "business time zone (default Asia/Shanghai)");
ABSL_FLAG(int, command_threads, 0, "threads running commands and reads (default 16)");
ABSL_FLAG(int, max_subscriptions, 0, "live Subscribe calls allowed (default 256)");
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port for Prometheus metrics over HTTP (GET /metrics); default: none");
ABSL_FLAG(bool, demo, false, "load a sample company first (writes nothing if already loaded)");
ABSL_FLAG(std::string, port_file, "", "write the bound port here once serving (for scripts)");
ABSL_FLAG(bool, unsafe_skip_fsync, false, "UNSAFE: acknowledge writes before they are durable");
ABSL_FLAG(std::string, new_key, "",
          "print a new API key and its keys-file entry, then exit: "
          "name,ROLE,SCOPE[,rep_id[,team_id]] e.g. li,ROLE_REP,SCOPE_OWN,r-li");

namespace crm::service {
namespace {

int Fail(const absl::Status& status) {
  std::cerr << "crmd: " << status.message() << "\n";
  return 1;
}

int PrintNewKey(const std::string& spec) {
  std::vector<std::string> parts = absl::StrSplit(spec, ',');
  ApiKey entry;
  Role role;
  Scope scope;
  if (parts.size() < 3 || parts.size() > 5 || !Role_Parse(parts[1], &role) ||
      !Scope_Parse(parts[2], &scope)) {
    return Fail(
        absl::InvalidArgumentError("--new_key: expected name,ROLE_x,SCOPE_y[,rep_id[,team_id]]"));
  }
  const std::string key = NewApiKey();
  entry.set_name(parts[0]);
  entry.set_sha256_hex(HashApiKey(key));
  entry.set_role(role);
  entry.set_scope(scope);
  if (parts.size() > 3) entry.set_rep_id(parts[3]);
  if (parts.size() > 4) entry.set_team_id(parts[4]);
  ApiKeys keys;
  *keys.add_key() = entry;
  absl::StatusOr<KeyRing> check = KeyRing::FromProto(keys);
  if (!check.ok()) return Fail(check.status());
  std::string text;
  google::protobuf::TextFormat::PrintToString(keys, &text);
  std::cout << "# Append to the keys file and restart crmd. The key itself, shown once:\n#   "
            << key << "\n"
            << text;
  return 0;
}

absl::StatusOr<CrmdConfig> BuildConfig() {
  CrmdConfig config;
  if (const std::string path = absl::GetFlag(FLAGS_config); !path.empty()) {
    absl::StatusOr<CrmdConfig> loaded = LoadConfigFile(path);
    if (!loaded.ok()) return loaded.status();
    config = *loaded;
  }
  auto set = [](const std::string& flag, auto setter) {
    if (!flag.empty()) setter(flag);
  };
  set(absl::GetFlag(FLAGS_listen), [&](const std::string& v) { config.set_listen_address(v); });
  set(absl::GetFlag(FLAGS_data_dir), [&](const std::string& v) { config.set_data_dir(v); });
  set(absl::GetFlag(FLAGS_keys_file), [&](const std::string& v) { config.set_keys_file(v); });
  set(absl::GetFlag(FLAGS_tls_cert),
      [&](const std::string& v) { config.mutable_tls()->set_cert_file(v); });
  set(absl::GetFlag(FLAGS_tls_key),
      [&](const std::string& v) { config.mutable_tls()->set_key_file(v); });
  set(absl::GetFlag(FLAGS_tls_client_ca),
      [&](const std::string& v) { config.mutable_tls()->set_client_ca_file(v); });
  set(absl::GetFlag(FLAGS_time_zone), [&](const std::string& v) { config.set_time_zone(v); });
  set(absl::GetFlag(FLAGS_metrics_listen),
      [&](const std::string& v) { config.set_metrics_address(v); });
  if (int n = absl::GetFlag(FLAGS_command_threads); n != 0) {
    config.mutable_limits()->set_command_threads(n);
  }
  if (int n = absl::GetFlag(FLAGS_max_subscriptions); n != 0) {
    config.mutable_limits()->set_max_subscriptions(n);
  }
  if (absl::GetFlag(FLAGS_unsafe_skip_fsync)) config.set_unsafe_skip_fsync(true);
  if (absl::GetFlag(FLAGS_demo)) config.set_demo(true);
  ApplyDefaults(config);
  absl::Status valid = ValidateConfig(config);
  if (!valid.ok()) return valid;
  return config;
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "crm-engine gRPC server. With no flags: serves on 127.0.0.1:50051 from ./crm-data.");
  absl::ParseCommandLine(argc, argv);
  // Debian's Abseil is built with absl::Mutex deadlock detection on: a
  // lock-order graph update on every lock, measurable at crmd's call rates.
  // The tests keep it on to catch lock-order bugs; the server turns it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (const std::string spec = absl::GetFlag(FLAGS_new_key); !spec.empty()) {
    return PrintNewKey(spec);
  }
  absl::StatusOr<CrmdConfig> config = BuildConfig();
  if (!config.ok()) return Fail(config.status());

  // Before any thread exists (gRPC's, RocksDB's), so that every thread
  // inherits the mask and only sigwait below receives these signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::error_code error;
  std::filesystem::create_directories(config->data_dir(), error);
  if (error) {
    return Fail(absl::FailedPreconditionError(
        absl::StrCat("data_dir ", config->data_dir(), ": ", error.message())));
  }
  std::string bootstrap_key;
  if (!std::filesystem::exists(config->keys_file())) {
    absl::StatusOr<std::string> key = BootstrapKeysFile(config->keys_file());
    if (!key.ok()) return Fail(key.status());
    bootstrap_key = *key;
  }
  absl::StatusOr<KeyRing> keys = KeyRing::Load(config->keys_file());
  if (!keys.ok()) return Fail(keys.status());

  absl::StatusOr<std::unique_ptr<CrmServer>> server = CrmServer::Start(*config, *std::move(keys));
  if (!server.ok()) return Fail(server.status());
  const int port = (*server)->port();
  const std::string host = config->listen_address().substr(0, config->listen_address().rfind(':'));

  std::cout << "crmd serving on " << host << ":" << port
            << (config->tls().cert_file().empty() ? " (plaintext)" : " (TLS)")
            << "\n  services: crm.v1.CrmService, EventStoreService, PipelineService,"
               " DirectoryService,\n            HistoryService, BalancesService, ReportsService"
            << "\n  data: " << config->data_dir() << "\n  keys: " << config->keys_file()
            << "\n  metrics: "
            << ((*server)->metrics_port() == 0
                    ? std::string("off (--metrics_listen=127.0.0.1:9464 serves them)")
                    : absl::StrCat(
                          "http://",
                          config->metrics_address().substr(0, config->metrics_address().rfind(':')),
                          ":", (*server)->metrics_port(), "/metrics"))
            << "\n  health checking and server reflection are on\n";
  if (!bootstrap_key.empty()) {
    std::cout << "\nFirst start: created an admin API key. It is shown ONLY NOW (the keys file\n"
                 "keeps only its SHA-256); store it somewhere safe:\n\n  "
              << bootstrap_key
              << "\n\nMake more keys with: crmd --new_key=name,ROLE_REP,SCOPE_OWN,<rep_id>\n";
  }
  std::cout << "\nConnect: any gRPC client to " << host << ":" << port
            << " with metadata \"x-api-key: <key>\". Stop with Ctrl-C." << std::endl;

  if (const std::string path = absl::GetFlag(FLAGS_port_file); !path.empty()) {
    const std::string tmp = path + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::filesystem::rename(tmp, path, error);  // readers never see a partial file
  }

  int received = 0;
  sigwait(&signals, &received);
  std::cout << "crmd: signal " << received << ", draining calls and closing the store" << std::endl;
  (*server)->Shutdown();
  std::cout << "crmd: stopped cleanly" << std::endl;
  return 0;
}

}  // namespace
}  // namespace crm::service

int main(int argc, char** argv) { return crm::service::Main(argc, argv); }
