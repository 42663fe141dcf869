#include "service/demo_data.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "engine/domain/business_calendar.h"
#include "engine/status_macros.h"

namespace crm::service {
namespace {

using engine::domain::CommandHandler;

struct DemoCustomer {
  const char* company;
  const char* contact;
  const char* phone;
  const char* province;
  const char* city;
  const char* industry;
  const char* rep;  // "" = the public pool
  // Calls: days before today (0 = none), and the intent judged.
  int first_call_days_ago;
  v1::Intent first_intent;
  int second_call_days_ago;
  v1::Intent second_intent;
  // Next call, days from today (-3 = three days overdue); kNoNext = none.
  int next_call_in_days;
};

constexpr int kNoNext = 1000;

const DemoCustomer kCustomers[] = {
    {"天宇物流集团有限公司", "高娟", "13075893910", "广东省", "广州市", "物流", "r-li", 20,
     v1::INTENT_INTERESTED, 9, v1::INTENT_INTERESTED, 0},
    {"银河纺织股份有限公司", "马磊", "13211138017", "浙江省", "杭州市", "纺织", "r-li", 15,
     v1::INTENT_CONSIDERING, 0, v1::INTENT_UNSPECIFIED, -3},
    {"宏达机械制造有限公司", "朱静", "020-77196458", "广东省", "广州市", "机械", "r-li", 30,
     v1::INTENT_INTERESTED, 12, v1::INTENT_DEAL_CLOSED, kNoNext},
    {"众诚会计师事务所", "黄明", "13857390467", "广东省", "深圳市", "咨询", "r-li", 8,
     v1::INTENT_REFUSED, 0, v1::INTENT_UNSPECIFIED, kNoNext},
    {"新纪元广告有限公司", "陈杰", "010-51081935", "北京市", "北京市", "广告", "r-zhao", 25,
     v1::INTENT_INTERESTED, 5, v1::INTENT_CONSIDERING, 2},
    {"华信科技有限公司", "李明", "13911112222", "北京市", "北京市", "科技", "r-zhao", 40,
     v1::INTENT_INTERESTED, 18, v1::INTENT_DEAL_CLOSED, kNoNext},
    {"恒通贸易有限公司", "王芳", "13922223333", "天津市", "天津市", "贸易", "r-zhao", 6,
     v1::INTENT_CONSIDERING, 0, v1::INTENT_UNSPECIFIED, -1},
    {"美达电器有限公司", "刘洋", "13933334444", "广东省", "佛山市", "电器", "r-wang", 12,
     v1::INTENT_INTERESTED, 4, v1::INTENT_INTERESTED, 0},
    {"顺丰五金商行", "赵敏", "13944445555", "广东省", "广州市", "五金", "r-wang", 3,
     v1::INTENT_CONSIDERING, 0, v1::INTENT_UNSPECIFIED, 5},
    {"金海岸酒店管理有限公司", "孙丽", "13955556666", "福建省", "厦门市", "酒店", "r-wang", 50,
     v1::INTENT_INTERESTED, 35, v1::INTENT_CONSIDERING, -10},
    {"绿源农业科技有限公司", "周强", "13966667777", "广东省", "广州市", "农业", "r-chen", 9,
     v1::INTENT_INTERESTED, 2, v1::INTENT_INTERESTED, 1},
    {"博雅教育咨询有限公司", "吴婷", "13977778888", "广东省", "广州市", "教育", "r-chen", 18,
     v1::INTENT_REFUSED, 0, v1::INTENT_UNSPECIFIED, kNoNext},
    {"瑞丰建材有限公司", "郑伟", "13988889999", "广东省", "东莞市", "建材", "r-chen", 22,
     v1::INTENT_CONSIDERING, 11, v1::INTENT_INTERESTED, -2},
    {"海川医疗器械有限公司", "冯涛", "13800001111", "广东省", "广州市", "医疗", "r-chen", 0,
     v1::INTENT_UNSPECIFIED, 0, v1::INTENT_UNSPECIFIED, 3},
    {"星辰软件有限公司", "何静", "13800002222", "北京市", "北京市", "软件", "r-zhao", 0,
     v1::INTENT_UNSPECIFIED, 0, v1::INTENT_UNSPECIFIED, kNoNext},
    {"东方印务有限公司", "许刚", "13800003333", "广东省", "广州市", "印刷", "r-li", 60,
     v1::INTENT_CONSIDERING, 45, v1::INTENT_CONSIDERING, -30},
    {"长青物业管理有限公司", "邓霞", "13800004444", "广东省", "深圳市", "物业", "r-wang", 7,
     v1::INTENT_INTERESTED, 0, v1::INTENT_UNSPECIFIED, 0},
    {"宇航仪器有限公司", "曹勇", "13800005555", "陕西省", "西安市", "仪器", "r-zhao", 14,
     v1::INTENT_INTERESTED, 6, v1::INTENT_INTERESTED, 4},
    {"佳禾食品有限公司", "彭艳", "13800006666", "广东省", "广州市", "食品", "", 90,
     v1::INTENT_CONSIDERING, 0, v1::INTENT_UNSPECIFIED, kNoNext},
    {"光明照明电器厂", "曾亮", "13800007777", "广东省", "中山市", "照明", "", 0,
     v1::INTENT_UNSPECIFIED, 0, v1::INTENT_UNSPECIFIED, kNoNext},
};

class Loader {
 public:
  Loader(CommandHandler& handler, int64_t now_us, absl::TimeZone zone)
      : handler_(handler),
        now_us_(now_us),
        zone_(zone),
        today_(absl::ToCivilDay(absl::FromUnixMicros(now_us), zone)) {}

  template <typename Command>
  absl::Status Run(const std::string& request_id, const Command& command) {
    v1::CommandContext ctx;
    ctx.set_request_id(absl::StrCat("demo-", request_id));
    ctx.set_actor("demo");
    ctx.set_now_us(now_us_);
    return handler_.Execute(ctx, command).status();
  }

  v1::Date DayFromToday(int days) const { return engine::domain::ToDate(today_ + days); }
  int64_t UsDaysAgo(int days) const {
    return absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(today_ - days) + 10 * 3600, zone_));
  }

 private:
  CommandHandler& handler_;
  const int64_t now_us_;
  const absl::TimeZone zone_;
  const absl::CivilDay today_;
};

v1::Money Cny(int64_t fen) {
  v1::Money m;
  m.set_currency_code("CNY");
  m.set_minor_units(fen);
  return m;
}

absl::Status Org(Loader& load) {
  const struct {
    const char* id;
    const char* name;
    const char* parent;
  } teams[] = {{"t-south", "华南销售部", ""},
               {"t-south-gz", "广州组", "t-south"},
               {"t-north", "华北销售部", ""}};
  for (const auto& t : teams) {
    v1::CreateTeam c;
    c.set_team_id(t.id);
    c.set_name(t.name);
    c.set_parent_team_id(t.parent);
    CRM_RETURN_IF_ERROR(load.Run(absl::StrCat("team-", t.id), c));
  }
  const struct {
    const char* id;
    const char* name;
    const char* team;
  } reps[] = {{"r-li", "李娜", "t-south"},
              {"r-chen", "陈静", "t-south-gz"},
              {"r-wang", "王强", "t-south-gz"},
              {"r-zhao", "赵伟", "t-north"}};
  for (const auto& r : reps) {
    v1::RepCommand c;
    c.mutable_register_()->set_rep_id(r.id);
    c.mutable_register_()->set_name(r.name);
    c.mutable_register_()->set_team_id(r.team);
    CRM_RETURN_IF_ERROR(load.Run(absl::StrCat("rep-", r.id), c));
  }
  const struct {
    const char* id;
    const char* name;
    const char* model;
    int64_t price;
  } products[] = {{"p-crm-pro", "企业版CRM年费", "PRO-2026", 1280000},
                  {"p-training", "实施培训", "TR-1", 300000}};
  for (const auto& p : products) {
    v1::ProductCommand c;
    c.mutable_define()->set_product_id(p.id);
    c.mutable_define()->set_name(p.name);
    c.mutable_define()->set_model(p.model);
    *c.mutable_define()->mutable_unit_price() = Cny(p.price);
    CRM_RETURN_IF_ERROR(load.Run(absl::StrCat("product-", p.id), c));
  }
  return absl::OkStatus();
}

absl::Status Customers(Loader& load) {
  int n = 0;
  for (const DemoCustomer& d : kCustomers) {
    const std::string id = absl::StrFormat("demo-%02d", ++n);
    v1::CustomerCommand reg;
    v1::RegisterCustomer* r = reg.mutable_register_();
    r->set_customer_id(id);
    r->set_kind(v1::CUSTOMER_KIND_COMPANY);
    r->mutable_profile()->set_company_name(d.company);
    r->mutable_profile()->set_contact_person(d.contact);
    r->mutable_profile()->add_phones(d.phone);
    r->mutable_profile()->mutable_address()->set_province(d.province);
    r->mutable_profile()->mutable_address()->set_city(d.city);
    r->mutable_profile()->set_industry(d.industry);
    r->set_owner_rep_id(std::string(d.rep).empty() ? "r-li" : d.rep);
    CRM_RETURN_IF_ERROR(load.Run(id, reg));
    const std::string rep = std::string(d.rep).empty() ? "r-li" : d.rep;
    auto call = [&](const char* which, int days_ago, v1::Intent intent, bool last) {
      v1::CustomerCommand c;
      v1::LogFollowUp* f = c.mutable_log_follow_up();
      f->set_customer_id(id);
      f->set_follow_up_id(absl::StrCat(id, "-", which));
      f->set_channel(v1::FOLLOW_UP_CHANNEL_PHONE);
      f->set_occurred_us(load.UsDaysAgo(days_ago));
      f->set_rep_id(rep);
      f->set_intent(intent);
      f->set_notes(intent == v1::INTENT_REFUSED ? "暂无需求" : "介绍了产品，约定再联系");
      if (last && d.next_call_in_days != kNoNext) {
        *f->mutable_next_follow_up_date() = load.DayFromToday(d.next_call_in_days);
      }
      return load.Run(absl::StrCat(id, "-", which), c);
    };
    const bool second = d.second_call_days_ago > 0;
    if (d.first_call_days_ago > 0) {
      CRM_RETURN_IF_ERROR(call("first", d.first_call_days_ago, d.first_intent, !second));
    }
    if (second) CRM_RETURN_IF_ERROR(call("second", d.second_call_days_ago, d.second_intent, true));
    if (d.first_call_days_ago == 0 && d.next_call_in_days != kNoNext) {
      v1::CustomerCommand c;
      c.mutable_reschedule_next_follow_up()->set_customer_id(id);
      *c.mutable_reschedule_next_follow_up()->mutable_next_follow_up_date() =
          load.DayFromToday(d.next_call_in_days);
      CRM_RETURN_IF_ERROR(load.Run(absl::StrCat(id, "-next"), c));
    }
    if (std::string(d.rep).empty()) {
      v1::CustomerCommand c;
      c.mutable_release_to_pool()->set_customer_id(id);
      c.mutable_release_to_pool()->set_reason("长期未跟进，放入公海");
      CRM_RETURN_IF_ERROR(load.Run(absl::StrCat(id, "-release"), c));
    }
  }
  return absl::OkStatus();
}

// Orders of the customers whose deal closed: one paid in full, one partly
// paid with an overdue instalment.
absl::Status Orders(Loader& load) {
  const struct {
    const char* order;
    const char* customer;
    const char* rep;
    int signed_days_ago;
    int64_t paid;  // fen
  } orders[] = {{"demo-o1", "demo-03", "r-li", 10, 1580000},
                {"demo-o2", "demo-06", "r-zhao", 16, 500000}};
  int contract = 0;
  for (const auto& o : orders) {
    v1::OrderCommand place;
    v1::PlaceOrder* p = place.mutable_place();
    p->set_order_id(o.order);
    p->set_contract_number(absl::StrFormat("HT-DEMO-%03d", ++contract));
    p->set_customer_id(o.customer);
    p->set_rep_id(o.rep);
    p->set_currency_code("CNY");
    v1::OrderLine* line = p->add_lines();
    line->set_product_id("p-crm-pro");
    line->set_product_name("企业版CRM年费");
    line->set_quantity(1);
    *line->mutable_unit_price() = Cny(1280000);
    v1::OrderLine* training = p->add_lines();
    training->set_product_id("p-training");
    training->set_product_name("实施培训");
    training->set_quantity(1);
    *training->mutable_unit_price() = Cny(300000);
    v1::Instalment* first = p->add_plan();
    first->set_number(1);
    *first->mutable_amount() = Cny(800000);
    *first->mutable_due_date() = load.DayFromToday(-5);
    v1::Instalment* rest = p->add_plan();
    rest->set_number(2);
    *rest->mutable_amount() = Cny(780000);
    *rest->mutable_due_date() = load.DayFromToday(25);
    *p->mutable_signed_on() = load.DayFromToday(-o.signed_days_ago);
    CRM_RETURN_IF_ERROR(load.Run(absl::StrCat(o.order, "-place"), place));
    v1::OrderCommand approve;
    approve.mutable_approve()->set_order_id(o.order);
    approve.mutable_approve()->set_approver("demo-manager");
    CRM_RETURN_IF_ERROR(load.Run(absl::StrCat(o.order, "-approve"), approve));
    v1::OrderCommand pay;
    v1::RecordPayment* r = pay.mutable_record_payment();
    r->set_order_id(o.order);
    r->set_payment_id(absl::StrCat(o.order, "-pay1"));
    *r->mutable_amount() = Cny(o.paid);
    *r->mutable_paid_on() = load.DayFromToday(-3);
    r->set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
    r->set_rep_id(o.rep);
    CRM_RETURN_IF_ERROR(load.Run(absl::StrCat(o.order, "-pay1"), pay));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status LoadDemoCompany(CommandHandler& handler, int64_t now_us, absl::TimeZone zone) {
  Loader load(handler, now_us, zone);
  CRM_RETURN_IF_ERROR(Org(load));
  CRM_RETURN_IF_ERROR(Customers(load));
  return Orders(load);
}

}  // namespace crm::service
