// One-line, human-readable summaries of domain events for timelines, and
// which customer an order or opportunity event belongs to.
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
