// Runs the normalisers over ../shared/data/follow-up-sheet.csv, a sales
// sheet kept the messy way real ones are (see ../shared/README.md).
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/domain/company_name_normalizer.h"
#include "engine/domain/phone_normalizer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::engine::domain {
namespace {

struct Row {
  std::string number;  // 序号
  std::string company;
  std::string name;
  std::string phone;
};

// The sheet has no quoted fields; a quote would mean the file changed under
// us, which the row-count assertion below would catch.
std::vector<Row> ReadSheet(std::string* error) {
  const std::string path = std::string(CRM_SHARED_DATA_DIR) + "/follow-up-sheet.csv";
  std::ifstream in(path);
  if (!in) {
    *error = "missing test data: " + path + " (the shared folder must sit next to the repo)";
    return {};
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string content = buffer.str();
  absl::string_view text = content;
  absl::ConsumePrefix(&text, "\xEF\xBB\xBF");  // UTF-8 BOM
  std::vector<Row> rows;
  bool header = true;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripSuffix(line, "\r");
    if (header) {
      header = false;
      continue;
    }
    if (line.find_first_not_of(',') == absl::string_view::npos) continue;  // blank row
    std::vector<std::string> cells = absl::StrSplit(line, ',');
    cells.resize(9);
    rows.push_back(Row{cells[0], cells[1], cells[2], cells[3]});
  }
  return rows;
}

class FollowUpSheetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    rows_ = ReadSheet(&error);
    ASSERT_TRUE(error.empty()) << error;
    ASSERT_EQ(rows_.size(), 45u) << "the sheet changed; re-check these tests";
  }
  std::vector<Row> rows_;
};

TEST_F(FollowUpSheetTest, EveryWellFormedPhoneNormalisesAndOnlyTheBrokenOneFails) {
  std::vector<std::string> rejected;
  int accepted = 0;
  for (const Row& row : rows_) {
    if (row.phone.empty()) continue;
    absl::StatusOr<NormalizedPhone> p = NormalizePhone(row.phone);
    if (p.ok()) {
      ++accepted;
      EXPECT_THAT(p->key, ::testing::MatchesRegex("(1[3-9][0-9]{9})|(0[1-9][0-9]{9,10})"))
          << row.phone;
    } else {
      rejected.push_back(row.phone);
    }
  }
  EXPECT_EQ(accepted, 43);
  EXPECT_THAT(rejected, ::testing::ElementsAre("1380000"));  // row 45: 7 digits
}

TEST_F(FollowUpSheetTest, CustomerEnteredTwiceIsFoundByPhone) {
  std::map<std::string, std::vector<std::string>> rows_by_key;
  for (const Row& row : rows_) {
    absl::StatusOr<NormalizedPhone> p = NormalizePhone(row.phone);
    if (p.ok()) rows_by_key[p->key].push_back(row.number);
  }
  std::vector<std::vector<std::string>> duplicates;
  for (const auto& [key, numbers] : rows_by_key) {
    if (numbers.size() > 1) duplicates.push_back(numbers);
  }
  // Rows 6 and 41 are 郭娟 of 德润化工 entered twice.
  EXPECT_THAT(duplicates, ::testing::ElementsAre(::testing::ElementsAre("6", "41")));
}

TEST_F(FollowUpSheetTest, FullWidthAndPlus86PhonesMatchTheirPlainForm) {
  std::map<std::string, std::string> key_by_row;
  for (const Row& row : rows_) {
    absl::StatusOr<NormalizedPhone> p = NormalizePhone(row.phone);
    if (p.ok()) key_by_row[row.number] = p->key;
  }
  EXPECT_EQ(key_by_row["42"], "13912345678");  // １３９１２３４５６７８
  EXPECT_EQ(key_by_row["7"], "13108142912");   // +86 13108142912
  EXPECT_EQ(key_by_row["4"], "13857390467");   // 138 5739 0467
  EXPECT_EQ(key_by_row["1"], "01051081935");   // 010-51081935
}

TEST_F(FollowUpSheetTest, CompanyNamesWithAndWithoutLegalSuffixGroupTogether) {
  std::set<std::string> keys;
  int blank = 0;
  for (const Row& row : rows_) {
    if (row.company.empty()) {
      ++blank;
      continue;
    }
    absl::StatusOr<std::string> key = NormalizeCompanyName(row.company);
    ASSERT_TRUE(key.ok()) << row.company << ": " << key.status();
    keys.insert(*key);
  }
  EXPECT_EQ(blank, 1);  // row 43 has no company
  EXPECT_TRUE(keys.contains("华信科技"));
  EXPECT_TRUE(keys.contains("恒通贸易"));
  EXPECT_FALSE(keys.contains("华信科技有限公司"));
  EXPECT_EQ(keys.size(), 20u);
}

}  // namespace
}  // namespace crm::engine::domain
