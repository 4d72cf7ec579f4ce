// The engine's plumbing: event order, clocks, network, disk, pause.
#include <gtest/gtest.h>

#include "fake_electors.hpp"
#include "sim/event_queue.hpp"
#include "sim/network.hpp"
#include "sim/node_clock.hpp"

namespace baton::sim {
namespace {

using testing::fake;
using testing::fake_factory;
using testing::FakeSpec;
using testing::quiet_scenario;

TEST(EventQueue, OrdersByTimeThenInsertion) {
  EventQueue q;
  q.push(Event{5, 0, EventKind::Probe, 1, 0, 0});
  q.push(Event{3, 0, EventKind::Probe, 2, 0, 0});
  q.push(Event{5, 0, EventKind::Probe, 3, 0, 0});
  q.push(Event{3, 0, EventKind::Probe, 4, 0, 0});
  q.push(Event{5, 0, EventKind::Probe, 5, 0, 0});
  std::vector<std::uint32_t> order;
  while (!q.empty()) order.push_back(q.pop().node);
  EXPECT_EQ(order, (std::vector<std::uint32_t>{2, 4, 1, 3, 5}));
}

TEST(NodeClock, TickSpacingFollowsDriftAndSkew) {
  NodeClockModel fast{0, 0.01};  // 1% fast: 1 ms local ticks every ~990 us of true time
  EXPECT_EQ(fast.instant(100, 1000), 99010);
  NodeClockModel skewed{500, 0};  // 0.5 ms ahead: local 1 ms is reached at true 0.5 ms
  EXPECT_EQ(skewed.instant(1, 1000), 500);
  EXPECT_EQ(skewed.first_after(0, 1000), 1u);
  EXPECT_EQ(skewed.first_after(500, 1000), 2u);
  NodeClockModel behind{-2500, 0};
  EXPECT_EQ(behind.first_after(0, 1000), 1u);  // local time is negative until true 2.5 ms...
  EXPECT_EQ(behind.instant(1, 1000), 3500);    // ...so local 1 ms is true 3.5 ms
}

TEST(Engine, TicksFollowEachNodesClock) {
  Scenario s = quiet_scenario(2, 1'000'000);
  s.clocks.per_node[1] = NodeClock{0, 0.01};
  s.clocks.per_node[2] = NodeClock{0, -0.01};
  RunOptions opt;
  opt.elector_factory = fake_factory({});
  Simulation sim(s, 1, opt);
  sim.run_until(1'000'000);
  EXPECT_EQ(sim.ticks(1), 1010u);
  EXPECT_EQ(sim.ticks(2), 990u);
}

TEST(Links, PartitionIsolateCut) {
  Links l(4);
  l.set_partition({0, 1, 1, 2, 2});
  EXPECT_FALSE(l.blocked(1, 2));
  EXPECT_TRUE(l.blocked(1, 3));
  EXPECT_TRUE(l.blocked(4, 2));
  EXPECT_EQ(l.reachable_from(1), 2u);
  l.heal();
  l.cut(1, 2);
  EXPECT_TRUE(l.blocked(1, 2));
  EXPECT_FALSE(l.blocked(2, 1));
  l.isolate(3);
  EXPECT_TRUE(l.blocked(3, 4));
  EXPECT_TRUE(l.blocked(4, 3));
  EXPECT_FALSE(l.blocked(3, 3));
  l.heal();
  EXPECT_FALSE(l.blocked(1, 2));
}

// Node 1 sends a heartbeat to node 2 every tick; node 2 records arrivals.
TEST(Network, DeliversWithLatency) {
  Scenario s = quiet_scenario(2, 100'000);
  RunOptions opt;
  FakeSpec sender;
  sender.send_to = 2;
  sender.send_every = 1;
  opt.elector_factory = fake_factory({{1, sender}});
  Simulation sim(s, 7, opt);
  sim.run_until(10'500);
  // Sent at 1..10 ms, arriving 1 ms later: rounds 1..9 arrived by 10.5 ms.
  ASSERT_EQ(fake(sim, 2).arrivals.size(), 9u);
  EXPECT_EQ(fake(sim, 2).arrivals[0].round, 1u);
}

TEST(Network, LossDropsEverything) {
  Scenario s = quiet_scenario(2, 100'000);
  s.network.loss = 1.0;
  RunOptions opt;
  FakeSpec sender{.send_to = 2, .send_every = 1};
  opt.elector_factory = fake_factory({{1, sender}});
  Simulation sim(s, 7, opt);
  RunResult r = sim.run();
  EXPECT_TRUE(fake(sim, 2).arrivals.empty());
  EXPECT_EQ(r.messages_sent[message_counter_slot(raft::Heartbeat{})], 100u);  // counted as sent
}

TEST(Network, DuplicateDeliversTwice) {
  Scenario s = quiet_scenario(2, 50'000);
  s.network.duplicate = 1.0;
  RunOptions opt;
  FakeSpec sender{.send_to = 2, .send_every = 1};
  opt.elector_factory = fake_factory({{1, sender}});
  Simulation sim(s, 7, opt);
  sim.run_until(20'500);
  EXPECT_EQ(fake(sim, 2).arrivals.size(), 2u * 19u);
}

TEST(Network, PartitionDropsAtSendAndInFlight) {
  Scenario s = quiet_scenario(2, 100'000);
  s.network.latency_ms_min = s.network.latency_ms_max = 10;
  Fault part;
  part.kind = Fault::Kind::Partition;
  part.groups = {{Target{Target::Kind::Node, 1}}, {Target{Target::Kind::Others, 0}}};
  s.faults.push_back({20'000, part});
  Fault heal;
  heal.kind = Fault::Kind::Heal;
  s.faults.push_back({50'000, heal});
  RunOptions opt;
  FakeSpec sender{.send_to = 2, .send_every = 1};
  opt.elector_factory = fake_factory({{1, sender}});
  Simulation sim(s, 7, opt);
  sim.run();
  // Sent at 1..100 ms with 10 ms latency. In flight when the partition forms at 20 ms (sent
  // 10..19; the fault fires before the arrival at 20 ms, it was scheduled first) and sent during
  // the partition (20..49) are lost; sent 50..90 arrive by 100 ms.
  std::vector<std::uint64_t> rounds;
  for (const auto& a : fake(sim, 2).arrivals) rounds.push_back(a.round);
  ASSERT_EQ(rounds.size(), 9u + 41u);
  EXPECT_EQ(rounds[8], 9u);
  EXPECT_EQ(rounds[9], 50u);
}

TEST(Network, CutIsOneWayUnlessBothWays) {
  Scenario s = quiet_scenario(2, 50'000);
  Fault cut;
  cut.kind = Fault::Kind::Cut;
  cut.from = Target{Target::Kind::Node, 1};
  cut.to = Target{Target::Kind::Node, 2};
  s.faults.push_back({0, cut});
  RunOptions opt;
  FakeSpec one{.send_to = 2, .send_every = 1};
  FakeSpec two{.send_to = 1, .send_every = 1};
  opt.elector_factory = fake_factory({{1, one}, {2, two}});
  Simulation sim(s, 7, opt);
  sim.run();
  EXPECT_TRUE(fake(sim, 2).arrivals.empty());
  EXPECT_FALSE(fake(sim, 1).arrivals.empty());
}

TEST(Disk, MessagesWaitForTheWrite) {
  Scenario s = quiet_scenario(2, 100'000);
  s.disk.latency_ms_min = s.disk.latency_ms_max = 10;
  RunOptions opt;
  FakeSpec sender{.send_to = 2, .send_every = 5, .persist_sends = true};
  opt.elector_factory = fake_factory({{1, sender}});
  Simulation sim(s, 7, opt);
  sim.run_until(14'000);
  EXPECT_TRUE(fake(sim, 2).arrivals.empty());
  EXPECT_EQ(sim.persisted(1).term, 0u);
  sim.run_until(15'500);  // write of tick 5 done at 15 ms, message arrives at 16 ms
  EXPECT_EQ(sim.persisted(1).term, 5u);
  EXPECT_TRUE(fake(sim, 2).arrivals.empty());
  sim.run_until(16'000);
  ASSERT_EQ(fake(sim, 2).arrivals.size(), 1u);
  EXPECT_EQ(fake(sim, 2).arrivals[0].round, 5u);
  sim.run_until(60'000);
  // Order is preserved: rounds arrive in the order they were written.
  const auto& arr = fake(sim, 2).arrivals;
  for (std::size_t i = 1; i < arr.size(); ++i) EXPECT_LT(arr[i - 1].round, arr[i].round);
}

TEST(Disk, CrashLosesThePendingWrite) {
  Scenario s = quiet_scenario(2, 100'000);
  s.disk.latency_ms_min = s.disk.latency_ms_max = 10;
  Fault crash;
  crash.kind = Fault::Kind::Crash;
  crash.targets = {Target{Target::Kind::Node, 1}};
  s.faults.push_back({12'000, crash});
  RunOptions opt;
  FakeSpec sender{.send_to = 2, .send_every = 5, .persist_sends = true};
  opt.elector_factory = fake_factory({{1, sender}});
  Simulation sim(s, 7, opt);
  sim.run();
  EXPECT_TRUE(fake(sim, 2).arrivals.empty());
  EXPECT_EQ(sim.persisted(1).term, 0u);  // the write of tick 5 (due at 15 ms) never happened
  EXPECT_TRUE(sim.crashed(1));
}

TEST(Pause, ResumeCatchesUpTicksThenDeliversQueuedMessages) {
  Scenario s = quiet_scenario(2, 300'000);
  Fault pause;
  pause.kind = Fault::Kind::Pause;
  pause.targets = {Target{Target::Kind::Node, 2}};
  pause.duration = 100'000;
  s.faults.push_back({50'500, pause});
  RunOptions opt;
  FakeSpec sender{.send_to = 2, .send_every = 10};
  opt.elector_factory = fake_factory({{1, sender}});
  Simulation sim(s, 7, opt);
  sim.run_until(150'000);
  EXPECT_TRUE(sim.paused(2));
  EXPECT_EQ(sim.ticks(2), 50u);
  const std::size_t before = fake(sim, 2).arrivals.size();
  EXPECT_EQ(before, 4u);  // rounds 10..40 (round 50 arrives at 51 ms, during the pause)
  sim.run_until(150'500);
  EXPECT_FALSE(sim.paused(2));
  EXPECT_EQ(sim.ticks(2), 150u);  // every missed tick delivered on resume
  const auto& arr = fake(sim, 2).arrivals;
  ASSERT_EQ(arr.size(), 14u);  // rounds 50..140 queued, delivered after the catch-up ticks
  for (std::size_t i = before; i < arr.size(); ++i) EXPECT_EQ(arr[i].at_tick, 150u);
  sim.run_until(300'000);
  EXPECT_EQ(sim.ticks(2), 300u);
}

}  // namespace
}  // namespace baton::sim
