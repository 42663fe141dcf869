#include "bench/peer/pg_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bench/bench_dir.h"
#include "bench/peer/pg_conn.h"

extern char** environ;

namespace crm::bench {
namespace {

// The last `bytes` of a file, for error messages (initdb and the server
// explain themselves only in their logs).
std::string Tail(const std::string& path, size_t bytes = 1500) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

// Runs argv[0] (looked up in PATH) with stdout and stderr appended to `log`,
// and waits for it. Not through a shell: no quoting to get wrong.
absl::Status Run(const std::vector<std::string>& args, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return absl::FailedPreconditionError(absl::StrCat("cannot run ", args[0], ": ", strerror(rc)));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("`", absl::StrJoin(args, " "), "` failed (status ",
                                          status, "); its log ", log, " ends:\n", Tail(log)));
}

// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick).
absl::StatusOr<int> FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int e = errno;
    close(fd);
    return absl::InternalError(absl::StrCat("bind 127.0.0.1:0: ", strerror(e)));
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PgServer>> PgServer::Start(const PgServerOptions& options) {
  const std::string initdb = absl::StrCat(options.bin_dir, "/initdb");
  const std::string pg_ctl = absl::StrCat(options.bin_dir, "/pg_ctl");
  if (access(initdb.c_str(), X_OK) != 0 || access(pg_ctl.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat("PostgreSQL 15 server binaries not found in ",
                                                      options.bin_dir,
                                                      " (Debian: apt-get install postgresql-15)"));
  }
  std::unique_ptr<PgServer> server(new PgServer());
  server->options_ = options;
  gid_t gid = getegid();
  server->uid_ = geteuid();
  if (geteuid() == 0) {
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr) {
      return absl::FailedPreconditionError(
          "running as root but there is no `postgres` user to run the server as "
          "(the postgresql-15 package creates it)");
    }
    server->uid_ = pw->pw_uid;
    gid = pw->pw_gid;
    server->as_postgres_ = true;
  }

  std::string parent = options.parent;
  if (parent.empty()) {
    const char* env = getenv("TMPDIR");
    parent = (env != nullptr && *env != '\0') ? env : "/tmp";
  }
  std::string tmpl = absl::StrCat(parent, "/crm_peer_pg.XXXXXX");
  if (mkdtemp(tmpl.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp(", tmpl, "): ", strerror(errno)));
  }
  server->folder_ = tmpl;
  if (chmod(tmpl.c_str(), 0700) != 0 || chown(tmpl.c_str(), server->uid_, gid) != 0) {
    return absl::InternalError(absl::StrCat("chown/chmod ", tmpl, ": ", strerror(errno)));
  }
  const std::string data = absl::StrCat(tmpl, "/data");
  const std::string log = absl::StrCat(tmpl, "/server.log");
  // The log file is opened by us (root) before the command switches user;
  // the server itself writes its own log through pg_ctl -l as postgres.
  const std::string cmd_log = absl::StrCat(tmpl, "/commands.log");
  auto as_server_user = [&](std::vector<std::string> args) {
    if (!server->as_postgres_) return args;
    std::vector<std::string> wrapped = {"runuser", "-u", "postgres", "--"};
    wrapped.insert(wrapped.end(), args.begin(), args.end());
    return wrapped;
  };

  // --no-sync: initdb's own files need not survive a crash of this machine;
  // everything measured later runs with fsync on.
  if (absl::Status s =
          Run(as_server_user({initdb, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                              "--locale=C", "--no-sync", "--no-instructions"}),
              cmd_log);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<int> port = FreePort();
  if (!port.ok()) return port.status();
  server->port_ = *port;
  const std::string server_options = absl::StrCat(
      "-c listen_addresses=127.0.0.1 -p ", *port, " -k ", tmpl,
      " -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=",
      options.max_connections);
  if (absl::Status s = Run(as_server_user({pg_ctl, "-D", data, "-l", log, "-w", "-t", "30", "-o",
                                           server_options, "start"}),
                           cmd_log);
      !s.ok()) {
    return absl::InternalError(absl::StrCat(s.message(), "\nserver log ends:\n", Tail(log)));
  }
  server->running_ = true;
  server->conninfo_ =
      absl::StrCat("host=", options.unix_socket ? tmpl : "127.0.0.1", " port=", *port,
                   " user=postgres dbname=postgres connect_timeout=10");
  return server;
}

PgServer::~PgServer() {
  if (running_) {
    std::vector<std::string> args = {absl::StrCat(options_.bin_dir, "/pg_ctl"),
                                     "-D",
                                     absl::StrCat(folder_, "/data"),
                                     "-m",
                                     "fast",
                                     "-w",
                                     "stop"};
    if (as_postgres_) args.insert(args.begin(), {"runuser", "-u", "postgres", "--"});
    (void)Run(args, absl::StrCat(folder_, "/commands.log"));
  }
  if (!folder_.empty()) RemoveTree(folder_);
}

absl::StatusOr<PgSettings> PgServer::Settings() const {
  absl::StatusOr<std::unique_ptr<PgConn>> conn = PgConn::Connect(conninfo_);
  if (!conn.ok()) return conn.status();
  PgSettings s;
  const std::pair<const char*, std::string*> wanted[] = {
      {"server_version", &s.version},
      {"fsync", &s.fsync},
      {"synchronous_commit", &s.synchronous_commit},
      {"wal_sync_method", &s.wal_sync_method},
      {"full_page_writes", &s.full_page_writes},
      {"commit_delay", &s.commit_delay},
      {"shared_buffers", &s.shared_buffers},
      {"data_checksums", &s.data_checksums},
  };
  for (const auto& [name, out] : wanted) {
    absl::StatusOr<std::string> v = (*conn)->QueryValue(absl::StrCat("SHOW ", name));
    if (!v.ok()) return v.status();
    *out = *v;
  }
  return s;
}

}  // namespace crm::bench
