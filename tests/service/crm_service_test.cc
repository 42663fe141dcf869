// CrmService through a real server on 127.0.0.1: commands succeed and say
// what they wrote, retries are idempotent, and each kind of failure comes back
// with its gRPC code and a message naming the field or rule.
#include <string>
#include <utility>

#include "crm/v1/common.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/crm_calls.h"
#include "tests/service/service_fixture.h"

namespace crm::service::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Stub = v1::CrmService::Stub;

class CrmServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    CreateOrg();
  }

  // The metadata of the last event of `stream`, read through the event store
  // API as admin.
  v1::EventMetadata LastMetadata(const std::string& stream) {
    v1::ReadStreamRequest read;
    read.set_stream(stream);
    read.set_from_end(true);
    read.set_direction(v1::READ_DIRECTION_BACKWARD);
    read.set_limit(1);
    v1::ReadResponse response;
    auto context = As(kAdmin);
    grpc::Status s = events_->ReadStream(context.get(), read, &response);
    EXPECT_TRUE(s.ok()) << Describe(s);
    v1::EventMetadata metadata;
    if (response.events_size() == 1) {
      EXPECT_TRUE(metadata.ParseFromString(response.events(0).metadata()));
    }
    return metadata;
  }
};

TEST_F(CrmServiceTest, RegisterReturnsThePositionAndGetCustomerShowsTheProfile) {
  v1::CommandResponse registered =
      Ok(kRep1, &Stub::RegisterCustomer,
         Registration("reg-1", "c1", "r1", "广州市天河区恒达贸易有限公司", "138-0013-8000"));
  EXPECT_EQ(registered.events_written(), 1u);
  EXPECT_TRUE(registered.has_revision());
  EXPECT_EQ(registered.revision(), 0u);
  EXPECT_FALSE(registered.already_done());

  v1::GetCustomerRequest get;
  get.set_customer_id("c1");
  v1::Customer customer;
  ASSERT_TRUE(Call(kRep1, &Stub::GetCustomer, get, &customer).ok());
  EXPECT_EQ(customer.customer_id(), "c1");
  EXPECT_EQ(customer.owner_rep_id(), "r1");
  EXPECT_EQ(customer.profile().company_name(), "广州市天河区恒达贸易有限公司");
  EXPECT_THAT(customer.profile().phones(), ElementsAre("138-0013-8000")) << "kept as typed";
  EXPECT_EQ(customer.revision(), 0u);
}

TEST_F(CrmServiceTest, TheCallersKeyNameAndRequestIdAreWrittenAsEventMetadata) {
  v1::RegisterCustomerRequest r = Registration("reg-meta", "c1", "r1", "恒达贸易", "13800138000");
  r.mutable_tracing()->set_correlation_id("deal-42");
  Ok(kRep1, &Stub::RegisterCustomer, r);
  v1::EventMetadata metadata = LastMetadata("customer-c1");
  EXPECT_EQ(metadata.actor(), kRep1);
  EXPECT_EQ(metadata.request_id(), "reg-meta");
  EXPECT_EQ(metadata.correlation_id(), "deal-42");
  EXPECT_GT(metadata.recorded_us(), 0);
}

TEST_F(CrmServiceTest, RetryingARequestIdWritesNothingAndReportsAlreadyDone) {
  const auto request = Registration("reg-retry", "c1", "r1", "恒达贸易", "13800138000");
  v1::CommandResponse first = Ok(kRep1, &Stub::RegisterCustomer, request);
  v1::CommandResponse again = Ok(kRep1, &Stub::RegisterCustomer, request);
  EXPECT_TRUE(again.already_done());
  EXPECT_EQ(again.events_written(), 0u);

  v1::LogFollowUpRequest follow_up = FollowUp("fu-retry", "c1", "f1", "r1");
  Ok(kRep1, &Stub::LogFollowUp, follow_up);
  Ok(kRep1, &Stub::LogFollowUp, follow_up);
  v1::GetCustomerRequest get;
  get.set_customer_id("c1");
  v1::Customer customer;
  ASSERT_TRUE(Call(kRep1, &Stub::GetCustomer, get, &customer).ok());
  EXPECT_EQ(customer.follow_up_count(), 1u);
  EXPECT_EQ(customer.revision(), first.revision() + 1);
}

TEST_F(CrmServiceTest, AMalformedCommandIsInvalidArgumentNamingTheField) {
  v1::RegisterCustomerRequest no_company = Registration("", "c1", "r1", "", "13800138000");
  v1::CommandResponse response;
  grpc::Status s = Call(kAdmin, &Stub::RegisterCustomer, no_company, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("company_name"));

  v1::RegisterCustomerRequest bad_phone = Registration("", "c2", "r1", "恒达贸易", "12-34");
  s = Call(kAdmin, &Stub::RegisterCustomer, bad_phone, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("phone"));

  v1::RegisterCustomerRequest no_command;
  s = Call(kAdmin, &Stub::RegisterCustomer, no_command, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
}

TEST_F(CrmServiceTest, ARequestIdThatIsNotPrintableAsciiIsInvalidArgument) {
  v1::RegisterCustomerRequest r = Registration("有\n换行", "c1", "r1", "恒达贸易", "13800138000");
  v1::CommandResponse response;
  auto context = As(kAdmin);
  grpc::Status s = crm_->RegisterCustomer(context.get(), r, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("request_id"));
}

TEST_F(CrmServiceTest, ASecondCustomerWithTheSamePhoneIsAlreadyExistsNamingTheFirst) {
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138000"));
  v1::CommandResponse response;
  grpc::Status s = Call(kAdmin, &Stub::RegisterCustomer,
                        Registration("", "c2", "r1", "另一家公司", "+86 138 0013 8000"), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("c1"));

  v1::RegisterCustomerRequest allowed =
      Registration("", "c2", "r1", "另一家公司", "+86 138 0013 8000");
  allowed.mutable_command()->set_allow_duplicate(true);
  Ok(kAdmin, &Stub::RegisterCustomer, allowed);
}

TEST_F(CrmServiceTest, AnUnknownCustomerIsNotFoundForScopeAll) {
  v1::GetCustomerRequest get;
  get.set_customer_id("nobody");
  v1::Customer customer;
  grpc::Status s = Call(kAdmin, &Stub::GetCustomer, get, &customer);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
  EXPECT_EQ(Code(kAdmin, &Stub::LogFollowUp, FollowUp("", "nobody", "f1", "r1")),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(CrmServiceTest, OrdersAndPaymentsFollowTheBusinessRules) {
  Ok(kRep1, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138000"));
  Ok(kAdmin, &Stub::DefineProduct, OrderProduct());
  Ok(kRep1, &Stub::PlaceOrder, Order("", "o1", "HT-2026-001", "c1", "r1"));

  v1::RecordPaymentRequest pay;
  pay.mutable_command()->set_order_id("o1");
  pay.mutable_command()->set_payment_id("pay1");
  *pay.mutable_command()->mutable_amount() = Cny(400000);
  *pay.mutable_command()->mutable_paid_on() = Day(2026, 3, 20);
  pay.mutable_command()->set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
  pay.mutable_command()->set_rep_id("r1");
  v1::CommandResponse response;
  grpc::Status s = Call(kRep1, &Stub::RecordPayment, pay, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("approved"));

  v1::ApproveOrderRequest approve;
  approve.mutable_command()->set_order_id("o1");
  approve.mutable_command()->set_approver("manager-south");
  EXPECT_EQ(Code(kRep1, &Stub::ApproveOrder, approve), grpc::StatusCode::PERMISSION_DENIED)
      << "approval needs a manager";
  Ok(kManagerSouth, &Stub::ApproveOrder, approve);
  Ok(kRep1, &Stub::RecordPayment, pay);

  v1::RecordPaymentRequest too_much = pay;
  too_much.mutable_command()->set_payment_id("pay2");
  *too_much.mutable_command()->mutable_amount() = Cny(700000);  // 6,000.00 is left
  s = Call(kRep1, &Stub::RecordPayment, too_much, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(s);

  v1::ReversePaymentRequest reverse;
  reverse.mutable_command()->set_order_id("o1");
  reverse.mutable_command()->set_payment_id("pay1");
  *reverse.mutable_command()->mutable_amount() = Cny(500000);  // more than was paid
  reverse.mutable_command()->set_reason("退款");
  EXPECT_EQ(Code(kRep1, &Stub::ReversePayment, reverse), grpc::StatusCode::PERMISSION_DENIED)
      << "taking money back needs a manager";
  s = Call(kManagerSouth, &Stub::ReversePayment, reverse, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(s);
  *reverse.mutable_command()->mutable_amount() = Cny(400000);
  Ok(kManagerSouth, &Stub::ReversePayment, reverse);

  v1::PlaceOrderRequest same_contract = Order("", "o2", "HT-2026-001", "c1", "r1");
  s = Call(kRep1, &Stub::PlaceOrder, same_contract, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(s);
}

TEST_F(CrmServiceTest, AnOrderForAnUndefinedOrRetiredProductIsRefusedAndWritesNothing) {
  Ok(kRep1, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138000"));
  const uint64_t log_size = LogSize();
  v1::CommandResponse response;
  grpc::Status s =
      Call(kRep1, &Stub::PlaceOrder, Order("", "o1", "HT-2026-001", "c1", "r1"), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
  EXPECT_THAT(s.error_message(),
              HasSubstr("place.lines[0].product_id: product p-crm is not defined"));
  EXPECT_EQ(LogSize(), log_size);

  Ok(kAdmin, &Stub::DefineProduct, OrderProduct());
  v1::RetireProductRequest retire;
  retire.mutable_command()->set_product_id("p-crm");
  retire.mutable_command()->set_reason("停售");
  Ok(kAdmin, &Stub::RetireProduct, retire);
  const uint64_t after_retirement = LogSize();
  s = Call(kRep1, &Stub::PlaceOrder, Order("", "o1", "HT-2026-001", "c1", "r1"), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(s);
  EXPECT_THAT(s.error_message(),
              HasSubstr("place.lines[0].product_id: product p-crm (企业版CRM年费) is retired"));
  EXPECT_EQ(LogSize(), after_retirement);
}

TEST_F(CrmServiceTest, GetCustomerAsOfShowsTheStateBeforeALaterChange) {
  Ok(kRep1, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138000"));
  const google::protobuf::Timestamp before_follow_up = Stamp(absl::Now());
  absl::SleepFor(absl::Milliseconds(2));  // the follow-up is recorded strictly later
  Ok(kRep1, &Stub::LogFollowUp, FollowUp("", "c1", "f1", "r1"));

  v1::GetCustomerAsOfRequest as_of;
  as_of.set_customer_id("c1");
  *as_of.mutable_as_of() = before_follow_up;
  v1::Customer then;
  grpc::Status s = Call(kRep1, &Stub::GetCustomerAsOf, as_of, &then);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(then.follow_up_count(), 0u);
  EXPECT_EQ(then.intent(), v1::INTENT_NOT_CONTACTED);

  *as_of.mutable_as_of() = Stamp(absl::Now());
  v1::Customer now;
  ASSERT_TRUE(Call(kRep1, &Stub::GetCustomerAsOf, as_of, &now).ok());
  EXPECT_EQ(now.follow_up_count(), 1u);
  EXPECT_EQ(now.intent(), v1::INTENT_INTERESTED);

  as_of.clear_as_of();
  EXPECT_EQ(Call(kRep1, &Stub::GetCustomerAsOf, as_of, &now).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CrmServiceTest, AMergedDuplicateRefusesCommandsNamingTheSurvivor) {
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138000"));
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c2", "r1", "恒达贸易(广州)", ""));
  v1::MergeCustomersRequest merge;
  merge.mutable_command()->set_duplicate_customer_id("c2");
  merge.mutable_command()->set_survivor_customer_id("c1");
  EXPECT_EQ(Code(kManagerSouth, &Stub::MergeCustomers, merge), grpc::StatusCode::PERMISSION_DENIED);
  Ok(kAdmin, &Stub::MergeCustomers, merge);

  v1::CommandResponse response;
  grpc::Status s = Call(kRep1, &Stub::LogFollowUp, FollowUp("", "c2", "f1", "r1"), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("c1"));
}

TEST_F(CrmServiceTest, ADeactivatedRepsCustomersAreReassignedInOneCall) {
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138000"));
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c2", "r1", "顺丰五金", "13900139000"));
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c3", "r2", "美达电器", "13700137000"));
  v1::DeactivateRepRequest deactivate;
  deactivate.mutable_command()->set_rep_id("r1");
  Ok(kAdmin, &Stub::DeactivateRep, deactivate);

  v1::ReassignRepCustomersRequest reassign;
  reassign.set_request_id("reassign-r1");
  reassign.mutable_command()->set_from_rep_id("r1");
  reassign.mutable_command()->set_to_rep_id("r2");
  v1::BatchCommandResponse batch;
  grpc::Status s = Call(kManagerSouth, &Stub::ReassignRepCustomers, reassign, &batch);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(batch.customers_changed(), 2u);
  s = Call(kManagerSouth, &Stub::ReassignRepCustomers, reassign, &batch);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(batch.customers_changed(), 0u) << "a retry changes nothing";

  v1::GetCustomerRequest get;
  get.set_customer_id("c2");
  v1::Customer customer;
  ASSERT_TRUE(Call(kAdmin, &Stub::GetCustomer, get, &customer).ok());
  EXPECT_EQ(customer.owner_rep_id(), "r2");
}

TEST_F(CrmServiceTest, LookupCustomerFindsTheHolderOfAPhoneOrCompanyNameTypedDifferently) {
  Ok(kAdmin, &Stub::RegisterCustomer,
     Registration("", "c1", "r1", "恒达贸易有限公司", "13800138000"));
  auto lookup = [&](const char* who, v1::LookupCustomerRequest request, std::string* id) {
    v1::LookupCustomerResponse response;
    grpc::Status s = Call(who, &Stub::LookupCustomer, request, &response);
    *id = response.customer_id();
    return s;
  };
  v1::LookupCustomerRequest by_phone;
  by_phone.set_phone("+86 138 0013 8000");
  v1::LookupCustomerRequest by_name;
  by_name.set_company_name("恒达贸易");
  std::string id;
  grpc::Status s = lookup(kRep1, by_phone, &id);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(id, "c1");
  s = lookup(kRep1, by_name, &id);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(id, "c1");

  v1::LookupCustomerRequest nobody;
  nobody.set_phone("13900139000");
  EXPECT_EQ(lookup(kAdmin, nobody, &id).error_code(), grpc::StatusCode::NOT_FOUND);
  s = lookup(kAdmin, v1::LookupCustomerRequest(), &id);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("phone or company_name"));
  v1::LookupCustomerRequest no_digits;
  no_digits.set_phone("无");
  s = lookup(kAdmin, no_digits, &id);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("phone"));
  EXPECT_EQ(lookup(kViewerAll, by_phone, &id).error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << "a lookup serves editors (importers), not viewers";
}

TEST_F(CrmServiceTest, LookupCustomerDoesNotRevealAHolderOutsideTheCallersScope) {
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138000"));
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c3", "r3", "北方重工", "13700137000"));
  Ok(kAdmin, &Stub::RegisterCustomer, Registration("", "c-pool", "", "公海五金", "13600136000"));
  auto lookup = [&](const char* who, const std::string& phone) {
    v1::LookupCustomerRequest request;
    request.set_phone(phone);
    v1::LookupCustomerResponse response;
    grpc::Status s = Call(who, &Stub::LookupCustomer, request, &response);
    return std::make_pair(s, response.customer_id());
  };
  auto [denied, hidden] = lookup(kRep2, "13800138000");
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(denied);
  EXPECT_THAT(denied.error_message(), ::testing::Not(HasSubstr("c1")));
  EXPECT_EQ(hidden, "");
  EXPECT_EQ(lookup(kRep1, "13800138000").second, "c1") << "its own customer";
  EXPECT_EQ(lookup(kManagerSouth, "13800138000").second, "c1") << "r1 is in t-south";
  EXPECT_EQ(lookup(kManagerSouth, "13700137000").first.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(lookup(kManagerNorth, "13700137000").second, "c3");
  EXPECT_EQ(lookup(kRep2, "13600136000").second, "c-pool") << "the pool is visible to all";
  EXPECT_EQ(lookup(kAdmin, "13700137000").second, "c3");
}

TEST_F(CrmServiceTest, GetProductShowsTheDefinitionCurrentPriceAndRetirement) {
  v1::DefineProductRequest define;
  v1::DefineProduct* d = define.mutable_command();
  d->set_product_id("p1");
  d->set_name("企业版CRM年费");
  d->set_model("EE-2026");
  d->set_spec("50用户");
  *d->mutable_unit_price() = Cny(1250000);
  Ok(kAdmin, &Stub::DefineProduct, define);

  v1::GetProductRequest get;
  get.set_product_id("p1");
  v1::Product product;
  grpc::Status s = Call(kViewerAll, &Stub::GetProduct, get, &product);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(product.product_id(), "p1");
  EXPECT_EQ(product.name(), "企业版CRM年费");
  EXPECT_EQ(product.model(), "EE-2026");
  EXPECT_EQ(product.spec(), "50用户");
  EXPECT_EQ(product.unit_price().currency_code(), "CNY");
  EXPECT_EQ(product.unit_price().minor_units(), 1250000);
  EXPECT_FALSE(product.retired());

  v1::ChangeProductPriceRequest price;
  price.mutable_command()->set_product_id("p1");
  *price.mutable_command()->mutable_unit_price() = Cny(999900);
  Ok(kAdmin, &Stub::ChangeProductPrice, price);
  v1::RetireProductRequest retire;
  retire.mutable_command()->set_product_id("p1");
  retire.mutable_command()->set_reason("停售");
  Ok(kAdmin, &Stub::RetireProduct, retire);
  ASSERT_TRUE(Call(kRep1, &Stub::GetProduct, get, &product).ok());
  EXPECT_EQ(product.unit_price().minor_units(), 999900);
  EXPECT_TRUE(product.retired());
  EXPECT_EQ(product.model(), "EE-2026") << "kept through later events";

  get.set_product_id("p-none");
  s = Call(kAdmin, &Stub::GetProduct, get, &product);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("p-none"));
  get.clear_product_id();
  EXPECT_EQ(Call(kAdmin, &Stub::GetProduct, get, &product).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  get.set_product_id("p1");
  EXPECT_EQ(Call(kAnalytics, &Stub::GetProduct, get, &product).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(CrmServiceTest, GetCustomerListsTheIdsOfTheFollowUpsLogged) {
  Ok(kRep1, &Stub::RegisterCustomer, Registration("", "c1", "r1", "恒达贸易", "13800138000"));
  Ok(kRep1, &Stub::LogFollowUp, FollowUp("", "c1", "fu-2", "r1"));
  Ok(kRep1, &Stub::LogFollowUp, FollowUp("", "c1", "fu-1", "r1"));
  v1::GetCustomerRequest get;
  get.set_customer_id("c1");
  v1::Customer customer;
  ASSERT_TRUE(Call(kRep1, &Stub::GetCustomer, get, &customer).ok());
  EXPECT_EQ(customer.follow_up_count(), 2u);
  EXPECT_THAT(customer.follow_up_ids(), ElementsAre("fu-1", "fu-2")) << "sorted";
}

}  // namespace
}  // namespace crm::service::testing
