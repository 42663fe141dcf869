// What every crmctl subcommand that talks to crmd shares: the channel and key,
// a call context carrying the key and a deadline, how a refusal is told to a
// person, JSON lines for scripts, and the text helpers of terminal tables.
#ifndef CRM_CLIENTS_CRMCTL_CRMD_CALL_H_
#define CRM_CLIENTS_CRMCTL_CRMD_CALL_H_

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/crm_service.pb.h"
#include "crm/v1/customer_types.pb.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace crm::clients {

// Exit codes of every crmctl subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadOptions = 2;  // the person's input; nothing was sent
inline constexpr int kExitRefused = 3;     // crmd refused, or could not be reached

struct Crmd {
  std::shared_ptr<grpc::Channel> channel;
  std::string api_key;
  absl::Duration deadline = absl::Seconds(30);

  // A context for one call: the key as x-api-key, and the deadline.
  std::unique_ptr<grpc::ClientContext> Context() const;
};

// Who crmd says the key is, and its business time zone (CrmService.WhoAmI).
grpc::Status AskWhoAmI(const Crmd& crmd, v1::WhoAmIResponse* who);

// crmd's business time zone, as WhoAmI names it, in `zone`: the zone of the
// days crmctl sends (--as-of) and of the times it prints. A crmd too old to
// answer WhoAmI (UNIMPLEMENTED) or naming a zone this machine does not know
// counts in Asia/Shanghai, crmd's default. Any other failure is returned, to
// tell with ReportRefusal.
grpc::Status CrmdTimeZone(const Crmd& crmd, absl::TimeZone* zone);

// Today in crmd's business time zone (CrmdTimeZone, with its fallback), in
// `today`: the day a command dates what the person did not date (a payment
// received, an order shipped). One WhoAmI call; ask only when the person
// left the day out. A failure is returned, to tell with ReportRefusal.
grpc::Status CrmdToday(const Crmd& crmd, v1::Date* today);

// "crmctl <command>: <why>" on `err` (a person's option is wrong: name the
// flag and what it takes); returns kExitBadOptions.
int ReportBadOption(FILE* err, absl::string_view command, absl::string_view why);

// "crmctl <command>: crmd answered NOT_FOUND: <message>" on `err`; returns
// kExitRefused.
int ReportRefusal(FILE* err, const std::string& command, const grpc::Status& status);

// `message` as one line of protobuf JSON (proto field names) on `out`.
// False when it cannot be printed.
bool PrintJsonLine(const google::protobuf::Message& message, FILE* out);

// YYYY-MM-DD, or "-" for an unset date.
std::string DateText(const v1::Date& d);

// YYYY-MM-DD hh:mm in `zone`, or "-" for 0.
std::string TimeText(int64_t unix_micros, absl::TimeZone zone);

// Minor units as 12,500.00 (two decimals, thousands separated, sign kept).
std::string MoneyText(int64_t minor_units);

// The sheet's words for an intent (意向), as people read the pipeline.
const char* IntentWord(v1::Intent intent);

// `text` padded to `width` terminal columns (a CJK character counts as two),
// always followed by at least one space.
std::string Pad(const std::string& text, int width);

// `text` as a civil date when it is YYYY-MM-DD of a real day.
bool ParseDay(const std::string& text, v1::Date* day);

// A fresh random request id ("crmctl-" and 16 hex digits) for a command the
// person did not give one; print it so a retry can pass it again.
std::string NewRequestId();

// Whether crmd accepts `id` as a request id: 1..128 printable ASCII
// characters (spaces excluded, which a shell would split anyway).
bool ValidRequestId(const std::string& id);

// `message` as one line of protobuf JSON like PrintJsonLine, preceded by the
// string fields `extra` (name, value) that the message lacks, e.g. the id of
// the customer a CommandResponse is about.
bool PrintJsonLineWith(const std::vector<std::pair<std::string, std::string>>& extra,
                       const google::protobuf::Message& message, FILE* out);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_CRMD_CALL_H_
