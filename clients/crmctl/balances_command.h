// crmctl balances, aging and order show: what customers owe, read from
// crmd's BalancesService as of a date, as tables for people (money as
// 12,500.00) or JSON lines for scripts.
#ifndef CRM_CLIENTS_CRMCTL_BALANCES_COMMAND_H_
#define CRM_CLIENTS_CRMCTL_BALANCES_COMMAND_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "clients/crmctl/crmd_call.h"

namespace crm::clients {

// What every balances query takes besides whose figures.
struct BalancesQuery {
  // YYYY-MM-DD; empty: today in crmd's business time zone.
  std::string as_of;
  // Wait until the view has applied this position (a command's returned
  // position); negative: do not wait.
  int64_t min_position = -1;
  bool json = false;
  // Every page (true) or the first 100 rows.
  bool all = false;
};

struct BalancesCommandOptions {
  // Exactly one of these selects whose orders: a customer's, those credited
  // to a rep, or those credited to a team's reps (its sub-teams' included).
  std::string customer_id;
  std::string rep_id;
  std::string team_id;
  // Only orders with something outstanding.
  bool outstanding_only = false;
  BalancesQuery query;
};

// The orders and their balances, then the totals per currency (in JSON: one
// OrderBalance per line, then one BalanceTotals per currency). Returns the
// exit code: 0, 2 for bad options, 3 when crmd refused.
int RunBalances(const Crmd& crmd, const BalancesCommandOptions& options, FILE* out, FILE* err);

struct AgingCommandOptions {
  // "customer" (default) or "rep": what a row is.
  std::string by;
  // At most one: only the orders credited to this rep, or to this team's
  // reps (its sub-teams' included). Neither: company-wide, which crmd allows
  // a key of scope all only.
  std::string rep_id;
  std::string team_id;
  BalancesQuery query;
};

// Receivables aging: per customer or rep and currency, the outstanding
// amount by days past due (current, 1-30, 31-60, 61-90, 91-120, over 120),
// with a total row per currency (in JSON: one AgingRow per line).
int RunAging(const Crmd& crmd, const AgingCommandOptions& options, FILE* out, FILE* err);

// One order's balance, its instalments and its payments with their
// reversals (crmctl order show).
int ShowOrderBalance(const Crmd& crmd, const std::string& order_id, const BalancesQuery& query,
                     FILE* out, FILE* err);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_CRMCTL_BALANCES_COMMAND_H_
