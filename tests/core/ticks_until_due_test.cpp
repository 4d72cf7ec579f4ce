// ticks_until_due() of the Bully, Ring, Paxos and ZAB cores (Raft has its own test,
// raft_ticks_until_due_test.cpp). The runtime sleeps until the tick it names and runs the skipped
// ticks when it wakes, so every tick before it must be a no-op: no output, no change of role,
// term, leader, vote or fence token. A due tick that is too late delays a heartbeat, a timeout or
// a step-down by the whole sleep; the sweeps below fail if any deadline of any role is missed,
// and the plain tests fail if a node that could sleep does not, or wakes late.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "support/bully_cluster.hpp"
#include "support/elector_checks.hpp"
#include "support/elector_cluster.hpp"
#include "support/paxos_cluster.hpp"
#include "support/ring_cluster.hpp"
#include "support/zab_cluster.hpp"

namespace baton::elector_test {
namespace {

using test::beat_is_a_followers;
using test::has_event;
using test::observe;
using test::Observed;
using test::quiet_until_due;
using test::waits_harmlessly;

/// Ticks `node` through the ticks before its due one (which must stay quiet), then the due one.
/// Returns the due tick's output.
Output sleep_and_wake(Elector& node) {
  const std::uint64_t due = node.ticks_until_due();
  const Observed before = observe(node);
  for (std::uint64_t k = 1; k < due; ++k) {
    node.tick();
    EXPECT_FALSE(node.has_output()) << "acted on tick " << k << " of " << due;
    EXPECT_EQ(observe(node), before) << "changed on tick " << k << " of " << due;
  }
  node.tick();
  Output out;
  node.take_output(out);
  return out;
}

// ---- the cores, each with its test timings and a variant that stresses one deadline ----------

/// One algorithm and settings for the sweep. `make` builds node `id` of `members`.
struct Core {
  std::string name;
  std::function<std::unique_ptr<Elector>(NodeId, std::size_t, HardState, Rng)> make;
  bool leader_defers_input = false;         ///< its leader answers input_can_wait() with true
  bool follower_reads_on_the_beat = false;  ///< its followers name their leader's beat
};

Core bully_core() {
  return {"Bully",
          [](NodeId id, std::size_t members, HardState restored, Rng rng) {
            return std::make_unique<bully::BullyElector>(bully_test::test_config(id, members),
                                                         restored, rng);
          },
          false, true};
}

Core ring_core(std::string name, std::uint32_t election_timeout_ticks) {
  return {std::move(name),
          [=](NodeId id, std::size_t members, HardState restored, Rng rng) {
            ring::Config c = test::ring_test_config(id, members);
            c.election_timeout_ticks = election_timeout_ticks;
            return std::make_unique<ring::RingElector>(c, restored, rng);
          },
          false, true};
}

Core paxos_core(std::string name, std::uint32_t heartbeat_interval_ticks) {
  return {std::move(name),
          [=](NodeId id, std::size_t members, HardState restored, Rng rng) {
            paxos::Config c = paxos_test::test_config(id, members);
            c.heartbeat_interval_ticks = heartbeat_interval_ticks;
            return std::make_unique<paxos::PaxosElector>(c, restored, rng);
          },
          true, true};
}

Core zab_core(std::string name, std::uint32_t heartbeat_interval_ticks) {
  return {std::move(name),
          [=](NodeId id, std::size_t members, HardState restored, Rng rng) {
            zab::Config c = zab_test::test_config(id, members);
            c.heartbeat_interval_ticks = heartbeat_interval_ticks;
            return std::make_unique<zab::ZabElector>(c, restored, rng);
          },
          true, true};
}

struct SweepCase {
  Core core;
  std::size_t members;
};

// gtest names a failing parameter with this instead of a dump of its bytes.
void PrintTo(const SweepCase& c, std::ostream* os) {
  *os << c.core.name << " x" << c.members;
}

std::vector<SweepCase> sweep_cases() {
  const std::vector<Core> cores = {
      bully_core(),
      ring_core("Ring", 0),
      // A short election timeout: participants time out often, also while hops are pending.
      ring_core("RingShortElection", 9),
      paxos_core("Paxos", 5),
      // Renewals 15 ticks apart under an 18-tick lease: a lease lapses between two renewals.
      paxos_core("PaxosSlowRenewal", 15),
      zab_core("Zab", 5),
      // Pings 15 ticks apart and PingAcks stale after 20: the quorum lapses between two Pings.
      zab_core("ZabSlowPing", 15),
  };
  std::vector<SweepCase> cases;
  for (const Core& core : cores) {
    for (std::size_t members : {3, 5}) cases.push_back({core, members});
  }
  return cases;
}

// ---- the property, under random faults ---------------------------------------------------------

class TicksUntilDueSweep : public testing::TestWithParam<SweepCase> {};

/// Random faults (isolation, crashes, restarts, resignations, clock skew, latency, loss) for one
/// seed; after every tick, delivery, restart and request the touched node's due tick is honest,
/// and so are its input_can_wait() and its leader_beat(). Counts how often a node said its input
/// could wait, and how often one named its leader's beat.
struct SweepCounts {
  std::uint64_t waited = 0;
  std::uint64_t beats = 0;
};
SweepCounts sweep(const SweepCase& c, std::uint64_t seed) {
  const auto members = c.members;
  ElectorCluster cluster(
      members, seed,
      [&](NodeId id, HardState restored, Rng rng) {
        return c.core.make(id, members, restored, rng);
      },
      static_cast<std::uint32_t>(seed % 3), seed % 4 == 0 ? 0.05 : 0.0);
  std::string failure;
  SweepCounts counts;
  cluster.on_event = [&failure, &counts](ElectorCluster& cl, NodeId id) {
    if (failure.empty()) failure = quiet_until_due(cl.node(id));
    if (failure.empty()) failure = waits_harmlessly(cl.node(id), &counts.waited);
    if (failure.empty()) failure = beat_is_a_followers(cl.node(id), &counts.beats);
  };
  Rng rng(seed * 7919);
  const auto random_node = [&] { return static_cast<NodeId>(rng.uniform(1, members)); };
  for (int step = 0; step < 500 && failure.empty(); ++step) {
    switch (rng.uniform(0, 39)) {
      case 0:
        cluster.isolate(random_node());
        break;
      case 1:
      case 2:
        cluster.heal();
        break;
      case 3:
        cluster.crash(random_node());
        break;
      case 4:
      case 5:
        cluster.restart(random_node());
        break;
      case 6:
        cluster.request(random_node(), [](Elector& n) { n.resign(); });
        break;
      case 7:
        cluster.request(random_node(), [&](Elector& n) { n.transfer(random_node()); });
        break;
      default:
        break;
    }
    cluster.advance();
    for (std::size_t i = 1; i <= members; ++i) {
      // Clock skew: now and then a node misses a tick or gets two.
      const auto ticks = rng.chance(0.05) ? 0 : rng.chance(0.05) ? 2 : 1;
      for (int t = 0; t < ticks; ++t) cluster.tick(static_cast<NodeId>(i));
    }
    cluster.deliver_due();
  }
  EXPECT_EQ(failure, "") << c.core.name << " x" << members << ", seed " << seed;
  return counts;
}

TEST_P(TicksUntilDueSweep, NoTickBeforeTheDueOneActs) {
  SweepCounts total;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const SweepCounts counts = sweep(GetParam(), seed);
    total.waited += counts.waited;
    total.beats += counts.beats;
  }
  if (GetParam().core.leader_defers_input) {
    EXPECT_GT(total.waited, 0u) << "a steady leader should be able to leave its input unread";
  } else {
    EXPECT_EQ(total.waited, 0u);
  }
  if (GetParam().core.follower_reads_on_the_beat) {
    EXPECT_GT(total.beats, 0u) << "a steady follower should name its leader's beat";
  } else {
    EXPECT_EQ(total.beats, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(AllCores, TicksUntilDueSweep, testing::ValuesIn(sweep_cases()),
                         [](const testing::TestParamInfo<SweepCase>& info) {
                           return info.param.core.name + std::to_string(info.param.members);
                         });

// ---- a follower that heard its leader sleeps, and wakes on time ------------------------------

TEST(TicksUntilDue, BullyFollowerSleepsUntilItsLeaderTimer) {
  auto node = bully_test::make_follower(1, 3, 3, 1);
  EXPECT_EQ(node.ticks_until_due(), node.ticks_until_timeout());
  EXPECT_GE(node.ticks_until_due(), node.config().leader_timeout_ticks_min);
  EXPECT_TRUE(has_event(sleep_and_wake(node), CoreEventKind::ElectionTimeout))
      << "the due tick is the leader timeout";
}

TEST(TicksUntilDue, BullyLeaderWakesForItsNextAlive) {
  auto node = bully_test::make_leader(3, 3);
  EXPECT_EQ(node.ticks_until_due(), node.config().heartbeat_interval_ticks);
  const Output out = sleep_and_wake(node);
  EXPECT_EQ(bully_test::receivers_of<bully::Alive>(out).size(), 2u);
}

TEST(TicksUntilDue, RingFollowerSleepsUntilItsLeaderTimer) {
  auto node = test::make_ring_node(1, 3);
  node.step(Envelope{3, 1, ring::Alive{3, 1}});
  Output out;
  node.take_output(out);
  ASSERT_EQ(node.status().leader, 3u);
  EXPECT_GE(node.ticks_until_due(), node.config().leader_timeout_ticks_min);
  EXPECT_TRUE(has_event(sleep_and_wake(node), CoreEventKind::ElectionTimeout));
}

TEST(TicksUntilDue, RingHopWakesForItsAckTimeout) {
  // An Election forwarded to node 3, which never acks: the hop's deadline comes long before the
  // election timeout, and it is what wakes the node (to skip node 3).
  auto node = test::make_ring_node(2, 3);
  node.step(Envelope{1, 2, ring::Election{1, 1, 0, 1}});
  Output out;
  node.take_output(out);
  ASSERT_EQ(node.unacked(), 1u);
  EXPECT_EQ(node.ticks_until_due(), node.config().ack_timeout_ticks);
  sleep_and_wake(node);
  EXPECT_TRUE(node.presumed_dead(3));
}

TEST(TicksUntilDue, PaxosFollowerSleepsUntilItsLeaderTimeout) {
  auto node = paxos_test::make_node(1, 3);
  node.step(Envelope{3, 1, paxos::Accept{paxos::Ballot{1, 3}, 3}});
  Output out;
  node.take_output(out);
  ASSERT_EQ(node.status().leader, 3u);
  EXPECT_EQ(node.ticks_until_due(), node.ticks_until_timeout());
  EXPECT_GE(node.ticks_until_due(), node.config().leader_timeout_ticks_min);
  EXPECT_TRUE(has_event(sleep_and_wake(node), CoreEventKind::ElectionTimeout));
}

TEST(TicksUntilDue, PaxosIsolatedLeaderWakesWhenItsLeaseLapses) {
  // Renewals every 15 ticks, an 18-tick lease, and no LeaseAck ever comes back: the lease lapses
  // 3 ticks after the first renewal, and the leader must step down on exactly that tick, not at
  // the renewal after it.
  auto node =
      paxos_test::make_leader(3, 3, [](paxos::Config& c) { c.heartbeat_interval_ticks = 15; });
  ASSERT_EQ(node.role(), Role::Leader);
  const std::uint64_t lapse_tick = node.now_ticks() + node.status().lease_remaining_ticks;
  ASSERT_EQ(node.status().lease_remaining_ticks, 18u);
  std::uint64_t wakes = 0;
  while (node.role() == Role::Leader && wakes < 100) {
    sleep_and_wake(node);
    ++wakes;
  }
  EXPECT_NE(node.role(), Role::Leader);
  EXPECT_EQ(node.now_ticks(), lapse_tick);
  EXPECT_EQ(wakes, 2u) << "one renewal, then the lapse";
}

TEST(TicksUntilDue, ZabFollowerSleepsUntilItsLeaderTimeout) {
  auto node = zab_test::follower(1, 3, 1);
  ASSERT_EQ(node.status().leader, 3u);
  EXPECT_GE(node.ticks_until_due(), node.config().leader_timeout_ticks_min);
  EXPECT_TRUE(has_event(sleep_and_wake(node), CoreEventKind::ElectionTimeout));
}

TEST(TicksUntilDue, ZabIsolatedLeaderWakesWhenItsQuorumLapses) {
  // Pings every 15 ticks, PingAcks stale after 20: the leader of 3 whose one follower falls
  // silent loses its quorum 21 ticks after the last AckEpoch, between two Pings, and must step
  // down on exactly that tick.
  auto node = zab_test::make_node(3, 3, [](zab::Config& c) { c.heartbeat_interval_ticks = 15; });
  node.tick();
  node.step(Envelope{1, 3, zab_test::looking(node.current_vote())});  // a quorum for 3
  zab_test::tick_n(node, node.config().finalize_wait_ticks);
  node.step(Envelope{1, 3, zab::FollowerInfo{0}});
  node.step(Envelope{1, 3, zab::AckEpoch{1}});
  Output out;
  node.take_output(out);
  ASSERT_EQ(node.role(), Role::Leader);
  const std::uint64_t last_ack = node.now_ticks();
  std::uint64_t wakes = 0;
  while (node.role() == Role::Leader && wakes < 100) {
    sleep_and_wake(node);
    ++wakes;
  }
  EXPECT_NE(node.role(), Role::Leader);
  EXPECT_EQ(node.now_ticks(), last_ack + node.config().leader_timeout_ticks_min + 1);
  EXPECT_EQ(wakes, 2u) << "one Ping, then the lapse";
}

}  // namespace
}  // namespace baton::elector_test
