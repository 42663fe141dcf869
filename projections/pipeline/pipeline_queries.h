// PipelineQueries: the follow-up pipeline as plain structs, read from the
// view PipelineProjection keeps (pipeline_keys.h).
//
// Every list is one or a few range scans of an index (one per rep of the
// scope) and batched reads of the rows its entries name, so a page costs
// O(page) rows plus the rows a filter skips, never a scan of all customers.
// Pages come with an opaque next_page_token (empty on the last page) that is
// valid only for the same query; a token from another query is
// INVALID_ARGUMENT.
//
// Read-your-writes: pass the position an append returned as `wait_for`; the
// query first waits (up to `wait_timeout`) until the view has applied it.
//
// Day arithmetic (due today, overdue, days since last contact, recycling) is
// done at read time against the caller's `as_of` day in the business time
// zone; nothing date-relative is stored.
//
// Thread-safety: all methods may be called concurrently (each query reads
// one consistent snapshot of the view).
#ifndef CRM_PROJECTIONS_PIPELINE_PIPELINE_QUERIES_H_
#define CRM_PROJECTIONS_PIPELINE_PIPELINE_QUERIES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "crm/v1/customer_commands.pb.h"
#include "crm/v1/customer_types.pb.h"
#include "engine/domain/public_pool.h"
#include "engine/store/types.h"
#include "projections/projection_runner.h"

namespace crm::projections::pipeline {

// Whose customers: one rep's, a team's (its reps and those of every team
// below it, by the reps' current teams), everyone's (owned customers), or the
// public pool's (unowned customers).
struct Scope {
  enum class Kind { kRep, kTeam, kEveryone, kPublicPool };
  Kind kind = Kind::kEveryone;
  std::string id;  // the rep or team id for kRep / kTeam

  static Scope Rep(std::string rep_id) { return {Kind::kRep, std::move(rep_id)}; }
  static Scope Team(std::string team_id) { return {Kind::kTeam, std::move(team_id)}; }
  static Scope Everyone() { return {Kind::kEveryone, ""}; }
  static Scope PublicPool() { return {Kind::kPublicPool, ""}; }
};

// Read-your-writes and paging, shared by every list query.
struct ReadOptions {
  // Wait until the view has applied this position (kNoPosition: don't wait).
  engine::Position wait_for = engine::kNoPosition;
  absl::Duration wait_timeout = absl::Seconds(5);
  // 1..1000; 0 means the default, 100.
  int page_size = 0;
  std::string page_token;
};

// A follow-up as the seed sheet's 首电 / 二电 columns show it.
struct Call {
  bool present = false;
  std::string follow_up_id;
  int64_t occurred_us = 0;
  absl::CivilDay day;  // occurred_us's day in the business time zone
  v1::Intent intent = v1::INTENT_UNSPECIFIED;
  std::string rep_id;
};

struct PipelineEntry {
  std::string customer_id;
  std::string company_name;
  std::string contact_person;
  std::string owner_rep_id;                      // empty: in the public pool
  v1::Intent intent = v1::INTENT_NOT_CONTACTED;  // of the latest follow-up
  bool won = false;
  bool locked = false;
  int follow_up_count = 0;
  int64_t last_contact_us = 0;  // 0: never contacted
  std::optional<int64_t> days_since_last_contact;
  std::optional<absl::CivilDay> next_follow_up;
  bool due_today = false;
  bool overdue = false;
  int64_t days_overdue = 0;
  // The first and second follow-ups by time (the seed sheet's view).
  Call first_call;
  Call second_call;
  // Only Get() returns customers that left the pipeline; lists never do.
  std::string merged_into;
  bool archived = false;
};

struct PipelinePage {
  std::vector<PipelineEntry> entries;
  std::string next_page_token;
};

enum class Due { kAny, kDueToday, kOverdue, kDueTodayOrOverdue };

struct PipelineQuery {
  Scope scope;
  // Only customers whose latest intent is this one.
  std::optional<v1::Intent> intent;
  // Only customers whose next follow-up date is today / before today.
  Due due = Due::kAny;
  // "Today" for due/overdue and days since last contact. Required.
  std::optional<absl::CivilDay> as_of;
  ReadOptions read;
};

// Customers that RecyclePool with `rules` at `now_us` would send back to the
// pool (public_pool.h: owned, not locked, not won, idle for
// rules.recycle_after_days days or more).
struct RecycleQuery {
  Scope scope;  // not kPublicPool
  v1::PoolRules rules;
  int64_t now_us = 0;
  ReadOptions read;
};

struct RecycledEntry {
  std::string customer_id;
  std::string previous_owner_rep_id;
  int64_t recycled_us = 0;
  int64_t last_activity_us = 0;
  int32_t days_without_follow_up = 0;
  std::string current_owner_rep_id;  // empty while still in the pool
};

struct RecycledPage {
  std::vector<RecycledEntry> entries;
  std::string next_page_token;
};

// Recyclings in [from_us, to_us) of the scope's reps' customers (by the rep
// who lost them), most recent last.
struct RecycledQuery {
  Scope scope;  // not kPublicPool
  int64_t from_us = 0;
  int64_t to_us = INT64_MAX;
  ReadOptions read;
};

class PipelineQueries {
 public:
  // `runner` runs a PipelineProjection and must outlive this object. `zone`
  // must be the projection's (day numbers in the view were made with it).
  PipelineQueries(const ProjectionRunner* runner, absl::TimeZone zone);

  // Errors: INVALID_ARGUMENT (a bad field, named), NOT_FOUND (no such team),
  // DEADLINE_EXCEEDED (wait_for not reached in time).
  absl::StatusOr<PipelinePage> List(const PipelineQuery& query) const;
  absl::StatusOr<PipelinePage> RecycleCandidates(const RecycleQuery& query) const;
  absl::StatusOr<RecycledPage> Recycled(const RecycledQuery& query) const;

  // One customer, including a merged or archived one. NOT_FOUND if unknown.
  absl::StatusOr<PipelineEntry> Get(const std::string& customer_id, absl::CivilDay as_of,
                                    const ReadOptions& read = {}) const;

  // Live customers per latest intent in the scope (index = v1::Intent number).
  absl::StatusOr<std::vector<int64_t>> CountByIntent(const Scope& scope,
                                                     const ReadOptions& read = {}) const;

  // What the pool rules need to know of a claimant (CommandHandlerOptions::
  // claimant_load): claims on `day` and customers owned now.
  absl::StatusOr<engine::domain::ClaimantLoad> ClaimantLoad(const std::string& rep_id,
                                                            absl::CivilDay day,
                                                            const ReadOptions& read = {}) const;

 private:
  absl::StatusOr<std::unique_ptr<ViewReader>> Open(const ReadOptions& read) const;
  const ProjectionRunner* runner_;
  absl::TimeZone zone_;
};

}  // namespace crm::projections::pipeline

#endif  // CRM_PROJECTIONS_PIPELINE_PIPELINE_QUERIES_H_
