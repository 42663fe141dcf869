#include "clients/crmctl/pipeline_command.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/crmctl/crmd_call.h"
#include "crm/v1/pipeline_service.grpc.pb.h"

namespace crm::clients {
namespace {

absl::StatusOr<v1::ListPipelineRequest> Request(const PipelineCommandOptions& o) {
  v1::ListPipelineRequest r;
  int scopes = 0;
  if (!o.rep_id.empty()) ++scopes, r.mutable_scope()->set_rep_id(o.rep_id);
  if (!o.team_id.empty()) ++scopes, r.mutable_scope()->set_team_id(o.team_id);
  if (o.everyone) ++scopes, r.mutable_scope()->set_everyone(true);
  if (o.pool) ++scopes, r.mutable_scope()->set_public_pool(true);
  if (scopes != 1) {
    return absl::InvalidArgumentError("give exactly one of --rep, --team, --everyone, --pool");
  }
  if (o.due == "today") {
    r.set_due(v1::PIPELINE_DUE_FILTER_DUE_TODAY);
  } else if (o.due == "overdue") {
    r.set_due(v1::PIPELINE_DUE_FILTER_OVERDUE);
  } else if (o.due == "due") {
    r.set_due(v1::PIPELINE_DUE_FILTER_DUE_TODAY_OR_OVERDUE);
  } else if (!o.due.empty()) {
    return absl::InvalidArgumentError("--due: today, overdue or due (today or overdue)");
  }
  if (o.min_position >= 0) r.set_min_position(static_cast<uint64_t>(o.min_position));
  if (!o.as_of.empty()) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(o.as_of, &day)) {
      return absl::InvalidArgumentError("--as-of: not a YYYY-MM-DD date");
    }
    r.mutable_as_of()->set_year(static_cast<int32_t>(day.year()));
    r.mutable_as_of()->set_month(day.month());
    r.mutable_as_of()->set_day(day.day());
  }
  return r;
}

void PrintTable(const std::vector<v1::PipelineEntry>& entries, const v1::Date& as_of, FILE* out) {
  absl::FPrintF(out, "as of %s: %d customers\n", DateText(as_of), entries.size());
  absl::FPrintF(out, "%s%s%s%s%s%s%s\n", Pad("customer", 24), Pad("company", 28), Pad("owner", 12),
                Pad("intent", 8), Pad("last contact", 13), Pad("next call", 12), "due");
  for (const v1::PipelineEntry& e : entries) {
    const std::string last = e.has_days_since_last_contact()
                                 ? absl::StrFormat("%d days ago", e.days_since_last_contact())
                                 : "never";
    const std::string due = e.overdue()     ? absl::StrFormat("overdue %d d", e.days_overdue())
                            : e.due_today() ? "today"
                                            : "";
    absl::FPrintF(out, "%s%s%s%s%s%s%s\n", Pad(e.customer_id(), 24), Pad(e.company_name(), 28),
                  Pad(e.owner_rep_id().empty()     ? "(pool)"
                      : e.owner_rep_name().empty() ? e.owner_rep_id()
                                                   : e.owner_rep_name(),
                      12),
                  Pad(IntentWord(e.intent()), 8), Pad(last, 13),
                  Pad(DateText(e.next_follow_up_date()), 12), due);
  }
}

}  // namespace

int RunPipeline(const Crmd& crmd, const PipelineCommandOptions& options, FILE* out, FILE* err) {
  absl::StatusOr<v1::ListPipelineRequest> request = Request(options);
  if (!request.ok()) {
    absl::FPrintF(err, "crmctl pipeline: %s\n", request.status().message());
    return 2;
  }
  auto stub = v1::PipelineService::NewStub(crmd.channel);
  std::vector<v1::PipelineEntry> entries;
  v1::Date as_of;
  do {
    v1::ListPipelineResponse response;
    const grpc::Status s = stub->ListPipeline(crmd.Context().get(), *request, &response);
    if (!s.ok()) return ReportRefusal(err, "pipeline", s);
    for (v1::PipelineEntry& e : *response.mutable_entries()) entries.push_back(std::move(e));
    as_of = response.as_of();
    request->set_page_token(response.next_page_token());
  } while (options.all && !request->page_token().empty());

  if (!options.json) {
    PrintTable(entries, as_of, out);
    return 0;
  }
  for (const v1::PipelineEntry& e : entries) {
    if (!PrintJsonLine(e, out)) return kExitRefused;
  }
  return 0;
}

}  // namespace crm::clients
