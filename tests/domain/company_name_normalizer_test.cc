#include "engine/domain/company_name_normalizer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace crm::engine::domain {
namespace {

using ::crm::testing::StatusIs;

std::string Key(absl::string_view name) {
  absl::StatusOr<std::string> key = NormalizeCompanyName(name);
  EXPECT_TRUE(key.ok()) << name << ": " << key.status();
  return key.ok() ? *key : "<error>";
}

TEST(CompanyNameNormalizerTest, LegalFormSuffixesAreIgnored) {
  EXPECT_EQ(Key("天宇物流集团有限公司"), "天宇物流集团");
  EXPECT_EQ(Key("天宇物流集团股份有限公司"), "天宇物流集团");
  EXPECT_EQ(Key("天宇物流集团有限责任公司"), "天宇物流集团");
  EXPECT_EQ(Key("天宇物流集团公司"), "天宇物流集团");
  EXPECT_EQ(Key("天宇物流集团"), "天宇物流集团");
}

TEST(CompanyNameNormalizerTest, WhitespaceAndFullWidthFormsAreFolded) {
  EXPECT_EQ(Key(" 天宇物流 集团　有限公司 "), "天宇物流集团");
  EXPECT_EQ(Key("华信科技（深圳）有限公司"), Key("华信科技(深圳)有限公司"));
  EXPECT_EQ(Key("ＡＢＣ科技"), "abc科技");
  EXPECT_EQ(Key("《星河》置业·有限公司"), "星河置业");
}

TEST(CompanyNameNormalizerTest, LatinNamesIgnoreCaseAndLegalWords) {
  EXPECT_EQ(Key("Huaxin Tech Co., Ltd."), "huaxintech");
  EXPECT_EQ(Key("HUAXIN TECH"), "huaxintech");
  EXPECT_EQ(Key("Huaxin Tech Limited"), "huaxintech");
  EXPECT_EQ(Key("华信科技 Co., Ltd."), "华信科技");
}

TEST(CompanyNameNormalizerTest, LatinSuffixIsOnlyDroppedAsAWholeWord) {
  EXPECT_EQ(Key("Gecco"), "gecco");
  EXPECT_EQ(Key("Intercorp Inc"), "intercorp");
}

TEST(CompanyNameNormalizerTest, WordsThatTellCompaniesApartAreKept) {
  EXPECT_NE(Key("天宇物流集团"), Key("天宇物流"));
  EXPECT_NE(Key("天宇物流深圳分公司"), Key("天宇物流"));
  EXPECT_NE(Key("深圳市华信科技"), Key("华信科技"));
}

TEST(CompanyNameNormalizerTest, NameOfOnlyASuffixOrPunctuationIsRejected) {
  for (absl::string_view name : {"", "  ", "有限公司", "（）", "公司", "\xc3"}) {
    EXPECT_THAT(NormalizeCompanyName(name), StatusIs(absl::StatusCode::kInvalidArgument)) << name;
  }
}

}  // namespace
}  // namespace crm::engine::domain
