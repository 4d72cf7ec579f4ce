// RttTracker: heartbeat round trips for the metrics histogram, one round in kSampleEveryRounds.
#include "runtime/rtt_tracker.hpp"

#include <gtest/gtest.h>

namespace baton::runtime {
namespace {

using Clock = RttTracker::Clock;
using namespace std::chrono_literals;

TEST(RttTracker, MeasuresSampledRoundsOnceEach) {
  RttTracker rtt;
  const auto t0 = Clock::time_point{} + 1s;
  const std::uint64_t round = RttTracker::kSampleEveryRounds * 3;
  ASSERT_TRUE(RttTracker::sampled(round));
  rtt.sent(2, round, t0);
  const auto measured = rtt.answered(2, round, t0 + 250us);
  ASSERT_TRUE(measured.has_value());
  EXPECT_DOUBLE_EQ(*measured, 0.00025);
  EXPECT_FALSE(rtt.answered(2, round, t0 + 1ms)) << "a duplicated answer counts once";
  EXPECT_FALSE(rtt.answered(3, round, t0 + 1ms)) << "another peer's answer to a round not sent";
}

// The node may read the other rounds' answers a heartbeat late (input_can_wait()): timing them
// would put the heartbeat interval into the histogram.
TEST(RttTracker, RoundsThatAreNotSampledAreNotMeasured) {
  RttTracker rtt;
  const auto t0 = Clock::time_point{} + 1s;
  std::size_t measured = 0;
  for (std::uint64_t round = 1; round <= 3 * RttTracker::kSampleEveryRounds; ++round) {
    rtt.sent(2, round, t0);
    if (rtt.answered(2, round, t0 + 10ms)) ++measured;
  }
  EXPECT_EQ(measured, 3u);
  EXPECT_FALSE(RttTracker::sampled(1));
  EXPECT_TRUE(RttTracker::sampled(RttTracker::kSampleEveryRounds));
}

}  // namespace
}  // namespace baton::runtime
