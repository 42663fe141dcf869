// Reads: streams, the global log and categories, both directions, at and past
// the ends; and reopening.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/engine/store_test_util.h"

namespace crm::engine {
namespace {

using crm::testing::StatusIs;
using testing::Events;
using testing::One;
using testing::StoreFixture;

std::vector<Revision> Revisions(const std::vector<RecordedEvent>& events) {
  std::vector<Revision> out;
  for (const auto& e : events) out.push_back(e.revision);
  return out;
}
std::vector<Position> Positions(const std::vector<RecordedEvent>& events) {
  std::vector<Position> out;
  for (const auto& e : events) out.push_back(e.position);
  return out;
}

class EventStoreReadTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    // Interleave: customer-1 gets positions 0,1,4; order-1 gets 2,3; customer-2 gets 5.
    ASSERT_TRUE(store_->Append(One("customer-1", ExpectedRevision::Any(), Events(2))).ok());
    ASSERT_TRUE(store_->Append(One("order-1", ExpectedRevision::Any(), Events(2))).ok());
    ASSERT_TRUE(store_->Append(One("customer-1", ExpectedRevision::Any(), Events(1))).ok());
    ASSERT_TRUE(store_->Append(One("customer-2", ExpectedRevision::Any(), Events(1))).ok());
  }
};

TEST_F(EventStoreReadTest, StreamForwardFromRevisionWithLimit) {
  auto r = store_->ReadStream("customer-1", 1, Direction::kForward, 10);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Revisions(*r), (std::vector<Revision>{1, 2}));
  EXPECT_EQ(Positions(*r), (std::vector<Position>{1, 4}));
  auto limited = store_->ReadStream("customer-1", 0, Direction::kForward, 2);
  EXPECT_EQ(Revisions(*limited), (std::vector<Revision>{0, 1}));
}

TEST_F(EventStoreReadTest, StreamBackwardFromEndAndFromRevision) {
  auto r = store_->ReadStream("customer-1", kEndRevision, Direction::kBackward, 10);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Revisions(*r), (std::vector<Revision>{2, 1, 0}));
  auto from1 = store_->ReadStream("customer-1", 1, Direction::kBackward, 1);
  EXPECT_EQ(Revisions(*from1), (std::vector<Revision>{1}));
  auto past = store_->ReadStream("customer-1", 99, Direction::kBackward, 10);
  EXPECT_EQ(Revisions(*past), (std::vector<Revision>{2, 1, 0}));
}

TEST_F(EventStoreReadTest, StreamPastTheEndIsEmptyAndMissingStreamIsNotFound) {
  auto past = store_->ReadStream("customer-1", 3, Direction::kForward, 10);
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->empty());
  EXPECT_THAT(store_->ReadStream("customer-9", 0, Direction::kForward, 10),
              StatusIs(absl::StatusCode::kNotFound, "customer-9"));
  // A name that prefixes another stream's name is a different stream.
  EXPECT_THAT(store_->ReadStream("customer", 0, Direction::kForward, 10),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_->ReadStream("", 0, Direction::kForward, 10),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(EventStoreReadTest, StreamEventsCarryEverythingAppended) {
  ProposedEvent e{EventId::Random(), "t.Typed", "the data", "the metadata"};
  auto w = store_->Append(One("full-1", ExpectedRevision::NoStream(), {e}));
  ASSERT_TRUE(w.ok());
  auto r = store_->ReadStream("full-1", 0, Direction::kForward, 1);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  const RecordedEvent& got = r->front();
  EXPECT_EQ(got.id, e.id);
  EXPECT_EQ(got.type, e.type);
  EXPECT_EQ(got.data, e.data);
  EXPECT_EQ(got.metadata, e.metadata);
  EXPECT_EQ(got.position, 6u);
  EXPECT_GT(got.recorded_us, 1600000000000000);
}

TEST_F(EventStoreReadTest, GlobalLogBothDirectionsAtAndPastTheEnds) {
  auto fwd = store_->ReadAll(0, Direction::kForward, 100);
  EXPECT_EQ(Positions(*fwd), (std::vector<Position>{0, 1, 2, 3, 4, 5}));
  auto mid = store_->ReadAll(2, Direction::kForward, 2);
  EXPECT_EQ(Positions(*mid), (std::vector<Position>{2, 3}));
  auto back = store_->ReadAll(kEndPosition, Direction::kBackward, 3);
  EXPECT_EQ(Positions(*back), (std::vector<Position>{5, 4, 3}));
  auto back0 = store_->ReadAll(0, Direction::kBackward, 3);
  EXPECT_EQ(Positions(*back0), (std::vector<Position>{0}));
  EXPECT_TRUE(store_->ReadAll(6, Direction::kForward, 10)->empty());
  EXPECT_TRUE(store_->ReadAll(0, Direction::kForward, 0)->empty());
}

TEST_F(EventStoreReadTest, CategoryReadsInGlobalOrder) {
  auto c = store_->ReadCategory("customer", 0, Direction::kForward, 100);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(Positions(*c), (std::vector<Position>{0, 1, 4, 5}));
  auto from2 = store_->ReadCategory("customer", 2, Direction::kForward, 1);
  EXPECT_EQ(Positions(*from2), (std::vector<Position>{4}));
  auto back = store_->ReadCategory("customer", kEndPosition, Direction::kBackward, 2);
  EXPECT_EQ(Positions(*back), (std::vector<Position>{5, 4}));
  auto orders = store_->ReadCategory("order", 0, Direction::kForward, 100);
  EXPECT_EQ(Positions(*orders), (std::vector<Position>{2, 3}));
  EXPECT_TRUE(store_->ReadCategory("nothing", 0, Direction::kForward, 100)->empty());
  EXPECT_THAT(store_->ReadCategory("customer-1", 0, Direction::kForward, 100),
              StatusIs(absl::StatusCode::kInvalidArgument, "'-'"));
}

TEST_F(EventStoreReadTest, StreamRevisionIsTheLastRevision) {
  EXPECT_EQ(store_->StreamRevision("customer-1").value(), 2u);
  EXPECT_THAT(store_->StreamRevision("nope-1"), StatusIs(absl::StatusCode::kNotFound));
}

// The store keeps recently written heads in memory (a bounded map cleared
// when full); reads must be exact whether a head is there, was dropped, or
// was never there.
TEST_F(EventStoreReadTest, HeadsStayExactWithMoreStreamsThanTheInMemoryHeadsHold) {
  constexpr int kStreams = 70'000;  // above the map's 65,536 entries
  constexpr int kPerAppend = 64;
  for (int first = 0; first < kStreams; first += kPerAppend) {
    std::vector<StreamAppend> request;
    for (int s = first; s < std::min(kStreams, first + kPerAppend); ++s) {
      request.push_back(
          StreamAppend{absl::StrCat("many-", s), ExpectedRevision::NoStream(), Events(1)});
    }
    ASSERT_TRUE(store_->Append(std::move(request)).ok());
  }
  ASSERT_TRUE(store_->Append(One("many-0", ExpectedRevision::Exact(0), Events(1))).ok());
  ASSERT_TRUE(store_->Append(One("many-69999", ExpectedRevision::Exact(0), Events(1))).ok());
  for (const auto& [stream, revision] : std::vector<std::pair<std::string, Revision>>{
           {"many-0", 1}, {"many-1", 0}, {"many-35000", 0}, {"many-69998", 0}, {"many-69999", 1}}) {
    EXPECT_EQ(store_->StreamRevision(stream).value(), revision) << stream;
    EXPECT_TRUE(store_->ReadStream(stream, revision + 1, Direction::kForward, 10)->empty())
        << stream;
    EXPECT_EQ(store_->ReadStream(stream, revision, Direction::kForward, 10)->size(), 1u) << stream;
  }
  EXPECT_THAT(store_->ReadStream("many-70000", 3, Direction::kForward, 10),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_->StreamRevision("many-70000"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(EventStoreReadTest, ReopenRecoversEventsPositionsAndStreamRevisions) {
  Reopen();
  EXPECT_EQ(store_->CommittedPosition(), 6u);
  EXPECT_EQ(store_->StreamRevision("customer-1").value(), 2u);
  // Expected revisions keep working across the reopen...
  EXPECT_THAT(store_->Append(One("customer-1", ExpectedRevision::Exact(1), Events(1))),
              StatusIs(absl::StatusCode::kAborted, "actual revision 2"));
  auto r = store_->Append(One("customer-1", ExpectedRevision::Exact(2), Events(1)));
  ASSERT_TRUE(r.ok()) << r.status();
  // ...and positions continue densely.
  EXPECT_EQ(r->first_position, 6u);
  EXPECT_EQ(r->streams[0].last_revision, 3u);
  Reopen();
  auto all = store_->ReadAll(0, Direction::kForward, 100);
  EXPECT_EQ(all->size(), 7u);
}

TEST_F(EventStoreReadTest, IdempotencyHoldsAcrossReopen) {
  auto req = One("pay-1", ExpectedRevision::NoStream(), Events(1));
  auto first = store_->Append(req);
  ASSERT_TRUE(first.ok());
  Reopen();
  auto again = store_->Append(req);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->idempotent_replay);
  EXPECT_EQ(again->first_position, first->first_position);
}

TEST(EventStoreOpenTest, SecondOpenOfTheSameFolderFailsClearly) {
  crm::testing::TempDir dir;
  StoreOptions o;
  o.path = dir.path();
  auto first = EventStore::Open(o);
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(EventStore::Open(o), StatusIs(absl::StatusCode::kFailedPrecondition, "lock"));
  StoreOptions empty;
  EXPECT_THAT(EventStore::Open(empty), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace crm::engine
