// crmctl report --server against a real crmd (CrmServer on 127.0.0.1:0) with
// both shared sheets imported through it: the files are those of the
// embedded report on the same store (compared cell by cell once crmd is
// stopped, read back by Debian's python3-openpyxl), the collection totals
// equal the balances view, and keys and options are refused clearly.

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/import/import_options.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/clients/crmctl_run.h"
#include "tests/service/crm_calls.h"
#include "tests/service/service_fixture.h"

namespace crm::clients {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace st = service::testing;
using testing::CliRun;
using testing::RunCrmctl;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every cell of an xlsx as read_xlsx.py prints it (Debian's python3, which
// has python3-openpyxl).
CliRun Cells(const std::string& xlsx) {
  return testing::RunCommand(absl::StrCat("/usr/bin/python3 ", CRM_READ_XLSX, " ", xlsx, " 2>&1"));
}

// The value read_xlsx.py prints for `cell` ("sheet|C6") in `cells`; "" when
// there is none. Formula cells have a "cached" line with the computed value.
std::string CellValue(const std::string& cells, const std::string& cell, bool cached = false) {
  const std::string prefix = absl::StrCat(cell, cached ? "|cached|" : "|");
  for (absl::string_view line : absl::StrSplit(cells, '\n')) {
    if (!absl::StartsWith(line, prefix)) continue;
    line.remove_prefix(prefix.size());
    return std::string(line.substr(0, line.find('|')));
  }
  return "";
}

// Minor units of a decimal amount as openpyxl prints it ("13700", "4999.5").
int64_t Fen(const std::string& text) {
  double value = 0;
  EXPECT_TRUE(absl::SimpleAtod(text, &value)) << "not a number: \"" << text << "\"";
  return static_cast<int64_t>(value * 100 + (value < 0 ? -0.5 : 0.5));
}

class CrmctlRemoteReportTest : public st::ServiceTest {
 protected:
  void SetUp() override {
    st::ServiceTest::SetUp();
    const std::string shared = CRM_SHARED_DATA_DIR;
    // Problem rows make the import exit 1 with --skip-invalid; what counts
    // is what it wrote.
    CliRun f = Crmctl(absl::StrCat("import followups ", shared,
                                   "/follow-up-sheet.csv --year=2026 --skip-invalid"));
    ASSERT_THAT(f.out, HasSubstr("customers registered: 19")) << f.out;
    CliRun p = Crmctl(absl::StrCat("import payments ", shared,
                                   "/collection-sheet.csv --unpaid-due=2026-12-31 "
                                   "--create-missing --skip-invalid"));
    ASSERT_THAT(p.out, HasSubstr("payments recorded: 6")) << p.out;
    last_ = LogSize() - 1;  // the last position
  }

  CliRun Crmctl(const std::string& args, const std::string& key = "key-admin") {
    return testing::RunCrmctlAgainst(server_->port(), key, args);
  }

  // crmctl report through crmd, its views caught up with the imports.
  CliRun Remote(const std::string& kind, const std::string& args,
                const std::string& key = "key-admin") {
    return Crmctl(absl::StrCat("report ", kind, " --min-position=", last_, " ", args), key);
  }

  // crmctl report on the stopped store; REQUIRES: StopCrmd().
  CliRun Embedded(const std::string& kind, const std::string& args) {
    return RunCrmctl(absl::StrCat("report ", kind, " --data-dir=", dir_.path(), "/data ", args));
  }

  // Releases the store, which crmd holds locked.
  void StopCrmd() {
    server_->Shutdown();
    server_.reset();
  }

  std::string Path(const std::string& name) { return dir_.path() + "/" + name; }

  uint64_t last_ = 0;
};

// One report run: its kind, its arguments, and the name of its files.
struct ReportRun {
  std::string kind;
  std::string args;
  std::string file;
};

TEST_F(CrmctlRemoteReportTest, EveryReportThroughCrmdIsTheFileTheStoppedStoreGives) {
  const std::vector<ReportRun> runs = {
      {"collection", "--from=2026-01-01 --to=2026-12-31", "collection"},
      {"collection", "--from=2026-01-01 --to=2026-12-31 --rep=李娜", "collection-li"},
      {"aging", "--from=2026-01-01 --to=2027-03-01", "aging"},
      {"aging", "--from=2026-01-01 --to=2027-03-01 --rep=李娜", "aging-li"},
      {"performance", "--from=2026-01-01 --to=2026-12-31", "performance"},
      {"pipeline", "--as-of=2026-06-01", "pipeline"},
  };
  for (const ReportRun& run : runs) {
    for (const char* format : {"xlsx", "csv"}) {
      const std::string out = Path(absl::StrCat("remote-", run.file, ".", format));
      CliRun r = Remote(run.kind, absl::StrCat(run.args, " --format=", format, " --out=", out));
      ASSERT_EQ(r.code, 0) << run.kind << " " << format << ": " << r.out;
    }
  }
  // What crmd gave, before the embedded runs are compared with it.
  const std::string remote_collection = Cells(Path("remote-collection.xlsx")).out;
  EXPECT_THAT(remote_collection, HasSubstr("sheets|汇总,张伟,李娜,王磊,赵敏\n"));
  EXPECT_THAT(remote_collection, HasSubstr("汇总|C2|13700|¥#,##0.00\n"));
  EXPECT_THAT(remote_collection, HasSubstr("汇总|C6|=SUM(C2:C5)|¥#,##0.00\n"));
  EXPECT_THAT(remote_collection, HasSubstr("汇总|freeze|A2|\n"));
  EXPECT_THAT(remote_collection, HasSubstr("赵敏|D2|2026-02-21|yyyy-mm-dd\n"));
  EXPECT_THAT(remote_collection, HasSubstr("赵敏|filter|A1:G2|\n"));
  EXPECT_THAT(ReadFile(Path("remote-collection-li.csv")), HasSubstr("合计,,,,17499.50,,"));
  EXPECT_EQ(ReadFile(Path("remote-collection.csv")).rfind("\xEF\xBB\xBF业务员,", 0), 0u);
  EXPECT_THAT(ReadFile(Path("remote-aging.csv")),
              HasSubstr("合计,,0.00,0.00,11599.00,0.00,0.00,0.00,11599.00\r\n"));
  EXPECT_THAT(ReadFile(Path("remote-performance.csv")),
              HasSubstr("合计,,,62,19,10,,117798.50,106199.50\r\n"));
  const std::string pipeline = ReadFile(Path("remote-pipeline.csv"));
  EXPECT_EQ(pipeline.rfind("\xEF\xBB\xBF客户编号,客户名称,联系人,业务员,意向,跟进次数,最近联系,"
                           "下次跟进,逾期天数\r\n",
                           0),
            0u)
      << pipeline;
  // 19 customers and the header.
  EXPECT_EQ(std::count(pipeline.begin(), pipeline.end(), '\n'), 20) << pipeline;

  StopCrmd();
  for (const ReportRun& run : runs) {
    for (const char* format : {"xlsx", "csv"}) {
      const std::string out = Path(absl::StrCat("embedded-", run.file, ".", format));
      CliRun r = Embedded(run.kind, absl::StrCat(run.args, " --format=", format, " --out=", out));
      ASSERT_EQ(r.code, 0) << run.kind << " " << format << ": " << r.out;
      const std::string remote = Path(absl::StrCat("remote-", run.file, ".", format));
      if (std::string(format) == "csv") {
        EXPECT_EQ(ReadFile(out), ReadFile(remote)) << run.kind << " " << run.args;
      } else {
        CliRun embedded_cells = Cells(out);
        ASSERT_EQ(embedded_cells.code, 0) << "needs python3-openpyxl: " << embedded_cells.out;
        EXPECT_EQ(embedded_cells.out, Cells(remote).out) << run.kind << " " << run.args;
      }
    }
  }
}

TEST_F(CrmctlRemoteReportTest, ARepsKeyGetsItsOwnAgingAsAScopeAllKeyFiltersIt) {
  // Rep r1 (team t-south) is credited with one order, 10,000.00 outstanding,
  // of a customer of its own.
  CreateOrg();
  Ok(st::kAdmin, &v1::CrmService::Stub::DefineProduct, st::OrderProduct());
  Ok(st::kAdmin, &v1::CrmService::Stub::RegisterCustomer,
     st::Registration("", "c-r1", "r1", "一号测试客户有限公司", "13900139001"));
  Ok(st::kAdmin, &v1::CrmService::Stub::PlaceOrder, st::Order("", "o-r1", "HT-R1", "c-r1", "r1"));
  v1::ApproveOrderRequest approve;
  approve.mutable_command()->set_order_id("o-r1");
  approve.mutable_command()->set_approver("admin");
  Ok(st::kAdmin, &v1::CrmService::Stub::ApproveOrder, approve);
  last_ = LogSize() - 1;

  const std::string args = "--from=2026-01-01 --to=2027-03-01 --rep=r1";
  for (const char* format : {"csv", "xlsx"}) {
    auto file = [&](const std::string& who) { return Path(absl::StrCat(who, ".", format)); };
    // r1's own key and its team's manager read r1's aging through crmd,
    // which a company-wide read would refuse them.
    for (const char* key : {"key-rep1", "key-manager-south", "key-admin"}) {
      CliRun r =
          Remote("aging", absl::StrCat(args, " --format=", format, " --out=", file(key)), key);
      ASSERT_EQ(r.code, 0) << key << " " << format << ": " << r.out;
    }
    const std::string admin =
        std::string(format) == "csv" ? ReadFile(file("key-admin")) : Cells(file("key-admin")).out;
    for (const char* key : {"key-rep1", "key-manager-south"}) {
      EXPECT_EQ(std::string(format) == "csv" ? ReadFile(file(key)) : Cells(file(key)).out, admin)
          << key << " " << format;
    }
  }

  // The file is r1's customer alone, with the row the company-wide report
  // has for it, and r1 alone among the reps.
  CliRun all =
      Remote("aging", "--from=2026-01-01 --to=2027-03-01 --format=csv --out=" + Path("all.csv"));
  ASSERT_EQ(all.code, 0) << all.out;
  const std::string row = "一号测试客户有限公司,CNY,10000.00,0.00,0.00,0.00,0.00,0.00,10000.00\r\n";
  EXPECT_THAT(ReadFile(Path("all.csv")), HasSubstr(row));
  const std::string own = ReadFile(Path("key-rep1.csv"));
  EXPECT_THAT(own, HasSubstr(row));
  EXPECT_EQ(std::count(own.begin(), own.end(), '\n'), 3) << "header, r1's customer, total\n" << own;
  const std::string cells = Cells(Path("key-rep1.xlsx")).out;
  EXPECT_THAT(cells, HasSubstr("按业务员|A2|r1|"));
  EXPECT_EQ(CellValue(cells, "按业务员|A3"), "合计") << cells;

  // Another rep's aging stays out of reach of r1's key.
  CliRun other = Remote(
      "aging", "--from=2026-01-01 --to=2027-03-01 --rep=r2 --format=csv --out=" + Path("r2.csv"),
      "key-rep1");
  EXPECT_EQ(other.code, 3) << other.out;
  EXPECT_THAT(other.out, HasSubstr("PERMISSION_DENIED"));
}

TEST_F(CrmctlRemoteReportTest, CollectionTotalsThroughCrmdEqualTheBalancesView) {
  const std::string xlsx = Path("collection.xlsx");
  CliRun r = Remote("collection", "--from=2000-01-01 --to=2030-12-31 --format=xlsx --out=" + xlsx);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("6 payments"));
  const CliRun cells = Cells(xlsx);
  ASSERT_EQ(cells.code, 0) << "needs python3-openpyxl: " << cells.out;

  // The same range from ReportsService: per rep, and the names the sheets use.
  v1::GetCollectionReportRequest request;
  *request.mutable_from_date() = st::Day(2000, 1, 1);
  *request.mutable_to_date() = st::Day(2030, 12, 31);
  request.set_min_position(last_);
  v1::GetCollectionReportResponse report;
  auto context = As(st::kViewerAll);
  grpc::Status s = reports_->GetCollectionReport(context.get(), request, &report);
  ASSERT_TRUE(s.ok()) << st::Describe(s);
  std::map<std::string, std::string> names;  // rep id -> name
  for (const v1::CollectionReportRow& row : report.rows()) names[row.rep_id()] = row.rep_name();
  ASSERT_EQ(names.size(), 4u);

  // The summary sheet lists the reps by name; find each one's row.
  std::map<std::string, int> summary_row;  // name -> row number
  for (int row = 2; row <= 5; ++row) {
    summary_row[CellValue(cells.out, absl::StrCat("汇总|A", row))] = row;
  }
  int64_t all_paid = 0;
  for (const v1::RepCollectionTotals& rep : report.rep_totals()) {
    ASSERT_EQ(rep.totals_size(), 1) << "one currency";
    // BalancesService as of the report's last day: paid net of reversals.
    v1::GetBalanceTotalsRequest totals_request;
    totals_request.set_rep_id(rep.rep_id());
    *totals_request.mutable_as_of() = st::Day(2030, 12, 31);
    totals_request.set_min_position(last_);
    v1::GetBalanceTotalsResponse totals;
    auto totals_context = As(st::kViewerAll);
    s = balances_->GetBalanceTotals(totals_context.get(), totals_request, &totals);
    ASSERT_TRUE(s.ok()) << st::Describe(s);
    ASSERT_EQ(totals.totals_size(), 1) << totals.ShortDebugString();
    const int64_t paid = totals.totals(0).paid().minor_units();
    EXPECT_EQ(rep.totals(0).amount().minor_units(), paid) << rep.rep_id();

    // And the orders one by one.
    v1::ListOrderBalancesRequest list;
    list.set_rep_id(rep.rep_id());
    *list.mutable_as_of() = st::Day(2030, 12, 31);
    int64_t orders_paid = 0;
    do {
      v1::ListOrderBalancesResponse page;
      auto list_context = As(st::kViewerAll);
      s = balances_->ListOrderBalances(list_context.get(), list, &page);
      ASSERT_TRUE(s.ok()) << st::Describe(s);
      for (const v1::OrderBalance& order : page.orders()) {
        if (!order.cancelled()) orders_paid += order.paid().minor_units();
      }
      list.set_page_token(page.next_page_token());
    } while (!list.page_token().empty());
    EXPECT_EQ(orders_paid, paid) << rep.rep_id();

    // The rep's row of the exported summary, and its own sheet's total.
    const std::string& name = names[rep.rep_id()];
    ASSERT_TRUE(summary_row.contains(name)) << name << " in\n" << cells.out;
    EXPECT_EQ(Fen(CellValue(cells.out, absl::StrCat("汇总|C", summary_row[name]))), paid) << name;
    EXPECT_EQ(CellValue(cells.out, absl::StrCat("汇总|B", summary_row[name])),
              absl::StrCat(rep.totals(0).payments()));
    const int rows = static_cast<int>(rep.totals(0).payments());
    EXPECT_EQ(Fen(CellValue(cells.out, absl::StrCat(name, "|E", rows + 2), true)), paid) << name;
    all_paid += paid;
  }
  // The summary's total row: SUM formulas whose cached values are the
  // balances view's.
  EXPECT_EQ(CellValue(cells.out, "汇总|C6"), "=SUM(C2:C5)");
  EXPECT_EQ(Fen(CellValue(cells.out, "汇总|C6", true)), all_paid);
  EXPECT_EQ(all_paid, 10619950) << "the hand-worked 106,199.50 of the collection sheet";
  ASSERT_EQ(report.totals_size(), 1);
  EXPECT_EQ(report.totals(0).amount().minor_units(), all_paid);
}

TEST_F(CrmctlRemoteReportTest, KeysAndOptionsAreRefusedClearly) {
  const std::string csv = Path("r.csv");
  // A rep key reads its own rep's report, not everyone's nor the aging.
  CliRun own =
      Remote("collection", "--from=2026-01-01 --rep=r1 --format=csv --out=" + csv, "key-rep1");
  EXPECT_EQ(own.code, 0) << own.out;
  EXPECT_THAT(own.out, HasSubstr("0 payments"));
  CliRun everyone = Remote("collection", "--from=2026-01-01 --format=csv --out=" + csv, "key-rep1");
  EXPECT_EQ(everyone.code, 3) << everyone.out;
  EXPECT_THAT(everyone.out, HasSubstr("PERMISSION_DENIED"));
  CliRun other =
      Remote("performance", "--from=2026-01-01 --rep=r2 --format=csv --out=" + csv, "key-rep1");
  EXPECT_EQ(other.code, 3) << other.out;
  EXPECT_THAT(other.out, HasSubstr("PERMISSION_DENIED"));
  CliRun aging = Remote("aging", "--from=2026-01-01 --format=csv --out=" + csv, "key-rep1");
  EXPECT_EQ(aging.code, 3) << aging.out;
  EXPECT_THAT(aging.out, HasSubstr("PERMISSION_DENIED"));
  // The raw-log key reads no customer data.
  CliRun analytics =
      Remote("collection", "--from=2026-01-01 --format=csv --out=" + csv, "key-analytics");
  EXPECT_EQ(analytics.code, 3) << analytics.out;
  CliRun wrong = Remote("collection", "--from=2026-01-01 --format=csv --out=" + csv, "key-nobody");
  EXPECT_EQ(wrong.code, 3) << wrong.out;
  EXPECT_THAT(wrong.out, HasSubstr("UNAUTHENTICATED"));

  // The person's mistakes: exit 2, nothing asked of crmd.
  CliRun no_from = Remote("collection", "--format=csv --out=" + csv);
  EXPECT_EQ(no_from.code, 2) << no_from.out;
  EXPECT_THAT(no_from.out, HasSubstr("--from=YYYY-MM-DD is required"));
  EXPECT_EQ(
      Remote("collection", "--from=2026-03-01 --to=2026-01-01 --format=csv --out=" + csv).code, 2);
  EXPECT_EQ(Remote("collection", "--from=2026-01-01 --format=pdf --out=x.pdf").code, 2);
  EXPECT_EQ(Remote("pipeline", "--rep=r1 --team=t1 --format=csv --out=" + csv).code, 2);
  EXPECT_EQ(Remote("pipeline", "--as-of=2026-02-30 --format=csv --out=" + csv).code, 2);
  EXPECT_EQ(Remote("funnel", "--from=2026-01-01 --format=csv --out=" + csv).code, 2);
  CliRun no_server = RunCrmctl("report collection --from=2026-01-01 --format=csv --out=" + csv +
                               " --server=127.0.0.1:1 --key=key-admin");
  EXPECT_EQ(no_server.code, 3) << no_server.out;
  EXPECT_THAT(no_server.out, HasSubstr("UNAVAILABLE"));
}

TEST_F(CrmctlRemoteReportTest, ThePipelineReportHasASummaryAndASheetPerOwner) {
  const std::string xlsx = Path("pipeline.xlsx");
  CliRun r = Remote("pipeline", "--as-of=2026-06-01 --format=xlsx --out=" + xlsx);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("19 customers"));
  const CliRun cells = Cells(xlsx);
  ASSERT_EQ(cells.code, 0) << cells.out;
  const std::string& t = cells.out;
  EXPECT_THAT(t, HasSubstr("汇总|A1|业务员|General\n"));
  EXPECT_THAT(t, HasSubstr("汇总|B1|客户数|General\n"));
  EXPECT_THAT(t, HasSubstr("汇总|freeze|A2|\n"));
  // One row per owner, and a total row whose customers add up to 19.
  std::string sheets = CellValue(t, "sheets");
  const std::vector<std::string> names = absl::StrSplit(sheets, ',');
  ASSERT_GE(names.size(), 2u) << t;
  const int total_row = static_cast<int>(names.size()) + 1;  // header + owners
  EXPECT_EQ(CellValue(t, absl::StrCat("汇总|A", total_row)), "合计") << t;
  EXPECT_EQ(CellValue(t, absl::StrCat("汇总|B", total_row), true), "19") << t;
  // An owner's sheet: dates as dates, the intent in the sheet's words.
  const std::string& owner = names[1];
  EXPECT_THAT(t, HasSubstr(absl::StrCat(owner, "|A1|客户编号|General\n")));
  EXPECT_THAT(t, HasSubstr(absl::StrCat(owner, "|freeze|A2|\n")));
  EXPECT_EQ(CellValue(t, absl::StrCat(owner, "|D2")), owner);
  EXPECT_THAT(t, HasSubstr(absl::StrCat(owner, "|G1|最近联系|General\n")));
  EXPECT_THAT(t, ::testing::ContainsRegex(owner + "\\|G[0-9]+\\|2026-[0-9-]+\\|yyyy-mm-dd\n")) << t;
  EXPECT_THAT(CellValue(t, absl::StrCat(owner, "|E2")),
              ::testing::AnyOf("未联系", "有兴趣", "需考虑", "拒绝", "已成交"));

  // One rep's pipeline as a CSV (--rep takes the id; the import made it from
  // the name): only that owner.
  const std::string csv = Path("pipeline.csv");
  CliRun one = Remote("pipeline", absl::StrCat("--rep=", StableId("rep", {owner}),
                                               " --as-of=2026-06-01 --format=csv --out=", csv));
  ASSERT_EQ(one.code, 0) << one.out;
  const std::string text = ReadFile(csv);
  int lines = 0;
  for (absl::string_view line : absl::StrSplit(text, "\r\n", absl::SkipEmpty())) {
    if (lines++ == 0) continue;
    const std::vector<std::string> fields = absl::StrSplit(line, ',');
    ASSERT_GE(fields.size(), 9u) << line;
    EXPECT_EQ(fields[3], owner) << line;
  }
  EXPECT_EQ(lines - 1, std::stoi(CellValue(t, "汇总|B2"))) << text;
  EXPECT_THAT(text, Not(HasSubstr("合计"))) << "no total of call counts";
}

}  // namespace
}  // namespace crm::clients
