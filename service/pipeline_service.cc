#include "service/pipeline_service.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/field_validation.h"
#include "engine/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "projections/pipeline/pipeline_projection.h"
#include "projections/pipeline/pipeline_queries.h"
#include "service/rep_names.h"
#include "service/wire_values.h"

namespace crm::service {
namespace {

namespace pq = projections::pipeline;
using google::protobuf::util::TimeUtil;

absl::StatusOr<pq::Scope> ToScope(const v1::PipelineScope& scope) {
  switch (scope.scope_case()) {
    case v1::PipelineScope::kRepId:
      CRM_RETURN_IF_ERROR(engine::domain::ValidateId("scope.rep_id", scope.rep_id()));
      return pq::Scope::Rep(scope.rep_id());
    case v1::PipelineScope::kTeamId:
      CRM_RETURN_IF_ERROR(engine::domain::ValidateId("scope.team_id", scope.team_id()));
      return pq::Scope::Team(scope.team_id());
    case v1::PipelineScope::kEveryone:
      if (!scope.everyone()) {
        return absl::InvalidArgumentError("scope.everyone: must be true when set");
      }
      return pq::Scope::Everyone();
    case v1::PipelineScope::kPublicPool:
      if (!scope.public_pool()) {
        return absl::InvalidArgumentError("scope.public_pool: must be true when set");
      }
      return pq::Scope::PublicPool();
    case v1::PipelineScope::SCOPE_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      "scope: required; set one of rep_id, team_id, everyone, public_pool");
}

// A scope that reads customers of reps (everything but the pool), for the
// recycling queries.
absl::StatusOr<pq::Scope> ToOwnedScope(const v1::PipelineScope& scope, absl::string_view why) {
  CRM_ASSIGN_OR_RETURN(pq::Scope out, ToScope(scope));
  if (out.kind == pq::Scope::Kind::kPublicPool) {
    return absl::InvalidArgumentError(absl::StrCat("scope.public_pool: ", why));
  }
  return out;
}

// "Today" in the business zone unless the request names a day.
absl::StatusOr<absl::CivilDay> AsOf(const QueryDeps& deps, bool has_as_of, const v1::Date& as_of) {
  if (!has_as_of) return absl::ToCivilDay(absl::Now(), deps.models->zone());
  CRM_RETURN_IF_ERROR(engine::domain::ValidateDate("as_of", as_of));
  return engine::domain::ToCivilDay(as_of);
}

absl::StatusOr<pq::ReadOptions> Read(int32_t page_size, const std::string& page_token) {
  pq::ReadOptions read;  // RunQuery has already waited for min_position.
  CRM_ASSIGN_OR_RETURN(read.page_size, PageSize(page_size));
  read.page_token = page_token;
  return read;
}

// PermissionDenied naming the scope field unless the key may read `scope`
// (see the top of pipeline_service.proto).
absl::Status CheckScope(const QueryDeps& deps, const Principal& p, const pq::Scope& scope) {
  if (scope.kind == pq::Scope::Kind::kPublicPool || p.scope == SCOPE_ALL) {
    return absl::OkStatus();
  }
  switch (scope.kind) {
    case pq::Scope::Kind::kRep:
      return deps.access->CheckRep(p, scope.id, "scope.rep_id");
    case pq::Scope::Kind::kTeam: {
      CRM_ASSIGN_OR_RETURN(const bool within, deps.access->TeamInScope(p, scope.id));
      if (within) return absl::OkStatus();
      return absl::PermissionDeniedError(
          absl::StrCat("scope.team_id: team \"", scope.id, "\" is not within your data scope"));
    }
    default:
      return absl::PermissionDeniedError(
          "scope.everyone: only a key of data scope all may read everyone's customers; ask for a "
          "rep_id or team_id within your scope");
  }
}

void SetTimestamp(int64_t us, google::protobuf::Timestamp* out) {
  *out = TimeUtil::MicrosecondsToTimestamp(us);
}

void ToProto(const pq::Call& call, v1::PipelineCall* out) {
  out->set_follow_up_id(call.follow_up_id);
  SetTimestamp(call.occurred_us, out->mutable_occurred_time());
  *out->mutable_day() = engine::domain::ToDate(call.day);
  out->set_intent(call.intent);
  out->set_rep_id(call.rep_id);
}

void ToProto(const pq::PipelineEntry& e, RepNames& names, v1::PipelineEntry* out) {
  out->set_customer_id(e.customer_id);
  out->set_company_name(e.company_name);
  out->set_contact_person(e.contact_person);
  out->set_owner_rep_id(e.owner_rep_id);
  if (!e.owner_rep_id.empty()) out->set_owner_rep_name(names.Of(e.owner_rep_id));
  out->set_intent(e.intent);
  out->set_won(e.won);
  out->set_locked(e.locked);
  out->set_follow_up_count(static_cast<uint32_t>(e.follow_up_count));
  if (e.follow_up_count > 0) SetTimestamp(e.last_contact_us, out->mutable_last_contact_time());
  if (e.days_since_last_contact) out->set_days_since_last_contact(*e.days_since_last_contact);
  if (e.next_follow_up)
    *out->mutable_next_follow_up_date() = engine::domain::ToDate(*e.next_follow_up);
  out->set_due_today(e.due_today);
  out->set_overdue(e.overdue);
  out->set_days_overdue(e.days_overdue);
  if (e.first_call.present) ToProto(e.first_call, out->mutable_first_call());
  if (e.second_call.present) ToProto(e.second_call, out->mutable_second_call());
  out->set_merged_into(e.merged_into);
  out->set_archived(e.archived);
}

// RunCheckedQuery on this service's view for every customer reader.
grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context, const QueryDeps& deps,
                              absl::string_view method, absl::Status valid,
                              std::optional<uint64_t> min_position,
                              std::function<absl::Status(const Principal&)> work) {
  return RunCheckedQuery(context, deps, kCustomerReaders, method, pq::kPipelineProjectionName,
                         std::move(valid), min_position, std::move(work));
}

}  // namespace

grpc::ServerUnaryReactor* PipelineServiceImpl::ListPipeline(grpc::CallbackServerContext* context,
                                                            const v1::ListPipelineRequest* request,
                                                            v1::ListPipelineResponse* response) {
  pq::PipelineQuery query;
  absl::Status valid = [&]() -> absl::Status {
    CRM_ASSIGN_OR_RETURN(query.scope, ToScope(request->scope()));
    if (request->has_intent()) {
      const int intent = request->intent();
      if (intent == v1::INTENT_UNSPECIFIED || !v1::Intent_IsValid(intent)) {
        return absl::InvalidArgumentError(absl::StrCat("intent: ", intent, " is not an intent"));
      }
      query.intent = request->intent();
    }
    switch (request->due()) {
      case v1::PIPELINE_DUE_FILTER_UNSPECIFIED:
        query.due = pq::Due::kAny;
        break;
      case v1::PIPELINE_DUE_FILTER_DUE_TODAY:
        query.due = pq::Due::kDueToday;
        break;
      case v1::PIPELINE_DUE_FILTER_OVERDUE:
        query.due = pq::Due::kOverdue;
        break;
      case v1::PIPELINE_DUE_FILTER_DUE_TODAY_OR_OVERDUE:
        query.due = pq::Due::kDueTodayOrOverdue;
        break;
      default:
        return absl::InvalidArgumentError(
            absl::StrCat("due: ", static_cast<int>(request->due()), " is not a PipelineDueFilter"));
    }
    CRM_ASSIGN_OR_RETURN(query.as_of, AsOf(deps_, request->has_as_of(), request->as_of()));
    CRM_ASSIGN_OR_RETURN(query.read, Read(request->page_size(), request->page_token()));
    return absl::OkStatus();
  }();
  return Run(context, deps_, "ListPipeline", std::move(valid), MinPosition(*request),
             [this, response, query = std::move(query)](const Principal& p) -> absl::Status {
               CRM_RETURN_IF_ERROR(CheckScope(deps_, p, query.scope));
               CRM_ASSIGN_OR_RETURN(pq::PipelinePage page, deps_.models->pipeline().List(query));
               RepNames names(deps_.handler);
               for (const pq::PipelineEntry& e : page.entries) {
                 ToProto(e, names, response->add_entries());
               }
               response->set_next_page_token(page.next_page_token);
               *response->mutable_as_of() = engine::domain::ToDate(*query.as_of);
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* PipelineServiceImpl::CountPipelineByIntent(
    grpc::CallbackServerContext* context, const v1::CountPipelineByIntentRequest* request,
    v1::CountPipelineByIntentResponse* response) {
  absl::StatusOr<pq::Scope> scope = ToScope(request->scope());
  return Run(context, deps_, "CountPipelineByIntent", scope.status(), MinPosition(*request),
             [this, response, scope](const Principal& p) -> absl::Status {
               CRM_RETURN_IF_ERROR(CheckScope(deps_, p, *scope));
               CRM_ASSIGN_OR_RETURN(std::vector<int64_t> counts,
                                    deps_.models->pipeline().CountByIntent(*scope));
               int64_t total = 0;
               for (int intent = v1::INTENT_NOT_CONTACTED; intent <= v1::Intent_MAX; ++intent) {
                 if (!v1::Intent_IsValid(intent)) continue;
                 const int64_t n = static_cast<size_t>(intent) < counts.size() ? counts[intent] : 0;
                 v1::PipelineIntentCount* c = response->add_counts();
                 c->set_intent(static_cast<v1::Intent>(intent));
                 c->set_count(n);
                 total += n;
               }
               response->set_total(total);
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* PipelineServiceImpl::ListRecycleCandidates(
    grpc::CallbackServerContext* context, const v1::ListRecycleCandidatesRequest* request,
    v1::ListRecycleCandidatesResponse* response) {
  pq::RecycleQuery query;
  absl::Status valid = [&]() -> absl::Status {
    CRM_ASSIGN_OR_RETURN(query.scope,
                         ToOwnedScope(request->scope(), "the pool has nothing to recycle"));
    if (!request->has_rules()) return absl::InvalidArgumentError("rules: required");
    query.rules = request->rules();
    if (!request->has_now()) return absl::InvalidArgumentError("now: required");
    CRM_ASSIGN_OR_RETURN(query.now_us, TimestampMicros("now", request->now()));
    if (query.now_us <= 0) return absl::InvalidArgumentError("now: must be after 1970-01-01");
    CRM_ASSIGN_OR_RETURN(query.read, Read(request->page_size(), request->page_token()));
    return absl::OkStatus();
  }();
  return Run(context, deps_, "ListRecycleCandidates", std::move(valid), MinPosition(*request),
             [this, response, query = std::move(query)](const Principal& p) -> absl::Status {
               CRM_RETURN_IF_ERROR(CheckScope(deps_, p, query.scope));
               CRM_ASSIGN_OR_RETURN(pq::PipelinePage page,
                                    deps_.models->pipeline().RecycleCandidates(query));
               RepNames names(deps_.handler);
               for (const pq::PipelineEntry& e : page.entries) {
                 ToProto(e, names, response->add_entries());
               }
               response->set_next_page_token(page.next_page_token);
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* PipelineServiceImpl::ListRecycledCustomers(
    grpc::CallbackServerContext* context, const v1::ListRecycledCustomersRequest* request,
    v1::ListRecycledCustomersResponse* response) {
  pq::RecycledQuery query;
  absl::Status valid = [&]() -> absl::Status {
    CRM_ASSIGN_OR_RETURN(
        query.scope,
        ToOwnedScope(request->scope(), "recyclings are listed by the rep who lost them"));
    if (request->has_start_time()) {
      CRM_ASSIGN_OR_RETURN(query.from_us, TimestampMicros("start_time", request->start_time()));
      if (query.from_us < 0) {
        return absl::InvalidArgumentError("start_time: must not be before 1970-01-01");
      }
    }
    if (request->has_end_time()) {
      CRM_ASSIGN_OR_RETURN(query.to_us, TimestampMicros("end_time", request->end_time()));
      if (query.to_us < query.from_us) {
        return absl::InvalidArgumentError("end_time: must not be before start_time");
      }
    }
    CRM_ASSIGN_OR_RETURN(query.read, Read(request->page_size(), request->page_token()));
    return absl::OkStatus();
  }();
  return Run(context, deps_, "ListRecycledCustomers", std::move(valid), MinPosition(*request),
             [this, response, query = std::move(query)](const Principal& p) -> absl::Status {
               CRM_RETURN_IF_ERROR(CheckScope(deps_, p, query.scope));
               CRM_ASSIGN_OR_RETURN(pq::RecycledPage page,
                                    deps_.models->pipeline().Recycled(query));
               for (const pq::RecycledEntry& e : page.entries) {
                 v1::RecycledCustomer* out = response->add_recycled();
                 out->set_customer_id(e.customer_id);
                 out->set_previous_owner_rep_id(e.previous_owner_rep_id);
                 SetTimestamp(e.recycled_us, out->mutable_recycle_time());
                 SetTimestamp(e.last_activity_us, out->mutable_last_activity_time());
                 out->set_days_without_follow_up(e.days_without_follow_up);
                 out->set_current_owner_rep_id(e.current_owner_rep_id);
               }
               response->set_next_page_token(page.next_page_token);
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* PipelineServiceImpl::GetPipelineEntry(
    grpc::CallbackServerContext* context, const v1::GetPipelineEntryRequest* request,
    v1::PipelineEntry* response) {
  absl::CivilDay as_of;
  absl::Status valid = [&]() -> absl::Status {
    CRM_RETURN_IF_ERROR(engine::domain::ValidateId("customer_id", request->customer_id()));
    CRM_ASSIGN_OR_RETURN(as_of, AsOf(deps_, request->has_as_of(), request->as_of()));
    return absl::OkStatus();
  }();
  return Run(context, deps_, "GetPipelineEntry", std::move(valid), MinPosition(*request),
             [this, request, response, as_of](const Principal& p) -> absl::Status {
               const std::string& id = request->customer_id();
               const auto out_of_scope = [&] {
                 return absl::PermissionDeniedError(absl::StrCat(
                     "customer ", id, " is not within your data scope (or does not exist)"));
               };
               absl::StatusOr<pq::PipelineEntry> entry =
                   deps_.models->pipeline().Get(id, as_of, pq::ReadOptions{});
               // Only scope all learns which ids exist (access_control.h).
               if (absl::IsNotFound(entry.status()) && p.scope != SCOPE_ALL) return out_of_scope();
               if (!entry.ok()) return entry.status();
               if (p.scope != SCOPE_ALL && !entry->owner_rep_id.empty()) {
                 CRM_ASSIGN_OR_RETURN(bool in, deps_.access->RepInScope(p, entry->owner_rep_id));
                 if (!in) return out_of_scope();
               }
               RepNames names(deps_.handler);
               ToProto(*entry, names, response);
               return absl::OkStatus();
             });
}

}  // namespace crm::service
