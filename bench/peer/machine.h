// Facts about the machine a reader of the numbers needs: what it is, how busy
// it was, and how much CPU the PostgreSQL server's processes used (they are
// separate processes, so the load runner would otherwise count them as
// "other" load and the client-side CPU would flatter PostgreSQL).
//
// Thread-safety: all functions are safe to call from any thread.
#ifndef CRM_BENCH_PEER_MACHINE_H_
#define CRM_BENCH_PEER_MACHINE_H_

#include <sys/types.h>

#include <string>

namespace crm::bench {

// "<cpu model>, <n> cpus, <m> GiB RAM, kernel <release>".
std::string MachineDescription();

// "1.23 0.98 0.50" from /proc/loadavg, or "unknown".
std::string LoadAverage();

// User + system CPU seconds used so far by the live processes owned by
// `uid` (from /proc/<pid>/stat). Processes that exit between two readings
// take their CPU with them: read it around windows in which the server's
// processes stay up.
double UidCpuSeconds(uid_t uid);

// ProcessCpuSeconds and MachineBusySeconds: bench/load_runner.h.

}  // namespace crm::bench

#endif  // CRM_BENCH_PEER_MACHINE_H_
