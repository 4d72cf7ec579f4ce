// down-queue: the engine keeps messages for a crashed node in their sender's queue, as the
// runtime's OutgoingLink does for a peer whose connection is down, and re-sends them when the node
// restarts. So a restarted core meets the stale frames a real restart brings (a Ring Election
// queued this way once revived a decided round:
// RingRules.ElectionOlderThanTheKnownLeaderIsAckedAndDropped). Scripted cores check the plumbing:
// order, timing, the bound, a crashed sender, the setting off.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fake_electors.hpp"
#include "sim/scenario_parser.hpp"

namespace baton::sim {
namespace {

using testing::Arrival;
using testing::fake;
using testing::fake_factory;
using testing::FakeSpec;
using testing::node_fault;
using testing::quiet_scenario;

// Node 1 sends Heartbeat{round = its tick} to node 2 every tick: 1 ms ticks on aligned clocks and
// 1 ms latency, so round k leaves at k ms and arrives at k+1 ms.
const FakeSpec kSender{.send_to = 2, .send_every = 1};

/// Node 2 crashes at 15.5 ms (round 15 is in flight, arriving at 16 ms) and restarts at 30.5 ms
/// (rounds 16..30 were sent while it was down; round 31 is the first sent after).
Scenario crash_and_restart_receiver(std::uint32_t down_queue) {
  Scenario s = quiet_scenario(2, 100'000);
  s.down_queue_frames = down_queue;
  s.faults.push_back({15'500, node_fault(Fault::Kind::Crash, 2)});
  s.faults.push_back({30'500, node_fault(Fault::Kind::Restart, 2)});
  return s;
}

std::vector<std::uint64_t> rounds(const std::vector<Arrival>& arrivals) {
  std::vector<std::uint64_t> out;
  for (const Arrival& a : arrivals) out.push_back(a.round);
  return out;
}

/// `count` consecutive rounds from `first`.
std::vector<std::uint64_t> run_of(std::uint64_t first, std::uint64_t count) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t k = 0; k < count; ++k) out.push_back(first + k);
  return out;
}

std::size_t lines_with(const std::vector<std::string>& trace, const std::string& text) {
  return static_cast<std::size_t>(std::count_if(trace.begin(), trace.end(), [&](const auto& line) {
    return line.find(text) != std::string::npos;
  }));
}

TEST(DownQueue, QueuedMessagesReachTheRestartedNodeInOrderAfterItsRestart) {
  std::vector<std::string> trace;
  RunOptions opt;
  opt.trace = [&](const std::string& line) { trace.push_back(line); };
  opt.elector_factory = fake_factory({{1, kSender}});
  const Scenario scenario = crash_and_restart_receiver(256);  // the simulation references it
  Simulation sim(scenario, 7, opt);
  sim.run_until(30'400);
  EXPECT_EQ(sim.result().messages_down_queued, 16u);  // round 15 on arrival, 16..30 at once
  EXPECT_EQ(sim.result().messages_down_flushed, 0u) << "nothing leaves before the restart";
  sim.run_until(40'200);
  // The restarted core (a new one: ticks count from its restart) hears every round it missed, in
  // the order they were sent, then the rounds sent since, with nothing overtaking.
  const auto& arrivals = fake(sim, 2).arrivals;
  ASSERT_GE(arrivals.size(), 16u);
  EXPECT_EQ(rounds(arrivals), run_of(15, arrivals.size()));
  // All after the restart: its first tick is at 31 ms, the re-sent rounds arrive at 31.5 ms.
  for (std::size_t i = 0; i < 16; ++i) EXPECT_EQ(arrivals[i].at_tick, 1u) << "round " << 15 + i;
  EXPECT_EQ(sim.result().messages_down_flushed, 16u);
  EXPECT_EQ(sim.result().messages_down_dropped, 0u);
  EXPECT_EQ(sim.result().messages_down_lost, 0u);
  EXPECT_EQ(lines_with(trace, "16 queued message(s) from n1 reach restarted n2"), 1u);
  EXPECT_EQ(lines_with(trace, "n1  queued heartbeat term 1 for n2, which crashed while it was in"),
            1u);  // round 15
  EXPECT_EQ(lines_with(trace, "(queued: n2 is down)"), 15u);
  EXPECT_EQ(lines_with(trace, "(re-sent from the down-queue)"), 16u);
}

TEST(DownQueue, NothingSentAfterTheRestartOvertakesTheReSentQueue) {
  // With latency 1-5 ms each message draws its own, but the queue goes over one new connection:
  // the re-sent rounds keep their send order (also those that were in flight at the crash and
  // queued on arrival, after later ones were queued at once), and nothing node 1 sends later
  // arrives before any of them.
  Scenario s = crash_and_restart_receiver(256);
  s.network.latency_ms_max = 5;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    RunOptions opt;
    opt.elector_factory = fake_factory({{1, kSender}});
    Simulation sim(s, seed, opt);
    sim.run_until(50'000);
    const auto got = rounds(fake(sim, 2).arrivals);
    // Rounds 15..30 were queued, and some before them that were still in flight at the crash
    // (latency up to 5 ms); they come first, in send order, and only then round 31 and on.
    const auto last_queued = std::find(got.begin(), got.end(), 30u);
    ASSERT_NE(last_queued, got.end());
    const std::vector<std::uint64_t> queued(got.begin(), last_queued + 1);
    ASSERT_GE(queued.size(), 16u);
    EXPECT_TRUE(std::is_sorted(queued.begin(), queued.end())) << ::testing::PrintToString(queued);
    EXPECT_EQ(std::vector<std::uint64_t>(queued.end() - 16, queued.end()), run_of(15, 16));
  }
}

TEST(DownQueue, AFullQueueDropsItsOldestMessages) {
  RunOptions opt;
  opt.elector_factory = fake_factory({{1, kSender}});
  const Scenario scenario = crash_and_restart_receiver(5);  // the simulation references it
  Simulation sim(scenario, 7, opt);
  sim.run_until(40'200);
  // 16 queued, bounded at 5: rounds 15..25 went, the newest five (26..30) are kept.
  const auto& arrivals = fake(sim, 2).arrivals;
  ASSERT_GE(arrivals.size(), 5u);
  EXPECT_EQ(rounds(arrivals), run_of(26, arrivals.size()));
  EXPECT_EQ(sim.result().messages_down_queued, 16u);
  EXPECT_EQ(sim.result().messages_down_dropped, 11u);
  EXPECT_EQ(sim.result().messages_down_flushed, 5u);
}

TEST(DownQueue, ASenderThatCrashesLosesItsQueueAndWhatItHadInFlight) {
  // Node 1 crashes at 15.7 ms, with round 15 in flight to the crashed node 2, and restarts at
  // 15.8 ms: its new life's rounds start again from 1 (at 16 ms). Round 15 of the old life arrives
  // at 16 ms and must not be queued (the queue lived in the dead process); the new life's rounds
  // 1..15 wait for node 2's restart.
  Scenario s = crash_and_restart_receiver(256);
  s.faults.push_back({15'700, node_fault(Fault::Kind::Crash, 1)});
  s.faults.push_back({15'800, node_fault(Fault::Kind::Restart, 1)});
  RunOptions opt;
  opt.elector_factory = fake_factory({{1, kSender}});
  Simulation sim(s, 7, opt);
  sim.run_until(40'200);
  const auto& arrivals = fake(sim, 2).arrivals;
  ASSERT_GE(arrivals.size(), 15u);
  EXPECT_EQ(rounds(arrivals), run_of(1, arrivals.size()));
  EXPECT_EQ(sim.result().messages_down_queued, 15u);
  EXPECT_EQ(sim.result().messages_down_flushed, 15u);
}

TEST(DownQueue, ASenderThatStaysDownNeverDeliversWhatItQueued) {
  Scenario s = crash_and_restart_receiver(256);
  s.faults.push_back({25'500, node_fault(Fault::Kind::Crash, 1)});  // rounds 15..25 were queued
  std::vector<std::string> trace;
  RunOptions opt;
  opt.trace = [&](const std::string& line) { trace.push_back(line); };
  opt.elector_factory = fake_factory({{1, kSender}});
  Simulation sim(s, 7, opt);
  sim.run_until(40'200);
  EXPECT_TRUE(fake(sim, 2).arrivals.empty());
  EXPECT_EQ(sim.result().messages_down_queued, 11u);
  EXPECT_EQ(sim.result().messages_down_lost, 11u);
  EXPECT_EQ(sim.result().messages_down_flushed, 0u);
  EXPECT_EQ(lines_with(trace, "n1  lost 11 queued message(s) for n2 in the crash"), 1u);
}

TEST(DownQueue, APausedSenderReSendsItsQueueWhenItResumesBeforeItsCatchUp) {
  // Node 1 freezes at 28.5 ms for 5 ms, so node 2's restart at 30.5 ms finds it paused: its queue
  // (rounds 15..28) leaves on the resume at 33.5 ms, ahead of the catch-up ticks' rounds 29..33.
  Scenario s = crash_and_restart_receiver(256);
  s.faults.push_back({28'500, node_fault(Fault::Kind::Pause, 1, 5'000)});
  RunOptions opt;
  opt.elector_factory = fake_factory({{1, kSender}});
  Simulation sim(s, 7, opt);
  sim.run_until(33'400);
  EXPECT_TRUE(fake(sim, 2).arrivals.empty());
  EXPECT_EQ(sim.result().messages_down_flushed, 0u);
  sim.run_until(40'200);
  const auto& arrivals = fake(sim, 2).arrivals;
  ASSERT_GE(arrivals.size(), 19u);
  EXPECT_EQ(rounds(arrivals), run_of(15, arrivals.size()));
  EXPECT_EQ(sim.result().messages_down_flushed, 14u);
}

TEST(DownQueue, OffTheRestartedNodeHearsOnlyWhatIsSentAfterItsCrash) {
  RunOptions opt;
  opt.elector_factory = fake_factory({{1, kSender}});
  const Scenario scenario = crash_and_restart_receiver(0);  // the simulation references it
  Simulation sim(scenario, 7, opt);
  sim.run_until(40'200);
  // Round 30 left at 30 ms and arrives at 31 ms, after the restart; everything before is gone.
  const auto& arrivals = fake(sim, 2).arrivals;
  ASSERT_FALSE(arrivals.empty());
  EXPECT_EQ(rounds(arrivals), run_of(30, arrivals.size()));
  EXPECT_EQ(sim.result().messages_down_queued, 0u);
  EXPECT_EQ(sim.result().messages_down_flushed, 0u);
}

TEST(DownQueue, WithoutCrashesTheSettingChangesNothing) {
  // Every fault but crashes: a run with down-queue on is the same run, event for event.
  Scenario s = default_scenario(5);
  s.nemesis.crashes = false;
  for (const std::string algorithm : {"raft", "ring"}) {
    SCOPED_TRACE(algorithm);
    s.algorithm = algorithm;
    std::vector<std::string> traces[2];
    for (const int on : {0, 1}) {
      s.down_queue_frames = on ? 256 : 0;
      RunOptions opt;
      opt.trace = [&](const std::string& line) { traces[on].push_back(line); };
      const RunResult r = run_seed(s, 11, opt);
      EXPECT_EQ(r.messages_down_queued, 0u);
    }
    ASSERT_GT(traces[0].size(), 1000u);
    EXPECT_TRUE(traces[0] == traces[1]) << "the traces differ";
  }
}

TEST(DownQueue, TheStoreNeitherQueuesNorIsQueuedFor) {
  // The store recipes talk to the store over client connections that die with either end: a reply
  // is never re-sent to a new process, nor a request to a store back from an outage.
  Scenario s = default_scenario(5);
  s.down_queue_frames = 256;
  for (const std::string algorithm : {"lease", "sequential"}) {
    SCOPED_TRACE(algorithm);
    s.algorithm = algorithm;
    const RunResult r = run_seed(s, 3);
    EXPECT_EQ(r.messages_down_queued, 0u);
  }
}

}  // namespace
}  // namespace baton::sim
