// crmctl payment: record a payment (回款) against an order, or reverse
// (part of) one, through crmd's CrmService.
#ifndef CRM_CLIENTS_CRMCTL_PAYMENT_COMMAND_H_
#define CRM_CLIENTS_CRMCTL_PAYMENT_COMMAND_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "clients/crmctl/crmd_call.h"

namespace crm::clients {

struct PaymentCommandOptions {
  // record or reverse.
  std::string verb;
  std::string order_id;
  // record: optional (--id), derived from the request id; reverse: required.
  std::string payment_id;
  // As typed: "3,000.00", "¥3,000", "4999.5"; in the order's currency.
  // record: required. reverse: optional, at most what remains of the
  // payment; empty: all that remains, read from the order's balance.
  std::string amount;
  // record: the day received (empty: today in crmd's business time zone), how (bank, cash, cheque,
  // online, other, or the sheet's words; empty: bank), the instalment
  // number it pays (empty: the earliest unpaid), the bank reference, whether
  // paying more than is outstanding is intended, and the rep credited
  // (empty: the order's rep).
  std::string paid_on;
  std::string method;
  std::string instalment;
  std::string reference;
  bool allow_overpayment = false;
  std::string rep_id;
  // reverse: why; required.
  std::string reason;
  // The idempotency key (empty: a fresh one).
  std::string request_id;
  // The order is read first (its currency and rep): wait until the view has
  // applied this position, e.g. the one `order approve` printed; negative:
  // do not wait.
  int64_t min_position = -1;
  bool json = false;
};

// Returns the exit code: 0, 2 for bad options (nothing written; for reverse
// also a payment the order's balance does not list, one already
// reversed in full, or an --amount above what remains of it), 3 when crmd
// refused or could not be reached.
int RunPayment(const Crmd& crmd, const PaymentCommandOptions& options, FILE* out, FILE* err);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_PAYMENT_COMMAND_H_
