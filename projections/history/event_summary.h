// One-line, human-readable summaries of domain events for timelines, e.g.
// "follow-up f1 by lina via phone: 有兴趣, next call 2026-03-09" or
// "payment p1 of 5,000.00 CNY on order o1": enum values as words (intents in
// the follow-up sheet's words, as crmctl prints them), money grouped in
// thousands. The text is stored in the history view: changing it needs a new
// HistoryProjection version.
//
// Thread-safety: pure functions.
#ifndef CRM_PROJECTIONS_HISTORY_EVENT_SUMMARY_H_
#define CRM_PROJECTIONS_HISTORY_EVENT_SUMMARY_H_

#include <string>

#include "crm/v1/customer_events.pb.h"
#include "crm/v1/opportunity.pb.h"
#include "crm/v1/order_events.pb.h"

namespace crm::projections::history {

std::string Summarise(const v1::CustomerEvent& e);
std::string Summarise(const v1::OrderEvent& e, const std::string& order_id);
std::string Summarise(const v1::OpportunityEvent& e, const std::string& opportunity_id);

}  // namespace crm::projections::history

#endif  // CRM_PROJECTIONS_HISTORY_EVENT_SUMMARY_H_
