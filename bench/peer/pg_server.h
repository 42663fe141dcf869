// A private PostgreSQL 15 server for one benchmark run: initdb into a fresh
// folder, started on 127.0.0.1 and a free port with its own socket folder,
// stopped (and the folder removed) when the object is destroyed, also when
// the run failed.
//
// initdb refuses to run as root, so when we are root every server command
// runs as the `postgres` user through `runuser -u postgres --`, and the
// folder is handed to that user. Nothing is installed: a missing binary is
// an error that names the Debian package.
//
// Durability is left at PostgreSQL's defaults but stated on the command line
// (fsync=on, synchronous_commit=on, full_page_writes=on), so a changed
// postgresql.conf default cannot make the comparison unequal silently;
// Settings() reads back what the server actually runs with.
//
// Thread-safety: Start/Stop from one thread; conninfo() is immutable after
// Start and may be read from any thread.
#ifndef CRM_BENCH_PEER_PG_SERVER_H_
#define CRM_BENCH_PEER_PG_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::bench {

struct PgServerOptions {
  std::string bin_dir = "/usr/lib/postgresql/15/bin";
  // Parent of the server's folder; empty means $TMPDIR, else /tmp.
  std::string parent;
  // Connect over the Unix socket instead of TCP loopback.
  bool unix_socket = false;
  int max_connections = 100;
};

// What the server reports for the settings that decide durability and speed.
struct PgSettings {
  std::string version, fsync, synchronous_commit, wal_sync_method, full_page_writes, commit_delay,
      shared_buffers, data_checksums;
};

class PgServer {
 public:
  static absl::StatusOr<std::unique_ptr<PgServer>> Start(const PgServerOptions& options);
  // Stops the server (fast shutdown) and removes its folder.
  ~PgServer();

  // For PQconnectdb.
  const std::string& conninfo() const { return conninfo_; }
  const std::string& folder() const { return folder_; }
  // The OS user the server runs as, to attribute its processes' CPU.
  uid_t uid() const { return uid_; }
  int port() const { return port_; }
  absl::StatusOr<PgSettings> Settings() const;

 private:
  PgServer() = default;
  PgServerOptions options_;
  std::string folder_;
  std::string conninfo_;
  uid_t uid_ = 0;
  int port_ = 0;
  bool as_postgres_ = false;
  bool running_ = false;
};

}  // namespace crm::bench

#endif  // CRM_BENCH_PEER_PG_SERVER_H_
