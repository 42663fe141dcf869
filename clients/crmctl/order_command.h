// crmctl order: place an order (销售订单) with its payment plan, approve,
// ship or cancel it, and show its balance, through crmd's CrmService and
// BalancesService.
#ifndef CRM_CLIENTS_CRMCTL_ORDER_COMMAND_H_
#define CRM_CLIENTS_CRMCTL_ORDER_COMMAND_H_

#include <cstdio>
#include <string>
#include <vector>

#include "clients/crmctl/balances_command.h"
#include "clients/crmctl/crmd_call.h"

namespace crm::clients {

struct OrderCommandOptions {
  // place, approve, ship, cancel or show.
  std::string verb;
  // The order; for place optional (--id), derived from the request id.
  std::string order_id;

  // place: the buying customer, one product (the --product flag is a list,
  // hence a vector), whole units, the unit price (empty: the product's list
  // price, whose currency the order takes), the contract number (empty: the
  // order id), the signing date, and the rep credited (empty: the
  // customer's owner).
  std::string customer_id;
  std::vector<std::string> products;
  std::string quantity;
  std::string price;
  std::string contract_number;
  std::string signed_on;
  std::string rep_id;
  // place: the payment plan, exactly one of: the day the whole amount is due,
  // or instalments as DATE:AMOUNT ("2026-04-01:5,000.00") in plan order.
  std::string due;
  std::vector<std::string> instalments;

  // approve: who approves.
  std::string approver;
  // ship: the day (empty: today in crmd's business time zone) and the
  // shipment reference.
  std::string shipped_on;
  std::string reference;
  // cancel: why; required.
  std::string reason;

  // Commands: the idempotency key (empty: a fresh one).
  std::string request_id;
  // show (and the reads before a write): as-of date, min_position, JSON.
  BalancesQuery query;
};

// Runs the verb; what it did (with the position written) to `out`, errors to
// `err`. Returns the exit code: 0, 2 for bad options (nothing written), 3
// when crmd refused or could not be reached.
int RunOrder(const Crmd& crmd, const OrderCommandOptions& options, FILE* out, FILE* err);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_ORDER_COMMAND_H_
