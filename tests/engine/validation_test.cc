#include "engine/store/validation.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/engine/store_test_util.h"
#include "tests/support/status_matchers.h"

namespace crm::engine {
namespace {

using crm::testing::IsOk;
using crm::testing::StatusIs;
using testing::Event;
using testing::One;
constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;

TEST(ValidationTest, StreamNameRules) {
  StoreLimits limits;
  EXPECT_THAT(ValidateStreamName("customer-42", limits), IsOk());
  EXPECT_THAT(ValidateStreamName("客户-一号", limits), IsOk());
  EXPECT_THAT(ValidateStreamName(std::string(256, 'a'), limits), IsOk());
  EXPECT_THAT(ValidateStreamName("", limits), StatusIs(kInvalid, "empty"));
  EXPECT_THAT(ValidateStreamName(std::string(257, 'a'), limits), StatusIs(kInvalid, "257 bytes"));
  EXPECT_THAT(ValidateStreamName(std::string("a\0b", 3), limits), StatusIs(kInvalid, "control"));
  EXPECT_THAT(ValidateStreamName("a\nb", limits), StatusIs(kInvalid, "control"));
  EXPECT_THAT(ValidateStreamName("a\x7f", limits), StatusIs(kInvalid, "control"));
  EXPECT_THAT(ValidateStreamName("bad\xff", limits), StatusIs(kInvalid, "UTF-8"));
  EXPECT_THAT(ValidateStreamName("\xe4\xb8", limits), StatusIs(kInvalid, "UTF-8"));
  EXPECT_THAT(ValidateStreamName("\xc0\x80", limits), StatusIs(kInvalid, "UTF-8"));  // overlong
}

TEST(ValidationTest, AppendFieldsAreCheckedAndNamed) {
  StoreLimits limits;
  limits.max_event_bytes = 100;
  limits.max_metadata_bytes = 10;
  limits.max_events_per_append = 3;
  limits.max_streams_per_append = 2;
  limits.max_append_bytes = 150;

  EXPECT_THAT(ValidateAppend({}, limits), StatusIs(kInvalid, "no stream"));
  EXPECT_THAT(ValidateAppend(One("s-1", ExpectedRevision::Any(), {Event()}), limits), IsOk());

  auto nil = One("s-1", ExpectedRevision::Any(), {Event()});
  nil[0].events[0].id = EventId();
  EXPECT_THAT(ValidateAppend(nil, limits), StatusIs(kInvalid, "streams[0].events[0].id"));

  auto dup = One("s-1", ExpectedRevision::Any(), {Event(), Event()});
  dup[0].events[1].id = dup[0].events[0].id;
  EXPECT_THAT(ValidateAppend(dup, limits), StatusIs(kInvalid, "more than once"));

  auto no_type = One("s-1", ExpectedRevision::Any(), {Event("")});
  EXPECT_THAT(ValidateAppend(no_type, limits), StatusIs(kInvalid, "streams[0].events[0].type"));

  auto big_meta = One("s-1", ExpectedRevision::Any(), {Event()});
  big_meta[0].events[0].metadata = std::string(11, 'm');
  EXPECT_THAT(ValidateAppend(big_meta, limits), StatusIs(kInvalid, "metadata"));

  auto big = One("s-1", ExpectedRevision::Any(), {Event("t", std::string(100, 'x'))});
  EXPECT_THAT(ValidateAppend(big, limits), StatusIs(kInvalid, "limit is 100"));

  auto many = One("s-1", ExpectedRevision::Any(), {Event(), Event(), Event(), Event()});
  EXPECT_THAT(ValidateAppend(many, limits), StatusIs(kInvalid, "more than 3 events"));

  auto total = One("s-1", ExpectedRevision::Any(),
                   {Event("t", std::string(80, 'x')), Event("t", std::string(80, 'x'))});
  EXPECT_THAT(ValidateAppend(total, limits), StatusIs(kInvalid, "append is"));

  std::vector<StreamAppend> twice = {{"s-1", ExpectedRevision::Any(), {Event()}},
                                     {"s-1", ExpectedRevision::Any(), {Event()}}};
  EXPECT_THAT(ValidateAppend(twice, limits), StatusIs(kInvalid, "more than once"));

  std::vector<StreamAppend> three = {{"a-1", ExpectedRevision::Any(), {}},
                                     {"a-2", ExpectedRevision::Any(), {}},
                                     {"a-3", ExpectedRevision::Any(), {}}};
  EXPECT_THAT(ValidateAppend(three, limits), StatusIs(kInvalid, "3 streams"));

  auto bad_name = One("", ExpectedRevision::Any(), {Event()});
  EXPECT_THAT(ValidateAppend(bad_name, limits), StatusIs(kInvalid, "streams[0].stream"));

  auto bad_rev = One("s-1", ExpectedRevision::Exact(kNoRevision), {Event()});
  EXPECT_THAT(ValidateAppend(bad_rev, limits), StatusIs(kInvalid, "out of range"));
}

}  // namespace
}  // namespace crm::engine
