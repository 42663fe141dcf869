// crm.v1.HistoryService through a real server on 127.0.0.1: a customer's
// timeline lists every change with who made it, pages to the end, filters on
// time, honours data scopes without leaking ids, waits for min_position, and
// refuses a malformed request naming the field.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "crm/v1/history_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/crm_calls.h"
#include "tests/service/service_fixture.h"

namespace crm::service::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using Stub = v1::CrmService::Stub;

v1::ApproveOrderRequest Approval(const std::string& order) {
  v1::ApproveOrderRequest r;
  r.mutable_command()->set_order_id(order);
  r.mutable_command()->set_approver("manager-south");
  return r;
}

v1::RecordPaymentRequest Payment(const std::string& order, const std::string& id) {
  v1::RecordPaymentRequest r;
  v1::RecordPayment* c = r.mutable_command();
  c->set_order_id(order);
  c->set_payment_id(id);
  c->set_instalment_number(1);
  *c->mutable_amount() = Cny(400000);
  *c->mutable_paid_on() = Day(2026, 3, 20);
  c->set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
  c->set_rep_id("r1");
  return r;
}

v1::ListCustomerTimelineRequest TimelineOf(const std::string& customer,
                                           std::optional<uint64_t> min_position = std::nullopt) {
  v1::ListCustomerTimelineRequest r;
  r.set_customer_id(customer);
  if (min_position) r.set_min_position(*min_position);
  return r;
}

std::vector<std::string> Types(const std::vector<v1::TimelineEntry>& entries) {
  std::vector<std::string> out;
  for (const v1::TimelineEntry& e : entries) out.push_back(e.type());
  return out;
}

class HistoryServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    CreateOrg();
  }

  grpc::Status List(const char* who, const v1::ListCustomerTimelineRequest& request,
                    v1::ListCustomerTimelineResponse* response) {
    auto context = As(who);
    return history_->ListCustomerTimeline(context.get(), request, response);
  }

  // One page, expected to succeed.
  std::vector<v1::TimelineEntry> Page(const char* who,
                                      const v1::ListCustomerTimelineRequest& request) {
    v1::ListCustomerTimelineResponse response;
    grpc::Status s = List(who, request, &response);
    EXPECT_TRUE(s.ok()) << Describe(s) << " for " << request.ShortDebugString();
    EXPECT_THAT(response.next_page_token(), IsEmpty()) << "expected a single page";
    return {response.entries().begin(), response.entries().end()};
  }

  // Every page of `request`, following next_page_token; `pages` counts them.
  std::vector<v1::TimelineEntry> AllPages(const char* who, v1::ListCustomerTimelineRequest request,
                                          int* pages) {
    std::vector<v1::TimelineEntry> out;
    *pages = 0;
    while (*pages < 100) {
      v1::ListCustomerTimelineResponse response;
      grpc::Status s = List(who, request, &response);
      EXPECT_TRUE(s.ok()) << Describe(s) << " on page " << *pages;
      if (!s.ok()) break;
      ++*pages;
      out.insert(out.end(), response.entries().begin(), response.entries().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return out;
  }

  // The status of a timeline read as `who`.
  grpc::Status Status(const char* who, const v1::ListCustomerTimelineRequest& request) {
    v1::ListCustomerTimelineResponse response;
    return List(who, request, &response);
  }
};

TEST_F(HistoryServiceTest, TheTimelineListsEveryChangeInOrderWithItsActorAndType) {
  Ok(kRep1, &Stub::RegisterCustomer, Registration("reg-c1", "c1", "r1", "恒达贸易", "13800138000"));
  Ok(kRep1, &Stub::LogFollowUp, FollowUp("call-1", "c1", "f1", "r1"));
  Ok(kRep1, &Stub::LogFollowUp, FollowUp("call-2", "c1", "f2", "r1"));
  Ok(kAdmin, &Stub::DefineProduct, OrderProduct());
  Ok(kRep1, &Stub::PlaceOrder, Order("order-1", "o1", "HT-2026-001", "c1", "r1"));
  Ok(kManagerSouth, &Stub::ApproveOrder, Approval("o1"));
  const uint64_t last = Ok(kRep1, &Stub::RecordPayment, Payment("o1", "pay1")).position();

  const std::vector<v1::TimelineEntry> entries = Page(kRep1, TimelineOf("c1", last));
  EXPECT_THAT(Types(entries), ElementsAre("crm.v1.CustomerRegistered", "crm.v1.FollowUpLogged",
                                          "crm.v1.FollowUpLogged", "crm.v1.OrderPlaced",
                                          "crm.v1.OrderApproved", "crm.v1.PaymentRecorded"));
  ASSERT_EQ(entries.size(), 6u);
  const char* actors[] = {"rep1", "rep1", "rep1", "rep1", "manager-south", "rep1"};
  const char* streams[] = {"customer-c1", "customer-c1", "customer-c1",
                           "order-o1",    "order-o1",    "order-o1"};
  for (size_t i = 0; i < entries.size(); ++i) {
    const v1::TimelineEntry& e = entries[i];
    EXPECT_EQ(e.actor(), actors[i]) << e.ShortDebugString();
    EXPECT_EQ(e.stream(), streams[i]) << e.ShortDebugString();
    EXPECT_EQ(e.customer_id(), "c1");
    EXPECT_THAT(e.summary(), Not(IsEmpty()));
    EXPECT_TRUE(e.has_occurred_time() && e.has_committed_time()) << e.ShortDebugString();
    EXPECT_GE(absl::FromUnixSeconds(e.committed_time().seconds()) + absl::Seconds(1),
              absl::FromUnixSeconds(e.occurred_time().seconds()))
        << "an event is committed after it was decided";
    if (i > 0) {
      EXPECT_GT(e.position(), entries[i - 1].position()) << "log order";
    }
  }
  EXPECT_EQ(entries[0].request_id(), "reg-c1");
  EXPECT_EQ(entries[1].request_id(), "call-1");
  EXPECT_EQ(entries[3].request_id(), "order-1");
  EXPECT_EQ(entries.back().position(), last);
  EXPECT_THAT(entries.back().summary(), HasSubstr("pay1"));
}

TEST_F(HistoryServiceTest, PagingFollowsTheTokensToTheEndWithoutGapsOrRepeats) {
  Ok(kRep1, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138000"));
  uint64_t last = 0;
  for (int i = 0; i < 6; ++i) {
    last =
        Ok(kRep1, &Stub::LogFollowUp, FollowUp("", "c1", "f" + std::to_string(i), "r1")).position();
  }
  const std::vector<v1::TimelineEntry> whole = Page(kViewerAll, TimelineOf("c1", last));
  ASSERT_EQ(whole.size(), 7u);

  v1::ListCustomerTimelineRequest paged = TimelineOf("c1");
  paged.set_page_size(2);
  int pages = 0;
  const std::vector<v1::TimelineEntry> walked = AllPages(kViewerAll, paged, &pages);
  EXPECT_EQ(pages, 4) << "7 entries, 2 a page";
  ASSERT_EQ(walked.size(), whole.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(walked[i].position(), whole[i].position()) << "entry " << i;
  }

  // A token belongs to its query: another customer or filter is refused.
  v1::ListCustomerTimelineResponse first;
  ASSERT_TRUE(List(kViewerAll, paged, &first).ok());
  v1::ListCustomerTimelineRequest other = paged;
  other.set_page_token(first.next_page_token());
  other.set_include_merged_duplicates(false);
  grpc::Status s = Status(kViewerAll, other);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("page_token"));
}

TEST_F(HistoryServiceTest, StartAndEndTimeSelectWhatOccurredInTheHalfOpenRange) {
  Ok(kRep1, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138000"));
  absl::SleepFor(absl::Milliseconds(5));  // commands are stamped by the server's clock
  const absl::Time t1 = absl::Now();
  absl::SleepFor(absl::Milliseconds(5));
  Ok(kRep1, &Stub::LogFollowUp, FollowUp("", "c1", "f1", "r1"));
  absl::SleepFor(absl::Milliseconds(5));
  const absl::Time t2 = absl::Now();
  absl::SleepFor(absl::Milliseconds(5));
  const uint64_t last = Ok(kRep1, &Stub::LogFollowUp, FollowUp("", "c1", "f2", "r1")).position();

  v1::ListCustomerTimelineRequest before = TimelineOf("c1", last);
  *before.mutable_end_time() = Stamp(t1);
  EXPECT_THAT(Types(Page(kRep1, before)), ElementsAre("crm.v1.CustomerRegistered"));

  v1::ListCustomerTimelineRequest between = TimelineOf("c1", last);
  *between.mutable_start_time() = Stamp(t1);
  *between.mutable_end_time() = Stamp(t2);
  std::vector<v1::TimelineEntry> entries = Page(kRep1, between);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_THAT(entries[0].summary(), HasSubstr("f1"));

  v1::ListCustomerTimelineRequest after = TimelineOf("c1", last);
  *after.mutable_start_time() = Stamp(t2);
  entries = Page(kRep1, after);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].position(), last);

  v1::ListCustomerTimelineRequest empty = TimelineOf("c1", last);
  *empty.mutable_start_time() = Stamp(t1);
  *empty.mutable_end_time() = Stamp(t1);
  EXPECT_THAT(Page(kRep1, empty), IsEmpty());
}

TEST_F(HistoryServiceTest, ScopesDecideWhoReadsATimelineWithoutLeakingWhichIdsExist) {
  Ok(kRep1, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138000"));
  const uint64_t last =
      Ok(kRep2, &Stub::RegisterCustomer, Registration("", "c2", "r2", "顺丰五金", "13900139000"))
          .position();
  auto code = [&](const char* who, const std::string& customer) {
    return Status(who, TimelineOf(customer, last)).error_code();
  };
  using grpc::StatusCode;
  // c1 is r1's (t-south); c2 is r2's (t-south-gz, under t-south).
  EXPECT_EQ(code(kRep1, "c1"), StatusCode::OK);
  EXPECT_EQ(code(kRep1, "c2"), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(code(kRep2, "c2"), StatusCode::OK);
  EXPECT_EQ(code(kManagerSouth, "c1"), StatusCode::OK);
  EXPECT_EQ(code(kManagerSouth, "c2"), StatusCode::OK) << "sub-teams are within the team";
  EXPECT_EQ(code(kManagerNorth, "c1"), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(code(kViewerAll, "c2"), StatusCode::OK);
  EXPECT_EQ(code(kAdmin, "c1"), StatusCode::OK);
  EXPECT_EQ(code(kAnalytics, "c1"), StatusCode::PERMISSION_DENIED) << "analytics reads the log";
  EXPECT_EQ(code(nullptr, "c1"), StatusCode::UNAUTHENTICATED);

  // Outside the scope and unknown read the same, up to the id itself.
  const grpc::Status hidden = Status(kRep2, TimelineOf("c1", last));
  const grpc::Status unknown = Status(kRep2, TimelineOf("nobody", last));
  EXPECT_EQ(hidden.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(unknown.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(absl::StrReplaceAll(hidden.error_message(), {{"c1", "<id>"}}),
            absl::StrReplaceAll(unknown.error_message(), {{"nobody", "<id>"}}));

  // Only scope all learns that an id does not exist.
  EXPECT_EQ(code(kAdmin, "nobody"), StatusCode::NOT_FOUND);
  EXPECT_EQ(code(kViewerAll, "nobody"), StatusCode::NOT_FOUND);
}

TEST_F(HistoryServiceTest, MinPositionShowsTheCallersOwnWriteAtOnce) {
  const uint64_t registered =
      Ok(kRep1, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138000"))
          .position();
  // The registration's position is that of its last event, a phone
  // reservation, which is not on the timeline; the customer's event is below.
  const std::vector<v1::TimelineEntry> first = Page(kRep1, TimelineOf("c1", registered));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_LE(first[0].position(), registered);
  for (int i = 0; i < 10; ++i) {
    const uint64_t logged =
        Ok(kRep1, &Stub::LogFollowUp, FollowUp("", "c1", "f" + std::to_string(i), "r1")).position();
    const std::vector<v1::TimelineEntry> entries = Page(kRep1, TimelineOf("c1", logged));
    ASSERT_EQ(entries.size(), static_cast<size_t>(i + 2)) << "after follow-up " << i;
    EXPECT_EQ(entries.back().position(), logged);
  }

  // A position the log has not reached: the call gives up at its deadline.
  auto context = As(kRep1);
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(300)));
  v1::ListCustomerTimelineResponse response;
  grpc::Status s =
      history_->ListCustomerTimeline(context.get(), TimelineOf("c1", 1000000), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << Describe(s);
}

TEST_F(HistoryServiceTest, MergedDuplicatesAreIncludedUnlessTurnedOff) {
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138000"));
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c2", "r1", "恒达贸易(广州)", ""));
  v1::MergeCustomersRequest merge;
  merge.mutable_command()->set_duplicate_customer_id("c2");
  merge.mutable_command()->set_survivor_customer_id("c1");
  const uint64_t merged = Ok(kAdmin, &Stub::MergeCustomers, merge).position();

  v1::ListCustomerTimelineRequest request = TimelineOf("c1", merged);
  bool saw_duplicate = false;
  for (const v1::TimelineEntry& e : Page(kRep1, request)) {
    saw_duplicate |= e.customer_id() == "c2";
  }
  EXPECT_TRUE(saw_duplicate) << "include_merged_duplicates is true when unset";

  request.set_include_merged_duplicates(false);
  for (const v1::TimelineEntry& e : Page(kRep1, request)) {
    EXPECT_EQ(e.customer_id(), "c1") << e.ShortDebugString();
  }
}

TEST_F(HistoryServiceTest, AMalformedRequestIsInvalidArgumentNamingTheField) {
  const uint64_t last =
      Ok(kRep1, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138000"))
          .position();
  struct Case {
    const char* field;
    v1::ListCustomerTimelineRequest request;
  };
  std::vector<Case> cases;
  cases.push_back({"customer_id", TimelineOf("")});
  cases.push_back({"customer_id", TimelineOf("c1/../c2")});
  {
    v1::ListCustomerTimelineRequest r = TimelineOf("c1");
    r.set_page_size(-1);
    cases.push_back({"page_size", r});
  }
  {
    v1::ListCustomerTimelineRequest r = TimelineOf("c1");
    r.mutable_start_time()->set_nanos(-5);
    cases.push_back({"start_time", r});
  }
  {
    v1::ListCustomerTimelineRequest r = TimelineOf("c1");
    r.mutable_end_time()->set_seconds(253402300800);  // 10000-01-01
    cases.push_back({"end_time", r});
  }
  {
    v1::ListCustomerTimelineRequest r = TimelineOf("c1");
    *r.mutable_start_time() = Stamp(absl::Now());
    *r.mutable_end_time() = Stamp(absl::Now() - absl::Hours(1));
    cases.push_back({"end_time", r});
  }
  {
    v1::ListCustomerTimelineRequest r = TimelineOf("c1");
    r.set_page_token("not-a-token");
    cases.push_back({"page_token", r});
  }
  for (const Case& c : cases) {
    const grpc::Status s = Status(kRep1, c.request);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << Describe(s) << " for " << c.request.ShortDebugString();
    EXPECT_THAT(s.error_message(), HasSubstr(c.field)) << c.request.ShortDebugString();
  }

  // Too large a page is capped, not refused (AIP-158).
  v1::ListCustomerTimelineRequest big = TimelineOf("c1", last);
  big.set_page_size(1000000);
  EXPECT_EQ(Page(kRep1, big).size(), 1u);

  // Authentication comes before the fields are judged.
  EXPECT_EQ(Status(nullptr, TimelineOf("")).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace crm::service::testing
