// The customer directory against a scripted set of customers, driven through
// the real CommandHandler and ProjectionRunner. Expected results were worked
// out by hand from the script in SetUpTestSuite.
#include "projections/directory/directory_projection.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "projections/directory/directory_queries.h"
#include "tests/projections/pipeline/crm_world.h"
#include "tests/projections/pipeline/random_workload.h"
#include "tests/support/status_matchers.h"

namespace crm::projections::directory {
namespace {

using ::crm::projections::testing::At;
using ::crm::projections::testing::CrmWorld;
using ::crm::projections::testing::CustomerSpec;
using ::crm::testing::IsOk;
using ::crm::testing::IsOkAndHolds;
using ::crm::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::unique_ptr<Projection>> Projections() {
  std::vector<std::unique_ptr<Projection>> p;
  p.push_back(std::make_unique<DirectoryProjection>());
  return p;
}

// The script (all on 2026-03-01 unless said):
//   c1 天宇物流集团有限公司, 高娟, 130-7589-3910, 广东省 广州市, 物流, tag key, lina
//   c2 银河纺织股份有限公司, 马磊, 13211138017, 浙江省 杭州市, 纺织, wang;
//      contact 王芳 13900001111 added; tagged key
//   c3 深圳天宇科技有限公司, 高明, 0755-26661234, 广东省 深圳市, 科技, wang;
//      renamed 深圳天宇智能科技有限公司
//   c4 Huaxin Tech Co., Ltd., Li Ming, +86 138 5739 0467, 北京市 北京市, 科技, pool
//   c5 天宇物流集团 (allowed duplicate of c1), 020-77196458, 广东省 广州市, chen;
//      merged into c1 (its phone moves to c1)
//   c6 银河超市, 马丽, archived
//   c7 宇物天宇, lina: holds every bigram of "天宇物天" but not the string
class DirectoryScriptTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new CrmWorld(Projections());
    ASSERT_THAT(world_->status(), IsOk());
    CrmWorld& w = *world_;
    const int64_t t = At(2026, 3, 1);
    const auto reg = [&](CustomerSpec s) { ASSERT_THAT(w.Register(s, t), IsOk()) << s.id; };
    reg({"c1",
         "天宇物流集团有限公司",
         "lina",
         {"130-7589-3910"},
         "高娟",
         "广东省",
         "广州市",
         "物流",
         {"key"}});
    reg({"c2",
         "银河纺织股份有限公司",
         "wang",
         {"13211138017"},
         "马磊",
         "浙江省",
         "杭州市",
         "纺织",
         {}});
    reg({"c3",
         "深圳天宇科技有限公司",
         "wang",
         {"0755-26661234"},
         "高明",
         "广东省",
         "深圳市",
         "科技",
         {}});
    reg({"c4",
         "Huaxin Tech Co., Ltd.",
         "",
         {"+86 138 5739 0467"},
         "Li Ming",
         "北京市",
         "北京市",
         "科技",
         {}});
    reg({"c5",
         "天宇物流集团",
         "chen",
         {"020-77196458"},
         "",
         "广东省",
         "广州市",
         "物流",
         {},
         /*allow_duplicate=*/true});
    reg({"c6", "银河超市", "lina", {}, "马丽", "", "", "", {}});
    reg({"c7", "宇物天宇", "lina", {}, "", "", "", "", {}});

    v1::CustomerCommand add;
    add.mutable_add_contact()->set_customer_id("c2");
    add.mutable_add_contact()->mutable_contact()->set_contact_id("k1");
    add.mutable_add_contact()->mutable_contact()->set_name("王芳");
    add.mutable_add_contact()->mutable_contact()->add_phones("13900001111");
    ASSERT_THAT(w.Customer(add, t), IsOk());
    ASSERT_THAT(w.Tag("c2", "key", t), IsOk());
    v1::CustomerCommand rename;
    rename.mutable_update_profile()->set_customer_id("c3");
    rename.mutable_update_profile()->mutable_profile()->set_company_name(
        "深圳天宇智能科技有限公司");
    rename.mutable_update_profile()->mutable_update_mask()->add_paths("company_name");
    ASSERT_THAT(w.Customer(rename, t), IsOk());
    ASSERT_THAT(w.Merge("c5", "c1", t), IsOk());
    ASSERT_THAT(w.Archive("c6", t), IsOk());
    ASSERT_THAT(w.Sync(), IsOk());
    queries_ = new DirectoryQueries(w.runner());
  }

  static void TearDownTestSuite() {
    delete queries_;
    delete world_;
  }

  static std::vector<std::string> Ids(const absl::StatusOr<DirectoryPage>& page) {
    EXPECT_THAT(page, IsOk());
    std::vector<std::string> ids;
    if (!page.ok()) return ids;
    for (const DirectoryEntry& e : page->entries) ids.push_back(e.customer_id);
    EXPECT_EQ(page->next_page_token, "");
    return ids;
  }

  static CrmWorld* world_;
  static DirectoryQueries* queries_;
};

// Owner and status follow the public pool and a deactivated rep's
// reassignment: recycled customers leave their owner's list for the pool, a
// claim brings one back to its claimant, and a reassignment moves a whole
// list from one rep to another.
TEST(DirectoryPoolTest, OwnerAndStatusFollowRecyclingClaimsAndReassignment) {
  CrmWorld w(Projections());
  ASSERT_THAT(w.status(), IsOk());
  const int64_t t = At(2026, 3, 1);
  ASSERT_THAT(w.Rep("wang", "", t), IsOk());
  ASSERT_THAT(w.Rep("lina", "", t), IsOk());
  ASSERT_THAT(w.Rep("chen", "", t), IsOk());
  const auto reg = [&](const std::string& id, const std::string& owner, const std::string& phone) {
    ASSERT_THAT(w.Register({id, "公司" + id, owner, {phone}, "", "", "", "", {}}, t), IsOk()) << id;
  };
  reg("d1", "wang", "13900000001");
  reg("d2", "wang", "13900000002");
  reg("d3", "wang", "13900000003");
  reg("d4", "lina", "13900000004");
  ASSERT_THAT(w.Lock("d3", t), IsOk());  // a locked customer is never recycled
  ASSERT_THAT(w.FollowUp("d4", "f1", "lina", At(2026, 4, 20), v1::INTENT_INTERESTED), IsOk());

  // On 2026-05-01, 30 days idle: d1 and d2 (idle since March) go to the pool;
  // d3 is locked; d4 was called on 04-20.
  ASSERT_THAT(w.Recycle(30, At(2026, 5, 1)), IsOkAndHolds(2u));
  ASSERT_THAT(w.Claim("d1", "chen", At(2026, 5, 2)), IsOk());
  ASSERT_THAT(w.Deactivate("wang", At(2026, 5, 3)), IsOk());
  ASSERT_THAT(w.Reassign("wang", "lina", At(2026, 5, 3)), IsOkAndHolds(1u));  // d3
  ASSERT_THAT(w.Sync(), IsOk());

  DirectoryQueries q(w.runner());
  auto ids = [](const absl::StatusOr<DirectoryPage>& page) {
    std::vector<std::string> out;
    EXPECT_THAT(page, IsOk());
    if (page.ok()) {
      for (const DirectoryEntry& e : page->entries) out.push_back(e.customer_id);
    }
    return out;
  };
  EXPECT_THAT(ids(q.ByOwner("wang")), IsEmpty());
  EXPECT_THAT(ids(q.ByOwner("chen")), ElementsAre("d1"));
  EXPECT_THAT(ids(q.ByOwner("lina")), ElementsAre("d3", "d4"));
  EXPECT_THAT(ids(q.ByStatus(CustomerStatus::kInPool)), ElementsAre("d2"));
  EXPECT_THAT(ids(q.ByStatus(CustomerStatus::kOwned)), ElementsAre("d1", "d3", "d4"));
  auto d2 = q.Get("d2");
  ASSERT_THAT(d2, IsOk());
  EXPECT_EQ(d2->owner_rep_id, "");
  EXPECT_EQ(d2->status, CustomerStatus::kInPool);
}

CrmWorld* DirectoryScriptTest::world_ = nullptr;
DirectoryQueries* DirectoryScriptTest::queries_ = nullptr;

TEST_F(DirectoryScriptTest, PhoneLookupIsExactOnTheNormalisedNumber) {
  EXPECT_THAT(Ids(queries_->ByPhone("13075893910")), ElementsAre("c1"));
  EXPECT_THAT(Ids(queries_->ByPhone("+86 130 7589 3910")), ElementsAre("c1"));
  EXPECT_THAT(Ids(queries_->ByPhone("13900001111")), ElementsAre("c2"));  // a contact's
  EXPECT_THAT(Ids(queries_->ByPhone("13800138000")), IsEmpty());
}

TEST_F(DirectoryScriptTest, MergedDuplicatesPhoneLeadsToTheSurvivor) {
  EXPECT_THAT(Ids(queries_->ByPhone("020 7719 6458")), ElementsAre("c1"));
  auto c5 = queries_->Get("c5");
  ASSERT_THAT(c5, IsOk());
  EXPECT_EQ(c5->status, CustomerStatus::kMerged);
  EXPECT_EQ(c5->merged_into, "c1");
}

TEST_F(DirectoryScriptTest, CompanyPrefixAndExactMatchTheNormalisedName) {
  EXPECT_THAT(Ids(queries_->ByCompanyName("天宇", Match::kPrefix)), ElementsAre("c1"));
  EXPECT_THAT(Ids(queries_->ByCompanyName("天宇物流集团（有限公司）", Match::kExact)),
              ElementsAre("c1"));
  EXPECT_THAT(Ids(queries_->ByCompanyName("ＨＵＡＸＩＮ tech", Match::kPrefix)), ElementsAre("c4"));
  // Renamed: the old name is gone, the new one is found.
  EXPECT_THAT(Ids(queries_->ByCompanyName("深圳天宇科技", Match::kPrefix)), IsEmpty());
  EXPECT_THAT(Ids(queries_->ByCompanyName("深圳天宇智能", Match::kPrefix)), ElementsAre("c3"));
}

TEST_F(DirectoryScriptTest, CompanySubstringFindsChineseInsideNames) {
  EXPECT_THAT(Ids(queries_->ByCompanyName("天宇", Match::kSubstring)),
              ElementsAre("c1", "c3", "c7"));
  EXPECT_THAT(Ids(queries_->ByCompanyName("物流集", Match::kSubstring)), ElementsAre("c1"));
  EXPECT_THAT(Ids(queries_->ByCompanyName("科", Match::kSubstring)), ElementsAre("c3"));
  EXPECT_THAT(Ids(queries_->ByCompanyName("团", Match::kSubstring)), ElementsAre("c1"))
      << "the last character of a name";
  EXPECT_THAT(Ids(queries_->ByCompanyName("xin te", Match::kSubstring)), ElementsAre("c4"));
  // c7 has all three bigrams of 天宇物天 but not the string itself.
  EXPECT_THAT(Ids(queries_->ByCompanyName("天宇物天", Match::kSubstring)), IsEmpty());
}

TEST_F(DirectoryScriptTest, ContactNamesCoverTheMainContactAndEveryContact) {
  EXPECT_THAT(Ids(queries_->ByContactName("高", Match::kPrefix)), ElementsAre("c1", "c3"));
  EXPECT_THAT(Ids(queries_->ByContactName("芳", Match::kSubstring)), ElementsAre("c2"));
  EXPECT_THAT(Ids(queries_->ByContactName("马", Match::kSubstring)), ElementsAre("c2", "c6"))
      << "archived customers stay findable";
  EXPECT_THAT(Ids(queries_->ByContactName("LI MING", Match::kExact)), ElementsAre("c4"));
}

TEST_F(DirectoryScriptTest, RegionIndustryTagOwnerAndStatus) {
  EXPECT_THAT(Ids(queries_->ByRegion("广东省", "")), ElementsAre("c1", "c3"));
  EXPECT_THAT(Ids(queries_->ByRegion("广东省", "深圳市")), ElementsAre("c3"));
  EXPECT_THAT(Ids(queries_->ByRegion("广东", "")), IsEmpty()) << "regions match exactly";
  EXPECT_THAT(Ids(queries_->ByIndustry("科技")), ElementsAre("c3", "c4"));
  EXPECT_THAT(Ids(queries_->ByTag("key")), ElementsAre("c1", "c2"));
  EXPECT_THAT(Ids(queries_->ByOwner("wang")), ElementsAre("c2", "c3"));
  EXPECT_THAT(Ids(queries_->ByOwner("chen")), IsEmpty()) << "c5 merged away";
  EXPECT_THAT(Ids(queries_->ByOwner("lina")), ElementsAre("c1", "c6", "c7"))
      << "archived c6 included";
  EXPECT_THAT(Ids(queries_->ByStatus(CustomerStatus::kInPool)), ElementsAre("c4"));
  EXPECT_THAT(Ids(queries_->ByStatus(CustomerStatus::kArchived)), ElementsAre("c6"));
  EXPECT_THAT(Ids(queries_->ByStatus(CustomerStatus::kOwned)), ElementsAre("c1", "c2", "c3", "c7"));
}

TEST_F(DirectoryScriptTest, EntriesCarryTheProfile) {
  auto c2 = queries_->Get("c2");
  ASSERT_THAT(c2, IsOk());
  EXPECT_EQ(c2->company_name, "银河纺织股份有限公司");
  EXPECT_THAT(c2->contact_names, ElementsAre("王芳"));
  EXPECT_THAT(c2->phones, ElementsAre("13211138017", "13900001111"));
  EXPECT_THAT(c2->tags, ElementsAre("key"));
  EXPECT_EQ(c2->province, "浙江省");
  auto c1 = queries_->Get("c1");
  ASSERT_THAT(c1, IsOk());
  EXPECT_THAT(c1->phones, ElementsAre("130-7589-3910", "020-77196458"));
  EXPECT_THAT(queries_->Get("nobody"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(DirectoryScriptTest, DuplicateCandidatesRankASharedPhoneFirst) {
  DuplicateQuery q;
  q.company_name = "天宇物流集团（有限公司）";
  q.phones = {"130 7589 3910"};
  auto found = queries_->FindDuplicates(q);
  ASSERT_THAT(found, IsOk());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].customer.customer_id, "c1");
  EXPECT_THAT((*found)[0].reasons, ElementsAre("phone 13075893910", "company name"));

  q = {};
  q.company_name = "天宇";
  found = queries_->FindDuplicates(q);
  ASSERT_THAT(found, IsOk());
  ASSERT_EQ(found->size(), 3u);
  EXPECT_EQ((*found)[0].customer.customer_id, "c1");
  EXPECT_THAT((*found)[2].reasons, ElementsAre("company name contains"));

  q = {};
  q.phones = {"13211138017"};
  q.contact_name = "高娟";
  found = queries_->FindDuplicates(q);
  ASSERT_THAT(found, IsOk());
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].customer.customer_id, "c2");
  EXPECT_EQ((*found)[1].customer.customer_id, "c1");
  EXPECT_THAT((*found)[1].reasons, ElementsAre("contact name"));
}

TEST_F(DirectoryScriptTest, PagesOfIndexAndSubstringLookups) {
  ReadOptions read;
  read.page_size = 3;
  auto first = queries_->ByStatus(CustomerStatus::kOwned, read);
  ASSERT_THAT(first, IsOk());
  ASSERT_EQ(first->entries.size(), 3u);
  ASSERT_FALSE(first->next_page_token.empty());
  read.page_token = first->next_page_token;
  EXPECT_THAT(Ids(queries_->ByStatus(CustomerStatus::kOwned, read)), ElementsAre("c7"));
  EXPECT_THAT(queries_->ByStatus(CustomerStatus::kInPool, read),
              StatusIs(absl::StatusCode::kInvalidArgument, "page_token"));

  read = {};
  read.page_size = 2;
  auto sub = queries_->ByCompanyName("天宇", Match::kSubstring, read);
  ASSERT_THAT(sub, IsOk());
  ASSERT_EQ(sub->entries.size(), 2u);
  read.page_token = sub->next_page_token;
  EXPECT_THAT(Ids(queries_->ByCompanyName("天宇", Match::kSubstring, read)), ElementsAre("c7"));
}

TEST_F(DirectoryScriptTest, BadInputIsInvalidArgumentNamingTheField) {
  EXPECT_THAT(queries_->ByPhone("call me"), StatusIs(absl::StatusCode::kInvalidArgument, "phone"));
  EXPECT_THAT(queries_->ByCompanyName("（）", Match::kPrefix),
              StatusIs(absl::StatusCode::kInvalidArgument, "company_name"));
  EXPECT_THAT(queries_->ByContactName("", Match::kExact),
              StatusIs(absl::StatusCode::kInvalidArgument, "contact_name"));
  EXPECT_THAT(queries_->ByRegion("", "深圳市"),
              StatusIs(absl::StatusCode::kInvalidArgument, "province"));
  EXPECT_THAT(queries_->FindDuplicates({}),
              StatusIs(absl::StatusCode::kInvalidArgument, "company_name"));
  DuplicateQuery q;
  q.phones = {"12"};
  EXPECT_THAT(queries_->FindDuplicates(q),
              StatusIs(absl::StatusCode::kInvalidArgument, "phones[0]"));
  EXPECT_THAT(queries_->ByStatus(CustomerStatus::kMerged),
              StatusIs(absl::StatusCode::kInvalidArgument, "status"));
}

TEST_F(DirectoryScriptTest, VerifyFindsNoDifferenceFromARebuild) {
  auto report = world_->runner()->Verify(kDirectoryProjectionName);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->differences.front();
  EXPECT_GT(report->rows_compared, 50u);
}

TEST(DirectoryRandomWorkloadTest, IncrementalViewEqualsRebuildAndTheDomainsFold) {
  CrmWorld w(Projections());
  ASSERT_THAT(w.status(), IsOk());
  constexpr int kCustomers = 60;
  testing::RandomWorkload(w, kCustomers, 1500, 4242);
  ASSERT_THAT(w.Sync(), IsOk());
  auto report = w.runner()->Verify(kDirectoryProjectionName);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->ok()) << report->differences.front();

  DirectoryQueries queries(w.runner());
  for (int i = 0; i < kCustomers; ++i) {
    const std::string id = absl::StrCat("c", i);
    auto state = w.handler()->LoadCustomer(id);
    ASSERT_THAT(state, IsOk());
    auto entry = queries.Get(id);
    ASSERT_THAT(entry, IsOk());
    EXPECT_EQ(entry->company_name, state->profile.company_name()) << id;
    EXPECT_EQ(entry->owner_rep_id, state->owner_rep_id) << id;
    EXPECT_EQ(entry->merged_into, state->merged_into) << id;
    EXPECT_EQ(entry->contact_names.size(), state->contacts.size()) << id;
    if (!state->merged_into.empty()) continue;
    // Every live customer is found by each of its phones and its name.
    for (const std::string& phone : state->profile.phones()) {
      std::vector<std::string> ids = [&] {
        std::vector<std::string> out;
        auto page = queries.ByPhone(phone);
        EXPECT_THAT(page, IsOk());
        if (page.ok()) {
          for (const DirectoryEntry& e : page->entries) out.push_back(e.customer_id);
        }
        return out;
      }();
      EXPECT_THAT(ids, ::testing::Contains(id)) << phone;
    }
    auto by_name = queries.ByCompanyName(state->profile.company_name(), Match::kExact);
    ASSERT_THAT(by_name, IsOk());
    bool found = false;
    for (const DirectoryEntry& e : by_name->entries) found |= e.customer_id == id;
    EXPECT_TRUE(found) << id << " " << state->profile.company_name();
  }
}

}  // namespace
}  // namespace crm::projections::directory
