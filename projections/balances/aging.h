// Receivables aging buckets: how long an outstanding instalment has been
// past its due date, as of a date. An instalment not yet due, or due on the
// as-of date itself, is "current".
//
// Thread-safety: pure functions; Aging is a value type.
#ifndef CRM_PROJECTIONS_BALANCES_AGING_H_
#define CRM_PROJECTIONS_BALANCES_AGING_H_

#include <array>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace crm::projections::balances {

enum class AgingBucket {
  kCurrent = 0,
  kDays1To30 = 1,
  kDays31To60 = 2,
  kDays61To90 = 3,
  kDays91To120 = 4,
  kOver120Days = 5,
};
inline constexpr int kAgingBucketCount = 6;

// REQUIRES: days_overdue >= 0.
AgingBucket BucketFor(int64_t days_overdue);

// "current", "1-30", ..., "over 120", for reports people read.
absl::string_view BucketLabel(AgingBucket bucket);

// Outstanding minor units per bucket, one currency.
struct Aging {
  std::array<int64_t, kAgingBucketCount> outstanding{};

  int64_t& at(AgingBucket b) { return outstanding[static_cast<int>(b)]; }
  int64_t at(AgingBucket b) const { return outstanding[static_cast<int>(b)]; }
  int64_t Total() const;
  bool operator==(const Aging&) const = default;
};

}  // namespace crm::projections::balances

#endif  // CRM_PROJECTIONS_BALANCES_AGING_H_
