#include "engine/domain/display_words.h"

namespace crm::engine::domain {

const char* IntentWord(v1::Intent intent) {
  switch (intent) {
    case v1::INTENT_NOT_CONTACTED:
      return "未联系";
    case v1::INTENT_INTERESTED:
      return "有兴趣";
    case v1::INTENT_CONSIDERING:
      return "需考虑";
    case v1::INTENT_REFUSED:
      return "拒绝";
    case v1::INTENT_DEAL_CLOSED:
      return "已成交";
    default:
      return nullptr;
  }
}

const char* ChannelWord(v1::FollowUpChannel channel) {
  switch (channel) {
    case v1::FOLLOW_UP_CHANNEL_PHONE:
      return "phone";
    case v1::FOLLOW_UP_CHANNEL_VISIT:
      return "visit";
    case v1::FOLLOW_UP_CHANNEL_MESSAGE:
      return "message";
    case v1::FOLLOW_UP_CHANNEL_EMAIL:
      return "email";
    default:
      return nullptr;
  }
}

const char* StageWord(v1::OpportunityStage stage) {
  switch (stage) {
    case v1::OPPORTUNITY_STAGE_QUALIFICATION:
      return "qualification";
    case v1::OPPORTUNITY_STAGE_NEEDS_ANALYSIS:
      return "needs analysis";
    case v1::OPPORTUNITY_STAGE_PROPOSAL:
      return "proposal";
    case v1::OPPORTUNITY_STAGE_NEGOTIATION:
      return "negotiation";
    default:
      return nullptr;
  }
}

}  // namespace crm::engine::domain
