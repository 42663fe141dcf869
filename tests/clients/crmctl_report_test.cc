// crmctl report collection after importing both shared sheets: the .xlsx is
// read back by an independent reader (Debian's python3-openpyxl) and the CSV
// checked as Excel would read it; totals are the hand-worked 106,199.50 the
// collection import test also finds in the orders.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/temp_dir.h"

namespace {

using ::testing::HasSubstr;

struct Output {
  int code = -1;
  std::string text;
};

Output Shell(const std::string& command) {
  Output out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.text.append(buffer, n);
  const int status = pclose(pipe);
  out.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CrmctlReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = absl::StrCat("--data-dir=", dir_.path(), "/data");
    const std::string shared = CRM_SHARED_DATA_DIR;
    Output f = Shell(absl::StrCat(CRMCTL_PATH, " import followups ", shared,
                                  "/follow-up-sheet.csv --year=2026 --skip-invalid ", data_));
    ASSERT_THAT(f.text, HasSubstr("customers registered: 19")) << f.text;
    Output p = Shell(absl::StrCat(CRMCTL_PATH, " import payments ", shared,
                                  "/collection-sheet.csv --unpaid-due=2026-12-31 --create-missing "
                                  "--skip-invalid ",
                                  data_));
    ASSERT_THAT(p.text, HasSubstr("payments recorded: 6")) << p.text;
  }

  Output Report(const std::string& args, const std::string& kind = "collection") {
    return Shell(absl::StrCat(CRMCTL_PATH, " report ", kind, " ", data_, " ", args));
  }

  crm::testing::TempDir dir_;
  std::string data_;
};

TEST_F(CrmctlReportTest, XlsxHasASummaryAndASheetPerRepWithNumbersDatesAndSumFormulas) {
  const std::string xlsx = dir_.path() + "/collection.xlsx";
  Output r = Report(absl::StrCat("--from=2026-01-01 --to=2026-12-31 --format=xlsx --out=", xlsx));
  ASSERT_EQ(r.code, 0) << r.text;
  EXPECT_THAT(r.text, HasSubstr("6 payments"));
  Output cells = Shell(absl::StrCat("/usr/bin/python3 ", CRM_READ_XLSX, " ", xlsx));
  ASSERT_EQ(cells.code, 0) << "needs Debian's python3-openpyxl: " << cells.text;
  const std::string& t = cells.text;
  EXPECT_THAT(t, HasSubstr("sheets|汇总,张伟,李娜,王磊,赵敏\n"));
  // Summary: per rep count and amount, SUM formulas in the total row.
  EXPECT_THAT(t, HasSubstr("汇总|A1|业务员|General\n"));
  EXPECT_THAT(t, HasSubstr("汇总|C2|13700|¥#,##0.00\n"));  // 张伟: 1200 + 12500
  EXPECT_THAT(t, HasSubstr("汇总|A6|合计|General\n"));
  EXPECT_THAT(t, HasSubstr("汇总|B6|=SUM(B2:B5)|General\n"));
  EXPECT_THAT(t, HasSubstr("汇总|C6|=SUM(C2:C5)|¥#,##0.00\n"));
  EXPECT_THAT(t, HasSubstr("汇总|freeze|A2|\n"));
  // A rep's sheet: the seed sheet's columns, a real date, money as a number.
  EXPECT_THAT(t, HasSubstr("赵敏|A1|业务员|General\n"));
  EXPECT_THAT(t, HasSubstr("赵敏|F1|回款状态|General\n"));
  EXPECT_THAT(t, HasSubstr("赵敏|C2|众诚会计师事务所|General\n"));
  EXPECT_THAT(t, HasSubstr("赵敏|D2|2026-02-21|yyyy-mm-dd\n"));
  EXPECT_THAT(t, HasSubstr("赵敏|E2|60000|¥#,##0.00\n"));
  EXPECT_THAT(t, HasSubstr("赵敏|F2|已回款|General\n"));
  EXPECT_THAT(t, HasSubstr("赵敏|E3|=SUM(E2:E2)|¥#,##0.00\n"));
  EXPECT_THAT(t, HasSubstr("赵敏|freeze|A2|\n"));
  EXPECT_THAT(t, HasSubstr("赵敏|filter|A1:G2|\n"));
  EXPECT_THAT(t, HasSubstr("李娜|E2|4999.5|¥#,##0.00\n"));
}

TEST_F(CrmctlReportTest, CsvHasABomRowsByDateAndATotalPerCurrency) {
  const std::string csv = dir_.path() + "/collection.csv";
  Output r = Report(absl::StrCat("--from=2026-01-01 --to=2026-03-31 --format=csv --out=", csv));
  ASSERT_EQ(r.code, 0) << r.text;
  const std::string text = ReadFile(csv);
  EXPECT_EQ(
      text.rfind("\xEF\xBB\xBF业务员,产品名称,客户名称,回款日期,回款金额,回款状态,币种\r\n", 0),
      0u);
  // January to March: 1200 + 15000 + 60000 + 12500.
  EXPECT_THAT(text, HasSubstr("张伟,企业版CRM年费,星河置业,2026-01-05,1200.00,已回款,CNY\r\n"));
  EXPECT_THAT(text, HasSubstr("合计,,,,88700.00,,\r\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("云帆软件")));  // paid in April
}

TEST_F(CrmctlReportTest, AgingPutsTheUnpaidReceivablesInTheirOverdueBucket) {
  // The four unpaid rows were imported due 2026-12-31 (--unpaid-due): on
  // 2027-03-01 they are 60 days overdue.
  const std::string csv = dir_.path() + "/aging.csv";
  Output r =
      Report(absl::StrCat("--from=2026-01-01 --to=2027-03-01 --format=csv --out=", csv), "aging");
  ASSERT_EQ(r.code, 0) << r.text;
  const std::string text = ReadFile(csv);
  EXPECT_THAT(text, HasSubstr("客户名称,币种,未到期,逾期1-30天,逾期31-60天,逾期61-90天,"
                              "逾期91-120天,逾期120天以上,合计\r\n"));
  EXPECT_THAT(text, HasSubstr("新纪元广告,CNY,0.00,0.00,5799.50,0.00,0.00,0.00,5799.50\r\n"));
  EXPECT_THAT(text, HasSubstr("合计,,0.00,0.00,11599.00,0.00,0.00,0.00,11599.00\r\n"));
  // Before the due date everything is current.
  Output before =
      Report(absl::StrCat("--from=2026-01-01 --to=2026-12-30 --format=csv --out=", csv), "aging");
  ASSERT_EQ(before.code, 0) << before.text;
  EXPECT_THAT(ReadFile(csv), HasSubstr("合计,,11599.00,0.00,0.00,0.00,0.00,0.00,11599.00\r\n"));

  const std::string xlsx = dir_.path() + "/aging.xlsx";
  ASSERT_EQ(
      Report(absl::StrCat("--from=2026-01-01 --to=2027-03-01 --format=xlsx --out=", xlsx), "aging")
          .code,
      0);
  Output cells = Shell(absl::StrCat("/usr/bin/python3 ", CRM_READ_XLSX, " ", xlsx));
  ASSERT_EQ(cells.code, 0) << cells.text;
  EXPECT_THAT(cells.text, HasSubstr("sheets|按客户,按业务员\n"));
  EXPECT_THAT(cells.text, HasSubstr("按业务员|E5|=SUM(E2:E4)|¥#,##0.00\n"));  // three reps owe
}

TEST_F(CrmctlReportTest, PerformanceCountsFollowUpsCustomersOrdersAndMoneyPerRepAndMonth) {
  const std::string csv = dir_.path() + "/performance.csv";
  Output r = Report(absl::StrCat("--from=2026-01-01 --to=2026-12-31 --format=csv --out=", csv),
                    "performance");
  ASSERT_EQ(r.code, 0) << r.text;
  const std::string text = ReadFile(csv);
  // 62 follow-ups and 19 customers (follow-up sheet), 10 orders worth
  // 106,199.50 paid + 11,599.00 unpaid, 106,199.50 collected.
  EXPECT_THAT(text, HasSubstr("合计,,,62,19,10,,117798.50,106199.50\r\n"));
  EXPECT_THAT(text, HasSubstr("赵敏,2026-02-01,2026-02-28,0,0,0,CNY,0.00,60000.00\r\n"));
}

TEST_F(CrmctlReportTest, PipelineListsEveryCustomerWithOwnerIntentAndLastContact) {
  const std::string csv = dir_.path() + "/pipeline.csv";
  Output r = Report(absl::StrCat("--as-of=2026-06-01 --format=csv --out=", csv), "pipeline");
  ASSERT_EQ(r.code, 0) << r.text;
  EXPECT_THAT(r.text, HasSubstr("19 customers"));
  const std::string text = ReadFile(csv);
  EXPECT_EQ(text.rfind("\xEF\xBB\xBF客户编号,客户名称,联系人,业务员,意向,跟进次数,最近联系,"
                       "下次跟进,逾期天数\r\n",
                       0),
            0u);
  // Four calls, the last on 2026-03-21 (有兴趣); no next call planned.
  // The owner by name (业务员), as managers know reps.
  EXPECT_THAT(text, HasSubstr("众诚会计师事务所,,赵敏,有兴趣,4,2026-03-21,,0\r\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("合计")));
  // --from and --to are for the other reports.
  EXPECT_EQ(Report("--from=2026-01-01 --format=csv --out=x.csv", "pipeline").code, 2);
}

TEST_F(CrmctlReportTest, OneRepsReportAndBadArgumentsAreHandled) {
  const std::string csv = dir_.path() + "/li.csv";
  Output r = Report(absl::StrCat("--from=2026-01-01 --rep=李娜 --format=csv --out=", csv));
  ASSERT_EQ(r.code, 0) << r.text;
  EXPECT_THAT(ReadFile(csv), HasSubstr("合计,,,,17499.50,,"));
  EXPECT_EQ(Report("--from=2026-02-30 --format=csv --out=x.csv").code, 2);
  EXPECT_EQ(Report("--from=2026-03-01 --to=2026-01-01 --format=csv --out=x.csv").code, 2);
  EXPECT_EQ(Report("--from=2026-01-01 --format=pdf --out=x.pdf").code, 2);
}

}  // namespace
