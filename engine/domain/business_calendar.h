// Civil dates in the business time zone. Instants are UTC microseconds;
// due dates and follow-up dates are days on the business's calendar, and the
// two meet only here.
//
// Thread-safety: pure functions; absl::TimeZone is a value type.
#ifndef CRM_ENGINE_DOMAIN_BUSINESS_CALENDAR_H_
#define CRM_ENGINE_DOMAIN_BUSINESS_CALENDAR_H_

#include <cstdint>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "crm/v1/common.pb.h"

namespace crm::engine::domain {

// Asia/Shanghai, or a fixed UTC+8 zone when the tz database is missing (China
// has had no daylight saving since 1991, so the two agree for any date the
// CRM will see).
absl::TimeZone DefaultBusinessTimeZone();

// The civil day of instant `us` (UTC microseconds) in `zone`.
absl::CivilDay CivilDayAt(int64_t us, absl::TimeZone zone);

// Conversions between the wire Date and absl::CivilDay.
// REQUIRES: ValidateDate(date) is OK.
absl::CivilDay ToCivilDay(const v1::Date& date);
v1::Date ToDate(absl::CivilDay day);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_BUSINESS_CALENDAR_H_
