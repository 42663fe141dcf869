// crash_child: appends in a loop until killed, and reports every acknowledged
// append on stdout. crash_test kills it with SIGKILL and checks the store.
//
// Usage: crash_child DATA_DIR THREADS
// Each thread t appends, alternately, one event to "crash-<t>" (exact expected
// revision) and one event each to "pair-<t>a" and "pair-<t>b" in one call.
// After each acknowledged append it writes one line "ack STREAM REVISION
// POSITION" per stream (a single write(2), so lines never interleave).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/store/event_store.h"

using crm::engine::EventId;
using crm::engine::EventStore;
using crm::engine::ExpectedRevision;
using crm::engine::Revision;
using crm::engine::StreamAppend;

namespace {

ExpectedRevision After(EventStore& store, const std::string& stream) {
  auto head = store.StreamRevision(stream);
  return head.ok() ? ExpectedRevision::Exact(*head) : ExpectedRevision::NoStream();
}

void Report(const std::string& lines) {
  if (write(STDOUT_FILENO, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) {
    std::abort();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: crash_child DATA_DIR THREADS\n");
    return 2;
  }
  crm::engine::StoreOptions options;
  options.path = argv[1];
  auto store = EventStore::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "crash_child: %s\n", store.status().ToString().c_str());
    return 1;
  }
  Report("ready\n");
  const int threads = std::atoi(argv[2]);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&store, t] {
      const std::string own = absl::StrCat("crash-", t);
      const std::string a = absl::StrCat("pair-", t, "a"), b = absl::StrCat("pair-", t, "b");
      for (uint64_t i = 0;; ++i) {
        std::vector<StreamAppend> req;
        if (i % 2 == 0) {
          req.push_back({own, After(**store, own), {{EventId::Random(), "crash.Own", "x", ""}}});
        } else {
          req.push_back({a, After(**store, a), {{EventId::Random(), "crash.Pair", "a", ""}}});
          req.push_back({b, After(**store, b), {{EventId::Random(), "crash.Pair", "b", ""}}});
        }
        auto r = (*store)->Append(req);
        if (!r.ok()) {
          std::fprintf(stderr, "crash_child: %s\n", r.status().ToString().c_str());
          std::abort();
        }
        std::string lines;
        Revision pos = r->first_position;
        for (const auto& s : r->streams) {
          absl::StrAppend(&lines, "ack ", s.stream, " ", s.last_revision, " ", pos++, "\n");
        }
        Report(lines);
      }
    });
  }
  for (auto& w : workers) w.join();
  return 0;
}
