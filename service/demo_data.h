// LoadDemoCompany: a realistic sample sales team for `crmd --demo`, so that a
// newcomer sees a populated pipeline, receivables and reports at once.
//
// A company with two teams (华南 and its 广州 sub-team, 华北), four reps,
// twenty customers with first and second calls of every intent, next calls
// due today, overdue and ahead, two customers in the public pool, products,
// and orders with instalments, payments (one partly paid, one overdue) —
// written through the command handler like any client's commands, dated
// relative to `now_us` in `zone`.
//
// Idempotent: every command's request id is fixed, so loading again (a
// restart with --demo) writes nothing.
#ifndef CRM_SERVICE_DEMO_DATA_H_
#define CRM_SERVICE_DEMO_DATA_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/domain/command_handler.h"

namespace crm::service {

absl::Status LoadDemoCompany(engine::domain::CommandHandler& handler, int64_t now_us,
                             absl::TimeZone zone);

}  // namespace crm::service

#endif  // CRM_SERVICE_DEMO_DATA_H_
