#include "engine/domain/business_calendar.h"

namespace crm::engine::domain {

absl::TimeZone DefaultBusinessTimeZone() {
  absl::TimeZone zone;
  if (absl::LoadTimeZone("Asia/Shanghai", &zone)) return zone;
  return absl::FixedTimeZone(8 * 60 * 60);
}

absl::CivilDay CivilDayAt(int64_t us, absl::TimeZone zone) {
  return absl::ToCivilDay(absl::FromUnixMicros(us), zone);
}

absl::CivilDay ToCivilDay(const v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

v1::Date ToDate(absl::CivilDay day) {
  v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

}  // namespace crm::engine::domain
