// RttTracker: heartbeat round trips for the metrics histogram, about one round a second.
#include "runtime/rtt_tracker.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace baton::runtime {
namespace {

using Clock = RttTracker::Clock;
using namespace std::chrono_literals;

TEST(RttTracker, MeasuresSampledRoundsOnceEach) {
  RttTracker rtt;
  const auto t0 = Clock::time_point{} + 1s;
  const std::uint64_t round = 30;
  ASSERT_TRUE(rtt.sample(round, t0)) << "the first round is sampled";
  ASSERT_TRUE(rtt.sample(round, t0 + 1ms)) << "every peer of a round gets the same answer";
  rtt.sent(2, round, t0);
  const auto measured = rtt.answered(2, round, t0 + 250us);
  ASSERT_TRUE(measured.has_value());
  EXPECT_DOUBLE_EQ(*measured, 0.00025);
  EXPECT_FALSE(rtt.answered(2, round, t0 + 1ms)) << "a duplicated answer counts once";
  EXPECT_FALSE(rtt.answered(3, round, t0 + 1ms)) << "another peer's answer to a round not sent";
}

// The node may read the other rounds' answers a heartbeat late (input_can_wait()): timing them
// would put the heartbeat interval into the histogram.
TEST(RttTracker, OnlyOneRoundPerIntervalIsMeasured) {
  RttTracker rtt(100ms);
  const auto t0 = Clock::time_point{} + 1s;
  std::size_t measured = 0;
  std::vector<std::uint64_t> sampled;
  // 300 ms of rounds every 10 ms: rounds 1, 11, 21 and 31 start a new 100 ms interval.
  for (std::uint64_t round = 1; round <= 31; ++round) {
    const auto at = t0 + (round - 1) * 10ms;
    if (rtt.sample(round, at)) sampled.push_back(round);
    rtt.sent(2, round, at);
    if (rtt.answered(2, round, at + 2ms)) ++measured;
  }
  EXPECT_EQ(sampled, (std::vector<std::uint64_t>{1, 11, 21, 31}));
  EXPECT_EQ(measured, 4u);
}

// Answers to sampled rounds may arrive after later rounds went out; they still match.
TEST(RttTracker, LateAnswersToSampledRoundsStillMatch) {
  RttTracker rtt(10ms);
  const auto t0 = Clock::time_point{} + 1s;
  for (std::uint64_t round = 1; round <= 4; ++round) {
    const auto at = t0 + (round - 1) * 10ms;
    ASSERT_TRUE(rtt.sample(round, at));
    rtt.sent(2, round, at);
  }
  const auto first = rtt.answered(2, 1, t0 + 35ms);
  ASSERT_TRUE(first.has_value());
  EXPECT_DOUBLE_EQ(*first, 0.035);
  EXPECT_TRUE(rtt.answered(2, 4, t0 + 35ms).has_value());
  EXPECT_FALSE(rtt.answered(2, 0, t0 + 35ms)) << "round 0 is never a sample";
}

}  // namespace
}  // namespace baton::runtime
