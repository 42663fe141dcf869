#include "projections/directory/directory_queries.h"

#include <algorithm>
#include <map>
#include <optional>

#include "absl/container/btree_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/domain/phone_normalizer.h"
#include "engine/status_macros.h"
#include "projections/directory/directory_keys.h"
#include "projections/directory/directory_projection.h"
#include "projections/directory/directory_rows.pb.h"
#include "projections/directory/search_text.h"
#include "projections/view_keys.h"

namespace crm::projections::directory {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr size_t kMaxDuplicates = 50;
constexpr absl::string_view kNul("\0", 1);

// FNV-1a: binds a page token to the query that made it.
uint64_t Fingerprint(absl::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Token = web-safe base64 of: kind, fingerprint:u64, the key (or id) to
// resume after. Opaque to callers.
std::string EncodeToken(char kind, absl::string_view query, absl::string_view after) {
  std::string raw(1, kind);
  view_keys::PutU64BE(&raw, Fingerprint(query));
  raw.append(after.data(), after.size());
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> DecodeToken(char kind, absl::string_view query,
                                        absl::string_view token) {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 9 || raw[0] != kind ||
      view_keys::GetU64BE(absl::string_view(raw).substr(1, 8)) != Fingerprint(query)) {
    return absl::InvalidArgumentError(
        "page_token is not a token this query returned (the query must not change between "
        "pages)");
  }
  return raw.substr(9);
}

absl::StatusOr<int> PageSize(const ReadOptions& read) {
  if (read.page_size < 0 || read.page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size ", read.page_size, " must be 0 (default) to ", kMaxPageSize));
  }
  return read.page_size == 0 ? kDefaultPageSize : read.page_size;
}

// The normalised form of a query text, refused when nothing is left.
absl::StatusOr<std::string> QueryText(absl::string_view field, absl::string_view raw,
                                      bool company) {
  absl::StatusOr<std::string> text = company ? CompanyText(raw) : SearchText(raw);
  if (!text.ok())
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", text.status().message()));
  if (text->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", raw, "\" has nothing to search for after normalisation"));
  }
  return *text;
}

DirectoryEntry ToEntry(const DirectoryRow& row) {
  DirectoryEntry e;
  e.customer_id = row.customer_id();
  e.kind = row.kind();
  const v1::CustomerProfile& p = row.profile();
  e.company_name = p.company_name();
  e.contact_person = p.contact_person();
  e.phones.assign(p.phones().begin(), p.phones().end());
  for (const v1::Contact& c : row.contacts()) {
    e.contact_names.push_back(c.name());
    e.phones.insert(e.phones.end(), c.phones().begin(), c.phones().end());
  }
  e.province = p.address().province();
  e.city = p.address().city();
  e.industry = p.industry();
  e.tags.assign(row.tags().begin(), row.tags().end());
  e.owner_rep_id = row.owner_rep_id();
  e.merged_into = row.merged_into();
  if (!row.merged_into().empty()) {
    e.status = CustomerStatus::kMerged;
  } else {
    switch (keys::Status(row)) {
      case keys::kArchived:
        e.status = CustomerStatus::kArchived;
        break;
      case keys::kInPool:
        e.status = CustomerStatus::kInPool;
        break;
      default:
        e.status = CustomerStatus::kOwned;
    }
  }
  return e;
}

absl::StatusOr<std::optional<DirectoryRow>> LoadRow(const ViewReader& reader,
                                                    absl::string_view id) {
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> bytes, reader.Get(keys::Customer(id)));
  if (!bytes) return std::nullopt;
  DirectoryRow row;
  if (!row.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("directory row of customer ", id, " does not parse"));
  }
  return row;
}

absl::Status AppendEntries(const ViewReader& reader, const std::vector<std::string>& ids,
                           DirectoryPage& page) {
  for (const std::string& id : ids) {
    CRM_ASSIGN_OR_RETURN(std::optional<DirectoryRow> row, LoadRow(reader, id));
    if (!row) {
      return absl::DataLossError(
          absl::StrCat("directory index names customer ", id, " which has no row"));
    }
    page.entries.push_back(ToEntry(*row));
  }
  return absl::OkStatus();
}

// One page of an index scan over `prefix`, in key order.
absl::StatusOr<DirectoryPage> IndexPage(const ViewReader& reader, const std::string& prefix,
                                        char kind, const ReadOptions& read) {
  CRM_ASSIGN_OR_RETURN(int limit, PageSize(read));
  CRM_ASSIGN_OR_RETURN(std::string after, DecodeToken(kind, prefix, read.page_token));
  std::vector<std::string> ids;
  std::string last;
  bool more = false;
  const std::string start = after.empty() ? std::string() : after + std::string(kNul);
  CRM_RETURN_IF_ERROR(reader.Scan(
      prefix,
      [&](absl::string_view key, absl::string_view) {
        if (static_cast<int>(ids.size()) == limit) {
          more = true;
          return false;
        }
        ids.emplace_back(keys::IdOf(key));
        last = std::string(key);
        return true;
      },
      start));
  DirectoryPage page;
  CRM_RETURN_IF_ERROR(AppendEntries(reader, ids, page));
  if (more) page.next_page_token = EncodeToken(kind, prefix, last);
  return page;
}

// The normalised texts of a row that `field` searches.
std::vector<std::string> FieldTexts(const DirectoryRow& row, char field) {
  std::vector<std::string> out;
  if (field == keys::kCompanyField) {
    absl::StatusOr<std::string> t = CompanyText(row.profile().company_name());
    if (t.ok()) out.push_back(*t);
    return out;
  }
  std::vector<std::string> raw = {row.profile().contact_person()};
  for (const v1::Contact& c : row.contacts()) raw.push_back(c.name());
  for (const std::string& r : raw) {
    absl::StatusOr<std::string> t = SearchText(r);
    if (t.ok() && !t->empty()) out.push_back(*t);
  }
  return out;
}

// The ids (sorted) that hold every bigram of `text` in `field`: a superset
// of those whose text contains it (bigram order is not checked here).
absl::StatusOr<std::vector<std::string>> SubstringCandidates(const ViewReader& reader, char field,
                                                             const std::string& text) {
  const std::vector<std::string> cps = CodePoints(text);
  std::vector<std::string> prefixes;
  if (cps.size() == 1) {
    prefixes.push_back(keys::Bigram(field, cps[0]));
  } else {
    for (size_t i = 0; i + 1 < cps.size(); ++i) {
      prefixes.push_back(absl::StrCat(keys::Bigram(field, cps[i] + cps[i + 1]), kNul));
    }
    std::sort(prefixes.begin(), prefixes.end());
    prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  }
  std::optional<absl::btree_set<std::string>> candidates;
  for (const std::string& prefix : prefixes) {
    absl::btree_set<std::string> ids;
    CRM_RETURN_IF_ERROR(reader.Scan(prefix, [&](absl::string_view key, absl::string_view) {
      const absl::string_view id = keys::IdOf(key);
      if (!candidates || candidates->contains(id)) ids.emplace(id);
      return true;
    }));
    candidates = std::move(ids);
    if (candidates->empty()) break;
  }
  return std::vector<std::string>(candidates->begin(), candidates->end());
}

// Whether candidate `id`'s real `field` text contains `text`; its row if so.
absl::StatusOr<std::optional<DirectoryRow>> Verified(const ViewReader& reader,
                                                     const std::string& id, char field,
                                                     const std::string& text) {
  CRM_ASSIGN_OR_RETURN(std::optional<DirectoryRow> row, LoadRow(reader, id));
  if (!row) return std::nullopt;
  for (const std::string& t : FieldTexts(*row, field)) {
    if (absl::StrContains(t, text)) return row;
  }
  return std::nullopt;
}

// Candidates are checked lazily in id order, so a page costs the posting
// lists plus the rows up to the page's end, not every candidate's row.
absl::StatusOr<DirectoryPage> SubstringPage(const ViewReader& reader, char field,
                                            const std::string& text, const ReadOptions& read) {
  CRM_ASSIGN_OR_RETURN(int limit, PageSize(read));
  const std::string query = absl::StrCat(std::string(1, field), text);
  CRM_ASSIGN_OR_RETURN(std::string after, DecodeToken('S', query, read.page_token));
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> ids, SubstringCandidates(reader, field, text));
  auto it = after.empty() ? ids.begin() : std::upper_bound(ids.begin(), ids.end(), after);
  DirectoryPage page;
  for (; it != ids.end(); ++it) {
    CRM_ASSIGN_OR_RETURN(std::optional<DirectoryRow> row, Verified(reader, *it, field, text));
    if (!row) continue;
    if (static_cast<int>(page.entries.size()) == limit) {
      page.next_page_token = EncodeToken('S', query, page.entries.back().customer_id);
      break;
    }
    page.entries.push_back(ToEntry(*row));
  }
  return page;
}

absl::Status RequireText(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  return absl::OkStatus();
}

absl::StatusOr<std::string> ExactText(absl::string_view field, absl::string_view raw) {
  CRM_RETURN_IF_ERROR(RequireText(field, raw));
  return QueryText(field, raw, /*company=*/false);
}

}  // namespace

namespace {
absl::StatusOr<std::unique_ptr<ViewReader>> Open(const ProjectionRunner* runner,
                                                 const ReadOptions& read) {
  if (read.wait_for != engine::kNoPosition) {
    CRM_RETURN_IF_ERROR(
        runner->WaitFor(kDirectoryProjectionName, read.wait_for, absl::Now() + read.wait_timeout));
  }
  return runner->Reader(kDirectoryProjectionName);
}
}  // namespace

absl::StatusOr<DirectoryPage> DirectoryQueries::ByPhone(const std::string& phone,
                                                        const ReadOptions& read) const {
  CRM_RETURN_IF_ERROR(RequireText("phone", phone));
  absl::StatusOr<engine::domain::NormalizedPhone> key = engine::domain::NormalizePhone(phone);
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("phone: ", key.status().message()));
  }
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(runner_, read));
  return IndexPage(*reader, keys::Exact('p', key->key), 'P', read);
}

absl::StatusOr<DirectoryPage> DirectoryQueries::ByCompanyName(const std::string& text, Match match,
                                                              const ReadOptions& read) const {
  CRM_RETURN_IF_ERROR(RequireText("company_name", text));
  CRM_ASSIGN_OR_RETURN(std::string q, QueryText("company_name", text, /*company=*/true));
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(runner_, read));
  switch (match) {
    case Match::kExact:
      return IndexPage(*reader, keys::Exact('n', q), 'N', read);
    case Match::kPrefix:
      return IndexPage(*reader, keys::Prefix('n', q), 'N', read);
    case Match::kSubstring:
      break;
  }
  return SubstringPage(*reader, keys::kCompanyField, q, read);
}

absl::StatusOr<DirectoryPage> DirectoryQueries::ByContactName(const std::string& text, Match match,
                                                              const ReadOptions& read) const {
  CRM_ASSIGN_OR_RETURN(std::string q, ExactText("contact_name", text));
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(runner_, read));
  switch (match) {
    case Match::kExact:
      return IndexPage(*reader, keys::Exact('m', q), 'M', read);
    case Match::kPrefix:
      return IndexPage(*reader, keys::Prefix('m', q), 'M', read);
    case Match::kSubstring:
      break;
  }
  return SubstringPage(*reader, keys::kPersonField, q, read);
}

absl::StatusOr<DirectoryPage> DirectoryQueries::ByRegion(const std::string& province,
                                                         const std::string& city,
                                                         const ReadOptions& read) const {
  CRM_ASSIGN_OR_RETURN(std::string p, ExactText("province", province));
  std::string c;
  if (!city.empty()) {
    CRM_ASSIGN_OR_RETURN(c, QueryText("city", city, /*company=*/false));
  }
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(runner_, read));
  return IndexPage(*reader, c.empty() ? keys::RegionProvince(p) : keys::Region(p, c), 'R', read);
}

absl::StatusOr<DirectoryPage> DirectoryQueries::ByIndustry(const std::string& industry,
                                                           const ReadOptions& read) const {
  CRM_ASSIGN_OR_RETURN(std::string q, ExactText("industry", industry));
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(runner_, read));
  return IndexPage(*reader, keys::Exact('i', q), 'I', read);
}

absl::StatusOr<DirectoryPage> DirectoryQueries::ByTag(const std::string& tag,
                                                      const ReadOptions& read) const {
  CRM_ASSIGN_OR_RETURN(std::string q, ExactText("tag", tag));
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(runner_, read));
  return IndexPage(*reader, keys::Exact('t', q), 'T', read);
}

absl::StatusOr<DirectoryPage> DirectoryQueries::ByOwner(const std::string& rep_id,
                                                        const ReadOptions& read) const {
  CRM_RETURN_IF_ERROR(RequireText("rep_id", rep_id));
  if (rep_id.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("rep_id must not contain NUL");
  }
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(runner_, read));
  return IndexPage(*reader, keys::Exact('o', rep_id), 'O', read);
}

absl::StatusOr<DirectoryPage> DirectoryQueries::ByStatus(CustomerStatus status,
                                                         const ReadOptions& read) const {
  char letter;
  switch (status) {
    case CustomerStatus::kOwned:
      letter = keys::kOwned;
      break;
    case CustomerStatus::kInPool:
      letter = keys::kInPool;
      break;
    case CustomerStatus::kArchived:
      letter = keys::kArchived;
      break;
    default:
      return absl::InvalidArgumentError(
          "status: merged customers are not listed; look a duplicate up by id");
  }
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(runner_, read));
  return IndexPage(*reader, keys::Exact('s', std::string(1, letter)), 'U', read);
}

absl::StatusOr<DirectoryEntry> DirectoryQueries::Get(const std::string& customer_id,
                                                     const ReadOptions& read) const {
  CRM_RETURN_IF_ERROR(RequireText("customer_id", customer_id));
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(runner_, read));
  CRM_ASSIGN_OR_RETURN(std::optional<DirectoryRow> row, LoadRow(*reader, customer_id));
  if (!row) return absl::NotFoundError(absl::StrCat("no customer ", customer_id));
  return ToEntry(*row);
}

absl::StatusOr<std::vector<DuplicateCandidate>> DirectoryQueries::FindDuplicates(
    const DuplicateQuery& query, const ReadOptions& read) const {
  if (query.company_name.empty() && query.phones.empty() && query.contact_name.empty()) {
    return absl::InvalidArgumentError(
        "company_name, phones or contact_name: at least one is required");
  }
  std::vector<std::string> phone_keys;
  for (size_t i = 0; i < query.phones.size(); ++i) {
    absl::StatusOr<engine::domain::NormalizedPhone> p =
        engine::domain::NormalizePhone(query.phones[i]);
    if (!p.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("phones[", i, "]: ", p.status().message()));
    }
    phone_keys.push_back(p->key);
  }
  std::string company, person;
  if (!query.company_name.empty()) {
    CRM_ASSIGN_OR_RETURN(company, QueryText("company_name", query.company_name, true));
  }
  if (!query.contact_name.empty()) {
    CRM_ASSIGN_OR_RETURN(person, QueryText("contact_name", query.contact_name, false));
  }
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<ViewReader> reader, Open(runner_, read));

  // Strength: 0 phone, 1 same name, 2 name contains, 3 contact name.
  std::map<std::string, std::vector<std::pair<int, std::string>>> found;
  const auto collect = [&](const std::string& prefix, int strength, const std::string& reason) {
    return reader->Scan(prefix, [&](absl::string_view key, absl::string_view) {
      found[std::string(keys::IdOf(key))].emplace_back(strength, reason);
      return found.size() < 4 * kMaxDuplicates;
    });
  };
  for (const std::string& k : phone_keys) {
    CRM_RETURN_IF_ERROR(collect(keys::Exact('p', k), 0, absl::StrCat("phone ", k)));
  }
  if (!company.empty()) {
    CRM_RETURN_IF_ERROR(collect(keys::Exact('n', company), 1, "company name"));
    CRM_ASSIGN_OR_RETURN(std::vector<std::string> candidates,
                         SubstringCandidates(*reader, keys::kCompanyField, company));
    size_t containing = 0;
    for (const std::string& id : candidates) {
      if (containing == kMaxDuplicates) break;
      CRM_ASSIGN_OR_RETURN(std::optional<DirectoryRow> row,
                           Verified(*reader, id, keys::kCompanyField, company));
      if (!row) continue;
      ++containing;
      auto& reasons = found[id];
      if (std::none_of(reasons.begin(), reasons.end(),
                       [](const auto& r) { return r.first == 1; })) {
        reasons.emplace_back(2, "company name contains");
      }
    }
  }
  if (!person.empty()) CRM_RETURN_IF_ERROR(collect(keys::Exact('m', person), 3, "contact name"));

  std::vector<DuplicateCandidate> out;
  for (auto& [id, reasons] : found) {
    std::sort(reasons.begin(), reasons.end());
    CRM_ASSIGN_OR_RETURN(std::optional<DirectoryRow> row, LoadRow(*reader, id));
    if (!row) continue;
    DuplicateCandidate c;
    c.customer = ToEntry(*row);
    for (const auto& r : reasons) c.reasons.push_back(r.second);
    out.push_back(std::move(c));
  }
  const auto strength = [&](const DuplicateCandidate& c) {
    return std::make_pair(found[c.customer.customer_id].front().first,
                          -static_cast<int>(c.reasons.size()));
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const DuplicateCandidate& a, const DuplicateCandidate& b) {
                     return strength(a) < strength(b);
                   });
  if (out.size() > kMaxDuplicates) out.resize(kMaxDuplicates);
  return out;
}

}  // namespace crm::projections::directory
