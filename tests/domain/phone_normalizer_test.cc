#include "engine/domain/phone_normalizer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace crm::engine::domain {
namespace {

using ::crm::testing::StatusIs;

std::string Key(absl::string_view raw) {
  absl::StatusOr<NormalizedPhone> p = NormalizePhone(raw);
  EXPECT_TRUE(p.ok()) << raw << ": " << p.status();
  return p.ok() ? p->key : "<error>";
}

TEST(PhoneNormalizerTest, MobileWrittenEveryWayGivesOneKey) {
  for (absl::string_view raw :
       {"13857390467", "138 5739 0467", "138-5739-0467", "+86 13857390467", "+86-138-5739-0467",
        "8613857390467", "0086 138 5739 0467", " 13857390467 ", "(+86) 138.5739.0467"}) {
    EXPECT_EQ(Key(raw), "13857390467") << raw;
  }
}

TEST(PhoneNormalizerTest, FullWidthDigitsAndSeparatorsAreFolded) {
  EXPECT_EQ(Key("１３９１２３４５６７８"), "13912345678");
  EXPECT_EQ(Key("＋８６　１３９－１２３４－５６７８"), "13912345678");
  EXPECT_EQ(Key("139—1234—5678"), "13912345678");  // em dashes from a word processor
}

TEST(PhoneNormalizerTest, MobileIsClassifiedAsMobile) {
  CRM_ASSERT_OK_AND_ASSIGN(NormalizedPhone p, NormalizePhone("13075893910"));
  EXPECT_EQ(p.kind, PhoneKind::kMobile);
  EXPECT_EQ(p.extension, "");
}

TEST(PhoneNormalizerTest, LandlineWithTwoDigitAreaCodeKeepsTrunkZero) {
  EXPECT_EQ(Key("010-51081935"), "01051081935");
  EXPECT_EQ(Key("(010) 5108 1935"), "01051081935");
  EXPECT_EQ(Key("+86 10 5108 1935"), "01051081935");
  EXPECT_EQ(Key("+86 (0)10 51081935"), "01051081935");
  EXPECT_EQ(Key("020-77196458"), "02077196458");
}

TEST(PhoneNormalizerTest, LandlineWithThreeDigitAreaCodeAcceptsSevenOrEightDigits) {
  EXPECT_EQ(Key("0571-46246886"), "057146246886");
  EXPECT_EQ(Key("0755-4903090"), "07554903090");
  CRM_ASSERT_OK_AND_ASSIGN(NormalizedPhone p, NormalizePhone("0571-46246886"));
  EXPECT_EQ(p.kind, PhoneKind::kLandline);
}

TEST(PhoneNormalizerTest, LandlineExtensionIsKeptApartFromTheKey) {
  for (absl::string_view raw :
       {"010-51081935-8001", "010-51081935转8001", "010 51081935 ext. 8001", "01051081935 x8001",
        "010-51081935 分机 8001", "010-51081935#8001"}) {
    CRM_ASSERT_OK_AND_ASSIGN(NormalizedPhone p, NormalizePhone(raw));
    EXPECT_EQ(p.key, "01051081935") << raw;
    EXPECT_EQ(p.extension, "8001") << raw;
  }
}

TEST(PhoneNormalizerTest, ServiceNumbersAreAccepted) {
  CRM_ASSERT_OK_AND_ASSIGN(NormalizedPhone p, NormalizePhone("400-812-3123"));
  EXPECT_EQ(p.kind, PhoneKind::kService);
  EXPECT_EQ(p.key, "4008123123");
}

TEST(PhoneNormalizerTest, ForeignNumbersKeepTheirCountryCode) {
  CRM_ASSERT_OK_AND_ASSIGN(NormalizedPhone p, NormalizePhone("+852 9123 4567"));
  EXPECT_EQ(p.kind, PhoneKind::kForeign);
  EXPECT_EQ(p.key, "0085291234567");
  EXPECT_EQ(Key("00852 9123 4567"), "0085291234567");
}

TEST(PhoneNormalizerTest, TooShortNumberIsRejected) {
  EXPECT_THAT(NormalizePhone("1380000"), StatusIs(absl::StatusCode::kInvalidArgument, "1380000"));
  EXPECT_THAT(NormalizePhone("1385739046"), StatusIs(absl::StatusCode::kInvalidArgument, "11"));
}

TEST(PhoneNormalizerTest, LandlineWithoutAreaCodeIsRejectedAsAmbiguous) {
  EXPECT_THAT(NormalizePhone("51081935"),
              StatusIs(absl::StatusCode::kInvalidArgument, "without an area code"));
}

TEST(PhoneNormalizerTest, MalformedValuesAreRejected) {
  for (absl::string_view raw : {"", "   ", "abc", "138573904a7", "1385739046712", "12857390467",
                                "010-0108193", "011-51081935", "0571-462468", "+", "138--",
                                "13857390467 x12", "010-51081935转", "\xff\xfe"}) {
    EXPECT_THAT(NormalizePhone(raw), StatusIs(absl::StatusCode::kInvalidArgument)) << raw;
  }
}

}  // namespace
}  // namespace crm::engine::domain
