// The runner's cache of recently written rows (view_row_cache.h): readers get
// exactly what their snapshot sees, whether a row comes from the cache or
// from RocksDB, before and after later batches rewrite or delete it, and with
// a bound small enough that most rows fall out of the cache.
#include "projections/view_row_cache.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "projections/projection_runner.h"
#include "projections/view_access.h"
#include "rocksdb/db.h"
#include "tests/engine/store_test_util.h"
#include "tests/projections/counting_projection.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace crm::projections {
namespace {

using crm::testing::IsOk;
using engine::ExpectedRevision;
using engine::testing::Event;
using engine::testing::One;

absl::Time Soon() { return absl::Now() + absl::Seconds(30); }

std::string Show(const std::optional<std::string>& v) { return v.value_or("(none)"); }

// --- The cache's rule against a bare RocksDB --------------------------------
//
// Here the test plays the runner, and records values the database does not
// hold ("cache:..."), so a read shows whether it came from the cache.

class CacheRuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, dir_.path(), &raw).ok());
    db_.reset(raw);
  }
  void TearDown() override {
    readers_.clear();
    db_.reset();
  }

  // Writes `value` to row `key` (prefix "p/") and returns the sequence number.
  uint64_t Put(const std::string& key, const std::string& value) {
    EXPECT_TRUE(db_->Put(rocksdb::WriteOptions(), "p/" + key, value).ok());
    return db_->GetLatestSequenceNumber();
  }
  void Record(const std::string& key, std::optional<std::string> value, uint64_t seq) {
    std::vector<ViewRowCache::Row> rows;
    rows.emplace_back("p/" + key, std::move(value));
    cache_.Record(std::move(rows), seq);
  }
  ViewReader& NewReader() {
    readers_.push_back(
        std::make_unique<ViewReader>(db_.get(), db_->DefaultColumnFamily(), "p/", 0, &cache_));
    return *readers_.back();
  }
  static std::string Get(const ViewReader& r, const std::string& key) {
    auto v = r.Get(key);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? Show(*v) : "(error)";
  }

  crm::testing::TempDir dir_;
  std::unique_ptr<rocksdb::DB> db_;
  ViewRowCache cache_{1 << 20};
  std::vector<std::unique_ptr<ViewReader>> readers_;
};

TEST_F(CacheRuleTest, AnEntryServesExactlyTheSnapshotsThatSeeItsWriteUpToTheWatermark) {
  Record("k", "cache:1", Put("k", "db:1"));
  ViewReader& at1 = NewReader();
  EXPECT_EQ(Get(at1, "k"), "cache:1");  // from the cache
  // Written but not yet recorded: a snapshot past the watermark reads the
  // database; one before it still uses the cache.
  const uint64_t seq2 = Put("k", "db:2");
  ViewReader& at2 = NewReader();
  EXPECT_EQ(Get(at2, "k"), "db:2");
  EXPECT_EQ(Get(at1, "k"), "cache:1");
  // Recorded: the newer entry serves the newer snapshot only; the older one
  // reads its own version from the database.
  Record("k", "cache:2", seq2);
  EXPECT_EQ(Get(at2, "k"), "cache:2");
  EXPECT_EQ(Get(at1, "k"), "db:1");
  // A row another batch did not touch is still served to later snapshots.
  Record("other", "cache:o", Put("other", "db:o"));
  ViewReader& at3 = NewReader();
  EXPECT_EQ(Get(at3, "k"), "cache:2");
  EXPECT_EQ(Get(at3, "other"), "cache:o");
  EXPECT_EQ(Get(at1, "other"), "(none)");
  // A write not recorded empties the cache.
  const uint64_t seq4 = Put("k", "db:4");
  cache_.Invalidate(seq4);
  ViewReader& at4 = NewReader();
  EXPECT_EQ(Get(at4, "k"), "db:4");
  EXPECT_EQ(Get(at3, "k"), "db:2");
  EXPECT_EQ(Get(at3, "other"), "db:o");
}

TEST_F(CacheRuleTest, ADeletionIsCachedAndMultiGetMixesCachedAndStoredRowsInOrder) {
  Put("stored", "db:s");
  EXPECT_TRUE(db_->Delete(rocksdb::WriteOptions(), "p/gone").ok());
  Record("gone", std::nullopt, db_->GetLatestSequenceNumber());
  Record("new", "cache:n", Put("new", "db:n"));
  ViewReader& r = NewReader();
  auto values = r.MultiGet({"new", "stored", "gone", "nothing", "new"});
  ASSERT_TRUE(values.ok()) << values.status();
  std::vector<std::string> shown;
  for (const auto& v : *values) shown.push_back(Show(v));
  EXPECT_EQ(shown, (std::vector<std::string>{"cache:n", "db:s", "(none)", "(none)", "cache:n"}));
}

TEST_F(CacheRuleTest, ABatchLargerThanTheBoundLeavesNoStaleEntryBehind) {
  // About one entry per shard and generation.
  ViewRowCache small(2 * 16 * ViewRowCache::EntryBytes("p/499", std::string("cache:1")));
  // Every key once, then every key again in one batch far larger than the
  // cache: whatever is still cached must be the second version.
  std::vector<ViewRowCache::Row> first, second;
  for (int i = 0; i < 500; ++i) {
    first.emplace_back(absl::StrCat("p/", i), "cache:1");
    second.emplace_back(absl::StrCat("p/", i), "cache:2");
  }
  small.Record(std::move(first), 10);
  small.Record(std::move(second), 20);
  int cached = 0;
  for (int i = 0; i < 500; ++i) {
    std::optional<std::string> v;
    if (small.Get(absl::StrCat("p/", i), 20, &v)) {
      ++cached;
      EXPECT_EQ(Show(v), "cache:2") << i;
    }
    EXPECT_FALSE(small.Get(absl::StrCat("p/", i), 15, &v)) << i;
  }
  EXPECT_GT(cached, 0);
  EXPECT_LE(cached, 32);
}

TEST_F(CacheRuleTest, TheBoundCountsBytesSoBigRowsLeaveFewerEntriesAndNeverMoreThanTheBound) {
  constexpr size_t kBound = 1 << 20;
  ViewRowCache cache(kBound);
  std::vector<ViewRowCache::Row> big, small;
  for (int i = 0; i < 1000; ++i) {
    big.emplace_back(absl::StrCat("p/big", i), std::string(4096, 'b'));
    small.emplace_back(absl::StrCat("p/small", i), "s");
  }
  cache.Record(std::move(big), 10);
  EXPECT_LE(cache.HeldBytes(), kBound);
  int big_cached = 0;
  for (int i = 0; i < 1000; ++i) {
    std::optional<std::string> v;
    if (cache.Get(absl::StrCat("p/big", i), 10, &v)) ++big_cached;
  }
  // 4 MB of rows in a 1 MB cache: at most a quarter of them stay.
  EXPECT_GT(big_cached, 0);
  EXPECT_LE(big_cached, 250);
  cache.Record(std::move(small), 20);
  EXPECT_LE(cache.HeldBytes(), kBound);
  int small_cached = 0;
  for (int i = 0; i < 1000; ++i) {
    std::optional<std::string> v;
    if (cache.Get(absl::StrCat("p/small", i), 20, &v)) ++small_cached;
  }
  EXPECT_EQ(small_cached, 1000);  // ~100 KB: all fit
}

TEST_F(CacheRuleTest, ARowTooBigToCacheDropsTheKeysOlderVersion) {
  ViewRowCache cache(2 * 16 * 1024);  // 1 KB per shard and generation
  cache.Record({{"p/k", std::string("small")}}, 10);
  std::optional<std::string> v;
  ASSERT_TRUE(cache.Get("p/k", 10, &v));
  cache.Record({{"p/k", std::string(4096, 'x')}}, 20);
  // Serving "small" to a snapshot at 20 would be wrong: the cache must miss.
  EXPECT_FALSE(cache.Get("p/k", 20, &v));
  EXPECT_EQ(cache.HeldBytes(), 0u);
}

// --- Through the real runner -------------------------------------------------

// test.Put "k=v" writes row k; test.Del "k" deletes it; test.Copy "k>d" writes
// row d with what Get(k) returns in the runner (ViewWriter's read).
class ScriptProjection : public Projection {
 public:
  std::string name() const override { return "script"; }
  uint32_t version() const override { return 1; }
  std::vector<std::string> event_types() const override { return {"test."}; }

  absl::Status Apply(const engine::RecordedEvent& e, ViewWriter& view) override {
    if (e.type == "test.Put") {
      const size_t eq = e.data.find('=');
      view.Put(e.data.substr(0, eq), e.data.substr(eq + 1));
    } else if (e.type == "test.Del") {
      view.Delete(e.data);
    } else if (e.type == "test.Fill") {  // "prefix:count:value": count rows
      const std::vector<std::string> parts = absl::StrSplit(e.data, ':');
      int count = 0;
      if (parts.size() != 3 || !absl::SimpleAtoi(parts[1], &count)) {
        return absl::InvalidArgumentError(e.data);
      }
      for (int i = 0; i < count; ++i) view.Put(absl::StrCat(parts[0], i), parts[2]);
    } else if (e.type == "test.Copy") {
      const size_t gt = e.data.find('>');
      auto v = view.Get(e.data.substr(0, gt));
      if (!v.ok()) return v.status();
      view.Put(e.data.substr(gt + 1), v->value_or("(none)"));
    }
    return absl::OkStatus();
  }
};

class RunnerRowCacheTest : public engine::testing::StoreFixture {
 protected:
  void TearDown() override {
    readers_.clear();
    runner_.reset();
  }

  void StartRunner(size_t recent_row_bytes) {
    std::vector<std::unique_ptr<Projection>> ps;
    ps.push_back(std::make_unique<ScriptProjection>());
    RunnerOptions o;
    o.path = views_.path();
    o.batch_events = 8;  // several batches per test
    o.recent_row_bytes = recent_row_bytes;
    auto r = ProjectionRunner::Open(store_.get(), std::move(ps), o);
    ASSERT_TRUE(r.ok()) << r.status();
    runner_ = std::move(*r);
  }

  // Appends the events, each its own commit, and waits until they are in the
  // view.
  void Apply(const std::vector<std::pair<std::string, std::string>>& events) {
    engine::Position last = 0;
    for (const auto& [type, data] : events) {
      auto r = store_->Append(One("s-1", ExpectedRevision::Any(), {Event(type, data)}));
      ASSERT_TRUE(r.ok()) << r.status();
      last = r->last_position;
    }
    ASSERT_THAT(runner_->WaitFor("script", last, Soon()), IsOk());
  }

  const ViewReader& NewReader() {
    auto r = runner_->Reader("script");
    EXPECT_TRUE(r.ok()) << r.status();
    readers_.push_back(std::move(*r));
    return *readers_.back();
  }

  // Get of each key, and checks that MultiGet of all of them agrees.
  static std::vector<std::string> Read(const ViewReader& r, const std::vector<std::string>& keys) {
    std::vector<std::string> out;
    auto many = r.MultiGet(keys);
    EXPECT_TRUE(many.ok()) << many.status();
    for (size_t i = 0; i < keys.size(); ++i) {
      auto one = r.Get(keys[i]);
      EXPECT_TRUE(one.ok()) << one.status();
      out.push_back(one.ok() ? Show(*one) : "(error)");
      if (many.ok()) {
        EXPECT_EQ(Show((*many)[i]), out.back()) << keys[i];
      }
    }
    return out;
  }

  crm::testing::TempDir views_;
  std::unique_ptr<ProjectionRunner> runner_;
  std::vector<std::unique_ptr<ViewReader>> readers_;
};

TEST_F(RunnerRowCacheTest, ReadersKeepTheirSnapshotWhileLaterBatchesRewriteAndDeleteRows) {
  StartRunner(/*recent_row_bytes=*/64 << 20);
  Apply({{"test.Put", "a=1"}, {"test.Put", "b=2"}, {"test.Put", "c=3"}});
  const std::vector<std::string> keys = {"c", "zz", "a", "b", "d", "c"};
  const ViewReader& first = NewReader();
  EXPECT_EQ(Read(first, keys), (std::vector<std::string>{"3", "(none)", "1", "2", "(none)", "3"}));
  Apply({{"test.Put", "b=22"}, {"test.Del", "c"}, {"test.Put", "d=4"}});
  const ViewReader& second = NewReader();
  Apply({{"test.Put", "a=111"}, {"test.Put", "c=333"}, {"test.Del", "d"}});
  const ViewReader& third = NewReader();
  // The runner's own reads see the latest rows, cached or not.
  Apply({{"test.Copy", "a>copy_a"}, {"test.Copy", "d>copy_d"}, {"test.Copy", "b>copy_b"}});
  const ViewReader& fourth = NewReader();
  EXPECT_EQ(Read(first, keys), (std::vector<std::string>{"3", "(none)", "1", "2", "(none)", "3"}));
  EXPECT_EQ(Read(second, keys),
            (std::vector<std::string>{"(none)", "(none)", "1", "22", "4", "(none)"}));
  EXPECT_EQ(Read(third, keys),
            (std::vector<std::string>{"333", "(none)", "111", "22", "(none)", "333"}));
  EXPECT_EQ(Read(fourth, {"copy_a", "copy_d", "copy_b", "a"}),
            (std::vector<std::string>{"111", "(none)", "22", "111"}));
  EXPECT_EQ(Read(first, {"copy_a"}), (std::vector<std::string>{"(none)"}));
}

TEST_F(RunnerRowCacheTest, AWriteOutsideTheBatchesIsSeenByLaterReaders) {
  StartRunner(/*recent_row_bytes=*/64 << 20);
  Apply({{"test.Put", "a=1"}});
  const ViewReader& before = NewReader();
  ASSERT_THAT(runner_->TamperForTest("script", "a", "tampered"), IsOk());
  const ViewReader& after = NewReader();
  EXPECT_EQ(Read(before, {"a"}), (std::vector<std::string>{"1"}));
  EXPECT_EQ(Read(after, {"a"}), (std::vector<std::string>{"tampered"}));
  Apply({{"test.Copy", "a>b"}});
  EXPECT_EQ(Read(NewReader(), {"a", "b"}), (std::vector<std::string>{"tampered", "tampered"}));
}

TEST_F(RunnerRowCacheTest, MoreRowsThanTheBoundStillReadExactly) {
  StartRunner(/*recent_row_bytes=*/64 * ViewRowCache::EntryBytes("k000", std::string(8, 'v')));
  std::map<std::string, std::string> expected;
  std::vector<std::pair<const ViewReader*, std::map<std::string, std::string>>> snapshots;
  std::vector<std::string> keys;
  for (int i = 0; i < 300; ++i) keys.push_back(absl::StrCat("k", i));
  for (int round = 0; round < 4; ++round) {
    std::vector<std::pair<std::string, std::string>> events;
    for (int i = 0; i < 300; ++i) {
      const std::string& k = keys[i];
      if ((i + round) % 5 == 0) {
        events.emplace_back("test.Del", k);
        expected.erase(k);
      } else if ((i + round) % 3 != 0) {
        const std::string v = absl::StrCat(round, ".", i);
        events.emplace_back("test.Put", absl::StrCat(k, "=", v));
        expected[k] = v;
      }
    }
    // The runner reads a row back, from whatever the cache still holds.
    events.emplace_back("test.Copy", absl::StrCat(keys[7], ">copy", round));
    expected[absl::StrCat("copy", round)] = expected.count(keys[7]) ? expected[keys[7]] : "(none)";
    Apply(events);
    snapshots.emplace_back(&NewReader(), expected);
  }
  std::vector<std::string> all = keys;
  for (int round = 0; round < 4; ++round) all.push_back(absl::StrCat("copy", round));
  for (const auto& [reader, rows] : snapshots) {
    std::vector<std::string> want;
    for (const std::string& k : all) {
      auto it = rows.find(k);
      want.push_back(it == rows.end() ? "(none)" : it->second);
    }
    EXPECT_EQ(Read(*reader, all), want);
  }
}

// A batch with more rows than the runner records (a rebuild, a backlog)
// invalidates the cache instead of filling it; reads stay exact, in the
// runner and in readers, before, across and after it.
TEST_F(RunnerRowCacheTest, ABatchTooBigToRecordInvalidatesAndReadsStayExact) {
  StartRunner(/*recent_row_bytes=*/64 << 20);
  Apply({{"test.Put", "r0=small"}, {"test.Put", "x=1"}});
  const ViewReader& before = NewReader();
  Apply({{"test.Fill", "r:3000:big"}, {"test.Copy", "r0>after_fill"}});
  const ViewReader& across = NewReader();
  Apply({{"test.Put", "r1=small again"}, {"test.Copy", "r2>copied"}, {"test.Copy", "x>x2"}});
  const ViewReader& after = NewReader();
  const std::vector<std::string> keys = {"r0", "r1",         "r2",     "r2999",
                                         "x",  "after_fill", "copied", "x2"};
  EXPECT_EQ(Read(before, keys), (std::vector<std::string>{"small", "(none)", "(none)", "(none)",
                                                          "1", "(none)", "(none)", "(none)"}));
  EXPECT_EQ(Read(across, keys),
            (std::vector<std::string>{"big", "big", "big", "big", "1", "big", "(none)", "(none)"}));
  EXPECT_EQ(Read(after, keys),
            (std::vector<std::string>{"big", "small again", "big", "big", "1", "big", "big", "1"}));
}

}  // namespace
}  // namespace crm::projections