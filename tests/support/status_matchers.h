// GoogleTest helpers for absl::Status / absl::StatusOr, defined once.
#ifndef CRM_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define CRM_TESTS_SUPPORT_STATUS_MATCHERS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = ::crm::testing::GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s;
  return s.ok();
}

MATCHER_P(StatusIs, code, "has status code " + ::testing::PrintToString(code)) {
  const absl::Status& s = ::crm::testing::GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, substring,
           "has status code " + ::testing::PrintToString(code) + " and a message containing \"" +
               std::string(substring) + "\"") {
  const absl::Status& s = ::crm::testing::GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code && std::string(s.message()).find(substring) != std::string::npos;
}

MATCHER_P(IsOkAndHolds, value, "is OK and holds " + ::testing::PrintToString(value)) {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  *result_listener << "holds " << ::testing::PrintToString(*arg);
  return *arg == value;
}

}  // namespace crm::testing

#define CRM_ASSERT_OK(expr) ASSERT_THAT((expr), ::crm::testing::IsOk())
#define CRM_EXPECT_OK(expr) EXPECT_THAT((expr), ::crm::testing::IsOk())

// `CRM_ASSERT_OK_AND_ASSIGN(auto x, F())` fails the test if F() is an error.
#define CRM_ASSERT_OK_AND_ASSIGN(lhs, expr) \
  CRM_ASSERT_OK_AND_ASSIGN_IMPL_(CRM_TEST_CONCAT_(crm_test_statusor_, __LINE__), lhs, expr)
#define CRM_TEST_CONCAT_INNER_(a, b) a##b
#define CRM_TEST_CONCAT_(a, b) CRM_TEST_CONCAT_INNER_(a, b)
#define CRM_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                   \
  ASSERT_TRUE(statusor.ok()) << statusor.status();          \
  lhs = std::move(statusor).value()

#endif  // CRM_TESTS_SUPPORT_STATUS_MATCHERS_H_
