// EventStoreService through a real server: appends with expected revisions,
// paged reads, and subscriptions that catch up, go live, and resume after a
// disconnect without a gap or a duplicate while appends keep coming.
#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/service_fixture.h"

namespace crm::service::testing {
namespace {

using ::testing::HasSubstr;

class EventStoreServiceTest : public ServiceTest {
 protected:
  // Appends `n` events to `stream` as admin, with no revision condition.
  grpc::Status Append(const std::string& stream, int n, v1::AppendResponse* response,
                      const v1::ExpectedRevision* expected = nullptr) {
    v1::AppendRequest request;
    v1::StreamAppend* append = request.add_streams();
    append->set_stream(stream);
    if (expected != nullptr) *append->mutable_expected_revision() = *expected;
    for (int i = 0; i < n; ++i) {
      v1::ProposedEvent* e = append->add_events();
      e->set_type(absl::StrCat("test.", stream.substr(0, stream.find('-')), ".Happened"));
      e->set_data(absl::StrCat("payload ", i));
    }
    auto context = As(kAdmin);
    return events_->Append(context.get(), request, response);
  }

  void AppendOk(const std::string& stream, int n) {
    v1::AppendResponse response;
    grpc::Status s = Append(stream, n, &response);
    ASSERT_TRUE(s.ok()) << Describe(s);
  }

  v1::ReadResponse ReadStream(const std::string& stream, uint64_t from, bool backward,
                              uint32_t limit, grpc::Status* status = nullptr) {
    v1::ReadStreamRequest request;
    request.set_stream(stream);
    request.set_from_revision(from);
    request.set_from_end(backward && from == UINT64_MAX);
    request.set_direction(backward ? v1::READ_DIRECTION_BACKWARD : v1::READ_DIRECTION_FORWARD);
    request.set_limit(limit);
    v1::ReadResponse response;
    auto context = As(kAnalytics);
    grpc::Status s = events_->ReadStream(context.get(), request, &response);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_TRUE(s.ok()) << Describe(s);
    }
    return response;
  }
};

std::vector<uint64_t> Revisions(const v1::ReadResponse& r) {
  std::vector<uint64_t> out;
  for (const v1::RecordedEvent& e : r.events()) out.push_back(e.revision());
  return out;
}

TEST_F(EventStoreServiceTest, AppendReturnsDensePositionsAndTheStreamsLastRevision) {
  v1::AppendResponse first;
  ASSERT_TRUE(Append("order-1", 3, &first).ok());
  EXPECT_EQ(first.first_position(), 0u);
  EXPECT_EQ(first.last_position(), 2u);
  ASSERT_EQ(first.streams_size(), 1);
  EXPECT_EQ(first.streams(0).last_revision(), 2u);
  v1::AppendResponse second;
  ASSERT_TRUE(Append("order-2", 1, &second).ok());
  EXPECT_EQ(second.first_position(), 3u);
}

TEST_F(EventStoreServiceTest, AStaleExpectedRevisionIsAbortedWithTheActualOne) {
  AppendOk("order-1", 3);
  v1::ExpectedRevision expected;
  expected.set_exact(0);
  v1::AppendResponse response;
  grpc::Status s = Append("order-1", 1, &response, &expected);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("2"));
  expected.set_exact(2);
  EXPECT_TRUE(Append("order-1", 1, &response, &expected).ok());
  expected.set_no_stream(true);
  EXPECT_EQ(Append("order-1", 1, &response, &expected).error_code(), grpc::StatusCode::ABORTED);
}

TEST_F(EventStoreServiceTest, ReappendingTheSameEventIdsWritesNothing) {
  v1::AppendRequest request;
  v1::StreamAppend* append = request.add_streams();
  append->set_stream("payment-1");
  v1::ProposedEvent* e = append->add_events();
  e->set_event_id("6f1c1b7e-3c1a-4a8e-9d1f-0a2b3c4d5e6f");
  e->set_type("test.Paid");
  v1::AppendResponse first, again;
  auto c1 = As(kAdmin);
  ASSERT_TRUE(events_->Append(c1.get(), request, &first).ok());
  auto c2 = As(kAdmin);
  ASSERT_TRUE(events_->Append(c2.get(), request, &again).ok());
  EXPECT_TRUE(again.idempotent_replay());
  EXPECT_EQ(again.first_position(), first.first_position());
  EXPECT_EQ(ReadStream("payment-1", 0, false, 10).events_size(), 1);
}

TEST_F(EventStoreServiceTest, BadAppendsAreInvalidArgumentNamingTheField) {
  v1::AppendResponse response;
  grpc::Status s = Append("", 1, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("streams[0]"));

  v1::AppendRequest request;
  v1::StreamAppend* append = request.add_streams();
  append->set_stream("order-1");
  append->add_events()->set_event_id("not-a-uuid");
  append->mutable_events(0)->set_type("test.X");
  auto context = As(kAdmin);
  s = events_->Append(context.get(), request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("event_id"));
}

TEST_F(EventStoreServiceTest, StreamReadsPageForwardsAndBackwards) {
  AppendOk("order-1", 5);
  v1::ReadResponse page = ReadStream("order-1", 0, false, 2);
  EXPECT_EQ(Revisions(page), (std::vector<uint64_t>{0, 1}));
  EXPECT_FALSE(page.end_reached());
  page = ReadStream("order-1", page.next(), false, 2);
  EXPECT_EQ(Revisions(page), (std::vector<uint64_t>{2, 3}));
  page = ReadStream("order-1", page.next(), false, 2);
  EXPECT_EQ(Revisions(page), (std::vector<uint64_t>{4}));
  EXPECT_TRUE(page.end_reached());

  page = ReadStream("order-1", UINT64_MAX, true, 3);
  EXPECT_EQ(Revisions(page), (std::vector<uint64_t>{4, 3, 2}));
  page = ReadStream("order-1", page.next(), true, 3);
  EXPECT_EQ(Revisions(page), (std::vector<uint64_t>{1, 0}));
  EXPECT_TRUE(page.end_reached());

  grpc::Status s;
  ReadStream("order-404", 0, false, 2, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
}

TEST_F(EventStoreServiceTest, ACategoryReadReturnsOnlyThatCategoryInGlobalOrder) {
  AppendOk("order-1", 1);
  AppendOk("customer-1", 1);
  AppendOk("order-2", 2);
  v1::ReadCategoryRequest request;
  request.set_category("order");
  v1::ReadResponse response;
  auto context = As(kAnalytics);
  ASSERT_TRUE(events_->ReadCategory(context.get(), request, &response).ok());
  std::vector<std::string> streams;
  std::vector<uint64_t> positions;
  for (const v1::RecordedEvent& e : response.events()) {
    streams.push_back(e.stream());
    positions.push_back(e.position());
  }
  EXPECT_EQ(streams, (std::vector<std::string>{"order-1", "order-2", "order-2"}));
  EXPECT_EQ(positions, (std::vector<uint64_t>{0, 2, 3}));
}

// Reads a subscription until `want` events arrived or the stream ended;
// records the positions of events and whether caught_up came.
struct Received {
  std::vector<uint64_t> positions;
  bool caught_up = false;
  uint64_t last_checkpoint = 0;
  int largest_batch = 0;  // events in the largest `events` message
};

void ReadEvents(grpc::ClientReader<v1::SubscribeResponse>* reader, size_t want, Received* out) {
  v1::SubscribeResponse message;
  while (out->positions.size() < want && reader->Read(&message)) {
    if (message.has_event()) out->positions.push_back(message.event().position());
    for (const v1::RecordedEvent& e : message.events().events()) {
      out->positions.push_back(e.position());
    }
    if (message.has_events())
      out->largest_batch = std::max(out->largest_batch, message.events().events_size());
    if (message.has_caught_up()) out->caught_up = true;
    if (message.has_checkpoint()) out->last_checkpoint = message.checkpoint().position();
  }
}

TEST_F(EventStoreServiceTest, ASubscriptionCatchesUpThenDeliversLiveEvents) {
  AppendOk("order-1", 3);
  v1::SubscribeRequest request;
  auto context = As(kAnalytics);
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  auto reader = events_->Subscribe(context.get(), request);
  Received got;
  ReadEvents(reader.get(), 3, &got);
  EXPECT_EQ(got.positions, (std::vector<uint64_t>{0, 1, 2}));

  // The marker comes once the stored events are delivered.
  v1::SubscribeResponse message;
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_TRUE(message.has_caught_up()) << message.ShortDebugString();
  EXPECT_EQ(message.caught_up().position(), 3u);

  AppendOk("order-2", 2);
  ReadEvents(reader.get(), 5, &got);
  EXPECT_EQ(got.positions, (std::vector<uint64_t>{0, 1, 2, 3, 4}));
  context->TryCancel();
  grpc::Status end = reader->Finish();
  EXPECT_EQ(end.error_code(), grpc::StatusCode::CANCELLED) << Describe(end);
}

TEST_F(EventStoreServiceTest, AFilteredSubscriptionSeesOnlyMatchesAndItsCheckpointMovesOn) {
  AppendOk("order-1", 2);
  AppendOk("customer-1", 3);
  AppendOk("order-2", 1);
  v1::SubscribeRequest request;
  request.set_stream_prefix("customer-");
  auto context = As(kAnalytics);
  auto reader = events_->Subscribe(context.get(), request);
  Received got;
  v1::SubscribeResponse message;
  while (!got.caught_up && reader->Read(&message)) {
    if (message.has_event()) {
      got.positions.push_back(message.event().position());
      EXPECT_EQ(message.event().stream(), "customer-1");
    }
    if (message.has_caught_up()) {
      got.caught_up = true;
      EXPECT_EQ(message.caught_up().position(), 6u) << "past the last, unmatched event";
    }
  }
  EXPECT_EQ(got.positions, (std::vector<uint64_t>{2, 3, 4}));
  context->TryCancel();
  reader->Finish();
}

TEST_F(EventStoreServiceTest, AConsumerThatDisconnectsResumesWithoutGapOrDuplicate) {
  constexpr int kEvents = 600;
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    for (int i = 0; i < kEvents / 3; ++i) {
      v1::AppendResponse response;
      if (!Append(absl::StrCat("order-", i % 7), 3, &response).ok()) failed = true;
    }
  });

  std::vector<uint64_t> seen;
  uint64_t resume = 0;
  int sessions = 0;
  while (seen.size() < kEvents && sessions < 50) {
    ++sessions;
    v1::SubscribeRequest request;
    request.set_from_position(resume);
    auto context = As(kAnalytics);
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    auto reader = events_->Subscribe(context.get(), request);
    Received got;
    // Each session takes a bite of at most 97 events, then hangs up.
    ReadEvents(reader.get(), std::min<size_t>(97, kEvents - seen.size()), &got);
    context->TryCancel();
    reader->Finish();
    for (uint64_t p : got.positions) seen.push_back(p);
    if (!got.positions.empty()) resume = got.positions.back() + 1;
  }
  writer.join();
  ASSERT_FALSE(failed);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kEvents));
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], i) << "at " << i;
  EXPECT_GT(sessions, 3);
}

TEST_F(EventStoreServiceTest, BatchedMessagesCatchUpInOrderThenDeliverLiveEventsAndResume) {
  for (int i = 0; i < 10; ++i) AppendOk(absl::StrCat("order-", i), 25);  // positions 0..249
  v1::SubscribeRequest request;
  request.set_max_events_per_message(100);
  auto context = As(kAnalytics);
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  auto reader = events_->Subscribe(context.get(), request);
  Received got;
  ReadEvents(reader.get(), 250, &got);
  ASSERT_EQ(got.positions.size(), 250u);
  for (size_t i = 0; i < got.positions.size(); ++i) ASSERT_EQ(got.positions[i], i) << "at " << i;
  EXPECT_GT(got.largest_batch, 1) << "stored events come several per message";
  EXPECT_LE(got.largest_batch, 100);
  v1::SubscribeResponse message;
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_TRUE(message.has_caught_up()) << message.ShortDebugString();
  EXPECT_EQ(message.caught_up().position(), 250u);

  AppendOk("order-x", 3);
  ReadEvents(reader.get(), 253, &got);
  EXPECT_EQ(got.positions.back(), 252u);
  context->TryCancel();
  reader->Finish();

  // Resuming from the middle of a batch gives the rest, no more, no less.
  v1::SubscribeRequest resume;
  resume.set_from_position(120);
  resume.set_max_events_per_message(1000);
  auto again_context = As(kAnalytics);
  auto again = events_->Subscribe(again_context.get(), resume);
  Received rest;
  ReadEvents(again.get(), 133, &rest);
  ASSERT_EQ(rest.positions.size(), 133u);
  EXPECT_EQ(rest.positions.front(), 120u);
  EXPECT_EQ(rest.positions.back(), 252u);
  again_context->TryCancel();
  again->Finish();
}

TEST_F(EventStoreServiceTest, MoreThanAThousandEventsPerMessageIsInvalidArgument) {
  v1::SubscribeRequest request;
  request.set_max_events_per_message(1001);
  auto context = As(kAnalytics);
  auto reader = events_->Subscribe(context.get(), request);
  v1::SubscribeResponse message;
  EXPECT_FALSE(reader->Read(&message));
  grpc::Status s = reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("max_events_per_message"));
}

TEST_F(EventStoreServiceTest, SubscriptionsBeyondTheLimitAreResourceExhausted) {
  // The fixture allows 8 live subscriptions.
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::SubscribeResponse>>> readers;
  for (int i = 0; i < 8; ++i) {
    contexts.push_back(As(kAnalytics));
    readers.push_back(events_->Subscribe(contexts.back().get(), v1::SubscribeRequest()));
    v1::SubscribeResponse message;
    ASSERT_TRUE(readers.back()->Read(&message));  // live: caught_up on an empty log
  }
  auto extra_context = As(kAnalytics);
  auto extra = events_->Subscribe(extra_context.get(), v1::SubscribeRequest());
  v1::SubscribeResponse message;
  EXPECT_FALSE(extra->Read(&message));
  grpc::Status s = extra->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(s);
  for (size_t i = 0; i < readers.size(); ++i) {
    contexts[i]->TryCancel();
    readers[i]->Finish();
  }
}

TEST_F(EventStoreServiceTest, ShutdownEndsALiveSubscriptionWithUnavailableAndItsResumePosition) {
  AppendOk("order-1", 2);
  auto context = As(kAnalytics);
  auto reader = events_->Subscribe(context.get(), v1::SubscribeRequest());
  Received got;
  ReadEvents(reader.get(), 2, &got);
  v1::SubscribeResponse message;
  ASSERT_TRUE(reader->Read(&message));
  EXPECT_TRUE(message.has_caught_up());
  std::thread stop([&] { server_->Shutdown(); });
  while (reader->Read(&message)) {
  }
  grpc::Status s = reader->Finish();
  stop.join();
  server_.reset();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("resume from position 2"));
}

}  // namespace
}  // namespace crm::service::testing
