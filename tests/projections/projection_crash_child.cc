// projection_crash_child: appends events while a ProjectionRunner projects
// them, until killed. projection_crash_test SIGKILLs it mid-batch.
//
// Usage: projection_crash_child STORE_DIR VIEWS_DIR
#include <unistd.h>

#include <cstdio>
#include <random>

#include "absl/strings/str_cat.h"
#include "engine/store/event_store.h"
#include "projections/projection_runner.h"
#include "tests/projections/counting_projection.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: projection_crash_child STORE_DIR VIEWS_DIR\n");
    return 2;
  }
  crm::engine::StoreOptions so;
  so.path = argv[1];
  so.sync_writes = false;  // this test is about the views, not the log's fsync
  auto store = crm::engine::EventStore::Open(so);
  if (!store.ok()) return 1;
  std::vector<std::unique_ptr<crm::projections::Projection>> ps;
  ps.push_back(std::make_unique<crm::projections::testing::CountingProjection>());
  crm::projections::RunnerOptions ro;
  ro.path = argv[2];
  ro.batch_events = 64;
  auto runner = crm::projections::ProjectionRunner::Open(store->get(), std::move(ps), ro);
  if (!runner.ok()) return 1;
  if (write(STDOUT_FILENO, "ready\n", 6) != 6) return 1;
  std::mt19937 rng(std::random_device{}());
  for (uint64_t i = 0;; ++i) {
    std::vector<crm::engine::ProposedEvent> events;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 8); ++k) {
      events.push_back({crm::engine::EventId::Random(), "test.A", "x", ""});
    }
    auto r = (*store)->Append({{absl::StrCat("s-", rng() % 13),
                                crm::engine::ExpectedRevision::Any(), std::move(events)}});
    if (!r.ok()) return 1;
  }
}
