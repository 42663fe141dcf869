// The words people read for the domain's enums, in one place so crmctl's
// tables, the history timeline and reports say the same thing: intents in
// the sales sheet's own words (有兴趣, 需考虑, ...), channels and stages in
// English like the rest of the command line.
//
// Thread-safety: pure functions.
#ifndef CRM_ENGINE_DOMAIN_DISPLAY_WORDS_H_
#define CRM_ENGINE_DOMAIN_DISPLAY_WORDS_H_

#include "crm/v1/customer_types.pb.h"
#include "crm/v1/opportunity.pb.h"

namespace crm::engine::domain {

// nullptr for UNSPECIFIED and for a value this code does not know (added to
// the enum later): each caller says what it shows then.
const char* IntentWord(v1::Intent intent);
const char* ChannelWord(v1::FollowUpChannel channel);
const char* StageWord(v1::OpportunityStage stage);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_DISPLAY_WORDS_H_
