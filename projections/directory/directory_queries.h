// DirectoryQueries: customer lookup and duplicate candidates as plain
// structs, read from the view DirectoryProjection keeps (directory_keys.h).
//
// Every lookup is a range scan of one index (substring: of a few n-gram
// posting lists), then one point read per customer on the page. Texts are
// normalised like the indexed values (search_text.h), so width, case,
// spaces and punctuation do not matter, and a company query is compared on
// the duplicate check's key (legal-form suffixes such as 有限公司 dropped).
//
// Pages: opaque next_page_token (empty on the last page), valid only for the
// same query; another query's token is INVALID_ARGUMENT. Read-your-writes:
// pass an append's position as `wait_for`.
//
// Thread-safety: all methods may be called concurrently.
#ifndef CRM_PROJECTIONS_DIRECTORY_DIRECTORY_QUERIES_H_
#define CRM_PROJECTIONS_DIRECTORY_DIRECTORY_QUERIES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/v1/customer_types.pb.h"
#include "engine/store/types.h"
#include "projections/projection_runner.h"

namespace crm::projections::directory {

struct ReadOptions {
  // Wait until the view has applied this position (kNoPosition: don't wait).
  engine::Position wait_for = engine::kNoPosition;
  absl::Duration wait_timeout = absl::Seconds(5);
  // 1..1000; 0 means the default, 100.
  int page_size = 0;
  std::string page_token;
};

enum class CustomerStatus { kOwned, kInPool, kArchived, kMerged };

struct DirectoryEntry {
  std::string customer_id;
  v1::CustomerKind kind = v1::CUSTOMER_KIND_UNSPECIFIED;
  std::string company_name;
  std::string contact_person;
  std::vector<std::string> contact_names;
  // As entered: the profile's, then each contact's.
  std::vector<std::string> phones;
  std::string province;
  std::string city;
  std::string industry;
  std::vector<std::string> tags;
  std::string owner_rep_id;
  CustomerStatus status = CustomerStatus::kOwned;
  std::string merged_into;
};

struct DirectoryPage {
  std::vector<DirectoryEntry> entries;
  std::string next_page_token;
};

enum class Match { kExact, kPrefix, kSubstring };

// What to look for when registering or merging (客户查重). Any field may be
// empty, but not all.
struct DuplicateQuery {
  std::string company_name;
  std::vector<std::string> phones;
  std::string contact_name;
};

struct DuplicateCandidate {
  DirectoryEntry customer;
  // Why it is a candidate, strongest first: "phone <key>", "company name",
  // "company name contains", "contact name".
  std::vector<std::string> reasons;
};

class DirectoryQueries {
 public:
  // `runner` runs a DirectoryProjection and must outlive this object.
  explicit DirectoryQueries(const ProjectionRunner* runner) : runner_(runner) {}

  // Errors of every lookup: INVALID_ARGUMENT naming the field (empty or
  // unparseable input, bad page_size or page_token), DEADLINE_EXCEEDED
  // (wait_for not reached in time).
  absl::StatusOr<DirectoryPage> ByPhone(const std::string& phone,
                                        const ReadOptions& read = {}) const;
  // Pages of prefix and exact matches are in normalised-name order; of
  // substring matches, in customer id order.
  absl::StatusOr<DirectoryPage> ByCompanyName(const std::string& text, Match match,
                                              const ReadOptions& read = {}) const;
  // The main contact person and every contact's name.
  absl::StatusOr<DirectoryPage> ByContactName(const std::string& text, Match match,
                                              const ReadOptions& read = {}) const;
  // `city` empty: the whole province.
  absl::StatusOr<DirectoryPage> ByRegion(const std::string& province, const std::string& city,
                                         const ReadOptions& read = {}) const;
  absl::StatusOr<DirectoryPage> ByIndustry(const std::string& industry,
                                           const ReadOptions& read = {}) const;
  absl::StatusOr<DirectoryPage> ByTag(const std::string& tag, const ReadOptions& read = {}) const;
  // Includes the rep's archived customers (status kArchived says so).
  absl::StatusOr<DirectoryPage> ByOwner(const std::string& rep_id,
                                        const ReadOptions& read = {}) const;
  // kMerged is not indexed (INVALID_ARGUMENT): Get a duplicate by id instead.
  absl::StatusOr<DirectoryPage> ByStatus(CustomerStatus status, const ReadOptions& read = {}) const;

  // NOT_FOUND if unknown; a merged duplicate is returned with merged_into.
  absl::StatusOr<DirectoryEntry> Get(const std::string& customer_id,
                                     const ReadOptions& read = {}) const;

  // Customers sharing a normalised phone, the normalised company name or a
  // contact name with `query`, or whose company name contains the queried
  // one; at most 50, strongest first (a shared phone, then the same name).
  absl::StatusOr<std::vector<DuplicateCandidate>> FindDuplicates(
      const DuplicateQuery& query, const ReadOptions& read = {}) const;

 private:
  const ProjectionRunner* runner_;
};

}  // namespace crm::projections::directory

#endif  // CRM_PROJECTIONS_DIRECTORY_DIRECTORY_QUERIES_H_
