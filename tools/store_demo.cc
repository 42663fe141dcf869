// crm_store_demo: appends a few events to a store in a local folder, reads
// them back and prints what it did. Until crmd exists this is what the
// README's first command runs.
//
// Usage: crm_store_demo [DATA_DIR]   (default ./crm-data)
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/store/event_store.h"

namespace {

using crm::engine::Direction;
using crm::engine::EventId;
using crm::engine::EventStore;
using crm::engine::ExpectedRevision;
using crm::engine::StoreOptions;
using crm::engine::StreamAppend;

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "crm_store_demo: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  StoreOptions options;
  options.path = argc > 1 ? argv[1] : "crm-data";
  auto store = EventStore::Open(options);
  if (!store.ok()) return Fail(store.status());
  std::printf("opened store at %s: %llu events already committed\n", options.path.c_str(),
              static_cast<unsigned long long>((*store)->CommittedPosition()));

  const std::string stream = absl::StrCat("demo-", absl::ToUnixMicros(absl::Now()));
  StreamAppend append{stream, ExpectedRevision::NoStream(), {}};
  for (int i = 0; i < 3; ++i) {
    append.events.push_back({EventId::Random(), "demo.Noted",
                             absl::StrCat("note ", i + 1, " written by the demo"), ""});
  }
  auto result = (*store)->Append({append});
  if (!result.ok()) return Fail(result.status());
  std::printf("appended 3 events to %s at global positions %llu..%llu (fsynced)\n", stream.c_str(),
              static_cast<unsigned long long>(result->first_position),
              static_cast<unsigned long long>(result->last_position));

  // Retrying the same append is a no-op: same ids, same place.
  auto retry = (*store)->Append({append});
  if (!retry.ok()) return Fail(retry.status());
  std::printf("retried the same append: idempotent=%s, nothing new written\n",
              retry->idempotent_replay ? "yes" : "no");

  auto events = (*store)->ReadStream(stream, 0, Direction::kForward, 100);
  if (!events.ok()) return Fail(events.status());
  for (const auto& e : *events) {
    std::printf("  %s rev %llu pos %llu %s: %s\n", e.stream.c_str(),
                static_cast<unsigned long long>(e.revision),
                static_cast<unsigned long long>(e.position), e.type.c_str(), e.data.c_str());
  }
  auto category = (*store)->ReadCategory("demo", 0, Direction::kForward, 1000000);
  if (!category.ok()) return Fail(category.status());
  std::printf("category \"demo\" now holds %zu events across all demo runs\n", category->size());
  return 0;
}
