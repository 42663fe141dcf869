// Helpers shared by the event store tests: building appends tersely.
#ifndef CRM_TESTS_ENGINE_STORE_TEST_UTIL_H_
#define CRM_TESTS_ENGINE_STORE_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/store/event_store.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace crm::engine::testing {

inline ProposedEvent Event(std::string type = "test.Happened", std::string data = "payload") {
  return ProposedEvent{EventId::Random(), std::move(type), std::move(data), "meta"};
}

inline std::vector<ProposedEvent> Events(int n, const std::string& type = "test.Happened") {
  std::vector<ProposedEvent> out;
  for (int i = 0; i < n; ++i) out.push_back(Event(type, absl::StrCat("payload ", i)));
  return out;
}

inline std::vector<StreamAppend> One(std::string stream, ExpectedRevision expected,
                                     std::vector<ProposedEvent> events) {
  std::vector<StreamAppend> r;
  r.push_back(StreamAppend{std::move(stream), expected, std::move(events)});
  return r;
}

// A store in a fresh temp folder; Reopen() closes and opens it again.
class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    StoreOptions options = Options();
    auto opened = EventStore::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = std::move(*opened);
  }

  virtual StoreOptions Options() {
    StoreOptions o;
    o.path = dir_.path();
    return o;
  }

  crm::testing::TempDir dir_;
  std::unique_ptr<EventStore> store_;
};

}  // namespace crm::engine::testing

#endif  // CRM_TESTS_ENGINE_STORE_TEST_UTIL_H_
