// The crmctl binary importing sheets into a store folder, as a person would
// run it: exit codes, the report, the errors CSV and its re-import, GB18030.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "clients/import/text_encoding.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/clients/crmctl_run.h"
#include "tests/support/temp_dir.h"

namespace {

using ::testing::HasSubstr;

using crm::clients::testing::CliRun;

CliRun Crmctl(const std::string& args) { return crm::clients::testing::RunCrmctl(args); }

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const char kSheet[] =
    "序号,客户公司,客户姓名,联系电话,首电日期,意向,二电日期,意向,业务员\n"
    "1,新纪元广告,陈杰,010-51081935,1月17日,有兴趣,1.25,有兴趣,李娜\n"
    "2,天宇物流集团,高娟,13075893910,2.21,考虑中,2.26,随便,李娜\n";

TEST(CrmctlImportTest, ABadRowStopsTheImportAndTheErrorsCsvCanBeFixedAndReimported) {
  crm::testing::TempDir dir;
  const std::string sheet = dir.path() + "/sheet.csv";
  const std::string errors = dir.path() + "/errors.csv";
  WriteFile(sheet, kSheet);
  const std::string common = absl::StrCat("--data-dir=", dir.path(), "/data --year=2026");

  CliRun refused =
      Crmctl(absl::StrCat("import followups ", sheet, " ", common, " --errors-csv=", errors));
  EXPECT_EQ(refused.code, 1) << refused.out;
  EXPECT_THAT(refused.out, HasSubstr("line 3, 意向 (column 8) \"随便\": unknown intent"));
  EXPECT_THAT(refused.out, HasSubstr("nothing was written"));
  const std::string rejected = ReadFile(errors);
  EXPECT_THAT(rejected, HasSubstr("导入问题"));
  EXPECT_THAT(rejected, HasSubstr("天宇物流集团"));
  EXPECT_THAT(rejected, ::testing::Not(HasSubstr("新纪元广告")));

  CliRun dry =
      Crmctl(absl::StrCat("import followups ", sheet, " ", common, " --dry-run --skip-invalid"));
  EXPECT_EQ(dry.code, 1) << dry.out;
  EXPECT_THAT(dry.out, HasSubstr("customers would be registered: 1"));

  CliRun first = Crmctl(absl::StrCat("import followups ", sheet, " ", common, " --skip-invalid"));
  EXPECT_EQ(first.code, 1) << first.out;  // problems were listed, the rest imported
  EXPECT_THAT(first.out, HasSubstr("customers registered: 1"));
  EXPECT_THAT(first.out, HasSubstr("follow-ups logged: 2"));

  // The person fixes the intent in the errors file and imports it as is.
  WriteFile(errors, absl::StrReplaceAll(rejected, {{",随便,", ",有兴趣,"}}));
  CliRun fixed = Crmctl(absl::StrCat("import followups ", errors, " ", common));
  EXPECT_EQ(fixed.code, 0) << fixed.out;
  EXPECT_THAT(fixed.out, HasSubstr("customers registered: 1"));
  EXPECT_THAT(fixed.out, HasSubstr("follow-ups logged: 2"));

  // Everything is in: the original sheet, with the intent fixed, adds nothing.
  WriteFile(sheet, absl::StrReplaceAll(kSheet, {{",随便,", ",有兴趣,"}}));
  CliRun again = Crmctl(absl::StrCat("import followups ", sheet, " ", common, " --json"));
  EXPECT_EQ(again.code, 0) << again.out;
  EXPECT_THAT(again.out, HasSubstr("\"customers_registered\":0"));
  EXPECT_THAT(again.out, HasSubstr("\"customers_matched\":2"));
  EXPECT_THAT(again.out, HasSubstr("\"follow_ups_logged\":0"));
  EXPECT_THAT(again.out, HasSubstr("\"follow_ups_already_there\":4"));
}

TEST(CrmctlImportTest, AGb18030SheetImportsLikeItsUtf8Twin) {
  crm::testing::TempDir dir;
  const std::string sheet = dir.path() + "/gbk.csv";
  auto gbk = crm::clients::Utf8ToGb18030(absl::StrReplaceAll(kSheet, {{",随便,", ",有兴趣,"}}));
  ASSERT_TRUE(gbk.ok());
  WriteFile(sheet, *gbk);
  CliRun run = Crmctl(
      absl::StrCat("import followups ", sheet, " --data-dir=", dir.path(), "/data --year=2026"));
  EXPECT_EQ(run.code, 0) << run.out;
  EXPECT_THAT(run.out, HasSubstr("customers registered: 2"));
}

TEST(CrmctlImportTest, AYearlessSheetWithoutYearSaysToPassOne) {
  crm::testing::TempDir dir;
  const std::string sheet = dir.path() + "/sheet.csv";
  WriteFile(sheet, kSheet);
  CliRun run =
      Crmctl(absl::StrCat("import followups ", sheet, " --data-dir=", dir.path(), "/data"));
  EXPECT_EQ(run.code, 1) << run.out;
  EXPECT_THAT(run.out, HasSubstr("pass --year"));
}

TEST(CrmctlEventsExportTest, EveryEventIsOneJsonLineInPositionOrderAndExportResumes) {
  crm::testing::TempDir dir;
  const std::string sheet = dir.path() + "/sheet.csv";
  WriteFile(sheet, absl::StrReplaceAll(kSheet, {{",随便,", ",有兴趣,"}}));
  const std::string data = absl::StrCat("--data-dir=", dir.path(), "/data");
  ASSERT_EQ(Crmctl(absl::StrCat("import followups ", sheet, " ", data, " --year=2026")).code, 0);

  const std::string all = dir.path() + "/all.jsonl";
  CliRun run = Crmctl(absl::StrCat("events export ", data, " --out=", all));
  ASSERT_EQ(run.code, 0) << run.out;
  std::istringstream lines(ReadFile(all));
  std::string line;
  int n = 0, follow_ups = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(line.rfind(absl::StrCat("{\"position\":", n, ","), 0), 0u) << line;
    if (line.find("\"type\":\"crm.v1.FollowUpLogged\"") != std::string::npos) {
      ++follow_ups;
      EXPECT_THAT(line, HasSubstr("\"intent\":\"INTENT_"));
      EXPECT_THAT(line, HasSubstr("\"actor\":\"crmctl:"));
    }
    ++n;
  }
  EXPECT_EQ(follow_ups, 4);
  EXPECT_THAT(run.out, HasSubstr(absl::StrCat(n, " events exported; resume with --from=", n)));

  // Resuming from the middle gives exactly the tail.
  CliRun tail = Crmctl(absl::StrCat("events export ", data, " --from=", n - 2));
  ASSERT_EQ(tail.code, 0);
  EXPECT_THAT(tail.out, HasSubstr(absl::StrCat("{\"position\":", n - 2, ",")));
  EXPECT_THAT(tail.out, HasSubstr("2 events exported"));
}

TEST(CrmctlImportTest, UnknownSheetKindAndMissingFileAreUsageErrors) {
  crm::testing::TempDir dir;
  EXPECT_EQ(Crmctl(absl::StrCat("import invoices x.csv --data-dir=", dir.path())).code, 2);
  CliRun missing = Crmctl(
      absl::StrCat("import followups ", dir.path(), "/nope.csv --data-dir=", dir.path(), "/data"));
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.out, HasSubstr("cannot read"));
}

}  // namespace
