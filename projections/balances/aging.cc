#include "projections/balances/aging.h"

namespace crm::projections::balances {

AgingBucket BucketFor(int64_t days_overdue) {
  if (days_overdue <= 0) return AgingBucket::kCurrent;
  if (days_overdue <= 30) return AgingBucket::kDays1To30;
  if (days_overdue <= 60) return AgingBucket::kDays31To60;
  if (days_overdue <= 90) return AgingBucket::kDays61To90;
  if (days_overdue <= 120) return AgingBucket::kDays91To120;
  return AgingBucket::kOver120Days;
}

absl::string_view BucketLabel(AgingBucket bucket) {
  switch (bucket) {
    case AgingBucket::kCurrent:
      return "current";
    case AgingBucket::kDays1To30:
      return "1-30";
    case AgingBucket::kDays31To60:
      return "31-60";
    case AgingBucket::kDays61To90:
      return "61-90";
    case AgingBucket::kDays91To120:
      return "91-120";
    case AgingBucket::kOver120Days:
      return "over 120";
  }
  return "?";
}

int64_t Aging::Total() const {
  int64_t total = 0;
  for (int64_t v : outstanding) total += v;
  return total;
}

}  // namespace crm::projections::balances
