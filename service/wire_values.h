// Wire values every crmd service reads or writes the same way: page sizes,
// timestamps, money and payment status.
#ifndef CRM_SERVICE_WIRE_VALUES_H_
#define CRM_SERVICE_WIRE_VALUES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crm/v1/balances_service.pb.h"
#include "crm/v1/common.pb.h"
#include "engine/domain/payment_status.h"
#include "google/protobuf/timestamp.pb.h"

namespace crm::service {

// The largest page any list returns; 0 asks for the query's default (100).
inline constexpr int32_t kMaxPageSize = 1000;

// page_size as a query takes it: negative is INVALID_ARGUMENT; more than
// kMaxPageSize is capped to it (AIP-158: coerce, do not refuse).
absl::StatusOr<int32_t> PageSize(int32_t page_size);

// Whether `t` lies in google.protobuf.Timestamp's documented range, 0001-01-01
// to 9999-12-31, with nanos in 0..999,999,999.
bool ValidTimestamp(const google::protobuf::Timestamp& t);

// `t` in UTC microseconds; INVALID_ARGUMENT naming `field` when it is out of
// range.
absl::StatusOr<int64_t> TimestampMicros(absl::string_view field,
                                        const google::protobuf::Timestamp& t);

v1::Money MoneyOf(const std::string& currency_code, int64_t minor_units);

v1::PaymentStatus ProtoPaymentStatus(engine::domain::PaymentStatus status);

}  // namespace crm::service

#endif  // CRM_SERVICE_WIRE_VALUES_H_
