// ticks_until_due(): the runtime sleeps until the tick it names and runs the skipped ticks when it
// wakes, so every tick before it must be a no-op (no output, no change of role, term, leader or
// vote). A due tick that is too late would delay a heartbeat, a step-down or an election by the
// whole sleep; these tests fail if any branch of tick_leader() or the election timer is missed.
#include <gtest/gtest.h>

#include <string>

#include "core/rng.hpp"
#include "support/elector_checks.hpp"
#include "support/raft_cluster.hpp"

namespace baton::test {
namespace {

TEST(RaftTicksUntilDue, FollowerSleepsUntilItsElectionTimer) {
  auto node = make_voter(1, 3);
  node.step(envelope(2, 1, raft::Heartbeat{1, 1}));
  drain(node);
  const auto& timer = node.election_timer();
  EXPECT_EQ(node.ticks_until_due(), timer.timeout_ticks() - timer.elapsed_ticks());
  EXPECT_GT(node.ticks_until_due(), 5u) << "a follower that just heard its leader can sleep";
  for (std::uint64_t k = node.ticks_until_due(); k > 1; --k) node.tick();
  EXPECT_FALSE(node.has_output());
  node.tick();
  EXPECT_TRUE(has_event(drain(node), CoreEventKind::ElectionTimeout)) << "and wakes on time";
}

TEST(RaftTicksUntilDue, LeaderWakesForItsNextHeartbeat) {
  RaftCluster cluster(3, 5);
  const NodeId leader = cluster.run_until_leader();
  ASSERT_NE(leader, kNoNode);
  auto& node = cluster.node(leader);
  const std::uint64_t due = node.ticks_until_due();
  EXPECT_GE(due, 1u);
  EXPECT_LE(due, node.config().heartbeat_interval_ticks);
  for (std::uint64_t k = due; k > 1; --k) node.tick();
  EXPECT_FALSE(node.has_output());
  node.tick();
  EXPECT_FALSE(messages_of<raft::Heartbeat>(drain(node)).empty());
}

TEST(RaftTicksUntilDue, CheckQuorumStepDownIsNotSleptThrough) {
  // Heartbeats far apart, so only check-quorum's own deadline can wake the leader in time.
  RaftCluster cluster(3, 9, [](raft::Config& c) { c.heartbeat_interval_ticks = 40; });
  const NodeId leader = cluster.run_until_leader();
  ASSERT_NE(leader, kNoNode);
  cluster.isolate(leader);
  auto& node = cluster.node(leader);
  for (int guard = 0; guard < 200 && node.status().role == Role::Leader; ++guard) {
    ASSERT_EQ(quiet_until_due(node), "");
    for (std::uint64_t k = node.ticks_until_due(); k > 0; --k) cluster.tick(leader);
  }
  EXPECT_NE(node.status().role, Role::Leader) << "check-quorum stepped the isolated leader down";
}

/// Random faults over many seeds; after every tick and delivery every node's due tick is honest,
/// and so are its input_can_wait() and leader_beat(). Returns how often a node said its input
/// could wait; counts in `beats` how often one named its leader's beat.
std::uint64_t sweep(std::uint64_t seed, const ConfigTweak& tweak, std::uint64_t* beats = nullptr) {
  RaftCluster cluster(5, seed, tweak);
  std::string failure;
  std::uint64_t waited = 0;
  cluster.on_event = [&failure, &waited, beats](RaftCluster& c) {
    if (!failure.empty()) return;
    for (std::size_t id = 1; id <= c.size(); ++id) {
      const auto& node = c.node(static_cast<NodeId>(id));
      failure = quiet_until_due(node);
      if (failure.empty()) failure = waits_harmlessly(node, &waited);
      if (failure.empty()) failure = beat_is_a_followers(node, beats);
      if (!failure.empty()) return;
    }
  };
  Rng rng(seed);
  for (int step = 0; step < 300 && failure.empty(); ++step) {
    const auto id = static_cast<NodeId>(rng.uniform(1, 5));
    switch (rng.uniform(0, 24)) {
      case 0:
        cluster.isolate(id);
        break;
      case 1:
      case 2:
        cluster.recover();
        break;
      case 3:
        cluster.restart(id);
        break;
      case 4:
        cluster.node(id).transfer(static_cast<NodeId>(rng.uniform(1, 5)));
        break;
      case 5:
        cluster.node(id).resign();
        break;
      case 6:
        cluster.node(id).set_standing(rng.uniform(0, 1) == 1);
        break;
      case 7:
        cluster.node(id).leader_connection_lost(cluster.node(id).status().leader);
        break;
      default:
        break;
    }
    cluster.tick_all();
    cluster.deliver_all();
  }
  EXPECT_EQ(failure, "") << "seed " << seed;
  return waited;
}

TEST(RaftTicksUntilDue, HonestUnderFaultsWithDefaults) {
  std::uint64_t beats = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) sweep(seed, {}, &beats);
  EXPECT_GT(beats, 1000u) << "a steady follower should name its leader's beat";
}

TEST(RaftTicksUntilDue, HonestWithPreferredLeaderAndNoLease) {
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    sweep(seed, [](raft::Config& c) {
      c.preferred_leader = 3;
      c.leader_lease = false;
      c.heartbeat_interval_ticks = 3;
      c.transfer_timeout_ticks = 7;
      c.resign_hold_ticks = 15;
    });
  }
}

// Heartbeats every 5 ticks against an 8-tick lease and a 10-tick check-quorum window: answers a
// heartbeat late would cost the lease, and an isolated leader's check-quorum verdict can fall
// before its next heartbeat. Both are what input_can_wait() must see coming.
TEST(RaftTicksUntilDue, InputWaitsOnlyWhenHarmlessWithSlowHeartbeats) {
  std::uint64_t waited = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    waited += sweep(seed, [](raft::Config& c) { c.heartbeat_interval_ticks = 5; });
  }
  EXPECT_GT(waited, 1000u) << "a steady leader should often be able to wait";
}

TEST(RaftTicksUntilDue, HonestWithoutPreVoteOrCheckQuorum) {
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    sweep(seed, [](raft::Config& c) {
      c.pre_vote = false;
      c.check_quorum = false;
      c.priorities = {3, 2, 1, 1, 0};
    });
  }
}

}  // namespace
}  // namespace baton::test
