// crmctl customer: one customer as a sales person works with it, through
// crmd: its card (show, also as of a past moment), finding it (search,
// duplicates), registering it, and what happened to it (history).
#ifndef CRM_CLIENTS_CRMCTL_CUSTOMER_COMMAND_H_
#define CRM_CLIENTS_CRMCTL_CUSTOMER_COMMAND_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "clients/crmctl/crmd_call.h"

namespace crm::clients {

struct CustomerShowOptions {
  std::string customer_id;
  // Empty: now. Else RFC 3339 (2026-03-12T10:00:00+08:00) or YYYY-MM-DD,
  // meaning the end of that day in the business time zone.
  std::string as_of;
  bool json = false;
};

struct CustomerSearchOptions {
  std::string text;
  // What `text` is: "" (a phone if it looks like one, else part of a company
  // name), "company", "phone", "contact", "tag", "owner" or "status"
  // (owned, pool, archived).
  std::string by;
  int64_t min_position = -1;  // negative: do not wait
  bool json = false;
  bool all = false;  // every page, not just the first 100 customers
};

// Candidates for duplicates of an existing customer (its name, phones and
// contact), or of one about to be registered (company, phones, contact).
struct CustomerDuplicatesOptions {
  std::string customer_id;  // exclusive with the fields below
  std::string company;
  std::vector<std::string> phones;
  std::string contact;
  int64_t min_position = -1;
  bool json = false;
};

struct CustomerRegisterOptions {
  std::string company;
  std::vector<std::string> phones;
  std::string contact;
  std::string owner_rep_id;  // empty: into the public pool
  // Empty: derived from the request id, so that a retry with the same
  // request id registers the same customer once.
  std::string customer_id;
  // Empty: a new random one (printed, to pass again on a retry).
  std::string request_id;
  bool json = false;
};

// history prints one line per event: position, when it happened in the
// business time zone (a follow-up's call time, else when crmd decided the
// change), who, and crmd's summary, plus "(logged <time>)" for a call logged
// at another minute than it happened.
struct CustomerHistoryOptions {
  std::string customer_id;
  int64_t min_position = -1;
  bool json = false;
  bool all = false;  // every page, not just the first 100 entries
};

// Each prints its result to `out` and errors to `err`, and returns the exit
// code: 0, kExitBadOptions (nothing was sent), kExitRefused.
int RunCustomerShow(const Crmd& crmd, const CustomerShowOptions& options, FILE* out, FILE* err);
int RunCustomerSearch(const Crmd& crmd, const CustomerSearchOptions& options, FILE* out, FILE* err);
int RunCustomerDuplicates(const Crmd& crmd, const CustomerDuplicatesOptions& options, FILE* out,
                          FILE* err);
int RunCustomerRegister(const Crmd& crmd, const CustomerRegisterOptions& options, FILE* out,
                        FILE* err);
int RunCustomerHistory(const Crmd& crmd, const CustomerHistoryOptions& options, FILE* out,
                       FILE* err);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_CUSTOMER_COMMAND_H_
