// The abdication rules with made-up instants: no threads, no sleeps.
#include "service/abdication_policy.hpp"

#include <gtest/gtest.h>

namespace baton::service {
namespace {

using Action = AbdicationPolicy::Action;
using std::chrono::milliseconds;
using std::chrono::seconds;

class AbdicationPolicyTest : public ::testing::Test {
 protected:
  /// One check result, one second after the previous one.
  Action check(bool passed) {
    now_ += seconds(1);
    return policy_.observe(now_, passed);
  }
  void abdicate() {
    for (int i = 0; i < 3; ++i) check(false);
    ASSERT_FALSE(policy_.standing());
  }

  AbdicationPolicy::Clock::time_point now_{};
  AbdicationPolicy policy_{3, seconds(10)};
};

TEST_F(AbdicationPolicyTest, StartsStandingAndHealthy) {
  EXPECT_TRUE(policy_.standing());
  EXPECT_TRUE(policy_.healthy());
  EXPECT_EQ(check(true), Action::None);
  EXPECT_TRUE(policy_.standing());
}

TEST_F(AbdicationPolicyTest, OneFailureShortOfTheLimitDoesNothing) {
  EXPECT_EQ(check(false), Action::None);
  EXPECT_EQ(check(false), Action::None);
  EXPECT_TRUE(policy_.standing());
  EXPECT_FALSE(policy_.healthy());
  EXPECT_EQ(policy_.consecutive_failures(), 2u);
  // A pass breaks the run: two more failures are again one short.
  EXPECT_EQ(check(true), Action::None);
  EXPECT_EQ(check(false), Action::None);
  EXPECT_EQ(check(false), Action::None);
  EXPECT_TRUE(policy_.standing());
}

TEST_F(AbdicationPolicyTest, ConsecutiveFailuresAtTheLimitAbdicateOnce) {
  EXPECT_EQ(check(false), Action::None);
  EXPECT_EQ(check(false), Action::None);
  EXPECT_EQ(check(false), Action::Abdicate);
  EXPECT_FALSE(policy_.standing());
  EXPECT_EQ(check(false), Action::None) << "already abdicated";
  EXPECT_FALSE(policy_.standing());
}

TEST_F(AbdicationPolicyTest, FlappingCheckNeverStandsAgain) {
  abdicate();
  // Healthy for 9 s out of every 10, for 10 minutes: never 10 s in a row.
  for (int round = 0; round < 60; ++round) {
    for (int i = 0; i < 9; ++i) EXPECT_EQ(check(true), Action::None);
    EXPECT_EQ(check(false), Action::None);
  }
  EXPECT_FALSE(policy_.standing());
}

TEST_F(AbdicationPolicyTest, ContinuousHealthForTheHysteresisStandsAgain) {
  abdicate();
  const auto first_pass = now_ + seconds(1);
  EXPECT_EQ(check(true), Action::None);
  while (now_ + seconds(1) < first_pass + seconds(10)) {
    EXPECT_EQ(check(true), Action::None)
        << "stood after only " << (now_ - first_pass).count() << " ticks";
  }
  EXPECT_EQ(check(true), Action::Stand);  // exactly 10 s after the first pass
  EXPECT_TRUE(policy_.standing());
  EXPECT_EQ(check(true), Action::None);
}

TEST_F(AbdicationPolicyTest, AFailureDuringRecoveryRestartsTheClock) {
  abdicate();
  for (int i = 0; i < 9; ++i) check(true);
  check(false);
  const auto restart = now_ + seconds(1);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(check(true), Action::None);
  EXPECT_EQ(now_ - restart, seconds(9));
  EXPECT_EQ(check(true), Action::Stand);
}

TEST_F(AbdicationPolicyTest, StandingAgainThenFailingAbdicatesAgain) {
  abdicate();
  for (int i = 0; i < 11; ++i) check(true);
  ASSERT_TRUE(policy_.standing());
  EXPECT_EQ(check(false), Action::None);
  EXPECT_EQ(check(false), Action::None);
  EXPECT_EQ(check(false), Action::Abdicate);
}

TEST(AbdicationPolicy, ZeroHysteresisStandsAtTheFirstPass) {
  AbdicationPolicy policy(1, milliseconds(0));
  const AbdicationPolicy::Clock::time_point t{};
  EXPECT_EQ(policy.observe(t, false), Action::Abdicate);
  EXPECT_EQ(policy.observe(t + seconds(1), true), Action::Stand);
}

}  // namespace
}  // namespace baton::service
