// Given/When/Then helpers for the customer decider tests.
#ifndef CRM_TESTS_DOMAIN_CUSTOMER_FIXTURE_H_
#define CRM_TESTS_DOMAIN_CUSTOMER_FIXTURE_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "crm/v1/customer_commands.pb.h"
#include "crm/v1/customer_events.pb.h"
#include "engine/domain/business_calendar.h"
#include "engine/domain/customer_decider.h"
#include "engine/domain/customer_state.h"
#include "gtest/gtest.h"

namespace crm::engine::domain::testing {

// UTC microseconds of a civil time in Asia/Shanghai.
inline int64_t ShanghaiUs(int y, int mo, int d, int h = 10, int mi = 0) {
  return absl::ToUnixMicros(
      absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), DefaultBusinessTimeZone()));
}

inline v1::CommandContext Context(int64_t now_us, const std::string& request_id = "req-1") {
  v1::CommandContext ctx;
  ctx.set_request_id(request_id);
  ctx.set_actor("user-li");
  ctx.set_now_us(now_us);
  return ctx;
}

inline v1::RegisterCustomer CompanyRegistration(const std::string& id = "c1") {
  v1::RegisterCustomer r;
  r.set_customer_id(id);
  r.set_kind(v1::CUSTOMER_KIND_COMPANY);
  r.mutable_profile()->set_company_name("天宇物流集团有限公司");
  r.mutable_profile()->set_contact_person("高娟");
  r.mutable_profile()->add_phones("130-7589-3910");
  r.mutable_profile()->add_phones("020-77196458");
  r.mutable_profile()->set_email("gao@tianyu.example");
  r.mutable_profile()->mutable_address()->set_province("广东省");
  r.mutable_profile()->mutable_address()->set_city("广州市");
  r.set_owner_rep_id("rep-lina");
  return r;
}

inline v1::CustomerEvent RegisteredEvent(const std::string& id = "c1", int64_t at_us = 1) {
  v1::CustomerEvent e;
  const v1::RegisterCustomer r = CompanyRegistration(id);
  v1::CustomerRegistered* reg = e.mutable_registered();
  reg->set_customer_id(id);
  reg->set_kind(r.kind());
  *reg->mutable_profile() = r.profile();
  reg->set_owner_rep_id(r.owner_rep_id());
  reg->set_registered_us(at_us);
  return e;
}

// Folds `given` into a state, like the handler does after reading a stream.
inline CustomerState Given(const std::vector<v1::CustomerEvent>& given) {
  CustomerState state;
  for (const v1::CustomerEvent& e : given) Evolve(state, e);
  return state;
}

}  // namespace crm::engine::domain::testing

#endif  // CRM_TESTS_DOMAIN_CUSTOMER_FIXTURE_H_
