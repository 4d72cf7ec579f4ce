// Lease safety (thesis 6.4.1) on the in-memory network: all clocks tick in lock-step here, so at
// no event may two nodes both believe they hold a valid lease.
#include <gtest/gtest.h>

#include "support/raft_cluster.hpp"

namespace baton::test {
namespace {

/// Runs a seeded cut/heal/restart nemesis and returns how many events saw two valid leases.
std::size_t overlapping_lease_events(std::uint64_t seed, const ConfigTweak& tweak) {
  RaftCluster cluster(5, seed, tweak);
  std::size_t overlaps = 0;
  cluster.on_event = [&](RaftCluster& c) {
    int holders = 0;
    for (NodeId id = 1; id <= c.size(); ++id) holders += c.node(id).status().lease_valid ? 1 : 0;
    if (holders > 1) ++overlaps;
  };
  Rng nemesis(seed);
  for (int phase = 0; phase < 20; ++phase) {
    cluster.recover();
    if (nemesis.chance(0.5)) {
      const NodeId leader = cluster.leader();
      if (leader != kNoNode) cluster.isolate(leader);
    } else {
      cluster.cut(static_cast<NodeId>(nemesis.uniform(1, 5)),
                  static_cast<NodeId>(nemesis.uniform(1, 5)));
    }
    if (nemesis.chance(0.2)) cluster.restart(static_cast<NodeId>(nemesis.uniform(1, 5)));
    cluster.run(nemesis.uniform(5, 40));
  }
  return overlaps;
}

TEST(RaftCluster, LeaseSafeUnderPartitions) {
  for (bool check_quorum : {true, false}) {
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
      EXPECT_EQ(
          overlapping_lease_events(seed, [&](raft::Config& c) { c.check_quorum = check_quorum; }),
          0u)
          << "seed " << seed << " check_quorum " << check_quorum;
    }
  }
}

// The test-only switch that ignores drift and the tick margin really is unsafe, so the check above
// has teeth.
TEST(RaftCluster, UnsafeLeaseOverlaps) {
  std::size_t overlaps = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    overlaps += overlapping_lease_events(seed, [](raft::Config& c) {
      c.check_quorum = false;
      c.unsafe.ignore_drift_in_lease = true;
    });
  }
  EXPECT_GT(overlaps, 0u);
}

// With check-quorum off a cut-off leader stays leader; once healed, its heartbeats are answered
// with the newer term (stale-heartbeat rule) and it steps down.
TEST(RaftRules, StaleLeaderLearnsNewerTermFromHeartbeatResponse) {
  RaftCluster cluster(3, 2, [](raft::Config& c) { c.check_quorum = false; });
  const NodeId old_leader = cluster.run_until_leader();
  ASSERT_NE(old_leader, kNoNode);
  cluster.isolate(old_leader);
  cluster.run(60);
  ASSERT_EQ(cluster.node(old_leader).role(), Role::Leader);
  const NodeId new_leader = cluster.leader();
  ASSERT_NE(new_leader, old_leader);
  cluster.recover();
  cluster.cut(old_leader, new_leader);  // only the third node can tell the old leader
  cluster.run(3);
  EXPECT_EQ(cluster.node(old_leader).role(), Role::Follower);
  EXPECT_EQ(cluster.node(old_leader).status().term, cluster.node(new_leader).status().term);
}

}  // namespace
}  // namespace baton::test
