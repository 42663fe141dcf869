// Random and truncated sheet bytes through the whole import path (decode,
// CSV, plan, apply on a real store): never a crash, and an import that
// reports a problem writes nothing.
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "clients/import/collection_import.h"
#include "clients/import/collection_sheet.h"
#include "clients/import/csv_reader.h"
#include "clients/import/embedded_backend.h"
#include "clients/import/follow_up_import.h"
#include "clients/import/follow_up_sheet.h"
#include "clients/import/text_encoding.h"
#include "engine/domain/business_calendar.h"
#include "gtest/gtest.h"
#include "tests/clients/import_fixture.h"
#include "tests/support/temp_dir.h"

namespace crm::clients {
namespace {

// One of: cut the file short, overwrite bytes with random ones, or insert
// the characters that matter to CSV (quotes, commas, line breaks).
std::string Mutate(const std::string& original, std::mt19937& rng) {
  std::string s = original;
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    const size_t at = rng() % s.size();
    const int kind = static_cast<int>(rng() % 20);
    if (kind < 4) {
      s.resize(at);
    } else if (kind < 6) {
      s[at] = static_cast<char>(rng() % 256);  // mostly breaks the encoding
    } else if (kind < 13) {
      static const char kSpecial[] = {'"', ',', '\n', '\r', '\0', '.', '-', '1'};
      s.insert(at, 1, kSpecial[rng() % sizeof(kSpecial)]);
    } else {
      s.erase(at, 1 + rng() % 16);
    }
  }
  return s;
}

constexpr int kRounds = 1000;

TEST(ImportFuzzTest, MangledSheetsNeverCrashAndNeverImportPartly) {
  crm::testing::TempDir dir;
  engine::StoreOptions store_options;
  store_options.path = dir.path();
  store_options.sync_writes = false;  // tests do not survive power loss
  auto store = engine::EventStore::Open(store_options);
  ASSERT_TRUE(store.ok());
  engine::domain::CommandHandler handler(store->get(), {});
  EmbeddedBackend backend(&handler);
  IntentTable intents;
  ImportOptions options;
  options.actor = "fuzz";
  options.now_us = absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(2026, 12, 3, 10, 0, 0),
                                                      engine::domain::DefaultBusinessTimeZone()));
  options.zone = engine::domain::DefaultBusinessTimeZone();
  // The follow-up sheet without its known-bad rows (file lines 5, 29, 36,
  // 42, 44, 46), so that some mangled copies are still importable and the
  // applying path is exercised too.
  std::string clean;
  {
    std::istringstream lines(testing::SharedDataBytes("follow-up-sheet.csv"));
    std::string line;
    for (int n = 1; std::getline(lines, line); ++n) {
      if (n == 5 || n == 29 || n == 36 || n == 42 || n == 44 || n == 46) continue;
      clean += line + "\n";
    }
  }
  const std::string sheets[] = {clean, testing::SharedDataBytes("collection-sheet.csv")};
  int wrote = 0;
  std::mt19937 rng(20261203);
  int parsed = 0, planned = 0, refused = 0;
  for (int i = 0; i < kRounds; ++i) {
    const bool followups = i % 2 == 0;
    const std::string bytes = Mutate(sheets[i % 2], rng);
    options.file_digest = absl::StrCat("fuzz-", i);
    auto text = DecodeToUtf8(bytes, Encoding::kAuto);
    if (!text.ok()) continue;
    auto rows = ParseCsv(text->utf8);
    if (!rows.ok()) continue;
    ++parsed;
    const uint64_t before = (*store)->CommittedPosition();
    absl::StatusOr<ImportReport> report;
    if (followups) {
      FollowUpSheetOptions o;
      o.year = 2026;
      o.today = absl::CivilDay(2026, 12, 3);
      o.intents = &intents;
      auto plan = PlanFollowUpSheet(*rows, o);
      if (!plan.ok()) continue;
      ++planned;
      report = ImportFollowUps(*plan, backend, options);
    } else {
      CollectionSheetOptions o;
      o.today = absl::CivilDay(2026, 12, 3);
      auto plan = PlanCollectionSheet(*rows, o);
      if (!plan.ok()) continue;
      ++planned;
      report = ImportCollections(*plan, backend, options);
    }
    ASSERT_TRUE(report.ok()) << "iteration " << i << ": " << report.status();
    if (!report->problems.empty()) {
      ++refused;
      EXPECT_FALSE(report->wrote) << "iteration " << i;
      EXPECT_EQ((*store)->CommittedPosition(), before) << "iteration " << i;
    } else if (report->wrote) {
      ++wrote;
    }
  }
  // The mutations must exercise every stage, or the test proves little.
  EXPECT_GT(parsed, 150);
  EXPECT_GT(planned, 100);
  EXPECT_GT(refused, 60);
  EXPECT_GT(wrote, 10);
  std::printf("%d mangled sheets: %d parsed, %d planned, %d refused, %d imported\n", kRounds,
              parsed, planned, refused, wrote);
}

}  // namespace
}  // namespace crm::clients
