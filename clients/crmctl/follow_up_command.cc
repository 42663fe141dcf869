#include "clients/crmctl/follow_up_command.h"

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/crmctl/crmd_call.h"
#include "clients/crmctl/write_command.h"
#include "clients/import/intent_table.h"
#include "crm/v1/crm_service.grpc.pb.h"
#include "engine/domain/display_words.h"

namespace crm::clients {
namespace {

int BadOption(FILE* err, const std::string& message) {
  return ReportBadOption(err, "followup log", message);
}

absl::StatusOr<v1::FollowUpChannel> Channel(const std::string& word) {
  const std::string w = absl::AsciiStrToLower(absl::StripAsciiWhitespace(word));
  if (w.empty() || w == "phone" || w == "call" || w == "电话") return v1::FOLLOW_UP_CHANNEL_PHONE;
  if (w == "visit" || w == "拜访" || w == "上门") return v1::FOLLOW_UP_CHANNEL_VISIT;
  if (w == "message" || w == "wechat" || w == "sms" || w == "微信" || w == "短信" || w == "消息") {
    return v1::FOLLOW_UP_CHANNEL_MESSAGE;
  }
  if (w == "email" || w == "e-mail" || w == "邮件") return v1::FOLLOW_UP_CHANNEL_EMAIL;
  return absl::InvalidArgumentError(absl::StrCat(
      "--channel=", word, ": phone (电话), visit (拜访), message (微信, 短信) or email (邮件)"));
}

}  // namespace

int RunFollowUpLog(const Crmd& crmd, const FollowUpLogOptions& options, FILE* out, FILE* err) {
  if (options.customer_id.empty()) {
    return BadOption(err, "give the customer id: crmctl followup log CUSTOMER --intent=...");
  }
  if (options.intent.empty()) {
    return BadOption(err,
                     "--intent: required: interested, considering, refused or deal-closed (or "
                     "有兴趣, 考虑中, 拒绝, 已成交 ...)");
  }
  // The table knows deal_closed; people type deal-closed.
  absl::StatusOr<v1::Intent> intent =
      IntentTable().Lookup(absl::StrReplaceAll(options.intent, {{"-", "_"}}));
  if (!intent.ok()) {
    return BadOption(err,
                     absl::StrCat("--intent=", options.intent,
                                  ": interested, considering, refused or deal-closed, or "
                                  "one of the sheet's words (有兴趣, 考虑中, 拒绝, 已成交 ...)"));
  }
  absl::StatusOr<v1::FollowUpChannel> channel = Channel(options.channel);
  if (!channel.ok()) return BadOption(err, std::string(channel.status().message()));
  v1::LogFollowUpRequest request;
  v1::LogFollowUp* c = request.mutable_command();
  if (!options.next.empty() && !ParseDay(options.next, c->mutable_next_follow_up_date())) {
    return BadOption(err, absl::StrCat("--next=", options.next, ": not a YYYY-MM-DD date"));
  }
  if (options.note.size() > 4000) {
    return BadOption(err, absl::StrFormat("--note: %d bytes, at most 4000", options.note.size()));
  }
  if (!options.request_id.empty() && !ValidRequestId(options.request_id)) {
    return BadOption(err, "--request-id: 1 to 128 printable ASCII characters without spaces");
  }

  auto stub = v1::CrmService::NewStub(crmd.channel);
  std::string rep = options.rep_id;
  if (rep.empty()) {
    // A rep's key logs its own calls.
    v1::WhoAmIResponse who;
    const grpc::Status s = AskWhoAmI(crmd, &who);
    if (!s.ok()) return ReportRefusal(err, "followup log", s);
    if (who.role() == v1::API_KEY_ROLE_REP) rep = who.rep_id();
  }
  if (rep.empty()) {
    // Any other key: the owner is who calls its customers.
    v1::GetCustomerRequest get;
    get.set_customer_id(options.customer_id);
    v1::Customer customer;
    const grpc::Status s = stub->GetCustomer(crmd.Context().get(), get, &customer);
    if (!s.ok()) return ReportRefusal(err, "followup log", s);
    if (customer.owner_rep_id().empty()) {
      return BadOption(err, absl::StrCat("--rep: customer ", options.customer_id,
                                         " is in the public pool; claim it first (crmctl pool "
                                         "claim ",
                                         options.customer_id, " --rep=R) or name the rep"));
    }
    rep = customer.owner_rep_id();
  }

  request.set_request_id(options.request_id.empty() ? NewRequestId() : options.request_id);
  c->set_customer_id(options.customer_id);
  c->set_follow_up_id(IdForRequest("f-", request.request_id()));
  c->set_channel(*channel);
  // crmd refuses a follow-up after its own now; a second covers a client
  // clock slightly ahead of the server's.
  c->set_occurred_us(absl::ToUnixMicros(absl::Now() - absl::Seconds(1)));
  c->set_rep_id(rep);
  c->set_intent(*intent);
  c->set_notes(options.note);

  v1::CommandResponse response;
  const grpc::Status s = stub->LogFollowUp(crmd.Context().get(), request, &response);
  if (!s.ok()) return ReportWriteRefusal(err, "followup log", s, request.request_id());
  const int code = PrintWritten(
      out, options.json,
      {{"customer_id", c->customer_id()},
       {"follow_up_id", c->follow_up_id()},
       {"request_id", request.request_id()}},
      absl::StrFormat("logged follow-up %s on %s by %s (%s, %s, next call %s)", c->follow_up_id(),
                      c->customer_id(), rep, engine::domain::ChannelWord(*channel),
                      IntentWord(*intent), DateText(c->next_follow_up_date())),
      response);
  if (!options.json) absl::FPrintF(out, "request id %s\n", request.request_id());
  return code;
}

}  // namespace crm::clients
