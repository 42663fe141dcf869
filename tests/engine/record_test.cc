#include "engine/store/record.h"

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace crm::engine::record {
namespace {

using crm::testing::StatusIs;

TEST(RecordTest, EncodedRecordDecodesToTheSameEvent) {
  ProposedEvent e{EventId::Random(), "crm.v1.CustomerRegistered", std::string("da\0ta", 5),
                  "{\"actor\":\"rep-1\"}"};
  std::string rec = EncodeRecord("customer-1", e);
  PatchRecord(&rec, 41, 1700000000123456);
  auto view = DecodeRecord(rec);
  ASSERT_TRUE(view.ok()) << view.status();
  RecordedEvent out = ToRecordedEvent(*view, 99);
  EXPECT_EQ(out.id, e.id);
  EXPECT_EQ(out.stream, "customer-1");
  EXPECT_EQ(out.revision, 41u);
  EXPECT_EQ(out.position, 99u);
  EXPECT_EQ(out.recorded_us, 1700000000123456);
  EXPECT_EQ(out.type, e.type);
  EXPECT_EQ(out.data, e.data);
  EXPECT_EQ(out.metadata, e.metadata);
}

TEST(RecordTest, TruncatedOrForeignBytesAreDataLoss) {
  std::string rec = EncodeRecord("s-1", ProposedEvent{EventId::Random(), "t", "d", "m"});
  EXPECT_THAT(DecodeRecord(rec.substr(0, 10)), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodeRecord(rec.substr(0, 36)), StatusIs(absl::StatusCode::kDataLoss));
  std::string other = rec;
  other[0] = 7;
  EXPECT_THAT(DecodeRecord(other), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodeRecord(""), StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace crm::engine::record
