#include "clients/crmctl/payment_command.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/crmctl/write_command.h"
#include "crm/v1/balances_service.grpc.pb.h"
#include "crm/v1/crm_service.grpc.pb.h"

namespace crm::clients {
namespace {

using Stub = v1::CrmService::Stub;

struct MethodWord {
  const char* word;
  v1::PaymentMethod method;
  const char* text;  // as printed back
};

// The English words, and the ones collection sheets use (对公转账, 微信 ...).
constexpr MethodWord kMethods[] = {
    {"bank", v1::PAYMENT_METHOD_BANK_TRANSFER, "bank transfer"},
    {"transfer", v1::PAYMENT_METHOD_BANK_TRANSFER, "bank transfer"},
    {"转账", v1::PAYMENT_METHOD_BANK_TRANSFER, "bank transfer"},
    {"对公转账", v1::PAYMENT_METHOD_BANK_TRANSFER, "bank transfer"},
    {"银行转账", v1::PAYMENT_METHOD_BANK_TRANSFER, "bank transfer"},
    {"cash", v1::PAYMENT_METHOD_CASH, "cash"},
    {"现金", v1::PAYMENT_METHOD_CASH, "cash"},
    {"cheque", v1::PAYMENT_METHOD_CHEQUE, "cheque"},
    {"check", v1::PAYMENT_METHOD_CHEQUE, "cheque"},
    {"支票", v1::PAYMENT_METHOD_CHEQUE, "cheque"},
    {"汇票", v1::PAYMENT_METHOD_CHEQUE, "cheque"},
    {"online", v1::PAYMENT_METHOD_ONLINE, "online"},
    {"wechat", v1::PAYMENT_METHOD_ONLINE, "online"},
    {"alipay", v1::PAYMENT_METHOD_ONLINE, "online"},
    {"微信", v1::PAYMENT_METHOD_ONLINE, "online"},
    {"支付宝", v1::PAYMENT_METHOD_ONLINE, "online"},
    {"other", v1::PAYMENT_METHOD_OTHER, "other"},
    {"其他", v1::PAYMENT_METHOD_OTHER, "other"},
};

const MethodWord* FindMethod(const std::string& text) {
  const std::string word = text.empty() ? "bank" : absl::AsciiStrToLower(text);
  for (const MethodWord& m : kMethods) {
    if (word == m.word) return &m;
  }
  return nullptr;
}

// The order as the balances view has it (as of `as_of`, else today): its
// currency, rep and payments. A refusal is reported (with a hint when the
// order may simply not be in the view yet).
std::optional<v1::OrderBalance> ReadOrder(const Crmd& crmd, const PaymentCommandOptions& o,
                                          const std::string& command, FILE* err,
                                          const v1::Date* as_of = nullptr) {
  v1::GetOrderBalanceRequest request;
  request.set_order_id(o.order_id);
  if (as_of != nullptr) *request.mutable_as_of() = *as_of;
  if (o.min_position >= 0) request.set_min_position(static_cast<uint64_t>(o.min_position));
  v1::OrderBalance order;
  auto stub = v1::BalancesService::NewStub(crmd.channel);
  const grpc::Status s = stub->GetOrderBalance(crmd.Context().get(), request, &order);
  if (s.ok()) return order;
  ReportRefusal(err, command, s);
  if (o.min_position < 0 && (s.error_code() == grpc::StatusCode::NOT_FOUND ||
                             s.error_code() == grpc::StatusCode::PERMISSION_DENIED)) {
    absl::FPrintF(err,
                  "crmctl %s: (if order %s was placed a moment ago, pass --min-position=P, the "
                  "position its command printed)\n",
                  command, o.order_id);
  }
  return std::nullopt;
}

int Record(const Crmd& crmd, const PaymentCommandOptions& o, FILE* out, FILE* err) {
  const std::string command = "payment record";
  if (o.order_id.empty())
    return ReportBadOption(err, command, "which order? crmctl payment record ORDER ...");
  if (o.amount.empty())
    return ReportBadOption(err, command, "--amount=AMOUNT is required, e.g. 3,000.00");
  absl::StatusOr<int64_t> amount = ParseMoneyFlag("--amount", o.amount, /*allow_zero=*/false);
  if (!amount.ok()) return ReportBadOption(err, command, amount.status().message());
  v1::Date paid_on;
  if (!o.paid_on.empty() && !ParseDay(o.paid_on, &paid_on)) {
    return ReportBadOption(err, command,
                           absl::StrCat("--paid-on=", o.paid_on, ": not a YYYY-MM-DD date"));
  }
  const MethodWord* method = FindMethod(o.method);
  if (method == nullptr) {
    return ReportBadOption(
        err, command, absl::StrCat("--method=", o.method, ": bank, cash, cheque, online or other"));
  }
  int32_t instalment = 0;
  if (!o.instalment.empty() && (!absl::SimpleAtoi(o.instalment, &instalment) || instalment <= 0)) {
    return ReportBadOption(
        err, command,
        absl::StrCat("--instalment=", o.instalment, ": the number of the instalment paid, 1.."));
  }
  const std::string request_id = o.request_id.empty() ? NewRequestId() : o.request_id;
  const std::string payment_id =
      o.payment_id.empty() ? IdForRequest("pay-", request_id) : o.payment_id;
  // Today as crmd counts days, which need not be this machine's zone.
  if (o.paid_on.empty()) {
    if (const grpc::Status s = CrmdToday(crmd, &paid_on); !s.ok()) {
      return ReportRefusal(err, command, s);
    }
  }

  std::optional<v1::OrderBalance> order = ReadOrder(crmd, o, command, err);
  if (!order) return kExitRefused;
  const std::string& currency = order->amount().currency_code();
  if (absl::Status yuan = CheckYuanSign("--amount", o.amount, currency); !yuan.ok()) {
    return ReportBadOption(err, command, yuan.message());
  }

  v1::RecordPaymentRequest request;
  request.set_request_id(request_id);
  v1::RecordPayment* c = request.mutable_command();
  c->set_order_id(o.order_id);
  c->set_payment_id(payment_id);
  c->set_instalment_number(instalment);
  c->mutable_amount()->set_currency_code(currency);
  c->mutable_amount()->set_minor_units(*amount);
  *c->mutable_paid_on() = paid_on;
  c->set_method(method->method);
  c->set_rep_id(o.rep_id.empty() ? order->rep_id() : o.rep_id);
  c->set_external_reference(o.reference);
  c->set_allow_overpayment(o.allow_overpayment);
  const std::string done = absl::StrCat(
      "payment ", payment_id, " of ", MoneyText(*amount), " ", currency, " recorded on order ",
      o.order_id, instalment > 0 ? absl::StrCat(" (instalment ", instalment, ")") : "", ", paid ",
      DateText(paid_on), " by ", method->text);
  auto stub = v1::CrmService::NewStub(crmd.channel);
  v1::CommandResponse response;
  const grpc::Status s = stub->RecordPayment(crmd.Context().get(), request, &response);
  if (!s.ok()) {
    const int code = ReportWriteRefusal(err, command, s, request_id);
    // crmd names its field; the person needs the flag.
    if (absl::StrContains(s.error_message(), "allow_overpayment")) {
      absl::FPrintF(err, "crmctl %s: pass --allow-overpayment if paying more is intended\n",
                    command);
    }
    return code;
  }
  return PrintWritten(
      out, o.json,
      {{"order_id", o.order_id}, {"payment_id", payment_id}, {"request_id", request_id}}, done,
      response);
}

// The payment `id` of `order`, or nullptr if the balance does not list it.
const v1::PaymentBalance* FindPayment(const v1::OrderBalance& order, const std::string& id) {
  for (const v1::PaymentBalance& p : order.payments()) {
    if (p.payment_id() == id) return &p;
  }
  return nullptr;
}

// "pay1, pay2", or "none", for a refusal that should say what exists.
std::string PaymentIds(const v1::OrderBalance& order) {
  std::string ids;
  for (const v1::PaymentBalance& p : order.payments()) {
    absl::StrAppend(&ids, ids.empty() ? "" : ", ", p.payment_id());
  }
  return ids.empty() ? "none" : ids;
}

// Sends the reversal of `amount`; `remaining` is what the view showed left
// of the payment, for the message.
int SendReversal(const Crmd& crmd, const PaymentCommandOptions& o, const std::string& request_id,
                 const std::string& currency, int64_t amount, int64_t remaining,
                 const std::string& command, FILE* out, FILE* err) {
  v1::ReversePaymentRequest request;
  request.set_request_id(request_id);
  v1::ReversePayment* c = request.mutable_command();
  c->set_order_id(o.order_id);
  c->set_payment_id(o.payment_id);
  c->mutable_amount()->set_currency_code(currency);
  c->mutable_amount()->set_minor_units(amount);
  c->set_reason(o.reason);
  const std::string done =
      absl::StrCat(MoneyText(amount), " ", currency, " of payment ", o.payment_id, " on order ",
                   o.order_id, " reversed", amount == remaining ? " (all that remained)" : "");
  return SendCommand(crmd, &Stub::ReversePayment, request, command, done,
                     {{"order_id", o.order_id}, {"payment_id", o.payment_id}}, o.json, out, err);
}

int Reverse(const Crmd& crmd, const PaymentCommandOptions& o, FILE* out, FILE* err) {
  const std::string command = "payment reverse";
  if (o.order_id.empty() || o.payment_id.empty()) {
    return ReportBadOption(err, command, "which payment? crmctl payment reverse ORDER PAYMENT ...");
  }
  std::optional<int64_t> typed;
  if (!o.amount.empty()) {
    absl::StatusOr<int64_t> amount = ParseMoneyFlag("--amount", o.amount, /*allow_zero=*/false);
    if (!amount.ok()) return ReportBadOption(err, command, amount.status().message());
    typed = *amount;
  }
  if (o.reason.empty()) {
    return ReportBadOption(err, command,
                           "--reason=... is required: say why (e.g. the transfer bounced)");
  }
  const std::string request_id = o.request_id.empty() ? NewRequestId() : o.request_id;

  // What remains of a payment is what the decider checks a reversal
  // against: every reversal so far, whatever the payment's date. A balance
  // lists only payments received by its as-of date, and a reversal is dated
  // the day it is made, so the balance as of the last day there is lists
  // them all, post-dated payments (a cheque dated next month) included.
  v1::Date everything;
  everything.set_year(9999);
  everything.set_month(12);
  everything.set_day(31);
  std::optional<v1::OrderBalance> order = ReadOrder(crmd, o, command, err, &everything);
  if (!order) return kExitRefused;
  const std::string& currency = order->amount().currency_code();
  if (absl::Status yuan = CheckYuanSign("--amount", o.amount, currency); !yuan.ok()) {
    return ReportBadOption(err, command, yuan.message());
  }
  const v1::PaymentBalance* payment = FindPayment(*order, o.payment_id);
  // The same --request-id and --amount again may be a retry of a reversal
  // whose answer was lost: the view then shows it done (less or nothing
  // left), and only crmd knows whether this request made it. So the checks
  // below, which only save a round trip, give way to crmd's idempotency.
  const bool possible_retry = !o.request_id.empty() && typed.has_value();
  if (possible_retry) {
    const int64_t remaining = payment == nullptr ? 0 : payment->remaining().minor_units();
    return SendReversal(crmd, o, request_id, currency, *typed, remaining, command, out, err);
  }
  if (payment == nullptr) {
    return ReportBadOption(
        err, command,
        absl::StrCat("order ", o.order_id, " has no payment ", o.payment_id,
                     " (its payments: ", PaymentIds(*order), ")",
                     o.min_position < 0 ? "; if it was recorded a moment ago, pass "
                                          "--min-position=P, the position its command printed"
                                        : ""));
  }
  const int64_t remaining = payment->remaining().minor_units();
  if (remaining <= 0) {
    const v1::PaymentReversalBalance* last =
        payment->reversals().empty() ? nullptr : &*payment->reversals().rbegin();
    return ReportBadOption(
        err, command,
        absl::StrCat("payment ", o.payment_id, " on order ", o.order_id,
                     " is already reversed in full",
                     last == nullptr ? ""
                                     : absl::StrCat(" (last on ", DateText(last->reversed_on()),
                                                    ": ", last->reason(), ")"),
                     "; nothing is left to reverse (to retry a reversal whose answer was lost, "
                     "repeat it with the same --request-id and --amount)"));
  }
  if (typed && *typed > remaining) {
    return ReportBadOption(
        err, command,
        absl::StrCat("--amount=", o.amount, ": more than what remains of payment ", o.payment_id,
                     ", ", MoneyText(remaining), " ", currency, " (leave --amount out to reverse ",
                     "all of that)"));
  }
  return SendReversal(crmd, o, request_id, currency, typed.value_or(remaining), remaining, command,
                      out, err);
}

}  // namespace

int RunPayment(const Crmd& crmd, const PaymentCommandOptions& options, FILE* out, FILE* err) {
  if (options.verb == "record") return Record(crmd, options, out, err);
  if (options.verb == "reverse") return Reverse(crmd, options, out, err);
  return ReportBadOption(err, "payment", absl::StrCat(options.verb, ": record or reverse"));
}

}  // namespace crm::clients
