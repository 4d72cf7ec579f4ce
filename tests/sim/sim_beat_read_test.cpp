// defer-input, followers: a follower reads its leader's heartbeats on the beat, as the runtime
// does (core/beat_schedule.hpp): one heartbeat read as it arrives measures the beat, the next ones
// wait and reach the core one tick after they are due. What does not wait (a message that is not
// routine) reads the heartbeats held before it on the leader's connection, in order; another
// peer's message leaves the beat alone; a beat that would come too close to the core's due tick
// is not kept. Scripted cores, so every instant is exact.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "fake_electors.hpp"

namespace baton::sim {
namespace {

using testing::Arrival;
using testing::fake;
using testing::fake_factory;
using testing::FakeSpec;
using testing::node_fault;
using testing::quiet_scenario;

// Node 1 leads and sends Heartbeat{round = its tick} to node 2 every 10 ticks; with 1 ms ticks,
// aligned clocks and 1 ms latency, round k reaches node 2 when node 2 has run k ticks. Node 2
// follows node 1 with a 10-tick beat; its core is due every 1000 ticks (far from any beat).
const FakeSpec kLeader{.send_to = 2, .send_every = 10};
const FakeSpec kFollower{.follow = 1, .due_every = 1000, .beat_every = 10};

Scenario beat_scenario() {
  Scenario s = quiet_scenario(3, 200'000);
  s.defer_input = true;
  return s;
}

/// The tick count at which a node's core saw each heartbeat round (0 = never), and the order of
/// everything it saw, as (round, tick) with round 0 for a TimeoutNow.
struct Seen {
  std::vector<std::uint64_t> heartbeat_at;
  std::vector<Arrival> all;
  std::uint64_t deferred = 0;  ///< RunResult::messages_deferred of the whole run
};

/// Runs the scripted cores `specs` through `s` until `until` and returns what node `id` saw of
/// rounds 1..`rounds`.
Seen run_and_see(const std::map<NodeId, FakeSpec>& specs, NodeId id, Micros until,
                 std::uint64_t rounds, const Scenario& s = beat_scenario()) {
  RunOptions opt;
  opt.elector_factory = fake_factory(specs);
  Simulation sim(s, 7, opt);  // (keeps a reference to `s`)
  sim.run_until(until);
  Seen seen{std::vector<std::uint64_t>(rounds + 1, 0), fake(sim, id).arrivals,
            sim.result().messages_deferred};
  for (const Arrival& a : seen.all) {
    if (a.round != 0 && a.round <= rounds) seen.heartbeat_at[a.round] = a.at_tick;
  }
  return seen;
}

std::vector<std::string> trace_lines(const Scenario& s, RunOptions opt, Micros until) {
  std::vector<std::string> lines;
  opt.trace = [&](const std::string& line) { lines.push_back(line); };
  Simulation sim(s, 7, opt);
  sim.run_until(until);
  return lines;
}

std::size_t count_containing(const std::vector<std::string>& lines, const std::string& text) {
  return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const auto& l) {
    return l.find(text) != std::string::npos;
  }));
}

TEST(ReadOnTheBeat, AFollowerReadsItsLeadersHeartbeatsOneTickAfterTheyAreDue) {
  const Seen seen = run_and_see({{1, kLeader}, {2, kFollower}}, 2, 101'500, 100);
  EXPECT_EQ(seen.heartbeat_at[10], 10u) << "the first is read as it arrives: it measures the beat";
  for (std::uint64_t k = 20; k <= 100; k += 10) {
    EXPECT_EQ(seen.heartbeat_at[k], k + 1) << "round " << k << " waits for the beat";
  }
  EXPECT_EQ(seen.deferred, 9u);
}

TEST(ReadOnTheBeat, AMessageThatDoesNotWaitReadsTheHeldHeartbeatsFirst) {
  FakeSpec leader = kLeader;
  leader.wake_at_tick = 30;  // right behind round 30, which waits for tick 31
  const Seen seen = run_and_see({{1, leader}, {2, kFollower}}, 2, 51'500, 50);
  ASSERT_EQ(seen.all.size(), 6u);  // rounds 10..50 and the TimeoutNow
  EXPECT_EQ(seen.all[2].round, 30u) << "the held heartbeat comes first";
  EXPECT_EQ(seen.all[2].at_tick, 30u) << "read at once, not on the beat";
  EXPECT_EQ(seen.all[3].round, 0u) << "then the message that woke the reader";
  EXPECT_EQ(seen.all[3].at_tick, 30u);
  // Round 30, read as it arrived, measured the beat again: the next ones still come on it.
  EXPECT_EQ(seen.heartbeat_at[40], 41u);
  EXPECT_EQ(seen.heartbeat_at[50], 51u);
}

TEST(ReadOnTheBeat, AnotherPeersMessageLeavesTheLeadersHeartbeatsOnTheBeat) {
  // Node 3 follows node 1 here, so that node 2's message, sent at tick 30, arrives at 31 ms ahead
  // of node 3's tick 31 (at one instant, events run in the order they were queued), while round
  // 30 waits for that tick.
  const FakeSpec leader{.send_to = 3, .send_every = 10};
  const FakeSpec other{.send_to = 3, .wake_at_tick = 30};
  const Seen seen = run_and_see({{1, leader}, {2, other}, {3, kFollower}}, 3, 41'500, 40);
  const auto woken =
      std::find_if(seen.all.begin(), seen.all.end(), [](const Arrival& a) { return a.from == 2; });
  ASSERT_NE(woken, seen.all.end());
  EXPECT_EQ(woken->at_tick, 30u) << "read as it arrives: only the leader's connection waits";
  EXPECT_EQ(seen.heartbeat_at[30], 31u) << "the leader's heartbeat still waits for its beat";
  ASSERT_NE(std::next(woken), seen.all.end());
  EXPECT_EQ(std::next(woken)->round, 30u) << "it overtook round 30, which waited";
  EXPECT_EQ(seen.heartbeat_at[40], 41u);
}

TEST(ReadOnTheBeat, HeartbeatsSentDuringAHandOverAreReadAsTheyArrive) {
  // The runtime's leader pads what it sends during a hand-over so that the target reads it at
  // once: the hand-over is a round trip, not a beat. Node 1 leads from tick 1 and starts one at 25.
  FakeSpec leader = kLeader;
  leader.lead_after_ticks = 1;
  leader.transfer_at_tick = 25;
  const Seen seen = run_and_see({{1, leader}, {2, kFollower}}, 2, 51'500, 50);
  EXPECT_EQ(seen.heartbeat_at[20], 21u) << "before the hand-over: on the beat";
  for (std::uint64_t k = 30; k <= 50; k += 10) {
    EXPECT_EQ(seen.heartbeat_at[k], k) << "round " << k << " wakes its follower";
  }
}

TEST(ReadOnTheBeat, NoHeartbeatWaitsPastTheCoresDueTickLessTheGuard) {
  // Due every 35 ticks, guard 5 ticks (5 ms): round 20 may wait for tick 21 (due 35), round 30
  // may not (tick 31 + 5 is past the due tick 35), round 40 may again (due 70).
  FakeSpec follower = kFollower;
  follower.due_every = 35;
  const Seen seen = run_and_see({{1, kLeader}, {2, follower}}, 2, 51'500, 50);
  EXPECT_EQ(seen.heartbeat_at[20], 21u);
  EXPECT_EQ(seen.heartbeat_at[30], 30u) << "read as it arrives, ahead of the due tick";
  EXPECT_EQ(seen.heartbeat_at[40], 41u);
  EXPECT_EQ(seen.heartbeat_at[50], 51u);
}

TEST(ReadOnTheBeat, AReadThatFindsNothingGoesBackToReadingAsTheyArrive) {
  // The leader's heartbeats stop reaching the follower after round 30 (the link is cut at 35 ms,
  // healed at 75 ms): the read at tick 41 finds nothing, and the follower reads as they arrive
  // until one measures the beat again (round 80).
  Scenario s = beat_scenario();
  Fault cut;
  cut.kind = Fault::Kind::Cut;
  cut.from = Target{Target::Kind::Node, 1};
  cut.to = Target{Target::Kind::Node, 2};
  s.faults.push_back({35'000, cut});
  Fault heal;
  heal.kind = Fault::Kind::Heal;
  s.faults.push_back({75'000, heal});
  RunOptions opt;
  opt.elector_factory = fake_factory({{1, kLeader}, {2, kFollower}});
  const auto lines = trace_lines(s, opt, 91'500);
  EXPECT_EQ(count_containing(lines, "n2  reads on the beat and finds nothing (a miss)"), 1u);
  EXPECT_EQ(count_containing(lines, "n2  reads 1 held message(s) on the beat"), 3u);  // 20, 30, 90

  const Seen seen = run_and_see({{1, kLeader}, {2, kFollower}}, 2, 91'500, 90, s);
  EXPECT_EQ(seen.heartbeat_at[40], 0u) << "cut";
  EXPECT_EQ(seen.heartbeat_at[80], 80u) << "read as it arrives after the miss";
  EXPECT_EQ(seen.heartbeat_at[90], 91u) << "and back on the beat";
}

TEST(ReadOnTheBeat, ACrashLosesTheHeldHeartbeats) {
  Scenario s = beat_scenario();
  // With half a tick of latency round k arrives at k + 0.5 ms and waits for tick k + 1.
  s.network.latency_ms_min = 0.5;
  s.network.latency_ms_max = 0.5;
  s.faults.push_back({30'700, node_fault(Fault::Kind::Crash, 2)});
  RunOptions opt;
  opt.elector_factory = fake_factory({{1, kLeader}, {2, kFollower}});
  const auto lines = trace_lines(s, opt, 40'000);
  EXPECT_EQ(count_containing(lines, "n2  holds its leader's heartbeats until its beat, tick 31"),
            1u);
  EXPECT_EQ(count_containing(lines, "n2  lost 1 held message(s) in the crash"), 1u);
}

TEST(ReadOnTheBeat, NothingWaitsWithoutTheSetting) {
  Scenario s = beat_scenario();
  s.defer_input = false;
  const Seen seen = run_and_see({{1, kLeader}, {2, kFollower}}, 2, 101'500, 100, s);
  for (std::uint64_t k = 10; k <= 100; k += 10) EXPECT_EQ(seen.heartbeat_at[k], k);
  EXPECT_EQ(seen.deferred, 0u);
}

}  // namespace
}  // namespace baton::sim
