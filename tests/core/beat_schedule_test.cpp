// The follower's beat with made-up ticks: when it reads its leader's heartbeats, when it goes
// back to reading them as they arrive, and what it ignores.
#include "core/beat_schedule.hpp"

#include <gtest/gtest.h>

namespace baton {
namespace {

constexpr NodeId kLeader = 2;
constexpr LeaderBeat kBeat{kLeader, 10};
constexpr std::uint64_t kResync = 1000;
constexpr std::uint64_t kGuard = 5;

/// A scheduled read that finds nothing, then the next heartbeat read as it arrives.
void miss_then_arrive(BeatSchedule& beats, std::uint64_t read, std::uint64_t arrival) {
  beats.read(read, false);
  beats.arrived(kLeader, arrival);
}

TEST(BeatSchedule, ReadsAsFramesArriveUntilItHasMeasuredTheBeat) {
  BeatSchedule beats(kResync, kGuard);
  EXPECT_EQ(beats.read_at(), std::nullopt);
  beats.follow(kBeat);
  EXPECT_EQ(beats.read_at(), std::nullopt) << "deferred before any heartbeat showed its phase";
  beats.arrived(kLeader, 100);
  // Due in tick 110's span; read when tick 111 has run, one tick of margin.
  EXPECT_EQ(beats.read_at(), 111u);
  EXPECT_EQ(beats.leader(), kLeader);
}

TEST(BeatSchedule, KeepsThePhaseWhileHeartbeatsAreThere) {
  BeatSchedule beats(kResync, kGuard);
  beats.follow(kBeat);
  beats.arrived(kLeader, 100);
  beats.read(111, true);
  EXPECT_EQ(beats.read_at(), 121u);
  // A read that ran late (the loop was busy) does not shift the beat.
  beats.read(124, true);
  EXPECT_EQ(beats.read_at(), 131u);
  // Nor does a read the loop did early for something else, found or not.
  beats.read(125, false);
  beats.read(126, true);
  EXPECT_EQ(beats.read_at(), 131u);
  EXPECT_EQ(beats.misses(), 0u);
}

TEST(BeatSchedule, AReadThatFindsNothingGoesBackToReadingAsFramesArrive) {
  BeatSchedule beats(kResync, kGuard);
  beats.follow(kBeat);
  beats.arrived(kLeader, 100);
  beats.read(111, false);  // late, lost, or the leader is gone
  EXPECT_EQ(beats.read_at(), std::nullopt);
  EXPECT_EQ(beats.misses(), 1u);
  beats.arrived(kLeader, 112);  // the late one: measured again
  EXPECT_EQ(beats.read_at(), 123u);
}

TEST(BeatSchedule, MeasuresTheBeatAgainAfterTheResyncSpan) {
  BeatSchedule beats(/*resync_ticks=*/30, kGuard);
  beats.follow(kBeat);
  beats.arrived(kLeader, 100);
  beats.read(111, true);
  EXPECT_EQ(beats.read_at(), 121u);
  beats.read(121, true);  // the next read would be 31 ticks after the measured arrival
  EXPECT_EQ(beats.read_at(), std::nullopt);
  EXPECT_EQ(beats.misses(), 0u);
}

TEST(BeatSchedule, LearnsALeadersLongerIntervalFromTwoEqualGaps) {
  // The leader beats every 25 ticks, this node's setting says 10.
  BeatSchedule beats(kResync, kGuard);
  beats.follow(kBeat);
  beats.arrived(kLeader, 100);
  beats.read(111, false);
  beats.arrived(kLeader, 125);  // one long gap: could be a lost heartbeat
  EXPECT_EQ(beats.interval_ticks(), 10u);
  beats.read(136, false);
  beats.arrived(kLeader, 150);  // the same gap again: the leader's interval
  EXPECT_EQ(beats.interval_ticks(), 25u);
  EXPECT_EQ(beats.read_at(), 176u);
  beats.read(176, true);
  EXPECT_EQ(beats.read_at(), 201u);
  EXPECT_EQ(beats.misses(), 2u);
}

TEST(BeatSchedule, AHeartbeatATickLateIsJitterNotAnInterval) {
  BeatSchedule beats(kResync, kGuard);
  beats.follow(kBeat);
  beats.arrived(kLeader, 100);
  miss_then_arrive(beats, 111, 111);
  miss_then_arrive(beats, 122, 122);  // gaps of 11 and 11: within a tick of the setting
  EXPECT_EQ(beats.interval_ticks(), 10u);
}

TEST(BeatSchedule, BacksOffAfterMissesInARowUntilTheResyncSpan) {
  BeatSchedule beats(/*resync_ticks=*/200, kGuard);
  beats.follow(kBeat);
  std::uint64_t tick = 100;
  for (std::uint64_t i = 0; i < BeatSchedule::kMissesBeforeBackOff; ++i) {
    beats.arrived(kLeader, tick);
    ASSERT_TRUE(beats.read_at().has_value());
    tick = *beats.read_at();
    beats.read(tick, false);
  }
  EXPECT_EQ(beats.misses(), BeatSchedule::kMissesBeforeBackOff);
  beats.arrived(kLeader, tick + 1);
  EXPECT_EQ(beats.read_at(), std::nullopt) << "kept trying a beat it could not keep";
  beats.arrived(kLeader, tick + 199);
  EXPECT_EQ(beats.read_at(), std::nullopt);
  beats.arrived(kLeader, tick + 200);
  EXPECT_TRUE(beats.read_at().has_value()) << "never tried again";
}

TEST(BeatSchedule, AResyncStartsAgainFromTheSetting) {
  BeatSchedule beats(/*resync_ticks=*/60, kGuard);
  beats.follow(kBeat);
  beats.arrived(kLeader, 100);
  miss_then_arrive(beats, 111, 125);
  miss_then_arrive(beats, 136, 150);
  ASSERT_EQ(beats.interval_ticks(), 25u);
  beats.read(176, true);
  beats.read(201, true);  // 76 ticks after the measurement: resync
  EXPECT_EQ(beats.read_at(), std::nullopt);
  beats.arrived(kLeader, 225);
  EXPECT_EQ(beats.interval_ticks(), 10u);
}

TEST(BeatSchedule, HoldsOnlyWhileTheReadComesBeforeTheDueTickWithTheGuardToSpare) {
  BeatSchedule beats(kResync, kGuard);
  beats.follow(kBeat);
  EXPECT_FALSE(beats.holds(100, 100)) << "held before the beat was measured";
  beats.arrived(kLeader, 100);  // read at 111
  EXPECT_TRUE(beats.holds(100, 100));
  // The election timer due at 116 or earlier leaves less than the guard after the read.
  EXPECT_TRUE(beats.holds(100, 17));
  EXPECT_FALSE(beats.holds(100, 16));
  EXPECT_FALSE(beats.holds(100, 11));
  EXPECT_FALSE(beats.read_due(110));
  EXPECT_TRUE(beats.read_due(111));
  // The read's tick passed unread: stop holding, so what waits is read as it arrives.
  EXPECT_FALSE(beats.holds(111, 100));
  EXPECT_FALSE(beats.holds(115, 100));
  beats.follow(std::nullopt);
  EXPECT_FALSE(beats.holds(100, 100));
  EXPECT_FALSE(beats.read_due(200));
}

TEST(BeatSchedule, OnlyTheLeadersFramesSetTheBeat) {
  BeatSchedule beats(kResync, kGuard);
  beats.follow(kBeat);
  beats.arrived(3, 100);  // a candidate's request, say
  EXPECT_EQ(beats.read_at(), std::nullopt);
  beats.arrived(kLeader, 105);
  beats.arrived(3, 107);
  EXPECT_EQ(beats.read_at(), 116u);
}

TEST(BeatSchedule, ANewLeaderOrIntervalForgetsTheBeat) {
  BeatSchedule beats(kResync, kGuard);
  beats.follow(kBeat);
  beats.arrived(kLeader, 100);
  beats.follow(kBeat);  // the same: nothing changes
  EXPECT_EQ(beats.read_at(), 111u);
  beats.follow(LeaderBeat{3, 10});
  EXPECT_EQ(beats.read_at(), std::nullopt);
  EXPECT_EQ(beats.leader(), 3u);
  beats.arrived(3, 200);
  beats.follow(LeaderBeat{3, 20});
  EXPECT_EQ(beats.read_at(), std::nullopt);
  beats.arrived(3, 200);
  EXPECT_EQ(beats.read_at(), 221u);
  beats.follow(std::nullopt);  // a candidate, or a leader itself
  EXPECT_EQ(beats.read_at(), std::nullopt);
  EXPECT_EQ(beats.leader(), kNoNode);
  beats.arrived(3, 300);
  beats.read(400, false);
  EXPECT_EQ(beats.read_at(), std::nullopt);
  EXPECT_EQ(beats.misses(), 0u);
}

}  // namespace
}  // namespace baton
