#include "service/wire_values.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace crm::service {

absl::StatusOr<int32_t> PageSize(int32_t page_size) {
  if (page_size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", page_size, " is negative (0 means the default, 100)"));
  }
  return std::min(page_size, kMaxPageSize);
}

bool ValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= -62135596800 && t.seconds() <= 253402300799 && t.nanos() >= 0 &&
         t.nanos() <= 999999999;
}

absl::StatusOr<int64_t> TimestampMicros(absl::string_view field,
                                        const google::protobuf::Timestamp& t) {
  if (!ValidTimestamp(t)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": not a valid timestamp (0001-01-01 to 9999-12-31, nanos 0..999999999)"));
  }
  return google::protobuf::util::TimeUtil::TimestampToMicroseconds(t);
}

v1::Money MoneyOf(const std::string& currency_code, int64_t minor_units) {
  v1::Money m;
  m.set_currency_code(currency_code);
  m.set_minor_units(minor_units);
  return m;
}

v1::PaymentStatus ProtoPaymentStatus(engine::domain::PaymentStatus status) {
  switch (status) {
    case engine::domain::PaymentStatus::kUnpaid:
      return v1::PAYMENT_STATUS_UNPAID;
    case engine::domain::PaymentStatus::kPartial:
      return v1::PAYMENT_STATUS_PARTIAL;
    case engine::domain::PaymentStatus::kPaid:
      return v1::PAYMENT_STATUS_PAID;
    case engine::domain::PaymentStatus::kOverdue:
      return v1::PAYMENT_STATUS_OVERDUE;
  }
  return v1::PAYMENT_STATUS_UNSPECIFIED;
}

}  // namespace crm::service
