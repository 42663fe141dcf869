#include "bench/peer/machine.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace crm::bench {

std::string MachineDescription() {
  std::string model = "unknown cpu";
  double mem_gib = 0;
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (absl::StartsWith(line, "model name")) {
      model = std::string(absl::StripAsciiWhitespace(line.substr(line.find(':') + 1)));
      break;
    }
  }
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    if (absl::StartsWith(line, "MemTotal:")) {
      mem_gib = std::strtod(line.c_str() + 9, nullptr) / (1024.0 * 1024.0);
      break;
    }
  }
  struct utsname u;
  uname(&u);
  return absl::StrFormat("%s, %d cpus, %.1f GiB RAM, kernel %s", model,
                         sysconf(_SC_NPROCESSORS_ONLN), mem_gib, u.release);
}

std::string LoadAverage() {
  double l1 = 0, l5 = 0, l15 = 0;
  std::FILE* f = std::fopen("/proc/loadavg", "r");
  if (f == nullptr) return "unknown";
  const int n = std::fscanf(f, "%lf %lf %lf", &l1, &l5, &l15);
  std::fclose(f);
  return n == 3 ? absl::StrFormat("%.2f %.2f %.2f", l1, l5, l15) : "unknown";
}

double UidCpuSeconds(uid_t uid) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return 0;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  double total = 0;
  while (const dirent* e = readdir(proc)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    const std::string dir = std::string("/proc/") + e->d_name;
    struct stat st;
    if (stat(dir.c_str(), &st) != 0 || st.st_uid != uid) continue;
    std::ifstream in(dir + "/stat");
    std::string text;
    std::getline(in, text);
    // Fields after the command name, which is in parentheses and may hold
    // spaces: state is field 3, utime 14, stime 15.
    const size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::vector<absl::string_view> f =
        absl::StrSplit(absl::string_view(text).substr(close + 2), ' ', absl::SkipEmpty());
    uint64_t utime = 0, stime = 0;
    if (f.size() > 12 && absl::SimpleAtoi(f[11], &utime) && absl::SimpleAtoi(f[12], &stime)) {
      total += (utime + stime) / tick;
    }
  }
  closedir(proc);
  return total;
}

}  // namespace crm::bench
