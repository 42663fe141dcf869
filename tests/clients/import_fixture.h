// Shared pieces of the import tests: the sheets in ../shared/data, and a
// real store with a CommandHandler and an EmbeddedBackend on it.
#ifndef CRM_TESTS_CLIENTS_IMPORT_FIXTURE_H_
#define CRM_TESTS_CLIENTS_IMPORT_FIXTURE_H_

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clients/import/csv_reader.h"
#include "clients/import/embedded_backend.h"
#include "clients/import/text_encoding.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/command_handler.h"
#include "engine/store/event_store.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace crm::clients::testing {

// "Now" of every import test: 2026-12-03 10:00 in Asia/Shanghai.
inline int64_t ImportNowUs() {
  return absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(2026, 12, 3, 10, 0, 0),
                                            engine::domain::DefaultBusinessTimeZone()));
}
inline absl::CivilDay ImportToday() { return absl::CivilDay(2026, 12, 3); }

// The bytes of a file in ../shared/data; fails the test, saying so, if the
// folder is missing (it is not part of this repository).
inline std::string SharedDataBytes(const std::string& name) {
  const std::string path = std::string(CRM_SHARED_DATA_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in.good()) {
    ADD_FAILURE() << "this test needs " << path << " (the shared data folder)";
    return "";
  }
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Its rows, decoded and parsed.
inline std::vector<CsvRow> SharedDataRows(const std::string& name) {
  absl::StatusOr<DecodedText> text = DecodeToUtf8(SharedDataBytes(name), Encoding::kAuto);
  EXPECT_TRUE(text.ok()) << text.status();
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(text.ok() ? text->utf8 : "");
  EXPECT_TRUE(rows.ok()) << rows.status();
  return rows.ok() ? *std::move(rows) : std::vector<CsvRow>{};
}

class ImportStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine::StoreOptions options;
    options.path = dir_.path();
    options.sync_writes = false;  // tests do not survive power loss
    auto store = engine::EventStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    handler_ = std::make_unique<engine::domain::CommandHandler>(
        store_.get(), engine::domain::CommandHandlerOptions{});
    backend_ = std::make_unique<EmbeddedBackend>(handler_.get());
  }

  crm::testing::TempDir dir_;
  std::unique_ptr<engine::EventStore> store_;
  std::unique_ptr<engine::domain::CommandHandler> handler_;
  std::unique_ptr<EmbeddedBackend> backend_;
};

}  // namespace crm::clients::testing

#endif  // CRM_TESTS_CLIENTS_IMPORT_FIXTURE_H_
