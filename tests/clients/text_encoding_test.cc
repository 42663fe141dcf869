#include "clients/import/text_encoding.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace crm::clients {
namespace {

using ::crm::testing::StatusIs;
using ::testing::HasSubstr;

const char kHeader[] = "序号,客户公司,客户姓名,联系电话";

TEST(TextEncodingTest, Utf8WithOrWithoutBomIsTakenAsIs) {
  auto plain = DecodeToUtf8(kHeader, Encoding::kAuto);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->utf8, kHeader);
  EXPECT_EQ(plain->detected, Encoding::kUtf8);
  auto bom = DecodeToUtf8(std::string("\xEF\xBB\xBF") + kHeader, Encoding::kAuto);
  ASSERT_TRUE(bom.ok());
  EXPECT_EQ(bom->utf8, kHeader);
}

TEST(TextEncodingTest, Gb18030IsDetectedAndDecoded) {
  auto gbk = Utf8ToGb18030(kHeader);
  ASSERT_TRUE(gbk.ok());
  ASSERT_NE(*gbk, kHeader);  // really re-encoded
  auto decoded = DecodeToUtf8(*gbk, Encoding::kAuto);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->utf8, kHeader);
  EXPECT_EQ(decoded->detected, Encoding::kGb18030);
}

TEST(TextEncodingTest, ForcedUtf8OnGbkBytesSaysWhereAndSuggestsGb18030) {
  auto gbk = Utf8ToGb18030(kHeader);
  ASSERT_TRUE(gbk.ok());
  EXPECT_THAT(DecodeToUtf8(*gbk, Encoding::kUtf8),
              StatusIs(absl::StatusCode::kInvalidArgument, ("--encoding=gb18030")));
}

TEST(TextEncodingTest, BytesValidInNeitherEncodingAreRefused) {
  // 0xFF never appears in UTF-8 nor as a GB18030 lead byte.
  EXPECT_THAT(DecodeToUtf8(std::string("ab\xFF\xFF"), Encoding::kAuto),
              StatusIs(absl::StatusCode::kInvalidArgument, ("neither UTF-8 nor GB18030")));
}

TEST(TextEncodingTest, EncodingNamesParse) {
  EXPECT_EQ(*ParseEncoding("GBK"), Encoding::kGb18030);
  EXPECT_EQ(*ParseEncoding("utf-8"), Encoding::kUtf8);
  EXPECT_THAT(ParseEncoding("latin1"), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace crm::clients
