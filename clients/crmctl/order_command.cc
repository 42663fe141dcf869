#include "clients/crmctl/order_command.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/crmctl/balances_command.h"
#include "clients/crmctl/crmd_call.h"
#include "clients/crmctl/write_command.h"
#include "crm/v1/crm_service.grpc.pb.h"

namespace crm::clients {
namespace {

using Stub = v1::CrmService::Stub;

// An instalment as the person typed it: DATE:AMOUNT.
struct TypedInstalment {
  v1::Date due;
  int64_t amount = 0;
  std::string amount_text;
};

absl::StatusOr<TypedInstalment> ParseInstalment(const std::string& text) {
  const size_t colon = text.find(':');
  TypedInstalment out;
  if (colon == std::string::npos || !ParseDay(text.substr(0, colon), &out.due)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--instalment=", text, ": expected YYYY-MM-DD:AMOUNT, e.g. 2026-04-01:5,000.00"));
  }
  out.amount_text = text.substr(colon + 1);
  absl::StatusOr<int64_t> amount = ParseMoneyFlag("--instalment", out.amount_text, false);
  if (!amount.ok()) return amount.status();
  out.amount = *amount;
  return out;
}

int Place(const Crmd& crmd, const OrderCommandOptions& o, FILE* out, FILE* err) {
  const std::string command = "order place";
  // Everything the person typed is checked before anything is sent.
  if (o.customer_id.empty()) return ReportBadOption(err, command, "--customer=ID is required");
  if (o.products.size() != 1 || o.products[0].empty() || absl::StrContains(o.products[0], '=')) {
    return ReportBadOption(err, command,
                           "--product=ID: give one product id (the order has one line)");
  }
  int64_t quantity = 0;
  if (!absl::SimpleAtoi(o.quantity, &quantity) || quantity <= 0) {
    return ReportBadOption(
        err, command, absl::StrCat("--quantity=", o.quantity, ": a whole number of units above 0"));
  }
  std::optional<int64_t> price;
  if (!o.price.empty()) {
    absl::StatusOr<int64_t> p = ParseMoneyFlag("--price", o.price, /*allow_zero=*/true);
    if (!p.ok()) return ReportBadOption(err, command, p.status().message());
    price = *p;
  }
  if (o.due.empty() == o.instalments.empty()) {
    return ReportBadOption(
        err, command,
        "give the payment plan: either --due=YYYY-MM-DD (the whole amount due that day) or "
        "--instalment=YYYY-MM-DD:AMOUNT once per instalment, in plan order");
  }
  v1::Date due;
  if (!o.due.empty() && !ParseDay(o.due, &due)) {
    return ReportBadOption(err, command, absl::StrCat("--due=", o.due, ": not a YYYY-MM-DD date"));
  }
  std::vector<TypedInstalment> typed;
  for (const std::string& text : o.instalments) {
    absl::StatusOr<TypedInstalment> i = ParseInstalment(text);
    if (!i.ok()) return ReportBadOption(err, command, i.status().message());
    typed.push_back(*i);
  }
  v1::Date signed_on;
  if (!o.signed_on.empty() && !ParseDay(o.signed_on, &signed_on)) {
    return ReportBadOption(err, command,
                           absl::StrCat("--signed-on=", o.signed_on, ": not a YYYY-MM-DD date"));
  }
  const std::string request_id = o.request_id.empty() ? NewRequestId() : o.request_id;
  const std::string order_id = o.order_id.empty() ? IdForRequest("o-", request_id) : o.order_id;
  const std::string contract = o.contract_number.empty() ? order_id : o.contract_number;

  // The product gives the line its name, the default price and the currency.
  auto stub = v1::CrmService::NewStub(crmd.channel);
  v1::GetProductRequest product_request;
  product_request.set_product_id(o.products[0]);
  v1::Product product;
  grpc::Status s = stub->GetProduct(crmd.Context().get(), product_request, &product);
  if (!s.ok()) return ReportRefusal(err, command, s);
  if (product.retired()) {
    return ReportBadOption(err, command,
                           absl::StrCat("--product=", product.product_id(), ": ", product.name(),
                                        " is retired (no longer sold)"));
  }
  const std::string& currency = product.unit_price().currency_code();
  if (absl::Status yuan = CheckYuanSign("--price", o.price, currency); !yuan.ok()) {
    return ReportBadOption(err, command, yuan.message());
  }
  for (const TypedInstalment& i : typed) {
    if (absl::Status yuan = CheckYuanSign("--instalment", i.amount_text, currency); !yuan.ok()) {
      return ReportBadOption(err, command, yuan.message());
    }
  }
  const int64_t unit_price = price.value_or(product.unit_price().minor_units());
  int64_t amount = 0;
  if (__builtin_mul_overflow(quantity, unit_price, &amount)) {
    return ReportBadOption(err, command, "--quantity times the price is too large");
  }
  if (amount == 0) {
    return ReportBadOption(err, command,
                           absl::StrCat("the order would be 0.00 ", currency, " (product ",
                                        product.product_id(), " lists at 0.00): pass --price"));
  }

  std::string rep_id = o.rep_id;
  if (rep_id.empty()) {
    v1::GetCustomerRequest customer_request;
    customer_request.set_customer_id(o.customer_id);
    v1::Customer customer;
    s = stub->GetCustomer(crmd.Context().get(), customer_request, &customer);
    if (!s.ok()) return ReportRefusal(err, command, s);
    rep_id = customer.owner_rep_id();
    if (rep_id.empty()) {
      return ReportBadOption(
          err, command,
          absl::StrCat("customer ", o.customer_id,
                       " is in the public pool: pass --rep=R, the rep credited"));
    }
  }

  v1::PlaceOrderRequest request;
  request.set_request_id(request_id);
  v1::PlaceOrder* c = request.mutable_command();
  c->set_order_id(order_id);
  c->set_contract_number(contract);
  c->set_customer_id(o.customer_id);
  c->set_rep_id(rep_id);
  c->set_currency_code(currency);
  v1::OrderLine* line = c->add_lines();
  line->set_product_id(product.product_id());
  line->set_product_name(product.name());
  line->set_quantity(quantity);
  line->mutable_unit_price()->set_currency_code(currency);
  line->mutable_unit_price()->set_minor_units(unit_price);
  if (typed.empty()) typed.push_back({due, amount, ""});
  int64_t planned = 0;
  for (size_t n = 0; n < typed.size(); ++n) {
    v1::Instalment* i = c->add_plan();
    i->set_number(static_cast<int32_t>(n + 1));
    i->mutable_amount()->set_currency_code(currency);
    i->mutable_amount()->set_minor_units(typed[n].amount);
    *i->mutable_due_date() = typed[n].due;
    if (__builtin_add_overflow(planned, typed[n].amount, &planned)) planned = -1;
  }
  if (planned != amount) {
    return ReportBadOption(
        err, command,
        absl::StrCat("--instalment: the instalments add up to ", MoneyText(planned),
                     " but the order is ", MoneyText(amount), " ", currency, " (", quantity, " x ",
                     MoneyText(unit_price), ")"));
  }
  if (!o.signed_on.empty()) *c->mutable_signed_on() = signed_on;
  const std::string done = absl::StrFormat(
      "order %s placed: customer %s, %d x %s at %s = %s %s in %d instalment%s, rep %s", order_id,
      o.customer_id, quantity, product.name(), MoneyText(unit_price), MoneyText(amount), currency,
      c->plan_size(), c->plan_size() == 1 ? "" : "s", rep_id);
  return SendCommand(crmd, &Stub::PlaceOrder, request, command, done,
                     {{"order_id", order_id}, {"contract_number", contract}}, o.query.json, out,
                     err);
}

}  // namespace

int RunOrder(const Crmd& crmd, const OrderCommandOptions& o, FILE* out, FILE* err) {
  if (o.verb == "place") return Place(crmd, o, out, err);
  const std::string command = absl::StrCat("order ", o.verb);
  if (o.verb != "approve" && o.verb != "ship" && o.verb != "cancel" && o.verb != "show") {
    return ReportBadOption(err, "order",
                           absl::StrCat(o.verb, ": place, approve, ship, cancel or show"));
  }
  if (o.order_id.empty()) return ReportBadOption(err, command, "which order? give its id");
  if (o.verb == "show") return ShowOrderBalance(crmd, o.order_id, o.query, out, err);

  const std::string request_id = o.request_id.empty() ? NewRequestId() : o.request_id;
  const std::vector<std::pair<std::string, std::string>> ids = {{"order_id", o.order_id}};
  if (o.verb == "approve") {
    v1::ApproveOrderRequest request;
    request.set_request_id(request_id);
    request.mutable_command()->set_order_id(o.order_id);
    request.mutable_command()->set_approver(o.approver);
    return SendCommand(crmd, &Stub::ApproveOrder, request, command,
                       absl::StrCat("order ", o.order_id, " approved by ", o.approver), ids,
                       o.query.json, out, err);
  }
  if (o.verb == "ship") {
    v1::ShipOrderRequest request;
    request.set_request_id(request_id);
    request.mutable_command()->set_order_id(o.order_id);
    request.mutable_command()->set_shipment_reference(o.reference);
    v1::Date* on = request.mutable_command()->mutable_shipped_on();
    if (!o.shipped_on.empty() && !ParseDay(o.shipped_on, on)) {
      return ReportBadOption(
          err, command, absl::StrCat("--shipped-on=", o.shipped_on, ": not a YYYY-MM-DD date"));
    }
    // Today as crmd counts days, which need not be this machine's zone.
    if (o.shipped_on.empty()) {
      if (const grpc::Status s = CrmdToday(crmd, on); !s.ok()) {
        return ReportRefusal(err, command, s);
      }
    }
    return SendCommand(crmd, &Stub::ShipOrder, request, command,
                       absl::StrCat("order ", o.order_id, " shipped on ", DateText(*on)), ids,
                       o.query.json, out, err);
  }
  if (o.reason.empty()) {
    return ReportBadOption(err, command,
                           "--reason=... is required: say why the order is cancelled");
  }
  v1::CancelOrderRequest request;
  request.set_request_id(request_id);
  request.mutable_command()->set_order_id(o.order_id);
  request.mutable_command()->set_reason(o.reason);
  return SendCommand(crmd, &Stub::CancelOrder, request, command,
                     absl::StrCat("order ", o.order_id, " cancelled"), ids, o.query.json, out, err);
}

}  // namespace crm::clients
