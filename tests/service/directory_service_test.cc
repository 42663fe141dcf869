// crm.v1.DirectoryService through a real server on 127.0.0.1.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/service/crm_calls.h"
#include "tests/service/service_fixture.h"

namespace crm::service::testing {
namespace {

using Ids = std::vector<std::string>;

class DirectoryServiceTest : public ServiceTest {
 protected:
  uint64_t Register(const std::string& id, const std::string& owner, const std::string& company,
                    const std::string& phone, const std::string& city) {
    v1::RegisterCustomerRequest r = Registration(NextRequestId(), id, owner, company, phone);
    v1::CustomerProfile* p = r.mutable_command()->mutable_profile();
    p->mutable_address()->set_province("广东省");
    p->mutable_address()->set_city(city);
    p->set_industry("软件");
    return last_ = Ok(kAdmin, &v1::CrmService::Stub::RegisterCustomer, r).position();
  }

  // d1 (r1), d2 (r2, in t-south-gz), d3 (pool), d4 (r3, t-north): all
  // "云帆" companies in 广东省.
  void Seed() {
    CreateOrg();
    Register("d1", "r1", "广州云帆科技有限公司", "13800000001", "广州市");
    Register("d2", "r2", "广州云帆物流有限公司", "13800000002", "广州市");
    Register("d3", "", "深圳云帆贸易有限公司", "13800000003", "深圳市");
    Register("d4", "r3", "佛山云帆电器有限公司", "13800000004", "佛山市");
  }

  grpc::Status Search(const char* who, v1::SearchCustomersRequest r,
                      v1::SearchCustomersResponse* out) {
    if (!r.has_min_position()) r.set_min_position(last_);
    auto context = As(who);
    return directory_->SearchCustomers(context.get(), r, out);
  }

  // The ids found, sorted, or a failure naming the status.
  Ids Found(const char* who, const v1::SearchCustomersRequest& r) {
    v1::SearchCustomersResponse out;
    grpc::Status s = Search(who, r, &out);
    EXPECT_TRUE(s.ok()) << Describe(s) << " for " << r.ShortDebugString();
    Ids ids;
    for (const v1::DirectoryCustomer& c : out.customers()) ids.push_back(c.customer_id());
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static v1::SearchCustomersRequest Company(const std::string& text, v1::DirectoryNameMatch m) {
    v1::SearchCustomersRequest r;
    r.mutable_company_name()->set_text(text);
    r.mutable_company_name()->set_match(m);
    return r;
  }

  uint64_t last_ = 0;
};

TEST_F(DirectoryServiceTest, CompanyNameMatchesExactPrefixAndSubstring) {
  Seed();
  EXPECT_EQ(Found(kViewerAll, Company("广州云帆科技", v1::DIRECTORY_NAME_MATCH_EXACT)),
            Ids{"d1"});  // 有限公司 is dropped on both sides
  EXPECT_EQ(Found(kViewerAll, Company("广州云帆", v1::DIRECTORY_NAME_MATCH_PREFIX)),
            (Ids{"d1", "d2"}));
  EXPECT_EQ(Found(kViewerAll, Company("云帆", v1::DIRECTORY_NAME_MATCH_SUBSTRING)),
            (Ids{"d1", "d2", "d3", "d4"}));
  // Unspecified means exact: a mere prefix finds nothing.
  EXPECT_EQ(Found(kViewerAll, Company("广州云帆", v1::DIRECTORY_NAME_MATCH_UNSPECIFIED)), Ids{});
}

TEST_F(DirectoryServiceTest, ResultsShowWhatTheDirectoryKnows) {
  Seed();
  v1::SearchCustomersRequest r;
  r.set_phone("13800000001");
  v1::SearchCustomersResponse out;
  grpc::Status s = Search(kAdmin, r, &out);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(out.customers_size(), 1);
  const v1::DirectoryCustomer& d1 = out.customers(0);
  EXPECT_EQ(d1.customer_id(), "d1");
  EXPECT_EQ(d1.kind(), v1::CUSTOMER_KIND_COMPANY);
  EXPECT_EQ(d1.company_name(), "广州云帆科技有限公司");
  EXPECT_EQ(d1.contact_person(), "高娟");
  EXPECT_EQ(std::vector<std::string>(d1.phones().begin(), d1.phones().end()),
            std::vector<std::string>{"13800000001"});
  EXPECT_EQ(d1.province(), "广东省");
  EXPECT_EQ(d1.city(), "广州市");
  EXPECT_EQ(d1.industry(), "软件");
  EXPECT_EQ(d1.owner_rep_id(), "r1");
  EXPECT_EQ(d1.status(), v1::DIRECTORY_CUSTOMER_STATUS_OWNED);
  EXPECT_EQ(out.next_page_token(), "");
}

TEST_F(DirectoryServiceTest, RepSearchOmitsOtherRepsCustomersButShowsThePool) {
  Seed();
  const v1::SearchCustomersRequest all = Company("云帆", v1::DIRECTORY_NAME_MATCH_SUBSTRING);
  EXPECT_EQ(Found(kRep1, all), (Ids{"d1", "d3"}));
  EXPECT_EQ(Found(kRep2, all), (Ids{"d2", "d3"}));
  // t-south covers r1 and r2 (sub-team t-south-gz), not r3.
  EXPECT_EQ(Found(kManagerSouth, all), (Ids{"d1", "d2", "d3"}));
  EXPECT_EQ(Found(kManagerNorth, all), (Ids{"d3", "d4"}));

  v1::SearchCustomersRequest phone;
  phone.set_phone("13800000002");  // d2's
  EXPECT_EQ(Found(kRep1, phone), Ids{});
  EXPECT_EQ(Found(kManagerSouth, phone), Ids{"d2"});

  v1::SearchCustomersRequest region;
  region.mutable_region()->set_province("广东省");
  EXPECT_EQ(Found(kRep1, region), (Ids{"d1", "d3"}));
  region.mutable_region()->set_city("深圳市");
  EXPECT_EQ(Found(kRep1, region), Ids{"d3"});

  v1::SearchCustomersRequest pool;
  pool.set_status(v1::DIRECTORY_CUSTOMER_STATUS_IN_POOL);
  EXPECT_EQ(Found(kRep2, pool), Ids{"d3"});
}

TEST_F(DirectoryServiceTest, OwnerOutsideTheScopeIsPermissionDenied) {
  Seed();
  v1::SearchCustomersRequest r;
  r.set_owner_rep_id("r2");
  v1::SearchCustomersResponse out;
  EXPECT_EQ(Search(kRep1, r, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Search(kManagerNorth, r, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Found(kManagerSouth, r), Ids{"d2"});
  EXPECT_EQ(Found(kRep2, r), Ids{"d2"});
  EXPECT_EQ(Search(kAnalytics, r, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(DirectoryServiceTest, FilteredPagesStillReachTheEnd) {
  Seed();
  // Owned customers as rep1: the view pages over d1, d2, d4; only d1 is
  // rep1's, so some pages come back empty with a token.
  v1::SearchCustomersRequest r;
  r.set_status(v1::DIRECTORY_CUSTOMER_STATUS_OWNED);
  r.set_page_size(1);
  Ids seen;
  int pages = 0;
  for (; pages < 10; ++pages) {
    v1::SearchCustomersResponse out;
    grpc::Status s = Search(kRep1, r, &out);
    ASSERT_TRUE(s.ok()) << Describe(s);
    EXPECT_LE(out.customers_size(), 1);
    for (const v1::DirectoryCustomer& c : out.customers()) seen.push_back(c.customer_id());
    if (out.next_page_token().empty()) break;
    r.set_page_token(out.next_page_token());
  }
  EXPECT_EQ(seen, Ids{"d1"});
  EXPECT_EQ(pages + 1, 3);  // one page per owned customer
}

TEST_F(DirectoryServiceTest, PageTokensVisitEveryMatchOnce) {
  Seed();
  v1::SearchCustomersRequest r;
  r.set_industry("软件");
  r.set_page_size(3);
  Ids seen;
  std::vector<int> sizes;
  for (int page = 0; page < 10; ++page) {
    v1::SearchCustomersResponse out;
    grpc::Status s = Search(kAdmin, r, &out);
    ASSERT_TRUE(s.ok()) << Describe(s);
    sizes.push_back(out.customers_size());
    for (const v1::DirectoryCustomer& c : out.customers()) seen.push_back(c.customer_id());
    if (out.next_page_token().empty()) break;
    r.set_page_token(out.next_page_token());
  }
  EXPECT_EQ(sizes, (std::vector<int>{3, 1}));
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (Ids{"d1", "d2", "d3", "d4"}));
}

TEST_F(DirectoryServiceTest, ReadYourWritesFindsANewTag) {
  Seed();
  v1::TagCustomerRequest tag;
  tag.mutable_command()->set_customer_id("d1");
  tag.mutable_command()->set_tag("重点客户");
  const uint64_t position = Ok(kAdmin, &v1::CrmService::Stub::TagCustomer, tag).position();
  v1::SearchCustomersRequest r;
  r.set_tag("重点客户");
  r.set_min_position(position);
  EXPECT_EQ(Found(kRep1, r), Ids{"d1"});
  EXPECT_EQ(Found(kRep2, r), Ids{});
}

TEST_F(DirectoryServiceTest, DuplicateCandidatesAreScopedAndGiveReasons) {
  Seed();
  auto find = [&](const char* who, v1::FindDuplicateCandidatesRequest r) {
    r.set_min_position(last_);
    v1::FindDuplicateCandidatesResponse out;
    auto context = As(who);
    grpc::Status s = directory_->FindDuplicateCandidates(context.get(), r, &out);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return out;
  };
  v1::FindDuplicateCandidatesRequest r;
  r.set_company_name("广州云帆科技");
  r.add_phones("13800000003");  // d3's, in the pool
  v1::FindDuplicateCandidatesResponse all = find(kAdmin, r);
  ASSERT_EQ(all.candidates_size(), 2);
  // A shared phone is stronger than the same name.
  EXPECT_EQ(all.candidates(0).customer().customer_id(), "d3");
  ASSERT_GE(all.candidates(0).reasons_size(), 1);
  EXPECT_TRUE(absl::StartsWith(all.candidates(0).reasons(0), "phone"));
  EXPECT_EQ(all.candidates(1).customer().customer_id(), "d1");
  ASSERT_GE(all.candidates(1).reasons_size(), 1);
  EXPECT_EQ(all.candidates(1).reasons(0), "company name");

  // rep2 may not see r1's d1: only the pool's d3 is left.
  v1::FindDuplicateCandidatesResponse rep2 = find(kRep2, r);
  ASSERT_EQ(rep2.candidates_size(), 1);
  EXPECT_EQ(rep2.candidates(0).customer().customer_id(), "d3");
}

TEST_F(DirectoryServiceTest, MinPositionBeyondTheLogIsDeadlineExceededWithinTheDeadline) {
  v1::SearchCustomersRequest r;
  r.set_status(v1::DIRECTORY_CUSTOMER_STATUS_IN_POOL);
  r.set_min_position(1'000'000'000);
  v1::SearchCustomersResponse out;
  auto context = As(kViewerAll);
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(500)));
  const absl::Time start = absl::Now();
  grpc::Status s = directory_->SearchCustomers(context.get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << Describe(s);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

TEST_F(DirectoryServiceTest, InvalidRequestsNameTheField) {
  struct Case {
    const char* what;
    std::function<void(v1::SearchCustomersRequest&)> edit;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"no criterion", [](auto&) {}, "criterion:"},
      {"empty phone", [](auto& r) { r.set_phone(""); }, "phone:"},
      {"not a phone", [](auto& r) { r.set_phone("abc"); }, "phone:"},
      {"empty company", [](auto& r) { r.mutable_company_name(); }, "company_name.text:"},
      {"punctuation only company", [](auto& r) { r.mutable_company_name()->set_text("！！"); },
       "company_name.text:"},
      {"unknown match",
       [](auto& r) {
         r.mutable_company_name()->set_text("云帆");
         r.mutable_company_name()->set_match(static_cast<v1::DirectoryNameMatch>(9));
       },
       "company_name.match:"},
      {"empty contact", [](auto& r) { r.mutable_contact_name(); }, "contact_name.text:"},
      {"punctuation only contact", [](auto& r) { r.mutable_contact_name()->set_text("--"); },
       "contact_name.text:"},
      {"no province", [](auto& r) { r.mutable_region()->set_city("广州市"); }, "region.province:"},
      {"empty industry", [](auto& r) { r.set_industry(""); }, "industry:"},
      {"empty tag", [](auto& r) { r.set_tag(""); }, "tag:"},
      {"bad owner id", [](auto& r) { r.set_owner_rep_id("r 1"); }, "owner_rep_id:"},
      {"unspecified status",
       [](auto& r) { r.set_status(v1::DIRECTORY_CUSTOMER_STATUS_UNSPECIFIED); }, "status:"},
      {"merged status", [](auto& r) { r.set_status(v1::DIRECTORY_CUSTOMER_STATUS_MERGED); },
       "status:"},
      {"negative page",
       [](auto& r) {
         r.set_tag("x");
         r.set_page_size(-1);
       },
       "page_size:"},
      {"foreign token",
       [](auto& r) {
         r.set_tag("x");
         r.set_page_token("bm90LWEtdG9rZW4");
       },
       "page_token"},
  };
  for (const Case& c : cases) {
    v1::SearchCustomersRequest r;
    c.edit(r);
    v1::SearchCustomersResponse out;
    auto context = As(kAdmin);
    grpc::Status s = directory_->SearchCustomers(context.get(), r, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.what << ": " << Describe(s);
    EXPECT_TRUE(absl::StartsWith(s.error_message(), c.field)) << c.what << ": " << Describe(s);
  }

  const std::vector<
      std::pair<std::function<void(v1::FindDuplicateCandidatesRequest&)>, const char*>>
      duplicates = {
          {[](auto&) {}, "company_name, phones, contact_name:"},
          {[](auto& r) { r.add_phones(""); }, "phones[0]:"},
          {[](auto& r) {
             r.add_phones("13800000001");
             r.add_phones("abc");
           },
           "phones[1]:"},
          {[](auto& r) { r.set_company_name("！！"); }, "company_name:"},
      };
  for (const auto& [edit, field] : duplicates) {
    v1::FindDuplicateCandidatesRequest r;
    edit(r);
    v1::FindDuplicateCandidatesResponse out;
    auto context = As(kAdmin);
    grpc::Status s = directory_->FindDuplicateCandidates(context.get(), r, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field << ": " << Describe(s);
    EXPECT_TRUE(absl::StartsWith(s.error_message(), field)) << Describe(s);
  }
}

}  // namespace
}  // namespace crm::service::testing
