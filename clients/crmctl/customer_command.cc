#include "clients/crmctl/customer_command.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clients/crmctl/crmd_call.h"
#include "clients/crmctl/write_command.h"
#include "crm/v1/crm_service.grpc.pb.h"
#include "crm/v1/directory_service.grpc.pb.h"
#include "crm/v1/history_service.grpc.pb.h"

namespace crm::clients {
namespace {

int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

int BadOption(FILE* err, const std::string& command, const std::string& message) {
  return ReportBadOption(err, absl::StrCat("customer ", command), message);
}

// RFC 3339, or a day meaning its last microsecond in crmd's business time
// zone `zone` ("what did we know by the end of 12 March").
bool ParseAsOf(const std::string& text, absl::TimeZone zone, google::protobuf::Timestamp* as_of) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    v1::Date day;
    if (!ParseDay(text, &day)) return false;
    const absl::CivilDay next = absl::CivilDay(day.year(), day.month(), day.day()) + 1;
    t = absl::FromCivil(next, zone) - absl::Microseconds(1);
  }
  const int64_t us = absl::ToUnixMicros(t);
  if (us <= 0) return false;
  as_of->set_seconds(us / 1000000);
  as_of->set_nanos(static_cast<int32_t>(us % 1000000) * 1000);
  return true;
}

// What the server accepts as an id, checked here so that a typo is exit 2
// with nothing sent.
bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

bool LooksLikePhone(const std::string& text) {
  int digits = 0;
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (c != '+' && c != '-' && c != ' ' && c != '(' && c != ')') {
      return false;
    }
  }
  return digits >= 5;
}

const char* KindWord(v1::CustomerKind kind) {
  switch (kind) {
    case v1::CUSTOMER_KIND_COMPANY:
      return "company";
    case v1::CUSTOMER_KIND_PERSON:
      return "person";
    default:
      return "-";
  }
}

const char* StatusWord(const v1::DirectoryCustomer& c) {
  switch (c.status()) {
    case v1::DIRECTORY_CUSTOMER_STATUS_OWNED:
      return "owned";
    case v1::DIRECTORY_CUSTOMER_STATUS_IN_POOL:
      return "pool";
    case v1::DIRECTORY_CUSTOMER_STATUS_ARCHIVED:
      return "archived";
    case v1::DIRECTORY_CUSTOMER_STATUS_MERGED:
      return "merged";
    default:
      return "-";
  }
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

// Times are shown in crmd's business time zone `zone`.
void PrintCard(const v1::Customer& c, const std::string& as_of, absl::TimeZone zone, FILE* out) {
  auto line = [&](const char* label, const std::string& value) {
    absl::FPrintF(out, "%s%s\n", Pad(label, 14), value);
  };
  const v1::CustomerProfile& p = c.profile();
  line("customer", absl::StrCat(c.customer_id(), as_of.empty() ? "" : "  (as of " + as_of + ")"));
  line("name", absl::StrCat(OrDash(p.company_name()), "  (", KindWord(c.kind()), ")"));
  line("owner", c.owner_rep_id().empty() ? "(public pool)"
                                         : absl::StrCat(c.owner_rep_id(), " since ",
                                                        TimeText(Micros(c.owned_since()), zone)));
  line("contact", OrDash(p.contact_person()));
  line("phones", p.phones().empty() ? "-" : absl::StrJoin(p.phones(), ", "));
  if (!p.email().empty()) line("email", p.email());
  const v1::Address& a = p.address();
  if (!a.province().empty() || !a.city().empty() || !a.street().empty()) {
    // 北京市 is both province and city.
    line("address", absl::StrCat(a.province(), a.city() == a.province() ? "" : a.city(),
                                 a.district(), a.street()));
  }
  if (!p.industry().empty()) line("industry", p.industry());
  if (!p.source().empty()) line("source", p.source());
  if (!c.grade().empty()) line("grade", c.grade());
  line("tags", c.tags().empty() ? "-" : absl::StrJoin(c.tags(), ", "));
  std::string intent = IntentWord(c.intent());
  if (c.follow_up_count() > 0) {
    absl::StrAppend(&intent, "  (", c.follow_up_count(), " follow-ups, last ",
                    TimeText(Micros(c.last_follow_up_time()), zone), ")");
  }
  line("intent", intent);
  line("next call", DateText(c.next_follow_up_date()));
  std::vector<std::string> state;
  if (c.won()) state.push_back("won");
  if (c.locked()) state.push_back("locked (never recycled to the pool)");
  if (c.archived()) state.push_back("archived");
  if (!c.merged_into().empty()) state.push_back("merged into " + c.merged_into());
  if (!state.empty()) line("state", absl::StrJoin(state, ", "));
  if (!c.absorbed_duplicate_ids().empty()) {
    line("absorbed", absl::StrJoin(c.absorbed_duplicate_ids(), ", "));
  }
  if (!c.contacts().empty()) {
    absl::FPrintF(out, "contacts:\n");
    for (const v1::Contact& k : c.contacts()) {
      absl::FPrintF(out, "  %s%s%s%s\n", Pad(k.contact_id(), 12), Pad(k.name(), 12),
                    Pad(OrDash(k.title()), 14), absl::StrJoin(k.phones(), ", "));
    }
  }
}

void PrintDirectoryHeader(FILE* out, bool with_reasons) {
  absl::FPrintF(out, "%s%s%s%s%s%s%s\n", Pad("customer", 20), Pad("company", 28),
                Pad("contact", 10), Pad("phones", 28), Pad("owner", 10), Pad("status", 9),
                with_reasons ? "why" : "tags");
}

void PrintDirectoryRow(const v1::DirectoryCustomer& c, const std::string& last, FILE* out) {
  absl::FPrintF(out, "%s%s%s%s%s%s%s\n", Pad(c.customer_id(), 20), Pad(c.company_name(), 28),
                Pad(OrDash(c.contact_person()), 10), Pad(absl::StrJoin(c.phones(), ", "), 28),
                Pad(c.owner_rep_id().empty() ? "(pool)" : c.owner_rep_id(), 10),
                Pad(StatusWord(c), 9), last);
}

absl::StatusOr<v1::SearchCustomersRequest> SearchRequest(const CustomerSearchOptions& o) {
  v1::SearchCustomersRequest r;
  if (absl::StripAsciiWhitespace(o.text).empty()) {
    return absl::InvalidArgumentError("give the text to look for: crmctl customer search TEXT");
  }
  auto name = [&](v1::DirectoryNameQuery* q) {
    q->set_text(o.text);
    q->set_match(v1::DIRECTORY_NAME_MATCH_SUBSTRING);
  };
  if (o.by.empty()) {
    if (LooksLikePhone(o.text)) {
      r.set_phone(o.text);
    } else {
      name(r.mutable_company_name());
    }
  } else if (o.by == "company") {
    name(r.mutable_company_name());
  } else if (o.by == "phone") {
    r.set_phone(o.text);
  } else if (o.by == "contact") {
    name(r.mutable_contact_name());
  } else if (o.by == "tag") {
    r.set_tag(o.text);
  } else if (o.by == "owner") {
    r.set_owner_rep_id(o.text);
  } else if (o.by == "status") {
    if (o.text == "owned") {
      r.set_status(v1::DIRECTORY_CUSTOMER_STATUS_OWNED);
    } else if (o.text == "pool") {
      r.set_status(v1::DIRECTORY_CUSTOMER_STATUS_IN_POOL);
    } else if (o.text == "archived") {
      r.set_status(v1::DIRECTORY_CUSTOMER_STATUS_ARCHIVED);
    } else {
      return absl::InvalidArgumentError("--by=status: TEXT is owned, pool or archived");
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--by=", o.by, ": one of company, phone, contact, tag, owner, status"));
  }
  if (o.min_position >= 0) r.set_min_position(static_cast<uint64_t>(o.min_position));
  return r;
}

}  // namespace

int RunCustomerShow(const Crmd& crmd, const CustomerShowOptions& options, FILE* out, FILE* err) {
  if (options.customer_id.empty()) {
    return BadOption(err, "show", "give the customer id: crmctl customer show ID");
  }
  google::protobuf::Timestamp as_of;
  if (!options.as_of.empty() && !ParseAsOf(options.as_of, absl::UTCTimeZone(), &as_of)) {
    return BadOption(err, "show",
                     absl::StrCat("--as-of=", options.as_of,
                                  ": give a day (2026-03-12, its end in crmd's business time "
                                  "zone) or a moment (2026-03-12T10:00:00+08:00)"));
  }
  // crmd's zone: the end of an --as-of day, and the card's times.
  absl::TimeZone zone;
  if (!options.as_of.empty() || !options.json) {
    const grpc::Status s = CrmdTimeZone(crmd, &zone);
    if (!s.ok()) return ReportRefusal(err, "customer show", s);
  }
  auto stub = v1::CrmService::NewStub(crmd.channel);
  v1::Customer customer;
  grpc::Status s;
  if (options.as_of.empty()) {
    v1::GetCustomerRequest r;
    r.set_customer_id(options.customer_id);
    s = stub->GetCustomer(crmd.Context().get(), r, &customer);
  } else {
    v1::GetCustomerAsOfRequest r;
    r.set_customer_id(options.customer_id);
    ParseAsOf(options.as_of, zone, r.mutable_as_of());  // checked above
    s = stub->GetCustomerAsOf(crmd.Context().get(), r, &customer);
  }
  if (!s.ok()) return ReportRefusal(err, "customer show", s);
  if (options.json) return PrintJsonLine(customer, out) ? kExitOk : kExitRefused;
  PrintCard(customer, options.as_of, zone, out);
  return kExitOk;
}

int RunCustomerSearch(const Crmd& crmd, const CustomerSearchOptions& options, FILE* out,
                      FILE* err) {
  absl::StatusOr<v1::SearchCustomersRequest> request = SearchRequest(options);
  if (!request.ok()) return BadOption(err, "search", std::string(request.status().message()));
  auto stub = v1::DirectoryService::NewStub(crmd.channel);
  std::vector<v1::DirectoryCustomer> found;
  bool more = false;
  // Out-of-scope customers are dropped after a page is read, so a page may be
  // empty while more follow: without --all, read until something is found.
  do {
    v1::SearchCustomersResponse response;
    const grpc::Status s = stub->SearchCustomers(crmd.Context().get(), *request, &response);
    if (!s.ok()) return ReportRefusal(err, "customer search", s);
    for (v1::DirectoryCustomer& c : *response.mutable_customers()) found.push_back(std::move(c));
    request->set_page_token(response.next_page_token());
    more = !request->page_token().empty();
  } while (more && (options.all || found.empty()));

  if (options.json) {
    for (const v1::DirectoryCustomer& c : found) {
      if (!PrintJsonLine(c, out)) return kExitRefused;
    }
    return kExitOk;
  }
  absl::FPrintF(out, "%d customers%s\n", found.size(), more ? " (more: pass --all)" : "");
  if (found.empty()) return kExitOk;
  PrintDirectoryHeader(out, /*with_reasons=*/false);
  for (const v1::DirectoryCustomer& c : found) {
    PrintDirectoryRow(c, absl::StrJoin(c.tags(), ","), out);
  }
  return kExitOk;
}

int RunCustomerDuplicates(const Crmd& crmd, const CustomerDuplicatesOptions& options, FILE* out,
                          FILE* err) {
  const bool given =
      !options.company.empty() || !options.phones.empty() || !options.contact.empty();
  if (options.customer_id.empty() == !given) {
    return BadOption(err, "duplicates",
                     "give a customer id, or what a new customer would have (--company, "
                     "--phone, --contact), not both");
  }
  v1::FindDuplicateCandidatesRequest request;
  if (options.min_position >= 0) {
    request.set_min_position(static_cast<uint64_t>(options.min_position));
  }
  if (given) {
    request.set_company_name(options.company);
    for (const std::string& phone : options.phones) request.add_phones(phone);
    request.set_contact_name(options.contact);
  } else {
    auto crm = v1::CrmService::NewStub(crmd.channel);
    v1::GetCustomerRequest get;
    get.set_customer_id(options.customer_id);
    v1::Customer c;
    const grpc::Status s = crm->GetCustomer(crmd.Context().get(), get, &c);
    if (!s.ok()) return ReportRefusal(err, "customer duplicates", s);
    request.set_company_name(c.profile().company_name());
    for (const std::string& phone : c.profile().phones()) request.add_phones(phone);
    for (const v1::Contact& k : c.contacts()) {
      for (const std::string& phone : k.phones()) request.add_phones(phone);
    }
    request.set_contact_name(c.profile().contact_person());
  }
  auto stub = v1::DirectoryService::NewStub(crmd.channel);
  v1::FindDuplicateCandidatesResponse response;
  const grpc::Status s = stub->FindDuplicateCandidates(crmd.Context().get(), request, &response);
  if (!s.ok()) return ReportRefusal(err, "customer duplicates", s);

  std::vector<const v1::DuplicateCandidate*> candidates;
  for (const v1::DuplicateCandidate& d : response.candidates()) {
    // The customer asked about matches itself on every field.
    if (d.customer().customer_id() != options.customer_id) candidates.push_back(&d);
  }
  if (options.json) {
    for (const v1::DuplicateCandidate* d : candidates) {
      if (!PrintJsonLine(*d, out)) return kExitRefused;
    }
    return kExitOk;
  }
  absl::FPrintF(out, "%d possible duplicates\n", candidates.size());
  if (candidates.empty()) return kExitOk;
  PrintDirectoryHeader(out, /*with_reasons=*/true);
  for (const v1::DuplicateCandidate* d : candidates) {
    PrintDirectoryRow(d->customer(), absl::StrJoin(d->reasons(), "; "), out);
  }
  return kExitOk;
}

int RunCustomerRegister(const Crmd& crmd, const CustomerRegisterOptions& options, FILE* out,
                        FILE* err) {
  if (absl::StripAsciiWhitespace(options.company).empty()) {
    return BadOption(err, "register", "--company: required (the company's name)");
  }
  if (!options.request_id.empty() && !ValidRequestId(options.request_id)) {
    return BadOption(err, "register",
                     "--request-id: 1 to 128 printable ASCII characters without spaces");
  }
  if (!options.customer_id.empty() && !ValidId(options.customer_id)) {
    return BadOption(err, "register", "--id: 1 to 64 of A-Z a-z 0-9 _ -");
  }
  if (!options.owner_rep_id.empty() && !ValidId(options.owner_rep_id)) {
    return BadOption(err, "register", "--owner: a rep id (1 to 64 of A-Z a-z 0-9 _ -)");
  }
  v1::RegisterCustomerRequest request;
  request.set_request_id(options.request_id.empty() ? NewRequestId() : options.request_id);
  v1::RegisterCustomer* c = request.mutable_command();
  c->set_customer_id(options.customer_id.empty() ? IdForRequest("c-", request.request_id())
                                                 : options.customer_id);
  c->set_kind(v1::CUSTOMER_KIND_COMPANY);
  c->mutable_profile()->set_company_name(options.company);
  c->mutable_profile()->set_contact_person(options.contact);
  for (const std::string& phone : options.phones) c->mutable_profile()->add_phones(phone);
  c->set_owner_rep_id(options.owner_rep_id);

  auto stub = v1::CrmService::NewStub(crmd.channel);
  v1::CommandResponse response;
  const grpc::Status s = stub->RegisterCustomer(crmd.Context().get(), request, &response);
  if (!s.ok()) {
    const int code = ReportWriteRefusal(err, "customer register", s, request.request_id());
    if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      absl::FPrintF(err,
                    "crmctl customer register: see who holds it: crmctl customer duplicates "
                    "--company=... --phone=...\n");
    }
    return code;
  }
  const int code = PrintWritten(
      out, options.json, {{"customer_id", c->customer_id()}, {"request_id", request.request_id()}},
      absl::StrCat("registered customer ", c->customer_id(), " (", options.company, ")"), response);
  if (!options.json) absl::FPrintF(out, "request id %s\n", request.request_id());
  return code;
}

int RunCustomerHistory(const Crmd& crmd, const CustomerHistoryOptions& options, FILE* out,
                       FILE* err) {
  if (options.customer_id.empty()) {
    return BadOption(err, "history", "give the customer id: crmctl customer history ID");
  }
  v1::ListCustomerTimelineRequest request;
  request.set_customer_id(options.customer_id);
  if (options.min_position >= 0) {
    request.set_min_position(static_cast<uint64_t>(options.min_position));
  }
  auto stub = v1::HistoryService::NewStub(crmd.channel);
  std::vector<v1::TimelineEntry> entries;
  bool more = false;
  do {
    v1::ListCustomerTimelineResponse response;
    const grpc::Status s = stub->ListCustomerTimeline(crmd.Context().get(), request, &response);
    if (!s.ok()) return ReportRefusal(err, "customer history", s);
    for (v1::TimelineEntry& e : *response.mutable_entries()) entries.push_back(std::move(e));
    request.set_page_token(response.next_page_token());
    more = !request.page_token().empty();
  } while (options.all && more);

  if (options.json) {
    for (const v1::TimelineEntry& e : entries) {
      if (!PrintJsonLine(e, out)) return kExitRefused;
    }
    return kExitOk;
  }
  absl::TimeZone zone;
  if (const grpc::Status s = CrmdTimeZone(crmd, &zone); !s.ok()) {
    return ReportRefusal(err, "customer history", s);
  }
  absl::FPrintF(out, "%s: %d entries%s\n", options.customer_id, entries.size(),
                more ? " (more: pass --all)" : "");
  absl::FPrintF(out, "%s%s%s%s\n", Pad("position", 10), Pad("when", 18), Pad("who", 14), "what");
  for (const v1::TimelineEntry& e : entries) {
    std::string what = e.summary().empty() ? e.type() : e.summary();
    // "when" is when it happened: a follow-up's call, not the moment it was
    // typed in; an auditor still sees a call logged later, beside it.
    const std::string decided =
        TimeText(Micros(e.has_occurred_time() ? e.occurred_time() : e.committed_time()), zone);
    std::string when = decided;
    if (e.has_happened_time()) {
      when = TimeText(Micros(e.happened_time()), zone);
      if (when != decided) absl::StrAppend(&what, "  (logged ", decided, ")");
    }
    if (e.customer_id() != options.customer_id) absl::StrAppend(&what, "  [", e.customer_id(), "]");
    absl::FPrintF(out, "%s%s%s%s\n", Pad(absl::StrCat(e.position()), 10), Pad(when, 18),
                  Pad(OrDash(e.actor()), 14), what);
  }
  return kExitOk;
}

}  // namespace crm::clients
