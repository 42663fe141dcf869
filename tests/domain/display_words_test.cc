// Every value of the enums people read has a word, so a value added to the
// proto without one fails here instead of printing as a number in crmctl
// and the history timeline.
#include "engine/domain/display_words.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace crm::engine::domain {
namespace {

template <typename Enum>
void ExpectAWordForEveryValueButUnspecified(const google::protobuf::EnumDescriptor& d,
                                            const char* (*word)(Enum)) {
  std::set<std::string> words;
  for (int i = 0; i < d.value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor& v = *d.value(i);
    const char* w = word(static_cast<Enum>(v.number()));
    if (v.number() == 0) {
      EXPECT_EQ(w, nullptr) << v.name();
      continue;
    }
    ASSERT_NE(w, nullptr) << v.name() << " has no word";
    EXPECT_TRUE(words.insert(w).second) << v.name() << " shares its word " << w;
  }
  EXPECT_EQ(word(static_cast<Enum>(d.value_count() + 100)), nullptr) << "an unknown value";
}

TEST(DisplayWordsTest, EveryIntentChannelAndStageHasItsOwnWord) {
  ExpectAWordForEveryValueButUnspecified(*v1::Intent_descriptor(), &IntentWord);
  ExpectAWordForEveryValueButUnspecified(*v1::FollowUpChannel_descriptor(), &ChannelWord);
  ExpectAWordForEveryValueButUnspecified(*v1::OpportunityStage_descriptor(), &StageWord);
}

TEST(DisplayWordsTest, IntentsReadAsTheSheetsWords) {
  EXPECT_STREQ(IntentWord(v1::INTENT_INTERESTED), "有兴趣");
  EXPECT_STREQ(IntentWord(v1::INTENT_CONSIDERING), "需考虑");
  EXPECT_STREQ(IntentWord(v1::INTENT_REFUSED), "拒绝");
  EXPECT_STREQ(IntentWord(v1::INTENT_DEAL_CLOSED), "已成交");
}

}  // namespace
}  // namespace crm::engine::domain
