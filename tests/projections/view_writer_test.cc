// ViewWriter inside the runner's batch: a projection's reads and scans see
// its own writes of the same batch merged over the stored rows — new rows,
// replaced rows and deleted rows, in key order — both when the rows were
// stored by an earlier batch and when they were written moments before.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "projections/projection_runner.h"
#include "tests/engine/store_test_util.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace crm::projections {
namespace {

using engine::ExpectedRevision;
using engine::testing::Event;
using engine::testing::One;

// test.Put "k=v" writes row k; test.Del "k" deletes it; test.Scan "name"
// writes row "scan/<name>" listing every "row/" row as k=v in scan order, and
// "get/<name>" with what Get("row/b") returned.
class ScriptProjection : public Projection {
 public:
  std::string name() const override { return "script"; }
  uint32_t version() const override { return 1; }
  std::vector<std::string> event_types() const override { return {"test."}; }

  absl::Status Apply(const engine::RecordedEvent& e, ViewWriter& view) override {
    if (e.type == "test.Put") {
      const size_t eq = e.data.find('=');
      view.Put("row/" + e.data.substr(0, eq), e.data.substr(eq + 1));
    } else if (e.type == "test.Del") {
      view.Delete("row/" + e.data);
    } else if (e.type == "test.Scan") {
      std::vector<std::string> seen;
      absl::Status s = view.Scan("row/", [&](absl::string_view k, absl::string_view v) {
        seen.push_back(absl::StrCat(k.substr(4), "=", v));
        return true;
      });
      if (!s.ok()) return s;
      view.Put("scan/" + e.data, absl::StrJoin(seen, ","));
      absl::StatusOr<std::optional<std::string>> b = view.Get("row/b");
      if (!b.ok()) return b.status();
      view.Put("get/" + e.data, b->value_or("(none)"));
    }
    return absl::OkStatus();
  }
};

class ViewWriterTest : public engine::testing::StoreFixture {
 protected:
  void TearDown() override { runner_.reset(); }

  engine::Position Append(const std::string& type, const std::string& data) {
    auto r = store_->Append(One("s-1", ExpectedRevision::Any(), {Event(type, data)}));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->last_position : 0;
  }

  void StartRunner() {
    std::vector<std::unique_ptr<Projection>> ps;
    ps.push_back(std::make_unique<ScriptProjection>());
    RunnerOptions o;
    o.path = views_.path();
    auto r = ProjectionRunner::Open(store_.get(), std::move(ps), o);
    ASSERT_TRUE(r.ok()) << r.status();
    runner_ = std::move(*r);
  }

  std::string Row(const std::string& key) {
    auto reader = runner_->Reader("script");
    EXPECT_TRUE(reader.ok()) << reader.status();
    if (!reader.ok()) return "(no reader)";
    auto value = (*reader)->Get(key);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.ok() && value->has_value() ? **value : "(none)";
  }

  crm::testing::TempDir views_;
  std::unique_ptr<ProjectionRunner> runner_;
};

TEST_F(ViewWriterTest, AScanInOneBatchSeesThatBatchsPutsAndDeletesInKeyOrder) {
  // All before the runner starts: one batch.
  Append("test.Put", "c=3");
  Append("test.Put", "a=1");
  Append("test.Put", "b=2");
  Append("test.Del", "c");
  Append("test.Put", "a=10");
  const engine::Position last = Append("test.Scan", "one");
  StartRunner();
  ASSERT_TRUE(runner_->WaitFor("script", last, absl::Now() + absl::Seconds(30)).ok());
  EXPECT_EQ(Row("scan/one"), "a=10,b=2");
  EXPECT_EQ(Row("get/one"), "2");
  EXPECT_EQ(Row("row/c"), "(none)");
}

TEST_F(ViewWriterTest, AScanMergesTheBatchsWritesOverRowsStoredByAnEarlierBatch) {
  Append("test.Put", "a=1");
  Append("test.Put", "b=2");
  Append("test.Put", "d=4");
  engine::Position last = Append("test.Put", "f=6");
  StartRunner();
  ASSERT_TRUE(runner_->WaitFor("script", last, absl::Now() + absl::Seconds(30)).ok());
  // A later batch: replace a, delete b, add c and e between stored rows,
  // delete f and put it back, delete a row that never existed.
  Append("test.Put", "a=11");
  Append("test.Del", "b");
  Append("test.Put", "e=5");
  Append("test.Put", "c=3");
  Append("test.Del", "f");
  Append("test.Put", "f=66");
  Append("test.Del", "zz");
  last = Append("test.Scan", "two");
  ASSERT_TRUE(runner_->WaitFor("script", last, absl::Now() + absl::Seconds(30)).ok());
  EXPECT_EQ(Row("scan/two"), "a=11,c=3,d=4,e=5,f=66");
  EXPECT_EQ(Row("get/two"), "(none)");
  EXPECT_EQ(Row("row/b"), "(none)");
  EXPECT_EQ(Row("row/f"), "66");
}

// ViewReader::MultiGet: Get of each key, in the caller's order, from the
// reader's snapshot even after later batches changed the rows.
class ViewReaderTest : public ViewWriterTest {};

TEST_F(ViewReaderTest, MultiGetReadsEachKeyInOrderFromTheReadersSnapshot) {
  Append("test.Put", "a=1");
  Append("test.Put", "b=2");
  engine::Position last = Append("test.Put", "c=3");
  StartRunner();
  ASSERT_TRUE(runner_->WaitFor("script", last, absl::Now() + absl::Seconds(30)).ok());
  auto before = runner_->Reader("script");
  ASSERT_TRUE(before.ok()) << before.status();
  Append("test.Put", "b=22");
  Append("test.Del", "c");
  last = Append("test.Put", "d=4");
  ASSERT_TRUE(runner_->WaitFor("script", last, absl::Now() + absl::Seconds(30)).ok());
  auto after = runner_->Reader("script");
  ASSERT_TRUE(after.ok()) << after.status();
  const std::vector<std::string> keys = {"row/c", "row/zz", "row/a", "row/b", "row/d", "row/c"};
  const auto show = [&](const ViewReader& reader) {
    auto values = reader.MultiGet(keys);
    EXPECT_TRUE(values.ok()) << values.status();
    std::vector<std::string> out;
    if (!values.ok()) return out;
    for (size_t i = 0; i < values->size(); ++i) {
      out.push_back((*values)[i].value_or("(none)"));
      // The same as Get from the same reader.
      auto one = reader.Get(keys[i]);
      EXPECT_TRUE(one.ok()) << one.status();
      if (one.ok()) {
        EXPECT_EQ(*one, (*values)[i]) << keys[i];
      }
    }
    return out;
  };
  EXPECT_EQ(show(**before), (std::vector<std::string>{"3", "(none)", "1", "2", "(none)", "3"}));
  EXPECT_EQ(show(**after),
            (std::vector<std::string>{"(none)", "(none)", "1", "22", "4", "(none)"}));
  auto none = (*after)->MultiGet({});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace crm::projections
