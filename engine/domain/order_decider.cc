#include "engine/domain/order_decider.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "engine/domain/field_validation.h"
#include "engine/domain/money.h"
#include "engine/domain/reservations.h"
#include "engine/status_macros.h"
#include "google/protobuf/util/message_differencer.h"

namespace crm::engine::domain {
namespace {

using Events = std::vector<v1::OrderEvent>;
using google::protobuf::RepeatedPtrField;
using google::protobuf::util::MessageDifferencer;

constexpr int kMaxLines = 1000;
constexpr int kMaxInstalments = 120;

Events One(v1::OrderEvent event) {
  Events events;
  events.push_back(std::move(event));
  return events;
}

absl::Status CheckExists(const OrderState& state, const std::string& id) {
  if (!state.exists) return absl::NotFoundError(absl::StrCat("order ", id, " not found"));
  return absl::OkStatus();
}

absl::Status CheckCurrency(absl::string_view field, const v1::Money& money,
                           absl::string_view currency) {
  if (money.currency_code() != currency) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".currency_code: \"",
                                                   money.currency_code(),
                                                   "\" differs from the order's ", currency));
  }
  return absl::OkStatus();
}

// Validates lines and plan and computes the lines with their amounts and the
// order's total. Shared by PlaceOrder and AmendOrder.
struct PricedOrder {
  std::vector<v1::OrderLine> lines;
  int64_t amount = 0;
};

absl::StatusOr<PricedOrder> PriceLines(absl::string_view prefix,
                                       const RepeatedPtrField<v1::OrderLine>& lines,
                                       absl::string_view currency) {
  const std::string field = absl::StrCat(prefix, ".lines");
  if (lines.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": at least one line"));
  if (lines.size() > kMaxLines) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": at most ", kMaxLines, " lines"));
  }
  PricedOrder out;
  for (int i = 0; i < lines.size(); ++i) {
    const std::string f = absl::StrCat(field, "[", i, "]");
    const v1::OrderLine& in = lines[i];
    CRM_RETURN_IF_ERROR(ValidateId(absl::StrCat(f, ".product_id"), in.product_id()));
    CRM_RETURN_IF_ERROR(
        ValidateOptionalText(absl::StrCat(f, ".product_name"), in.product_name(), 200));
    if (in.quantity() <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".quantity: must be > 0"));
    }
    CRM_RETURN_IF_ERROR(ValidateMoney(absl::StrCat(f, ".unit_price"), in.unit_price(), 0));
    CRM_RETURN_IF_ERROR(CheckCurrency(absl::StrCat(f, ".unit_price"), in.unit_price(), currency));
    CRM_ASSIGN_OR_RETURN(int64_t line_amount,
                         MultiplyMinorUnits(absl::StrCat(f, ".quantity"), in.quantity(),
                                            in.unit_price().minor_units()));
    CRM_ASSIGN_OR_RETURN(out.amount, AddMinorUnits(field, out.amount, line_amount));
    v1::OrderLine line = in;
    *line.mutable_amount() = MakeMoney(currency, line_amount);
    out.lines.push_back(std::move(line));
  }
  if (out.amount <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": the order amount must be > 0"));
  }
  return out;
}

absl::Status ValidatePlan(absl::string_view prefix, const RepeatedPtrField<v1::Instalment>& plan,
                          absl::string_view currency, int64_t order_amount) {
  const std::string field = absl::StrCat(prefix, ".plan");
  if (plan.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": at least one instalment"));
  }
  if (plan.size() > kMaxInstalments) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": at most ", kMaxInstalments, " instalments"));
  }
  int64_t total = 0;
  for (int i = 0; i < plan.size(); ++i) {
    const std::string f = absl::StrCat(field, "[", i, "]");
    const v1::Instalment& in = plan[i];
    if (in.number() != i + 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(f, ".number: is ", in.number(), "; instalments are numbered 1..n in order"));
    }
    CRM_RETURN_IF_ERROR(ValidateMoney(absl::StrCat(f, ".amount"), in.amount(), 1));
    CRM_RETURN_IF_ERROR(CheckCurrency(absl::StrCat(f, ".amount"), in.amount(), currency));
    CRM_RETURN_IF_ERROR(ValidateDate(absl::StrCat(f, ".due_date"), in.due_date()));
    if (i > 0 && ToCivilDay(in.due_date()) < ToCivilDay(plan[i - 1].due_date())) {
      return absl::InvalidArgumentError(
          absl::StrCat(f, ".due_date: is before the previous instalment's"));
    }
    if (in.remind_days_before() < 0 || in.remind_days_before() > 366) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".remind_days_before: must be in 0..366"));
    }
    CRM_ASSIGN_OR_RETURN(total, AddMinorUnits(field, total, in.amount().minor_units()));
  }
  if (total != order_amount) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": the instalments add up to ", FormatMinorUnits(total, currency),
        " but the lines to ", FormatMinorUnits(order_amount, currency), "; they must be equal"));
  }
  return absl::OkStatus();
}

// Refuses a line whose product is not defined or is retired, unless the
// order already holds that product (`held`, see order_decider.h).
absl::Status CheckProducts(absl::string_view prefix, const RepeatedPtrField<v1::OrderLine>& lines,
                           const OrderEnvironment& env, const std::set<std::string>& held) {
  if (!env.products.has_value()) return absl::OkStatus();
  for (int i = 0; i < lines.size(); ++i) {
    const std::string& id = lines[i].product_id();
    if (held.contains(id)) continue;
    const std::string field = absl::StrCat(prefix, ".lines[", i, "].product_id");
    auto it = env.products->find(id);
    if (it == env.products->end() || !it->second.exists) {
      return absl::NotFoundError(
          absl::StrCat(field, ": product ", id, " is not defined; define it first"));
    }
    if (it->second.retired) {
      return absl::FailedPreconditionError(
          absl::StrCat(field, ": product ", id,
                       it->second.name.empty() ? "" : absl::StrCat(" (", it->second.name, ")"),
                       " is retired and no longer sold"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Events> Place(const v1::PlaceOrder& cmd, const OrderState& state,
                             const OrderEnvironment& env) {
  CRM_RETURN_IF_ERROR(
      ContractReservationKey("place.contract_number", cmd.contract_number()).status());
  CRM_RETURN_IF_ERROR(ValidateId("place.customer_id", cmd.customer_id()));
  CRM_RETURN_IF_ERROR(ValidateId("place.rep_id", cmd.rep_id()));
  CRM_RETURN_IF_ERROR(ValidateCurrencyCode("place.currency_code", cmd.currency_code()));
  CRM_ASSIGN_OR_RETURN(PricedOrder priced, PriceLines("place", cmd.lines(), cmd.currency_code()));
  CRM_RETURN_IF_ERROR(ValidatePlan("place", cmd.plan(), cmd.currency_code(), priced.amount));
  if (IsSet(cmd.signed_on())) CRM_RETURN_IF_ERROR(ValidateDate("place.signed_on", cmd.signed_on()));
  if (state.exists) {
    return absl::AlreadyExistsError(absl::StrCat("order ", cmd.order_id(), " already exists"));
  }
  CRM_RETURN_IF_ERROR(CheckProducts("place", cmd.lines(), env, {}));
  v1::OrderEvent event;
  v1::OrderPlaced* e = event.mutable_placed();
  e->set_order_id(cmd.order_id());
  e->set_contract_number(cmd.contract_number());
  e->set_customer_id(cmd.customer_id());
  e->set_rep_id(cmd.rep_id());
  e->set_currency_code(cmd.currency_code());
  for (v1::OrderLine& line : priced.lines) *e->add_lines() = std::move(line);
  *e->mutable_amount() = MakeMoney(cmd.currency_code(), priced.amount);
  *e->mutable_plan() = cmd.plan();
  if (IsSet(cmd.signed_on())) *e->mutable_signed_on() = cmd.signed_on();
  return One(std::move(event));
}

absl::StatusOr<Events> Approve(const v1::ApproveOrder& cmd, const OrderState& state) {
  CRM_RETURN_IF_ERROR(ValidateRequiredText("approve.approver", cmd.approver(), 128));
  CRM_RETURN_IF_ERROR(CheckExists(state, cmd.order_id()));
  if (state.cancelled) {
    return absl::FailedPreconditionError(absl::StrCat("order ", cmd.order_id(), " is cancelled"));
  }
  if (state.approved) return Events{};
  v1::OrderEvent event;
  event.mutable_approved()->set_approver(cmd.approver());
  return One(std::move(event));
}

absl::StatusOr<Events> Ship(const v1::ShipOrder& cmd, const OrderState& state) {
  CRM_RETURN_IF_ERROR(
      ValidateOptionalText("ship.shipment_reference", cmd.shipment_reference(), 128));
  CRM_RETURN_IF_ERROR(ValidateDate("ship.shipped_on", cmd.shipped_on()));
  CRM_RETURN_IF_ERROR(CheckExists(state, cmd.order_id()));
  if (state.cancelled) {
    return absl::FailedPreconditionError(absl::StrCat("order ", cmd.order_id(), " is cancelled"));
  }
  if (state.shipped) return Events{};
  if (!state.approved) {
    return absl::FailedPreconditionError(
        absl::StrCat("order ", cmd.order_id(), " is not approved yet"));
  }
  v1::OrderEvent event;
  event.mutable_shipped()->set_shipment_reference(cmd.shipment_reference());
  *event.mutable_shipped()->mutable_shipped_on() = cmd.shipped_on();
  return One(std::move(event));
}

absl::StatusOr<Events> Cancel(const v1::CancelOrder& cmd, const OrderState& state) {
  CRM_RETURN_IF_ERROR(ValidateRequiredText("cancel.reason", cmd.reason(), 500));
  CRM_RETURN_IF_ERROR(CheckExists(state, cmd.order_id()));
  if (state.cancelled) return Events{};
  if (state.shipped) {
    return absl::FailedPreconditionError(
        absl::StrCat("order ", cmd.order_id(), " was shipped and cannot be cancelled"));
  }
  if (state.Paid() > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "order ", cmd.order_id(), " holds ", FormatMinorUnits(state.Paid(), state.currency_code),
        " of payments; reverse them before cancelling"));
  }
  v1::OrderEvent event;
  event.mutable_cancelled()->set_reason(cmd.reason());
  return One(std::move(event));
}

absl::StatusOr<Events> Amend(const v1::AmendOrder& cmd, const OrderState& state,
                             const OrderEnvironment& env) {
  CRM_RETURN_IF_ERROR(ValidateOptionalText("amend.reason", cmd.reason(), 500));
  CRM_RETURN_IF_ERROR(CheckExists(state, cmd.order_id()));
  CRM_ASSIGN_OR_RETURN(PricedOrder priced, PriceLines("amend", cmd.lines(), state.currency_code));
  CRM_RETURN_IF_ERROR(ValidatePlan("amend", cmd.plan(), state.currency_code, priced.amount));
  if (state.cancelled || state.shipped) {
    return absl::FailedPreconditionError(absl::StrCat("order ", cmd.order_id(), " is ",
                                                      state.cancelled ? "cancelled" : "shipped",
                                                      " and can no longer be amended"));
  }
  std::set<std::string> held;
  for (const v1::OrderLine& line : state.lines) held.insert(line.product_id());
  CRM_RETURN_IF_ERROR(CheckProducts("amend", cmd.lines(), env, held));
  if (priced.amount < state.Paid()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "amend.lines: the new amount ", FormatMinorUnits(priced.amount, state.currency_code),
        " is below the ", FormatMinorUnits(state.Paid(), state.currency_code), " already paid"));
  }
  for (const PaymentRecord& p : state.payments) {
    if (p.instalment_number > cmd.plan_size()) {
      return absl::FailedPreconditionError(absl::StrCat("amend.plan: payment ", p.payment_id,
                                                        " pays instalment ", p.instalment_number,
                                                        ", which the new plan drops"));
    }
  }
  bool same = static_cast<int>(state.lines.size()) == static_cast<int>(priced.lines.size()) &&
              static_cast<int>(state.plan.size()) == cmd.plan_size();
  for (size_t i = 0; same && i < priced.lines.size(); ++i) {
    same = MessageDifferencer::Equals(state.lines[i], priced.lines[i]);
  }
  for (int i = 0; same && i < cmd.plan_size(); ++i) {
    same = MessageDifferencer::Equals(state.plan[i], cmd.plan(i));
  }
  if (same) return Events{};
  v1::OrderEvent event;
  v1::OrderAmended* e = event.mutable_amended();
  for (v1::OrderLine& line : priced.lines) *e->add_lines() = std::move(line);
  *e->mutable_amount() = MakeMoney(state.currency_code, priced.amount);
  *e->mutable_plan() = cmd.plan();
  e->set_reason(cmd.reason());
  return One(std::move(event));
}

absl::StatusOr<Events> RecordPayment(const v1::RecordPayment& cmd, const OrderState& state) {
  CRM_RETURN_IF_ERROR(ValidateId("record_payment.payment_id", cmd.payment_id()));
  if (cmd.instalment_number() < 0) {
    return absl::InvalidArgumentError("record_payment.instalment_number: must be >= 0");
  }
  CRM_RETURN_IF_ERROR(ValidateMoney("record_payment.amount", cmd.amount(), 1));
  CRM_RETURN_IF_ERROR(ValidateDate("record_payment.paid_on", cmd.paid_on()));
  if (cmd.method() == v1::PAYMENT_METHOD_UNSPECIFIED || !v1::PaymentMethod_IsValid(cmd.method())) {
    return absl::InvalidArgumentError("record_payment.method: is required");
  }
  CRM_RETURN_IF_ERROR(ValidateId("record_payment.rep_id", cmd.rep_id()));
  CRM_RETURN_IF_ERROR(
      ValidateOptionalText("record_payment.external_reference", cmd.external_reference(), 128));
  CRM_RETURN_IF_ERROR(CheckExists(state, cmd.order_id()));
  CRM_RETURN_IF_ERROR(CheckCurrency("record_payment.amount", cmd.amount(), state.currency_code));

  v1::PaymentRecorded recorded;
  recorded.set_payment_id(cmd.payment_id());
  recorded.set_instalment_number(cmd.instalment_number());
  *recorded.mutable_amount() = cmd.amount();
  *recorded.mutable_paid_on() = cmd.paid_on();
  recorded.set_method(cmd.method());
  recorded.set_rep_id(cmd.rep_id());
  recorded.set_external_reference(cmd.external_reference());

  if (const PaymentRecord* existing = state.FindPayment(cmd.payment_id())) {
    // The same payment again is a retry; another one under its id a mistake.
    v1::PaymentRecorded previous = existing->recorded;
    previous.clear_overpayment();
    if (MessageDifferencer::Equals(previous, recorded)) return Events{};
    return absl::AlreadyExistsError(absl::StrCat("payment ", cmd.payment_id(),
                                                 " is already recorded on order ", cmd.order_id()));
  }
  if (state.cancelled) {
    return absl::FailedPreconditionError(
        absl::StrCat("order ", cmd.order_id(), " is cancelled; no payment can be recorded"));
  }
  if (!state.approved) {
    return absl::FailedPreconditionError(
        absl::StrCat("order ", cmd.order_id(), " is not approved; approve it first"));
  }
  const std::string& cur = state.currency_code;
  const int64_t amount = cmd.amount().minor_units();
  bool over = amount > state.Outstanding();
  std::string why =
      absl::StrCat("the order's outstanding ", FormatMinorUnits(state.Outstanding(), cur));
  if (cmd.instalment_number() > 0) {
    const v1::Instalment* instalment = state.FindInstalment(cmd.instalment_number());
    if (instalment == nullptr) {
      return absl::NotFoundError(absl::StrCat("record_payment.instalment_number: order ",
                                              cmd.order_id(), " has no instalment ",
                                              cmd.instalment_number()));
    }
    int64_t paid_on_it = 0;
    for (const PaymentRecord& p : state.payments) {
      if (p.instalment_number == cmd.instalment_number()) paid_on_it += p.Net();
    }
    const int64_t left = instalment->amount().minor_units() - paid_on_it;
    if (!over && amount > left) {
      over = true;
      why = absl::StrCat("instalment ", cmd.instalment_number(), "'s outstanding ",
                         FormatMinorUnits(left, cur));
    }
  }
  if (over && !cmd.allow_overpayment()) {
    return absl::FailedPreconditionError(
        absl::StrCat("payment of ", FormatMinorUnits(amount, cur), " exceeds ", why,
                     "; set allow_overpayment if this is intended"));
  }
  recorded.set_overpayment(over);
  v1::OrderEvent event;
  *event.mutable_payment_recorded() = std::move(recorded);
  return One(std::move(event));
}

absl::StatusOr<Events> ReversePayment(const v1::CommandContext& ctx, const v1::ReversePayment& cmd,
                                      const OrderState& state, const OrderEnvironment& env) {
  CRM_RETURN_IF_ERROR(ValidateId("reverse_payment.payment_id", cmd.payment_id()));
  CRM_RETURN_IF_ERROR(ValidateMoney("reverse_payment.amount", cmd.amount(), 1));
  CRM_RETURN_IF_ERROR(ValidateRequiredText("reverse_payment.reason", cmd.reason(), 500));
  CRM_RETURN_IF_ERROR(CheckExists(state, cmd.order_id()));
  CRM_RETURN_IF_ERROR(CheckCurrency("reverse_payment.amount", cmd.amount(), state.currency_code));
  const PaymentRecord* payment = state.FindPayment(cmd.payment_id());
  if (payment == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("payment ", cmd.payment_id(), " not found on order ", cmd.order_id()));
  }
  if (cmd.amount().minor_units() > payment->Net()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "reversal of ", FormatMinorUnits(cmd.amount().minor_units(), state.currency_code),
        " exceeds the ", FormatMinorUnits(payment->Net(), state.currency_code), " left of payment ",
        cmd.payment_id()));
  }
  v1::OrderEvent event;
  v1::PaymentReversed* e = event.mutable_payment_reversed();
  e->set_payment_id(cmd.payment_id());
  *e->mutable_amount() = cmd.amount();
  e->set_reason(cmd.reason());
  *e->mutable_reversed_on() = ToDate(CivilDayAt(ctx.now_us(), env.zone));
  return One(std::move(event));
}

}  // namespace

const std::string& TargetOrderId(const v1::OrderCommand& c) {
  static const std::string* const kEmpty = new std::string();
  switch (c.command_case()) {
    case v1::OrderCommand::kPlace:
      return c.place().order_id();
    case v1::OrderCommand::kApprove:
      return c.approve().order_id();
    case v1::OrderCommand::kShip:
      return c.ship().order_id();
    case v1::OrderCommand::kCancel:
      return c.cancel().order_id();
    case v1::OrderCommand::kAmend:
      return c.amend().order_id();
    case v1::OrderCommand::kRecordPayment:
      return c.record_payment().order_id();
    case v1::OrderCommand::kReversePayment:
      return c.reverse_payment().order_id();
    case v1::OrderCommand::COMMAND_NOT_SET:
      break;
  }
  return *kEmpty;
}

std::vector<std::string> NamedProductIds(const v1::OrderCommand& c) {
  const RepeatedPtrField<v1::OrderLine>* lines = nullptr;
  if (c.command_case() == v1::OrderCommand::kPlace) lines = &c.place().lines();
  if (c.command_case() == v1::OrderCommand::kAmend) lines = &c.amend().lines();
  std::vector<std::string> ids;
  if (lines == nullptr) return ids;
  std::set<std::string> seen;
  for (const v1::OrderLine& line : *lines) {
    if (seen.insert(line.product_id()).second) ids.push_back(line.product_id());
  }
  return ids;
}

absl::StatusOr<std::vector<v1::OrderEvent>> DecideOrder(const v1::CommandContext& ctx,
                                                        const v1::OrderCommand& command,
                                                        const OrderState& state,
                                                        const OrderEnvironment& env) {
  CRM_RETURN_IF_ERROR(ValidateContext(ctx));
  if (command.command_case() == v1::OrderCommand::COMMAND_NOT_SET) {
    return absl::InvalidArgumentError("command: is not set");
  }
  const std::string command_name =
      command.GetDescriptor()->FindFieldByNumber(command.command_case())->name();
  CRM_RETURN_IF_ERROR(ValidateId(absl::StrCat(command_name, ".order_id"), TargetOrderId(command)));
  if (state.exists && state.order_id != TargetOrderId(command)) {
    return absl::InvalidArgumentError(absl::StrCat(command_name, ".order_id: names ",
                                                   TargetOrderId(command), " but the state is of ",
                                                   state.order_id));
  }
  switch (command.command_case()) {
    case v1::OrderCommand::kPlace:
      return Place(command.place(), state, env);
    case v1::OrderCommand::kApprove:
      return Approve(command.approve(), state);
    case v1::OrderCommand::kShip:
      return Ship(command.ship(), state);
    case v1::OrderCommand::kCancel:
      return Cancel(command.cancel(), state);
    case v1::OrderCommand::kAmend:
      return Amend(command.amend(), state, env);
    case v1::OrderCommand::kRecordPayment:
      return RecordPayment(command.record_payment(), state);
    case v1::OrderCommand::kReversePayment:
      return ReversePayment(ctx, command.reverse_payment(), state, env);
    case v1::OrderCommand::COMMAND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("command: is not set");
}

}  // namespace crm::engine::domain
