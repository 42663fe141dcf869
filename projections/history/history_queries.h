// HistoryQueries: what auditors ask of a customer: every change, who made it
// and when, across the customer's own stream and its orders, payments and
// opportunities (HistoryProjection); and the customer's state as of a past
// moment (replayed from its stream by CommandHandler::CustomerAsOf).
//
// Thread-safety: all methods may be called concurrently.
#ifndef CRM_PROJECTIONS_HISTORY_HISTORY_QUERIES_H_
#define CRM_PROJECTIONS_HISTORY_HISTORY_QUERIES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/domain/command_handler.h"
#include "engine/domain/customer_state.h"
#include "engine/store/types.h"
#include "projections/projection_runner.h"

namespace crm::projections::history {

struct TimelineEntry {
  engine::Position position = 0;  // in the global log: the timeline's order
  std::string stream;             // customer-<id>, order-<id>, opportunity-<id>
  std::string type;               // e.g. "crm.v1.PaymentRecorded"
  std::string actor;              // who issued the command
  std::string request_id;
  int64_t occurred_us = 0;   // the command's now (UTC us)
  int64_t committed_us = 0;  // when the store committed it
  int64_t happened_us = 0;   // a follow-up's call time (UTC us); else 0
  std::string summary;       // one line for people
  std::string customer_id;   // a merged duplicate's id for its own entries
};

struct TimelinePage {
  std::vector<TimelineEntry> entries;
  std::string next_page_token;  // empty on the last page
};

struct TimelineQuery {
  std::string customer_id;
  // Only entries whose occurred_us is in [from_us, to_us).
  int64_t from_us = 0;
  int64_t to_us = INT64_MAX;
  // Fold in the timelines of duplicates merged into this customer.
  bool include_merged_duplicates = true;
  // Wait until the view has applied this position (kNoPosition: don't).
  engine::Position wait_for = engine::kNoPosition;
  absl::Duration wait_timeout = absl::Seconds(5);
  // 1..1000; 0 means the default, 100.
  int page_size = 0;
  std::string page_token;
};

class HistoryQueries {
 public:
  // `runner` runs a HistoryProjection; both must outlive this object.
  HistoryQueries(const ProjectionRunner* runner, engine::domain::CommandHandler* handler)
      : runner_(runner), handler_(handler) {}

  // In log order. Errors: INVALID_ARGUMENT naming the field, NOT_FOUND (no
  // such customer), DEADLINE_EXCEEDED (wait_for not reached in time).
  absl::StatusOr<TimelinePage> Timeline(const TimelineQuery& query) const;

  // The customer as the system knew it at `as_of_us` (events committed at or
  // before it). NOT_FOUND if it did not exist yet.
  absl::StatusOr<engine::domain::CustomerState> StateAsOf(const std::string& customer_id,
                                                          int64_t as_of_us) const;

 private:
  const ProjectionRunner* runner_;
  engine::domain::CommandHandler* handler_;
};

}  // namespace crm::projections::history

#endif  // CRM_PROJECTIONS_HISTORY_HISTORY_QUERIES_H_
