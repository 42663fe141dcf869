// Merging a duplicate customer into a survivor (客户合并). A decision over two
// streams: the duplicate is closed and points to the survivor; the survivor
// takes over the duplicate's phones, contacts and company name. The command
// handler appends both in one atomic append, with the reservation transfers
// (reservations.h).
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_CUSTOMER_MERGE_H_
#define CRM_ENGINE_DOMAIN_CUSTOMER_MERGE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/customer_commands.pb.h"
#include "crm/v1/customer_events.pb.h"
#include "engine/domain/customer_state.h"

namespace crm::engine::domain {

struct MergeDecision {
  // For "customer-<duplicate>": CustomerMergedInto.
  std::vector<v1::CustomerEvent> duplicate_events;
  // For "customer-<survivor>": CustomerDuplicateAbsorbed.
  std::vector<v1::CustomerEvent> survivor_events;
};

// Decides MergeCustomers. Both vectors empty: the duplicate was already merged
// into this survivor (a retry). Errors: InvalidArgument (bad ids, the same id
// twice), NotFound (either customer), FailedPrecondition (the duplicate was
// merged into another customer; the survivor is merged or archived).
absl::StatusOr<MergeDecision> DecideMerge(const v1::CommandContext& context,
                                          const v1::MergeCustomers& command,
                                          const CustomerState& duplicate,
                                          const CustomerState& survivor);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_CUSTOMER_MERGE_H_
