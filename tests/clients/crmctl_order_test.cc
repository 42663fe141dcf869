// `crmctl order`, `payment`, `balances` and `aging` against a real crmd
// (CrmServer on 127.0.0.1:0): what a sales person or finance clerk types,
// what crmd then holds, and clear failures. Reps r1 (team t-south) and r2
// (t-south-gz, below t-south) come from CreateOrg().
//
// Customer c1 (恒达贸易有限公司) is r1's, c3 (美达电器) r2's; product p-crm
// lists at 5,000.00 CNY. Most orders are 2 x p-crm = 10,000.00, due 4,000.00
// on 2030-03-31 and 6,000.00 on 2030-04-30.
#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "crm/v1/balances_service.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/clients/crmctl_run.h"
#include "tests/service/crm_calls.h"
#include "tests/service/service_fixture.h"

namespace crm::clients {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Stub = v1::CrmService::Stub;
namespace st = service::testing;

using testing::CliRun;

constexpr char kPlan[] = "--instalment=2030-03-31:4,000.00 --instalment=2030-04-30:¥6000";

// The position a write printed ("...; position 42"); 0 when none.
uint64_t PositionOf(const CliRun& run) {
  std::smatch m;
  uint64_t position = 0;
  if (std::regex_search(run.out, m, std::regex("; position ([0-9]+)"))) {
    (void)absl::SimpleAtoi(m[1].str(), &position);
  }
  return position;
}

// Each line of `out` parsed as `Message`; a line that does not parse fails
// the test.
template <typename Message>
std::vector<Message> JsonLines(const std::string& out) {
  std::vector<Message> messages;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    Message m;
    google::protobuf::util::JsonParseOptions options;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(std::string(line), &m, options).ok())
        << line;
    messages.push_back(m);
  }
  return messages;
}

class CrmctlOrderTest : public st::ServiceTest {
 protected:
  void SetUp() override {
    st::ServiceTest::SetUp();
    CreateOrg();
    Ok(st::kAdmin, &Stub::RegisterCustomer,
       st::Registration("", "c1", "r1", "恒达贸易有限公司", "13800138001"));
    Ok(st::kAdmin, &Stub::RegisterCustomer,
       st::Registration("", "c3", "r2", "美达电器", "13800138003"));
    v1::DefineProductRequest define;
    define.mutable_command()->set_product_id("p-crm");
    define.mutable_command()->set_name("企业版CRM年费");
    *define.mutable_command()->mutable_unit_price() = st::Cny(500000);
    Ok(st::kAdmin, &Stub::DefineProduct, define);
  }

  CliRun Crmctl(const std::string& args, const std::string& key = "key-admin") {
    return testing::RunCrmctlAgainst(server_->port(), key, args);
  }

  // Order `id` (2 x p-crm, kPlan) for `customer`, placed as `key` and
  // approved by the south manager; returns the position of the approval.
  uint64_t PlaceAndApprove(const std::string& id, const std::string& customer,
                           const std::string& key = "key-admin") {
    CliRun place = Crmctl(
        absl::StrCat("order place --customer=", customer,
                     " --product=p-crm --quantity=2 --signed-on=2026-03-01 --id=", id, " ", kPlan),
        key);
    EXPECT_EQ(place.code, 0) << place.out;
    CliRun approve = Crmctl(absl::StrCat("order approve ", id), "key-manager-south");
    EXPECT_EQ(approve.code, 0) << approve.out;
    return PositionOf(approve);
  }

  // The order's balance as of `as_of`, read through crmctl order show --json.
  v1::OrderBalance Balance(const std::string& order, const std::string& as_of, uint64_t position) {
    CliRun run = Crmctl(absl::StrCat("order show ", order, " --json --as-of=", as_of,
                                     " --min-position=", position));
    EXPECT_EQ(run.code, 0) << run.out;
    std::vector<v1::OrderBalance> lines = JsonLines<v1::OrderBalance>(run.out);
    return lines.size() == 1 ? lines[0] : v1::OrderBalance();
  }
};

TEST_F(CrmctlOrderTest, APaymentShowsInTheOrderAndTheBalancesAsPaidAndOutstanding) {
  CliRun place = Crmctl(absl::StrCat("order place --customer=c1 --product=p-crm --quantity=2 "
                                     "--id=o1 --contract=HT-001 --signed-on=2026-03-01 ",
                                     kPlan),
                        "key-rep1");
  ASSERT_EQ(place.code, 0) << place.out;
  EXPECT_THAT(place.out, HasSubstr("order o1 placed: customer c1, 2 x 企业版CRM年费 at 5,000.00 = "
                                   "10,000.00 CNY in 2 instalments, rep r1; position "));
  CliRun approve = Crmctl("order approve o1", "key-manager-south");
  ASSERT_EQ(approve.code, 0) << approve.out;
  EXPECT_THAT(approve.out, HasSubstr("order o1 approved by "));

  CliRun pay = Crmctl(absl::StrCat("payment record o1 --amount=3,000.00 --paid-on=2030-03-20 "
                                   "--method=现金 --id=pay1 --min-position=",
                                   PositionOf(approve)),
                      "key-rep1");
  ASSERT_EQ(pay.code, 0) << pay.out;
  EXPECT_THAT(pay.out, HasSubstr("payment pay1 of 3,000.00 CNY recorded on order o1, paid "
                                 "2030-03-20 by cash; position "));
  const uint64_t paid = PositionOf(pay);
  ASSERT_GT(paid, PositionOf(approve));

  CliRun show =
      Crmctl(absl::StrCat("order show o1 --as-of=2030-03-20 --min-position=", paid), "key-rep1");
  ASSERT_EQ(show.code, 0) << show.out;
  EXPECT_THAT(show.out, HasSubstr("order o1 (contract HT-001), customer c1, rep r1, placed "
                                  "2026-03-01: approved, not shipped"));
  EXPECT_THAT(show.out, HasSubstr("as of 2030-03-20: amount 10,000.00 CNY, paid 3,000.00, "
                                  "outstanding 7,000.00: 部分回款"));
  EXPECT_THAT(show.out, HasSubstr("1   2030-03-31       4,000.00       3,000.00       1,000.00 "
                                  "部分回款"));
  EXPECT_THAT(show.out, HasSubstr("2   2030-04-30       6,000.00           0.00       6,000.00 "
                                  "未回款"));

  const v1::OrderBalance balance = Balance("o1", "2030-03-20", paid);
  EXPECT_EQ(balance.paid().minor_units(), 300000);
  EXPECT_EQ(balance.outstanding().minor_units(), 700000);
  EXPECT_EQ(balance.status(), v1::PAYMENT_STATUS_PARTIAL);
  ASSERT_EQ(balance.instalments_size(), 2);
  EXPECT_EQ(balance.instalments(0).paid().minor_units(), 300000);

  CliRun table =
      Crmctl(absl::StrCat("balances --customer=c1 --as-of=2030-03-20 --min-position=", paid));
  ASSERT_EQ(table.code, 0) << table.out;
  EXPECT_THAT(table.out, HasSubstr("customer c1 as of 2030-03-20: 1 orders"));
  EXPECT_THAT(table.out, HasSubstr("HT-001"));
  EXPECT_THAT(table.out, HasSubstr("total CNY: 1 orders, amount 10,000.00, paid 3,000.00, "
                                   "outstanding 7,000.00, overdue 0.00"));

  // After the first due date the unpaid 1,000.00 is overdue.
  CliRun json =
      Crmctl(absl::StrCat("balances --rep=r1 --as-of=2030-04-05 --json --min-position=", paid),
             "key-rep1");
  ASSERT_EQ(json.code, 0) << json.out;
  std::vector<std::string> lines = absl::StrSplit(json.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << json.out;
  v1::OrderBalance order = JsonLines<v1::OrderBalance>(lines[0])[0];
  EXPECT_EQ(order.order_id(), "o1");
  EXPECT_EQ(order.status(), v1::PAYMENT_STATUS_OVERDUE);
  v1::BalanceTotals totals = JsonLines<v1::BalanceTotals>(lines[1])[0];
  EXPECT_EQ(totals.outstanding().minor_units(), 700000);
  EXPECT_EQ(totals.overdue().minor_units(), 100000);
}

TEST_F(CrmctlOrderTest, TheSameRequestIdTwiceWritesOnce) {
  const std::string place =
      "order place --customer=c1 --product=p-crm --quantity=1 "
      "--due=2030-06-30 --request-id=place-1";
  CliRun first = Crmctl(place);
  ASSERT_EQ(first.code, 0) << first.out;
  std::smatch id;
  ASSERT_TRUE(std::regex_search(first.out, id, std::regex("order (o-[0-9a-f]+) placed")));
  const std::string order = id[1].str();
  CliRun again = Crmctl(place);
  ASSERT_EQ(again.code, 0) << again.out;
  EXPECT_THAT(again.out, HasSubstr(absl::StrCat("order ", order, " placed")));
  EXPECT_THAT(again.out, HasSubstr("already done: nothing new written"));

  CliRun approve = Crmctl(absl::StrCat("order approve ", order));
  ASSERT_EQ(approve.code, 0) << approve.out;
  const std::string pay = absl::StrCat("payment record ", order,
                                       " --amount=1,000 --paid-on=2030-03-01 --request-id=pay-1 "
                                       "--json --min-position=",
                                       PositionOf(approve));
  CliRun paid = Crmctl(pay);
  ASSERT_EQ(paid.code, 0) << paid.out;
  EXPECT_THAT(paid.out, HasSubstr("\"request_id\":\"pay-1\""));
  EXPECT_THAT(paid.out, Not(HasSubstr("already_done")));
  CliRun paid_again = Crmctl(pay);
  ASSERT_EQ(paid_again.code, 0) << paid_again.out;
  EXPECT_THAT(paid_again.out, HasSubstr("\"already_done\":true"));

  CliRun balances = Crmctl("balances --customer=c1 --json --as-of=2030-03-01");
  ASSERT_EQ(balances.code, 0) << balances.out;
  std::vector<std::string> lines = absl::StrSplit(balances.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << "one order, one totals line: " << balances.out;
  v1::OrderBalance balance = JsonLines<v1::OrderBalance>(lines[0])[0];
  EXPECT_EQ(balance.order_id(), order);
  EXPECT_EQ(balance.paid().minor_units(), 100000) << "the payment was recorded once";
  EXPECT_EQ(balance.amount().minor_units(), 500000);
}

TEST_F(CrmctlOrderTest, ARepCannotWriteForAnotherRepsCustomer) {
  const uint64_t approved = PlaceAndApprove("o3", "c3");
  CliRun pay =
      Crmctl(absl::StrCat("payment record o3 --amount=100 --min-position=", approved), "key-rep1");
  EXPECT_EQ(pay.code, 3) << pay.out;
  EXPECT_THAT(pay.out, HasSubstr("crmctl payment record: crmd answered PERMISSION_DENIED"));
  EXPECT_EQ(Balance("o3", "2030-03-01", approved).paid().minor_units(), 0);

  CliRun place =
      Crmctl("order place --customer=c3 --product=p-crm --quantity=1 --due=2030-06-30 --id=o4",
             "key-rep1");
  EXPECT_EQ(place.code, 3) << place.out;
  EXPECT_THAT(place.out, HasSubstr("PERMISSION_DENIED"));
  EXPECT_EQ(Crmctl("order show o4").code, 3) << "nothing was placed";
}

TEST_F(CrmctlOrderTest, BadAmountsDatesAndPlansExitTwoNamingTheFlagAndWriteNothing) {
  const uint64_t approved = PlaceAndApprove("o1", "c1");
  const std::string pay = "payment record o1 --paid-on=2030-03-20 ";
  for (const auto& [flags, named] : std::vector<std::pair<std::string, std::string>>{
           {"--amount=12.345", "--amount: \"12.345\" is not an amount: more than two decimals"},
           {"--amount=abc", "--amount: \"abc\" is not an amount"},
           {"--amount=1,00", "--amount: \"1,00\" is not an amount: misplaced thousands separator"},
           {"--amount=0", "--amount: \"0\" must be more than 0"},
           {"--amount=-5", "--amount: \"-5\" must be more than 0"},
           {"", "--amount=AMOUNT is required"},
           {"--amount=100 --paid-on=2030-02-30", "--paid-on=2030-02-30: not a YYYY-MM-DD date"},
           {"--amount=100 --method=bitcoin", "--method=bitcoin: bank, cash, cheque"},
           {"--amount=100 --instalment=first", "--instalment=first"},
       }) {
    CliRun run = Crmctl(pay + flags);
    EXPECT_EQ(run.code, 2) << flags << ": " << run.out;
    EXPECT_THAT(run.out, HasSubstr(named)) << flags;
  }
  EXPECT_EQ(Balance("o1", "2030-03-20", approved).paid().minor_units(), 0);

  const std::string place = "order place --customer=c1 --product=p-crm --id=o-bad ";
  for (const auto& [flags, named] : std::vector<std::pair<std::string, std::string>>{
           {"--quantity=2 --price=1.234 --due=2030-06-30", "--price: \"1.234\" is not an amount"},
           {"--quantity=two --due=2030-06-30", "--quantity=two: a whole number of units"},
           {"--quantity=2", "give the payment plan"},
           {"--quantity=2 --due=2030-06-30 --instalment=2030-06-30:10000", "give the payment plan"},
           {"--quantity=2 --due=30.6.2030", "--due=30.6.2030: not a YYYY-MM-DD date"},
           {"--quantity=2 --instalment=2030-03-31:4000 --instalment=2030-04-30:5,000",
            "--instalment: the instalments add up to 9,000.00 but the order is 10,000.00 CNY (2 x "
            "5,000.00)"},
           {"--quantity=2 --instalment=2030-03-31",
            "--instalment=2030-03-31: expected "
            "YYYY-MM-DD:AMOUNT"},
       }) {
    CliRun run = Crmctl(place + flags);
    EXPECT_EQ(run.code, 2) << flags << ": " << run.out;
    EXPECT_THAT(run.out, HasSubstr(named)) << flags;
  }
  CliRun show = Crmctl("order show o-bad");
  EXPECT_EQ(show.code, 3) << show.out;
  EXPECT_THAT(show.out, HasSubstr("NOT_FOUND"));
}

TEST_F(CrmctlOrderTest, AgingPutsEachOverdueInstalmentInItsBucket) {
  const uint64_t approved = PlaceAndApprove("o1", "c1");
  CliRun pay =
      Crmctl(absl::StrCat("payment record o1 --amount=1000 --paid-on=2030-03-20 "
                          "--min-position=",
                          approved));
  ASSERT_EQ(pay.code, 0) << pay.out;
  const uint64_t paid = PositionOf(pay);

  // As of 2030-05-10: 3,000.00 of instalment 1 is 40 days late, all 6,000.00
  // of instalment 2 is 10 days late.
  CliRun json = Crmctl(absl::StrCat("aging --as-of=2030-05-10 --json --min-position=", paid),
                       "key-viewer-all");
  ASSERT_EQ(json.code, 0) << json.out;
  std::vector<v1::AgingRow> rows = JsonLines<v1::AgingRow>(json.out);
  ASSERT_EQ(rows.size(), 1u) << json.out;
  EXPECT_EQ(rows[0].customer_id(), "c1");
  EXPECT_EQ(rows[0].current().minor_units(), 0);
  EXPECT_EQ(rows[0].days_1_to_30().minor_units(), 600000);
  EXPECT_EQ(rows[0].days_31_to_60().minor_units(), 300000);
  EXPECT_EQ(rows[0].total().minor_units(), 900000);

  CliRun table = Crmctl(absl::StrCat("aging --as-of=2030-05-10 --min-position=", paid));
  ASSERT_EQ(table.code, 0) << table.out;
  EXPECT_THAT(table.out, HasSubstr("receivables aging as of 2030-05-10, by customer: 1 rows"));
  EXPECT_THAT(table.out, HasSubstr("恒达贸易有限公司"));
  EXPECT_THAT(table.out, HasSubstr("      6,000.00       3,000.00           0.00"));

  // Before the first due date everything is current.
  CliRun by_rep =
      Crmctl(absl::StrCat("aging --by=rep --as-of=2030-03-25 --json --min-position=", paid));
  ASSERT_EQ(by_rep.code, 0) << by_rep.out;
  rows = JsonLines<v1::AgingRow>(by_rep.out);
  ASSERT_EQ(rows.size(), 1u) << by_rep.out;
  EXPECT_EQ(rows[0].rep_id(), "r1");
  EXPECT_EQ(rows[0].current().minor_units(), 900000);

  CliRun rep = Crmctl("aging", "key-rep1");
  EXPECT_EQ(rep.code, 3) << rep.out;
  EXPECT_THAT(rep.out, HasSubstr("PERMISSION_DENIED"));
}

TEST_F(CrmctlOrderTest, AgingOfARepOrATeamShowsOnlyTheirOrders) {
  PlaceAndApprove("o1", "c1");                        // r1, team t-south
  const uint64_t last = PlaceAndApprove("o3", "c3");  // r2, team t-south-gz
  const std::string when = absl::StrCat(" --as-of=2030-05-10 --min-position=", last);

  // A rep reads its own aging, not another rep's.
  CliRun mine = Crmctl("aging --rep=r1 --json" + when, "key-rep1");
  ASSERT_EQ(mine.code, 0) << mine.out;
  std::vector<v1::AgingRow> rows = JsonLines<v1::AgingRow>(mine.out);
  ASSERT_EQ(rows.size(), 1u) << mine.out;
  EXPECT_EQ(rows[0].customer_id(), "c1");
  EXPECT_EQ(rows[0].total().minor_units(), 1000000);
  CliRun table = Crmctl("aging --rep=r1" + when, "key-rep1");
  ASSERT_EQ(table.code, 0) << table.out;
  EXPECT_THAT(table.out,
              HasSubstr("receivables aging as of 2030-05-10, by customer, of rep r1: 1 rows"));
  CliRun theirs = Crmctl("aging --rep=r2" + when, "key-rep1");
  EXPECT_EQ(theirs.code, 3) << theirs.out;
  EXPECT_THAT(theirs.out, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(theirs.out, HasSubstr("rep_id"));

  // A manager reads the team's, its sub-team's reps included.
  CliRun team = Crmctl("aging --by=rep --team=t-south --json" + when, "key-manager-south");
  ASSERT_EQ(team.code, 0) << team.out;
  rows = JsonLines<v1::AgingRow>(team.out);
  ASSERT_EQ(rows.size(), 2u) << team.out;
  EXPECT_EQ(rows[0].rep_id(), "r1");
  EXPECT_EQ(rows[1].rep_id(), "r2");
  CliRun north = Crmctl("aging --team=t-south" + when, "key-manager-north");
  EXPECT_EQ(north.code, 3) << north.out;
  EXPECT_THAT(north.out, HasSubstr("team_id"));

  CliRun both = Crmctl("aging --rep=r1 --team=t-south");
  EXPECT_EQ(both.code, 2) << both.out;
  EXPECT_THAT(both.out, HasSubstr("at most one of --rep=R, --team=T"));
}

TEST_F(CrmctlOrderTest, BalancesOfATeamListItsRepsOrdersAndTheirTotals) {
  PlaceAndApprove("o1", "c1");
  const uint64_t last = PlaceAndApprove("o3", "c3");
  CliRun team =
      Crmctl(absl::StrCat("balances --team=t-south --as-of=2030-05-10 --min-position=", last),
             "key-manager-south");
  ASSERT_EQ(team.code, 0) << team.out;
  EXPECT_THAT(team.out, HasSubstr("team t-south (with its sub-teams) as of 2030-05-10: 2 orders"));
  EXPECT_THAT(team.out, HasSubstr("total CNY: 2 orders, amount 20,000.00, paid 0.00, "
                                  "outstanding 20,000.00"));
  CliRun north = Crmctl("balances --team=t-south", "key-manager-north");
  EXPECT_EQ(north.code, 3) << north.out;
  EXPECT_THAT(north.out, HasSubstr("PERMISSION_DENIED"));
}

TEST_F(CrmctlOrderTest, ReversingAPaymentWithoutAnAmountTakesBackAllThatRemains) {
  const uint64_t approved = PlaceAndApprove("o1", "c1");
  CliRun pay =
      Crmctl(absl::StrCat("payment record o1 --amount=3,000.00 --paid-on=2026-03-20 "
                          "--instalment=1 --id=pay1 --min-position=",
                          approved));
  ASSERT_EQ(pay.code, 0) << pay.out;
  const std::string reverse = "payment reverse o1 pay1 --reason=退票 --min-position=";

  // Part of it first, checked against what the payment holds.
  CliRun too_much = Crmctl(absl::StrCat(reverse, PositionOf(pay), " --amount=3,000.01"));
  EXPECT_EQ(too_much.code, 2) << too_much.out;
  EXPECT_THAT(too_much.out, HasSubstr("more than what remains of payment pay1, 3,000.00 CNY"));
  CliRun part = Crmctl(absl::StrCat(reverse, PositionOf(pay), " --amount=1,000"));
  ASSERT_EQ(part.code, 0) << part.out;
  EXPECT_THAT(part.out, HasSubstr("1,000.00 CNY of payment pay1 on order o1 reversed; position"));

  // Then the rest, read from the order's balance.
  CliRun rest = Crmctl(absl::StrCat(reverse, PositionOf(part)), "key-manager-south");
  ASSERT_EQ(rest.code, 0) << rest.out;
  EXPECT_THAT(rest.out, HasSubstr("2,000.00 CNY of payment pay1 on order o1 reversed (all that "
                                  "remained)"));
  const v1::OrderBalance balance = Balance("o1", "2030-01-01", PositionOf(rest));
  EXPECT_EQ(balance.paid().minor_units(), 0);
  EXPECT_EQ(balance.outstanding().minor_units(), 1000000);
  ASSERT_EQ(balance.payments_size(), 1);
  EXPECT_TRUE(balance.payments(0).reversed());
  EXPECT_EQ(balance.payments(0).reversed_amount().minor_units(), 300000);
  ASSERT_EQ(balance.payments(0).reversals_size(), 2);
  EXPECT_EQ(balance.payments(0).reversals(1).reason(), "退票");

  CliRun show = Crmctl(absl::StrCat("order show o1 --min-position=", PositionOf(rest)));
  ASSERT_EQ(show.code, 0) << show.out;
  EXPECT_THAT(show.out, HasSubstr("pay1    2026-03-20 1         3,000.00       3,000.00           "
                                  "0.00 已冲销"));
  EXPECT_THAT(show.out, HasSubstr("reversed 2,000.00 on "));

  // Nothing is left: a further reversal is refused before crmd is asked.
  CliRun again = Crmctl(absl::StrCat(reverse, PositionOf(rest)));
  EXPECT_EQ(again.code, 2) << again.out;
  EXPECT_THAT(again.out, HasSubstr("payment pay1 on order o1 is already reversed in full"));
  EXPECT_EQ(Balance("o1", "2030-01-01", PositionOf(rest)).payments(0).reversals_size(), 2);
}

TEST_F(CrmctlOrderTest, ARetriedReversalWithTheSameRequestIdIsAlreadyDoneNotRefused) {
  const uint64_t approved = PlaceAndApprove("o1", "c1");
  CliRun pay =
      Crmctl(absl::StrCat("payment record o1 --amount=3,000.00 --paid-on=2026-03-20 "
                          "--id=pay1 --min-position=",
                          approved));
  ASSERT_EQ(pay.code, 0) << pay.out;
  // A script reverses all of it, loses the answer, and retries the same call.
  const std::string reverse =
      "payment reverse o1 pay1 --reason=退票 --amount=3,000 --request-id=rev-pay1-1";
  CliRun first = Crmctl(absl::StrCat(reverse, " --min-position=", PositionOf(pay)));
  ASSERT_EQ(first.code, 0) << first.out;
  CliRun retry = Crmctl(absl::StrCat(reverse, " --min-position=", PositionOf(first)));
  EXPECT_EQ(retry.code, 0) << retry.out;
  EXPECT_THAT(retry.out, HasSubstr("already done"));
  EXPECT_EQ(Balance("o1", "2030-01-01", PositionOf(first)).payments(0).reversals_size(), 1);
  // Another request for more than is left is still refused, by crmd.
  CliRun other = Crmctl(absl::StrCat(
      "payment reverse o1 pay1 --reason=退票 --amount=1 --request-id=rev-pay1-2 --min-position=",
      PositionOf(first)));
  EXPECT_NE(other.code, 0) << other.out;
  EXPECT_EQ(Balance("o1", "2030-01-01", PositionOf(first)).payments(0).reversals_size(), 1);
}

TEST_F(CrmctlOrderTest, APostDatedPaymentIsReversedInFullWithoutAnAmount) {
  const uint64_t approved = PlaceAndApprove("o1", "c1");
  CliRun pay =
      Crmctl(absl::StrCat("payment record o1 --amount=4,000 --paid-on=2030-03-20 "
                          "--method=cheque --id=cheque1 --min-position=",
                          approved));
  ASSERT_EQ(pay.code, 0) << pay.out;
  CliRun bounced =
      Crmctl(absl::StrCat("payment reverse o1 cheque1 --reason=支票退票 "
                          "--min-position=",
                          PositionOf(pay)));
  ASSERT_EQ(bounced.code, 0) << bounced.out;
  EXPECT_THAT(bounced.out, HasSubstr("4,000.00 CNY of payment cheque1 on order o1 reversed"));
  EXPECT_EQ(Balance("o1", "2030-04-01", PositionOf(bounced)).paid().minor_units(), 0);
}

TEST_F(CrmctlOrderTest, ReversingAnUnknownPaymentExitsTwoNamingIt) {
  const uint64_t approved = PlaceAndApprove("o1", "c1");
  CliRun pay =
      Crmctl(absl::StrCat("payment record o1 --amount=500 --paid-on=2026-03-20 "
                          "--id=pay1 --min-position=",
                          approved));
  ASSERT_EQ(pay.code, 0) << pay.out;
  for (const std::string amount : {"", " --amount=100"}) {
    CliRun unknown = Crmctl(absl::StrCat(
        "payment reverse o1 pay9 --reason=退票 --min-position=", PositionOf(pay), amount));
    EXPECT_EQ(unknown.code, 2) << unknown.out;
    EXPECT_THAT(unknown.out, HasSubstr("order o1 has no payment pay9 (its payments: pay1)"));
  }
  EXPECT_EQ(Balance("o1", "2030-01-01", PositionOf(pay)).paid().minor_units(), 50000);
}

TEST_F(CrmctlOrderTest, AManagerReversesAPaymentThenCancelsTheOrder) {
  const uint64_t approved = PlaceAndApprove("o1", "c1");
  CliRun pay = Crmctl(absl::StrCat("payment record o1 --amount=2,000.00 --paid-on=2030-03-20 "
                                   "--id=pay1 --min-position=",
                                   approved),
                      "key-rep1");
  ASSERT_EQ(pay.code, 0) << pay.out;
  CliRun overpaid = Crmctl("payment record o1 --amount=20,000 --id=pay2");
  EXPECT_EQ(overpaid.code, 3) << overpaid.out;
  EXPECT_THAT(overpaid.out, HasSubstr("pass --allow-overpayment"));
  CliRun cancel_paid = Crmctl("order cancel o1 --reason=客户取消", "key-manager-south");
  EXPECT_EQ(cancel_paid.code, 3) << cancel_paid.out;
  EXPECT_THAT(cancel_paid.out, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(cancel_paid.out, HasSubstr("reverse them before cancelling"));

  const std::string reverse = absl::StrCat("payment reverse o1 pay1 --min-position=", approved);
  EXPECT_EQ(Crmctl(reverse + " --amount=2,000 --reason=退票", "key-rep1").code, 3);
  CliRun no_reason = Crmctl(reverse + " --amount=2,000", "key-manager-south");
  EXPECT_EQ(no_reason.code, 2) << no_reason.out;
  EXPECT_THAT(no_reason.out, HasSubstr("--reason"));
  CliRun reversed = Crmctl(reverse + " --amount=2,000 --reason=退票", "key-manager-south");
  ASSERT_EQ(reversed.code, 0) << reversed.out;
  EXPECT_THAT(reversed.out, HasSubstr("2,000.00 CNY of payment pay1 on order o1 reversed"));
  EXPECT_EQ(Balance("o1", "2030-03-20", PositionOf(reversed)).paid().minor_units(), 0);

  CliRun cancel = Crmctl("order cancel o1 --reason=客户取消", "key-manager-south");
  ASSERT_EQ(cancel.code, 0) << cancel.out;
  CliRun show = Crmctl(absl::StrCat("order show o1 --min-position=", PositionOf(cancel)));
  ASSERT_EQ(show.code, 0) << show.out;
  EXPECT_THAT(show.out, HasSubstr(": cancelled"));
  EXPECT_THAT(show.out, HasSubstr("已取消"));
  CliRun pay_cancelled = Crmctl("payment record o1 --amount=100 --id=pay3");
  EXPECT_EQ(pay_cancelled.code, 3) << pay_cancelled.out;
  EXPECT_THAT(pay_cancelled.out, HasSubstr("FAILED_PRECONDITION"));
}

TEST_F(CrmctlOrderTest, RefusalsNameTheGrpcCodeAndCrmdsMessage) {
  CliRun unknown_product =
      Crmctl("order place --customer=c1 --product=p-none --quantity=1 --due=2030-06-30");
  EXPECT_EQ(unknown_product.code, 3) << unknown_product.out;
  EXPECT_THAT(unknown_product.out, HasSubstr("crmctl order place: crmd answered NOT_FOUND"));

  CliRun place = Crmctl(
      "order place --customer=c1 --product=p-crm --quantity=1 --due=2030-06-30 "
      "--id=o1");
  ASSERT_EQ(place.code, 0) << place.out;
  CliRun rep_approves = Crmctl("order approve o1", "key-rep1");
  EXPECT_EQ(rep_approves.code, 3) << rep_approves.out;
  EXPECT_THAT(rep_approves.out, HasSubstr("PERMISSION_DENIED"));
  CliRun ship_unapproved = Crmctl("order ship o1");
  EXPECT_EQ(ship_unapproved.code, 3) << ship_unapproved.out;
  EXPECT_THAT(ship_unapproved.out, HasSubstr("FAILED_PRECONDITION: order o1 is not approved yet"));

  ASSERT_EQ(Crmctl("order approve o1").code, 0);
  CliRun ship = Crmctl("order ship o1 --shipped-on=2030-01-05 --reference=SF123");
  ASSERT_EQ(ship.code, 0) << ship.out;
  EXPECT_THAT(ship.out, HasSubstr("order o1 shipped on 2030-01-05; position "));
  CliRun show = Crmctl(absl::StrCat("order show o1 --min-position=", PositionOf(ship)));
  EXPECT_THAT(show.out, HasSubstr(": approved, shipped"));

  EXPECT_EQ(Crmctl("order frobnicate o1").code, 2);
  EXPECT_EQ(Crmctl("balances").code, 2);
  CliRun two = Crmctl("balances --team=t-south --rep=r1");
  EXPECT_EQ(two.code, 2) << two.out;
  EXPECT_THAT(two.out, HasSubstr("exactly one of --customer=ID, --rep=R, --team=T"));
}

}  // namespace
}  // namespace crm::clients
