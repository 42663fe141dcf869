// Given/When/Then helpers for the order decider tests.
#ifndef CRM_TESTS_DOMAIN_ORDER_FIXTURE_H_
#define CRM_TESTS_DOMAIN_ORDER_FIXTURE_H_

#include <string>
#include <vector>

#include "crm/v1/order_commands.pb.h"
#include "crm/v1/order_events.pb.h"
#include "engine/domain/money.h"

namespace crm::engine::domain::testing {

inline v1::Date D(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

inline v1::OrderLine Line(const std::string& product, int64_t quantity, int64_t unit_fen) {
  v1::OrderLine line;
  line.set_product_id(product);
  line.set_product_name("企业版CRM年费");
  line.set_quantity(quantity);
  *line.mutable_unit_price() = MakeMoney("CNY", unit_fen);
  return line;
}

inline v1::Instalment Instalment(int number, int64_t fen, v1::Date due) {
  v1::Instalment i;
  i.set_number(number);
  *i.mutable_amount() = MakeMoney("CNY", fen);
  *i.mutable_due_date() = due;
  i.set_remind_days_before(3);
  return i;
}

// 2 × 4,999.50 + 1 × 15,000.00 = 24,999.00 CNY, paid 10,000.00 by March 31
// and 14,999.00 by April 30.
inline v1::PlaceOrder Placement(const std::string& id = "o1") {
  v1::PlaceOrder p;
  p.set_order_id(id);
  p.set_contract_number("HT-2026-001");
  p.set_customer_id("c1");
  p.set_rep_id("rep-zhang");
  p.set_currency_code("CNY");
  *p.add_lines() = Line("p-crm", 2, 499950);
  *p.add_lines() = Line("p-impl", 1, 1500000);
  *p.add_plan() = Instalment(1, 1000000, D(2026, 3, 31));
  *p.add_plan() = Instalment(2, 1499900, D(2026, 4, 30));
  *p.mutable_signed_on() = D(2026, 3, 1);
  return p;
}

}  // namespace crm::engine::domain::testing

#endif  // CRM_TESTS_DOMAIN_ORDER_FIXTURE_H_
