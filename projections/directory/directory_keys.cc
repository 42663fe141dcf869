#include "projections/directory/directory_keys.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/domain/phone_normalizer.h"
#include "projections/directory/search_text.h"

namespace crm::projections::directory::keys {
namespace {

constexpr absl::string_view kNul("\0", 1);

// Indexed text; a value that is not UTF-8 (never accepted by the domain) is
// left out of the index rather than failing the projection.
std::string Text(absl::string_view raw) {
  absl::StatusOr<std::string> t = SearchText(raw);
  return t.ok() ? *t : std::string();
}

}  // namespace

std::string Customer(absl::string_view id) { return absl::StrCat("c/", id); }

std::string Prefix(char index, absl::string_view value) {
  return absl::StrCat(std::string(1, index), "/", value);
}

std::string Exact(char index, absl::string_view value) {
  return absl::StrCat(Prefix(index, value), kNul);
}

std::string RegionProvince(absl::string_view province) { return Exact('r', province); }

std::string Region(absl::string_view province, absl::string_view city) {
  return absl::StrCat(RegionProvince(province), city, kNul);
}

std::string Bigram(char field, absl::string_view bigram) {
  return absl::StrCat("g/", std::string(1, field), bigram);
}

absl::string_view IdOf(absl::string_view index_key) {
  const size_t nul = index_key.rfind('\0');
  return nul == absl::string_view::npos ? index_key : index_key.substr(nul + 1);
}

char Status(const DirectoryRow& row) {
  if (row.archived()) return kArchived;
  return row.owner_rep_id().empty() ? kInPool : kOwned;
}

std::vector<std::string> IndexKeys(const DirectoryRow& row) {
  std::vector<std::string> out;
  if (!row.merged_into().empty()) return out;
  const std::string& id = row.customer_id();
  const v1::CustomerProfile& p = row.profile();
  const auto add = [&](std::string key) { out.push_back(absl::StrCat(key, id)); };

  std::vector<std::string> phones(p.phones().begin(), p.phones().end());
  std::vector<std::string> persons;
  if (!p.contact_person().empty()) persons.push_back(Text(p.contact_person()));
  for (const v1::Contact& c : row.contacts()) {
    phones.insert(phones.end(), c.phones().begin(), c.phones().end());
    persons.push_back(Text(c.name()));
  }
  for (const std::string& raw : phones) {
    absl::StatusOr<engine::domain::NormalizedPhone> phone = engine::domain::NormalizePhone(raw);
    if (phone.ok()) add(Exact('p', phone->key));
  }
  absl::StatusOr<std::string> company = CompanyText(p.company_name());
  if (company.ok() && !company->empty()) {
    add(Exact('n', *company));
    for (const std::string& b : Bigrams(*company))
      add(absl::StrCat(Bigram(kCompanyField, b), kNul));
  }
  for (const std::string& person : persons) {
    if (person.empty()) continue;
    add(Exact('m', person));
    for (const std::string& b : Bigrams(person)) {
      add(absl::StrCat(Bigram(kPersonField, b), kNul));
    }
  }
  const std::string province = Text(p.address().province());
  const std::string city = Text(p.address().city());
  if (!province.empty() || !city.empty()) add(Region(province, city));
  const std::string industry = Text(p.industry());
  if (!industry.empty()) add(Exact('i', industry));
  for (const std::string& tag : row.tags()) {
    const std::string t = Text(tag);
    if (!t.empty()) add(Exact('t', t));
  }
  if (!row.owner_rep_id().empty()) add(Exact('o', row.owner_rep_id()));
  add(Exact('s', std::string(1, Status(row))));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace crm::projections::directory::keys
