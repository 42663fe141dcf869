// Appends: the expected-revision matrix, multi-stream atomicity, idempotency.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "tests/engine/store_test_util.h"

namespace crm::engine {
namespace {

using crm::testing::StatusIs;
using testing::Event;
using testing::Events;
using testing::One;
using testing::StoreFixture;

class EventStoreAppendTest : public StoreFixture {
 protected:
  // Appends `n` events to `stream` with expectation Any.
  void Seed(const std::string& stream, int n) {
    ASSERT_TRUE(store_->Append(One(stream, ExpectedRevision::Any(), Events(n))).ok());
  }
  size_t StreamLength(const std::string& stream) {
    auto events = store_->ReadStream(stream, 0, Direction::kForward, 1000);
    return events.ok() ? events->size() : 0;
  }
};

TEST_F(EventStoreAppendTest, FirstAppendGetsRevisionZeroAndPositionZero) {
  auto r = store_->Append(One("s-1", ExpectedRevision::NoStream(), Events(3)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->first_position, 0u);
  EXPECT_EQ(r->last_position, 2u);
  ASSERT_EQ(r->streams.size(), 1u);
  EXPECT_EQ(r->streams[0].stream, "s-1");
  EXPECT_EQ(r->streams[0].last_revision, 2u);
  EXPECT_FALSE(r->idempotent_replay);
  EXPECT_EQ(store_->CommittedPosition(), 3u);
}

struct MatrixCase {
  const char* name;
  int existing;  // events already in the stream; 0 = no stream
  ExpectedRevision expected;
  bool accepted;
};

class ExpectedRevisionMatrixTest : public EventStoreAppendTest,
                                   public ::testing::WithParamInterface<MatrixCase> {};

TEST_P(ExpectedRevisionMatrixTest, AcceptsOrAbortsWithActualRevision) {
  const MatrixCase& c = GetParam();
  if (c.existing > 0) Seed("s-1", c.existing);
  const Position before = store_->CommittedPosition();
  auto r = store_->Append(One("s-1", c.expected, Events(2)));
  if (c.accepted) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->streams[0].last_revision, static_cast<Revision>(c.existing + 1));
    EXPECT_EQ(StreamLength("s-1"), static_cast<size_t>(c.existing + 2));
  } else {
    const std::string actual = c.existing == 0 ? std::string("actual revision none")
                                               : absl::StrCat("actual revision ", c.existing - 1);
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kAborted, actual));
    EXPECT_EQ(store_->CommittedPosition(), before);
    EXPECT_EQ(StreamLength("s-1"), static_cast<size_t>(c.existing));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Matrix, ExpectedRevisionMatrixTest,
    ::testing::Values(MatrixCase{"AnyOnMissing", 0, ExpectedRevision::Any(), true},
                      MatrixCase{"AnyOnExisting", 2, ExpectedRevision::Any(), true},
                      MatrixCase{"NoStreamOnMissing", 0, ExpectedRevision::NoStream(), true},
                      MatrixCase{"NoStreamOnExisting", 2, ExpectedRevision::NoStream(), false},
                      MatrixCase{"ExistsOnMissing", 0, ExpectedRevision::StreamExists(), false},
                      MatrixCase{"ExistsOnExisting", 2, ExpectedRevision::StreamExists(), true},
                      MatrixCase{"ExactOnMissing", 0, ExpectedRevision::Exact(0), false},
                      MatrixCase{"ExactMatches", 2, ExpectedRevision::Exact(1), true},
                      MatrixCase{"ExactStale", 2, ExpectedRevision::Exact(0), false},
                      MatrixCase{"ExactAhead", 2, ExpectedRevision::Exact(5), false}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(EventStoreAppendTest, MultiStreamAppendWritesAllStreamsWithContiguousPositions) {
  Seed("a-1", 1);
  std::vector<StreamAppend> req = {{"a-1", ExpectedRevision::Exact(0), Events(2)},
                                   {"phone-138", ExpectedRevision::NoStream(), Events(1)}};
  auto r = store_->Append(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->first_position, 1u);
  EXPECT_EQ(r->last_position, 3u);
  EXPECT_EQ(r->streams[0].last_revision, 2u);
  EXPECT_EQ(r->streams[1].last_revision, 0u);
  auto all = store_->ReadAll(0, Direction::kForward, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[3].stream, "phone-138");
}

TEST_F(EventStoreAppendTest, MultiStreamAppendWithOneMismatchWritesNothing) {
  Seed("phone-138", 1);  // the reservation already exists
  std::vector<StreamAppend> req = {{"customer-2", ExpectedRevision::NoStream(), Events(2)},
                                   {"phone-138", ExpectedRevision::NoStream(), Events(1)}};
  EXPECT_THAT(store_->Append(req), StatusIs(absl::StatusCode::kAborted, "phone-138"));
  EXPECT_EQ(store_->CommittedPosition(), 1u);
  EXPECT_THAT(store_->ReadStream("customer-2", 0, Direction::kForward, 10),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(EventStoreAppendTest, CheckOnlyEntryAssertsAStreamWithoutWritingIt) {
  Seed("rule-1", 2);
  std::vector<StreamAppend> ok = {{"x-1", ExpectedRevision::Any(), Events(1)},
                                  {"rule-1", ExpectedRevision::Exact(1), {}}};
  auto r = store_->Append(ok);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->streams[1].last_revision, 1u);
  std::vector<StreamAppend> stale = {{"x-1", ExpectedRevision::Any(), Events(1)},
                                     {"rule-1", ExpectedRevision::Exact(0), {}}};
  EXPECT_THAT(store_->Append(stale), StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(StreamLength("x-1"), 1u);
}

TEST_F(EventStoreAppendTest, RetryWithSameIdsReturnsOriginalResultAndWritesNothing) {
  auto req = One("pay-1", ExpectedRevision::NoStream(), Events(2));
  auto first = store_->Append(req);
  ASSERT_TRUE(first.ok());
  Seed("other-1", 3);
  auto again = store_->Append(req);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->idempotent_replay);
  EXPECT_EQ(again->first_position, first->first_position);
  EXPECT_EQ(again->last_position, first->last_position);
  EXPECT_EQ(again->streams[0].last_revision, first->streams[0].last_revision);
  EXPECT_EQ(StreamLength("pay-1"), 2u);
  EXPECT_EQ(store_->CommittedPosition(), 5u);
}

TEST_F(EventStoreAppendTest, RetryAfterStreamMovedOnIsStillIdempotentWithExactExpectation) {
  Seed("s-1", 1);
  auto req = One("s-1", ExpectedRevision::Exact(0), Events(1));
  ASSERT_TRUE(store_->Append(req).ok());
  Seed("s-1", 2);  // the stream moved on since
  auto again = store_->Append(req);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->idempotent_replay);
  EXPECT_EQ(again->streams[0].last_revision, 1u);
  EXPECT_EQ(StreamLength("s-1"), 4u);
}

TEST_F(EventStoreAppendTest, RetryWithADifferentExpectationIsAborted) {
  auto req = One("s-1", ExpectedRevision::NoStream(), Events(1));
  ASSERT_TRUE(store_->Append(req).ok());
  req[0].expected = ExpectedRevision::Exact(3);
  EXPECT_THAT(store_->Append(req), StatusIs(absl::StatusCode::kAborted));
}

TEST_F(EventStoreAppendTest, IdStoredInAnotherStreamIsAlreadyExists) {
  auto req = One("s-1", ExpectedRevision::Any(), Events(1));
  ASSERT_TRUE(store_->Append(req).ok());
  req[0].stream = "s-2";
  EXPECT_THAT(store_->Append(req), StatusIs(absl::StatusCode::kAlreadyExists, "\"s-1\""));
  EXPECT_EQ(store_->CommittedPosition(), 1u);
}

TEST_F(EventStoreAppendTest, FindEventGivesTheCommittedPositionOfAnIdAndNothingForAnUnknownOne) {
  Seed("s-0", 2);
  auto req = One("s-1", ExpectedRevision::Any(), Events(3));
  ASSERT_TRUE(store_->Append(req).ok());
  auto found = store_->FindEvent(req[0].events[1].id);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, 3u);
  auto missing = store_->FindEvent(EventId::Random());
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(*missing, kNoPosition);
}

TEST_F(EventStoreAppendTest, PartialOverlapOfIdsIsAlreadyExists) {
  auto req = One("s-1", ExpectedRevision::Any(), Events(2));
  ASSERT_TRUE(store_->Append(req).ok());
  req[0].events.push_back(Event());
  EXPECT_THAT(store_->Append(req), StatusIs(absl::StatusCode::kAlreadyExists, "2 of 3"));
  auto shifted = One("s-1", ExpectedRevision::Any(), {Event(), req[0].events[0]});
  EXPECT_THAT(store_->Append(shifted), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(store_->CommittedPosition(), 2u);
}

TEST_F(EventStoreAppendTest, MultiStreamRetryWithOneStreamNewIsAlreadyExists) {
  std::vector<StreamAppend> req = {{"a-1", ExpectedRevision::Any(), Events(1)}};
  ASSERT_TRUE(store_->Append(req).ok());
  req.push_back({"b-1", ExpectedRevision::Any(), Events(1)});
  EXPECT_THAT(store_->Append(req), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(store_->CommittedPosition(), 1u);
}

TEST_F(EventStoreAppendTest, SameIdsConcurrentlyFromTwoThreadsWriteOnce) {
  auto req = One("once-1", ExpectedRevision::Any(), Events(3));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      if (store_->Append(req).ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(StreamLength("once-1"), 3u);
  EXPECT_EQ(store_->CommittedPosition(), 3u);
}

TEST_F(EventStoreAppendTest, InvalidInputWritesNothing) {
  EXPECT_THAT(store_->Append(One("", ExpectedRevision::Any(), Events(1))),
              StatusIs(absl::StatusCode::kInvalidArgument, "stream"));
  EXPECT_THAT(store_->Append(One("s-1", ExpectedRevision::Any(),
                                 {Event("t", std::string((1 << 20) + 1, 'x'))})),
              StatusIs(absl::StatusCode::kInvalidArgument, "limit"));
  EXPECT_EQ(store_->CommittedPosition(), 0u);
}

TEST_F(EventStoreAppendTest, AsyncAppendCallsBackOnceWithTheResult) {
  absl::Notification done;
  absl::StatusOr<AppendResult> got;
  store_->AppendAsync(One("s-1", ExpectedRevision::NoStream(), Events(1)),
                      [&](absl::StatusOr<AppendResult> r) {
                        got = std::move(r);
                        done.Notify();
                      });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(30)));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->last_position, 0u);
}

}  // namespace
}  // namespace crm::engine
