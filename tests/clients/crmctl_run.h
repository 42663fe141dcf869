// Runs the crmctl binary (CRMCTL_PATH) as a person would and keeps what it
// printed, for the tests of crmctl subcommands.
#ifndef CRM_TESTS_CLIENTS_CRMCTL_RUN_H_
#define CRM_TESTS_CLIENTS_CRMCTL_RUN_H_

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"

namespace crm::clients::testing {

struct CliRun {
  int code = -1;    // the exit code; -1 when crmctl did not exit normally
  std::string out;  // stdout and stderr together
};

// Runs `shell_command` with sh and keeps its stdout (a command that wants
// stderr too ends in "2>&1").
inline CliRun RunCommand(const std::string& shell_command) {
  CliRun run;
  FILE* pipe = popen(shell_command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.out.append(buffer, n);
  const int status = pclose(pipe);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// crmctl with `args` (a shell command line after the binary's name), after
// the shell assignments in `env` if any.
inline CliRun RunCrmctl(const std::string& args, const std::string& env = "") {
  return RunCommand(absl::StrCat(env, " ", CRMCTL_PATH, " ", args, " 2>&1"));
}

// crmctl with `args` against the crmd on 127.0.0.1:`port`, as `key`.
inline CliRun RunCrmctlAgainst(int port, const std::string& key, const std::string& args) {
  return RunCrmctl(absl::StrCat("--server=127.0.0.1:", port, " --key=", key, " ", args));
}

}  // namespace crm::clients::testing

#endif  // CRM_TESTS_CLIENTS_CRMCTL_RUN_H_
