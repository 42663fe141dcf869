// The command handler skips reservation planning when
// MayChangeReservationKeys says an event cannot change a customer's
// reservation keys; these tests hold that promise against every event kind.
#include <set>
#include <string>
#include <vector>

#include "crm/v1/customer_events.pb.h"
#include "engine/domain/customer_state.h"
#include "engine/domain/reservations.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"

namespace crm::engine::domain {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Fills every field of `m` (to `depth` levels of messages) with values that
// would change reservation keys if copied into the state: phone-like text in
// fields named like phones, a company name elsewhere.
void Fill(Message& m, int depth) {
  const google::protobuf::Reflection* r = m.GetReflection();
  const google::protobuf::Descriptor* d = m.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const bool phone = f->name().find("phone") != std::string::npos;
    const std::string text = phone ? "13987654321" : "新名字科技有限公司";
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        f->is_repeated() ? r->AddString(&m, f, text) : r->SetString(&m, f, text);
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth > 0)
          Fill(f->is_repeated() ? *r->AddMessage(&m, f) : *r->MutableMessage(&m, f), depth - 1);
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        if (f->enum_type()->value_count() > 1) {
          f->is_repeated() ? r->AddEnumValue(&m, f, f->enum_type()->value(1)->number())
                           : r->SetEnumValue(&m, f, f->enum_type()->value(1)->number());
        }
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        if (!f->is_repeated()) r->SetBool(&m, f, true);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        if (!f->is_repeated()) r->SetInt64(&m, f, 1'780'000'000'000'000);
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        if (!f->is_repeated()) r->SetInt32(&m, f, 1);
        break;
      default:
        break;
    }
  }
}

CustomerState RegisteredCompany() {
  v1::CustomerEvent e;
  v1::CustomerRegistered* r = e.mutable_registered();
  r->set_customer_id("c1");
  r->set_kind(v1::CUSTOMER_KIND_COMPANY);
  r->mutable_profile()->set_company_name("上海测试贸易有限公司");
  r->mutable_profile()->add_phones("13812345678");
  CustomerState state;
  Evolve(state, e);
  v1::CustomerEvent contact;
  contact.mutable_contact_added()->mutable_contact()->set_contact_id("k1");
  contact.mutable_contact_added()->mutable_contact()->add_phones("13700001111");
  Evolve(state, contact);
  return state;
}

TEST(ReservationKeysTest, EventsSaidToLeaveKeysAloneDoLeaveThemAlone) {
  const CustomerState before = RegisteredCompany();
  const std::set<ReservationKey> keys = CustomerReservationKeys(before);
  ASSERT_EQ(keys.size(), 3u);  // two phones and the company name
  const google::protobuf::OneofDescriptor* oneof =
      v1::CustomerEvent::descriptor()->FindOneofByName("event");
  ASSERT_NE(oneof, nullptr);
  int skipped = 0;
  for (int i = 0; i < oneof->field_count(); ++i) {
    v1::CustomerEvent e;
    Fill(*e.GetReflection()->MutableMessage(&e, oneof->field(i)), 3);
    if (MayChangeReservationKeys({e})) continue;
    ++skipped;
    CustomerState after = before;
    Evolve(after, e);
    EXPECT_EQ(CustomerReservationKeys(after), keys) << oneof->field(i)->name();
  }
  EXPECT_GT(skipped, 0);
}

TEST(ReservationKeysTest, ProfileContactAndMergeEventsMayChangeKeys) {
  for (const char* name : {"registered", "profile_changed", "contact_added", "contact_changed",
                           "contact_removed", "merged_into", "duplicate_absorbed"}) {
    v1::CustomerEvent e;
    const FieldDescriptor* f = v1::CustomerEvent::descriptor()->FindFieldByName(name);
    ASSERT_NE(f, nullptr) << name;
    e.GetReflection()->MutableMessage(&e, f);
    EXPECT_TRUE(MayChangeReservationKeys({e})) << name;
  }
  v1::CustomerEvent follow_up;
  follow_up.mutable_follow_up_logged();
  v1::CustomerEvent profile;
  profile.mutable_profile_changed();
  EXPECT_FALSE(MayChangeReservationKeys({follow_up}));
  EXPECT_TRUE(MayChangeReservationKeys({follow_up, profile}));
}

}  // namespace
}  // namespace crm::engine::domain
