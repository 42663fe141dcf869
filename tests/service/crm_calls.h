// Request builders for the service tests: valid commands a test then varies.
#ifndef CRM_TESTS_SERVICE_CRM_CALLS_H_
#define CRM_TESTS_SERVICE_CRM_CALLS_H_

#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "crm/v1/crm_service.pb.h"

namespace crm::service::testing {

inline v1::Date Day(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

inline google::protobuf::Timestamp Stamp(absl::Time t) {
  google::protobuf::Timestamp stamp;
  const int64_t us = absl::ToUnixMicros(t);
  stamp.set_seconds(us / 1000000);
  stamp.set_nanos(static_cast<int32_t>(us % 1000000) * 1000);
  return stamp;
}

inline v1::Money Cny(int64_t fen) {
  v1::Money m;
  m.set_currency_code("CNY");
  m.set_minor_units(fen);
  return m;
}

inline v1::RegisterCustomerRequest Registration(const std::string& request_id,
                                                const std::string& id, const std::string& owner,
                                                const std::string& company,
                                                const std::string& phone) {
  v1::RegisterCustomerRequest r;
  r.set_request_id(request_id);
  v1::RegisterCustomer* c = r.mutable_command();
  c->set_customer_id(id);
  c->set_kind(v1::CUSTOMER_KIND_COMPANY);
  c->mutable_profile()->set_company_name(company);
  c->mutable_profile()->set_contact_person("高娟");
  if (!phone.empty()) c->mutable_profile()->add_phones(phone);
  c->set_owner_rep_id(owner);
  return r;
}

inline v1::LogFollowUpRequest FollowUp(const std::string& request_id, const std::string& customer,
                                       const std::string& id, const std::string& rep) {
  v1::LogFollowUpRequest r;
  r.set_request_id(request_id);
  v1::LogFollowUp* c = r.mutable_command();
  c->set_customer_id(customer);
  c->set_follow_up_id(id);
  c->set_channel(v1::FOLLOW_UP_CHANNEL_PHONE);
  c->set_occurred_us(absl::ToUnixMicros(absl::Now() - absl::Hours(1)));
  c->set_rep_id(rep);
  c->set_intent(v1::INTENT_INTERESTED);
  c->set_notes("首电：有兴趣，下周二电");
  *c->mutable_next_follow_up_date() = Day(2030, 1, 15);
  return r;
}

// Defines p-crm, the product Order() names (an order's products must be
// defined). The fixed request_id makes a repeat a no-op, so a test may ask
// for it before each order.
inline v1::DefineProductRequest OrderProduct() {
  v1::DefineProductRequest r;
  r.set_request_id("define-p-crm");
  v1::DefineProduct* c = r.mutable_command();
  c->set_product_id("p-crm");
  c->set_name("企业版CRM年费");
  *c->mutable_unit_price() = Cny(500000);
  return r;
}

// 2 x 5,000.00 CNY, paid in two instalments of 4,000.00 and 6,000.00. Its
// product must be defined first (OrderProduct()).
inline v1::PlaceOrderRequest Order(const std::string& request_id, const std::string& id,
                                   const std::string& contract, const std::string& customer,
                                   const std::string& rep) {
  v1::PlaceOrderRequest r;
  r.set_request_id(request_id);
  v1::PlaceOrder* c = r.mutable_command();
  c->set_order_id(id);
  c->set_contract_number(contract);
  c->set_customer_id(customer);
  c->set_rep_id(rep);
  c->set_currency_code("CNY");
  v1::OrderLine* line = c->add_lines();
  line->set_product_id("p-crm");
  line->set_product_name("企业版CRM年费");
  line->set_quantity(2);
  *line->mutable_unit_price() = Cny(500000);
  v1::Instalment* first = c->add_plan();
  first->set_number(1);
  *first->mutable_amount() = Cny(400000);
  *first->mutable_due_date() = Day(2030, 3, 31);
  v1::Instalment* second = c->add_plan();
  second->set_number(2);
  *second->mutable_amount() = Cny(600000);
  *second->mutable_due_date() = Day(2030, 4, 30);
  *c->mutable_signed_on() = Day(2026, 3, 1);
  return r;
}

}  // namespace crm::service::testing

#endif  // CRM_TESTS_SERVICE_CRM_CALLS_H_
