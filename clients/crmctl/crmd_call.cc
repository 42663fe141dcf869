#include "clients/crmctl/crmd_call.h"

#include <cstdlib>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "crm/v1/crm_service.grpc.pb.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/display_words.h"
#include "engine/domain/money.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace crm::clients {
namespace {

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

}  // namespace

std::unique_ptr<grpc::ClientContext> Crmd::Context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-api-key", api_key);
  context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  return context;
}

grpc::Status AskWhoAmI(const Crmd& crmd, v1::WhoAmIResponse* who) {
  return v1::CrmService::NewStub(crmd.channel)
      ->WhoAmI(crmd.Context().get(), v1::WhoAmIRequest(), who);
}

grpc::Status CrmdTimeZone(const Crmd& crmd, absl::TimeZone* zone) {
  v1::WhoAmIResponse who;
  const grpc::Status s = AskWhoAmI(crmd, &who);
  if (!s.ok() && s.error_code() != grpc::StatusCode::UNIMPLEMENTED) return s;
  if (s.ok() && !who.business_time_zone().empty() &&
      absl::LoadTimeZone(who.business_time_zone(), zone)) {
    return grpc::Status::OK;
  }
  *zone = engine::domain::DefaultBusinessTimeZone();
  return grpc::Status::OK;
}

grpc::Status CrmdToday(const Crmd& crmd, v1::Date* today) {
  absl::TimeZone zone;
  if (const grpc::Status s = CrmdTimeZone(crmd, &zone); !s.ok()) return s;
  const absl::CivilDay day = engine::domain::CivilDayAt(absl::ToUnixMicros(absl::Now()), zone);
  today->set_year(static_cast<int32_t>(day.year()));
  today->set_month(day.month());
  today->set_day(day.day());
  return grpc::Status::OK;
}

int ReportBadOption(FILE* err, absl::string_view command, absl::string_view why) {
  absl::FPrintF(err, "crmctl %s: %s\n", command, why);
  return kExitBadOptions;
}

int ReportRefusal(FILE* err, const std::string& command, const grpc::Status& status) {
  std::string hint;
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    hint = " (is crmd running there? check --server or CRM_SERVER)";
  } else if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    hint = " (check --key or CRM_API_KEY)";
  }
  absl::FPrintF(err, "crmctl %s: crmd answered %s: %s%s\n", command, CodeName(status.error_code()),
                status.error_message(), hint);
  return kExitRefused;
}

bool PrintJsonLine(const google::protobuf::Message& message, FILE* out) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string line;
  if (!google::protobuf::util::MessageToJsonString(message, &line, options).ok()) return false;
  absl::FPrintF(out, "%s\n", line);
  return true;
}

std::string DateText(const v1::Date& d) {
  if (d.year() == 0) return "-";
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string TimeText(int64_t unix_micros, absl::TimeZone zone) {
  if (unix_micros == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixMicros(unix_micros), zone);
}

std::string MoneyText(int64_t minor_units) {
  return engine::domain::GroupedMinorUnits(minor_units);
}

const char* IntentWord(v1::Intent intent) {
  const char* word = engine::domain::IntentWord(intent);
  return word != nullptr ? word : "-";
}

std::string Pad(const std::string& text, int width) {
  int columns = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = text[i];
    const int bytes = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    columns += bytes >= 3 ? 2 : 1;
    i += bytes;
  }
  return columns >= width ? text + " " : text + std::string(width - columns, ' ');
}

bool ParseDay(const std::string& text, v1::Date* day) {
  absl::CivilDay civil;
  // ParseCivilTime normalises 2026-02-30 to March; a person meant no such day.
  if (text.size() != 10 || !absl::ParseCivilTime(text, &civil) ||
      absl::FormatCivilTime(civil) != text) {
    return false;
  }
  day->set_year(static_cast<int32_t>(civil.year()));
  day->set_month(civil.month());
  day->set_day(civil.day());
  return true;
}

std::string NewRequestId() {
  absl::BitGen random;
  return absl::StrFormat("crmctl-%016x", absl::Uniform<uint64_t>(random));
}

bool ValidRequestId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (const char c : id) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

bool PrintJsonLineWith(const std::vector<std::pair<std::string, std::string>>& extra,
                       const google::protobuf::Message& message, FILE* out) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string body;
  if (!google::protobuf::util::MessageToJsonString(message, &body, options).ok()) return false;
  std::string line = "{";
  for (const auto& [name, value] : extra) {
    // A string Value prints as a JSON string with every escape it needs.
    google::protobuf::Value quoted;
    quoted.set_string_value(value);
    std::string text;
    if (!google::protobuf::util::MessageToJsonString(quoted, &text).ok()) return false;
    absl::StrAppend(&line, line.size() > 1 ? "," : "", "\"", name, "\":", text);
  }
  // `body` is "{}" or "{...}": keep its fields and its closing brace.
  absl::StrAppend(&line, line.size() > 1 && body.size() > 2 ? "," : "", body.substr(1));
  absl::FPrintF(out, "%s\n", line);
  return true;
}

}  // namespace crm::clients
