#include "service/directory_service.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/domain/field_validation.h"
#include "engine/status_macros.h"
#include "projections/directory/directory_projection.h"
#include "projections/directory/directory_queries.h"
#include "service/wire_values.h"

namespace crm::service {
namespace {

namespace dq = projections::directory;

// A lookup chosen and checked from the wire criterion.
using Lookup = std::function<absl::StatusOr<dq::DirectoryPage>(const dq::DirectoryQueries&,
                                                               const dq::ReadOptions&)>;

absl::Status Required(absl::string_view field, const std::string& value) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": must not be empty"));
  return absl::OkStatus();
}

// The query API names its own parameters ("company_name", "province"); the
// wire fields are nested ("company_name.text", "region.province"), and an
// error must name the field the caller set.
absl::Status Renamed(absl::Status status, absl::string_view from, absl::string_view to) {
  if (!absl::IsInvalidArgument(status)) return status;
  const absl::string_view message = status.message();
  if (absl::StartsWith(message, absl::StrCat(from, ":")) ||
      absl::StartsWith(message, absl::StrCat(from, " "))) {
    return absl::InvalidArgumentError(absl::StrCat(to, message.substr(from.size())));
  }
  return status;
}

absl::StatusOr<dq::Match> ToMatch(absl::string_view field, v1::DirectoryNameMatch match) {
  switch (match) {
    case v1::DIRECTORY_NAME_MATCH_UNSPECIFIED:
    case v1::DIRECTORY_NAME_MATCH_EXACT:
      return dq::Match::kExact;
    case v1::DIRECTORY_NAME_MATCH_PREFIX:
      return dq::Match::kPrefix;
    case v1::DIRECTORY_NAME_MATCH_SUBSTRING:
      return dq::Match::kSubstring;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": ", static_cast<int>(match), " is not a DirectoryNameMatch"));
  }
}

absl::StatusOr<dq::CustomerStatus> ToStatus(v1::DirectoryCustomerStatus status) {
  switch (status) {
    case v1::DIRECTORY_CUSTOMER_STATUS_OWNED:
      return dq::CustomerStatus::kOwned;
    case v1::DIRECTORY_CUSTOMER_STATUS_IN_POOL:
      return dq::CustomerStatus::kInPool;
    case v1::DIRECTORY_CUSTOMER_STATUS_ARCHIVED:
      return dq::CustomerStatus::kArchived;
    case v1::DIRECTORY_CUSTOMER_STATUS_UNSPECIFIED:
      return absl::InvalidArgumentError("status: required (not UNSPECIFIED)");
    case v1::DIRECTORY_CUSTOMER_STATUS_MERGED:
      return absl::InvalidArgumentError(
          "status: merged customers are not listed; look a duplicate up by id");
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("status: ", static_cast<int>(status), " is not a DirectoryCustomerStatus"));
  }
}

v1::DirectoryCustomerStatus ToProto(dq::CustomerStatus status) {
  switch (status) {
    case dq::CustomerStatus::kOwned:
      return v1::DIRECTORY_CUSTOMER_STATUS_OWNED;
    case dq::CustomerStatus::kInPool:
      return v1::DIRECTORY_CUSTOMER_STATUS_IN_POOL;
    case dq::CustomerStatus::kArchived:
      return v1::DIRECTORY_CUSTOMER_STATUS_ARCHIVED;
    case dq::CustomerStatus::kMerged:
      return v1::DIRECTORY_CUSTOMER_STATUS_MERGED;
  }
  return v1::DIRECTORY_CUSTOMER_STATUS_UNSPECIFIED;
}

void ToProto(const dq::DirectoryEntry& e, v1::DirectoryCustomer* out) {
  out->set_customer_id(e.customer_id);
  out->set_kind(e.kind);
  out->set_company_name(e.company_name);
  out->set_contact_person(e.contact_person);
  for (const std::string& n : e.contact_names) out->add_contact_names(n);
  for (const std::string& p : e.phones) out->add_phones(p);
  out->set_province(e.province);
  out->set_city(e.city);
  out->set_industry(e.industry);
  for (const std::string& t : e.tags) out->add_tags(t);
  out->set_owner_rep_id(e.owner_rep_id);
  out->set_status(ToProto(e.status));
  out->set_merged_into(e.merged_into);
}

// The wire criterion as a lookup, every field checked.
absl::StatusOr<Lookup> ToLookup(const v1::SearchCustomersRequest& r) {
  switch (r.criterion_case()) {
    case v1::SearchCustomersRequest::kPhone:
      CRM_RETURN_IF_ERROR(Required("phone", r.phone()));
      return Lookup([phone = r.phone()](const dq::DirectoryQueries& q, const dq::ReadOptions& o) {
        return q.ByPhone(phone, o);
      });
    case v1::SearchCustomersRequest::kCompanyName: {
      CRM_RETURN_IF_ERROR(Required("company_name.text", r.company_name().text()));
      CRM_ASSIGN_OR_RETURN(dq::Match match,
                           ToMatch("company_name.match", r.company_name().match()));
      return Lookup([text = r.company_name().text(), match](
                        const dq::DirectoryQueries& q,
                        const dq::ReadOptions& o) -> absl::StatusOr<dq::DirectoryPage> {
        absl::StatusOr<dq::DirectoryPage> page = q.ByCompanyName(text, match, o);
        if (!page.ok()) return Renamed(page.status(), "company_name", "company_name.text");
        return page;
      });
    }
    case v1::SearchCustomersRequest::kContactName: {
      CRM_RETURN_IF_ERROR(Required("contact_name.text", r.contact_name().text()));
      CRM_ASSIGN_OR_RETURN(dq::Match match,
                           ToMatch("contact_name.match", r.contact_name().match()));
      return Lookup([text = r.contact_name().text(), match](
                        const dq::DirectoryQueries& q,
                        const dq::ReadOptions& o) -> absl::StatusOr<dq::DirectoryPage> {
        absl::StatusOr<dq::DirectoryPage> page = q.ByContactName(text, match, o);
        if (!page.ok()) return Renamed(page.status(), "contact_name", "contact_name.text");
        return page;
      });
    }
    case v1::SearchCustomersRequest::kRegion:
      CRM_RETURN_IF_ERROR(Required("region.province", r.region().province()));
      return Lookup([region = r.region()](
                        const dq::DirectoryQueries& q,
                        const dq::ReadOptions& o) -> absl::StatusOr<dq::DirectoryPage> {
        absl::StatusOr<dq::DirectoryPage> page = q.ByRegion(region.province(), region.city(), o);
        if (!page.ok()) {
          return Renamed(Renamed(page.status(), "province", "region.province"), "city",
                         "region.city");
        }
        return page;
      });
    case v1::SearchCustomersRequest::kIndustry:
      CRM_RETURN_IF_ERROR(Required("industry", r.industry()));
      return Lookup(
          [industry = r.industry()](const dq::DirectoryQueries& q, const dq::ReadOptions& o) {
            return q.ByIndustry(industry, o);
          });
    case v1::SearchCustomersRequest::kTag:
      CRM_RETURN_IF_ERROR(Required("tag", r.tag()));
      return Lookup([tag = r.tag()](const dq::DirectoryQueries& q, const dq::ReadOptions& o) {
        return q.ByTag(tag, o);
      });
    case v1::SearchCustomersRequest::kOwnerRepId:
      CRM_RETURN_IF_ERROR(engine::domain::ValidateId("owner_rep_id", r.owner_rep_id()));
      return Lookup(
          [rep = r.owner_rep_id()](const dq::DirectoryQueries& q, const dq::ReadOptions& o) {
            return q.ByOwner(rep, o);
          });
    case v1::SearchCustomersRequest::kStatus: {
      CRM_ASSIGN_OR_RETURN(dq::CustomerStatus status, ToStatus(r.status()));
      return Lookup([status](const dq::DirectoryQueries& q, const dq::ReadOptions& o) {
        return q.ByStatus(status, o);
      });
    }
    case v1::SearchCustomersRequest::CRITERION_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      "criterion: required; set one of phone, company_name, contact_name, region, industry, tag, "
      "owner_rep_id, status");
}

// Which customers the caller may see; remembers each owner's answer, since
// a team check reads the rep's and teams' streams.
class Visibility {
 public:
  Visibility(const AccessControl* access, const Principal& p) : access_(access), p_(p) {}

  absl::StatusOr<bool> Visible(const dq::DirectoryEntry& e) {
    if (p_.scope == SCOPE_ALL || e.owner_rep_id.empty()) return true;
    auto it = owners_.find(e.owner_rep_id);
    if (it != owners_.end()) return it->second;
    CRM_ASSIGN_OR_RETURN(bool in, access_->RepInScope(p_, e.owner_rep_id));
    owners_.emplace(e.owner_rep_id, in);
    return in;
  }

 private:
  const AccessControl* access_;
  const Principal& p_;
  absl::flat_hash_map<std::string, bool> owners_;
};

// RunCheckedQuery on this service's view for every customer reader.
grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context, const QueryDeps& deps,
                              absl::string_view method, absl::Status valid,
                              std::optional<uint64_t> min_position,
                              std::function<absl::Status(const Principal&)> work) {
  return RunCheckedQuery(context, deps, kCustomerReaders, method,
                         projections::directory::kDirectoryProjectionName, std::move(valid),
                         min_position, std::move(work));
}

}  // namespace

grpc::ServerUnaryReactor* DirectoryServiceImpl::SearchCustomers(
    grpc::CallbackServerContext* context, const v1::SearchCustomersRequest* request,
    v1::SearchCustomersResponse* response) {
  absl::StatusOr<Lookup> lookup = ToLookup(*request);
  absl::Status valid = lookup.status();
  absl::StatusOr<int32_t> page_size = PageSize(request->page_size());
  if (valid.ok()) valid = page_size.status();
  return Run(
      context, deps_, "SearchCustomers", std::move(valid), MinPosition(*request),
      [this, request, response, lookup = std::move(lookup),
       page_size = page_size.value_or(0)](const Principal& p) -> absl::Status {
        // An explicit owner outside the scope is refused rather than
        // answered with an empty page, so the caller learns why.
        if (request->criterion_case() == v1::SearchCustomersRequest::kOwnerRepId) {
          CRM_RETURN_IF_ERROR(deps_.access->CheckRep(p, request->owner_rep_id(), "owner_rep_id"));
        }
        dq::ReadOptions read;  // RunQuery has already waited for min_position.
        read.page_size = page_size;
        read.page_token = request->page_token();
        CRM_ASSIGN_OR_RETURN(dq::DirectoryPage page, (*lookup)(deps_.models->directory(), read));
        Visibility visibility(deps_.access, p);
        for (const dq::DirectoryEntry& e : page.entries) {
          CRM_ASSIGN_OR_RETURN(bool visible, visibility.Visible(e));
          if (visible) ToProto(e, response->add_customers());
        }
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* DirectoryServiceImpl::FindDuplicateCandidates(
    grpc::CallbackServerContext* context, const v1::FindDuplicateCandidatesRequest* request,
    v1::FindDuplicateCandidatesResponse* response) {
  dq::DuplicateQuery query;
  query.company_name = request->company_name();
  query.phones.assign(request->phones().begin(), request->phones().end());
  query.contact_name = request->contact_name();
  absl::Status valid;
  if (query.company_name.empty() && query.phones.empty() && query.contact_name.empty()) {
    valid = absl::InvalidArgumentError(
        "company_name, phones, contact_name: set at least one to look for");
  }
  for (int i = 0; valid.ok() && i < request->phones_size(); ++i) {
    valid = Required(absl::StrCat("phones[", i, "]"), request->phones(i));
  }
  return Run(context, deps_, "FindDuplicateCandidates", std::move(valid), MinPosition(*request),
             [this, response, query = std::move(query)](const Principal& p) -> absl::Status {
               CRM_ASSIGN_OR_RETURN(std::vector<dq::DuplicateCandidate> candidates,
                                    deps_.models->directory().FindDuplicates(query));
               Visibility visibility(deps_.access, p);
               for (const dq::DuplicateCandidate& c : candidates) {
                 CRM_ASSIGN_OR_RETURN(bool visible, visibility.Visible(c.customer));
                 if (!visible) continue;
                 v1::DuplicateCandidate* out = response->add_candidates();
                 ToProto(c.customer, out->mutable_customer());
                 for (const std::string& why : c.reasons) out->add_reasons(why);
               }
               return absl::OkStatus();
             });
}

}  // namespace crm::service
