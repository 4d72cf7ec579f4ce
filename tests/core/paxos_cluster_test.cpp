// Paxos leader election in an in-memory cluster: elections, failover, duelling proposers,
// partitions, lease safety under random faults, and what an election costs in messages.
#include <gtest/gtest.h>

#include <cstdio>

#include "core/paxos/ballot_codec.hpp"
#include "support/paxos_cluster.hpp"

namespace baton::paxos_test {
namespace {

using paxos::Accept;
using paxos::Accepted;
using paxos::LeaseAck;
using paxos::LeaseRenew;
using paxos::Prepare;
using paxos::Promise;

std::uint64_t token_of_leader(PaxosCluster& c, NodeId id) {
  return c.node(id).status().fence_token;
}

/// Runs `ticks` ticks and fails the test if two live nodes ever hold a valid lease at once.
void run_checking_leases(PaxosCluster& c, std::size_t ticks) {
  for (std::size_t t = 0; t < ticks; ++t) {
    c.tick_all();
    ASSERT_LE(c.valid_leases(), 1u) << "after ticks, t=" << t;
    c.deliver_all();
    ASSERT_LE(c.valid_leases(), 1u) << "after delivery, t=" << t;
  }
}

// A cold cluster elects exactly one leader, every node follows it, and it keeps its lease.
TEST(PaxosCluster, ElectsOneLeaderThatKeepsItsLease) {
  for (std::size_t n : {1u, 3u, 5u, 7u}) {
    PaxosCluster c(n, 5);
    const NodeId leader = c.run_until_stable();
    ASSERT_NE(leader, kNoNode) << "n=" << n;
    run_checking_leases(c, 300);
    EXPECT_EQ(c.agreed_leader(), leader);
    EXPECT_TRUE(c.node(leader).status().lease_valid);
    EXPECT_EQ(c.leadership(leader).size(), 1u) << "leadership held without interruption";
  }
}

// The leader crashes: after the acceptors' lease windows the others elect a new leader with a
// larger fence token; the old leader restarts and follows it instead of disrupting it.
TEST(PaxosCluster, LeaderCrashLeadsToNewLeaderWithLargerToken) {
  PaxosCluster c(5, 9);
  const NodeId first = c.run_until_stable();
  ASSERT_NE(first, kNoNode);
  const std::uint64_t first_token = token_of_leader(c, first);
  c.crash(first);
  const NodeId second = c.run_until_stable();
  ASSERT_NE(second, kNoNode);
  EXPECT_NE(second, first);
  EXPECT_GT(token_of_leader(c, second), first_token);

  c.restart(first);
  run_checking_leases(c, 500);
  EXPECT_EQ(c.agreed_leader(), second);
  EXPECT_EQ(c.leadership(second).size(), 1u);
}

/// Node timeouts: `fast` nodes time out after exactly 20 ticks, everyone else after 400. All
/// nodes keep the same lease window (20) so the rest do not refuse for 400 ticks.
ConfigTweak only_fast_time_out(std::vector<NodeId> fast) {
  return [fast](paxos::Config& cfg) {
    const bool is_fast = std::find(fast.begin(), fast.end(), cfg.id) != fast.end();
    const std::uint32_t timeout = is_fast ? 20 : 400;
    cfg.leader_timeout_ticks_min = timeout;
    cfg.leader_timeout_ticks_max = timeout;
    cfg.lease_ticks = 20;
  };
}

// Two nodes propose on the same tick: the higher ballot wins, the lower yields, and the cluster
// settles on one leader without a second round.
TEST(PaxosCluster, TwoSimultaneousProposersConvergeToOneLeader) {
  PaxosCluster c(5, 3, only_fast_time_out({1, 2}));
  const NodeId leader = c.run_until_stable();
  EXPECT_EQ(leader, 2u);
  EXPECT_EQ(c.sent_of_kind<Prepare>(), 8u) << "one Prepare round each, no retries";
  EXPECT_EQ(c.node(1).backoff().factor(), 1u);
  EXPECT_TRUE(c.leadership(1).empty());
}

// Many proposers at once still converge (jittered backoff), and never hold two leases.
TEST(PaxosCluster, ManySimultaneousProposersConverge) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    PaxosCluster c(7, seed, only_fast_time_out({1, 2, 3, 4, 5, 6, 7}));
    run_checking_leases(c, 200);
    EXPECT_NE(c.run_until_stable(), kNoNode) << "seed " << seed;
  }
}

// A partition leaves the leader in the minority: its lease lapses and it steps down (at no
// instant do two nodes hold a valid lease); the majority elects a new leader with a larger token;
// after healing everyone follows the new leader.
TEST(PaxosCluster, MinorityLeaderLosesItsLeaseAndStepsDown) {
  PaxosCluster c(5, 21);
  const NodeId old_leader = c.run_until_stable();
  ASSERT_NE(old_leader, kNoNode);
  const std::uint64_t old_token = token_of_leader(c, old_leader);
  const NodeId buddy = old_leader == 1 ? 2 : 1;
  std::vector<NodeId> minority{old_leader, buddy}, majority;
  for (NodeId id = 1; id <= 5; ++id) {
    if (id != old_leader && id != buddy) majority.push_back(id);
  }
  c.partition(minority, majority);
  run_checking_leases(c, 25);
  EXPECT_NE(c.node(old_leader).role(), Role::Leader) << "lease (18 ticks) lapsed";
  ASSERT_FALSE(c.leadership(old_leader).empty());
  EXPECT_FALSE(c.leadership(old_leader).back().gained);

  run_checking_leases(c, 300);
  NodeId new_leader = kNoNode;
  for (NodeId id : majority) {
    if (c.node(id).role() == Role::Leader) new_leader = id;
  }
  ASSERT_NE(new_leader, kNoNode);
  EXPECT_GT(token_of_leader(c, new_leader), old_token);
  for (NodeId id : minority) EXPECT_NE(c.node(id).role(), Role::Leader);

  c.heal();
  run_checking_leases(c, 500);
  EXPECT_EQ(c.agreed_leader(), new_leader);
}

// Seeded random crashes, restarts, cuts and heals: never two valid leases, fence tokens of
// successive leaderships only grow, and after healing a leader emerges.
TEST(PaxosCluster, RandomFaultsNeverBreakLeaseSafety) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    PaxosCluster c(5, seed);
    Rng faults(seed * 7919);
    FenceToken last_token = 0;
    for (int step = 0; step < 60; ++step) {
      const NodeId a = static_cast<NodeId>(faults.uniform(1, 5));
      const NodeId b = static_cast<NodeId>(faults.uniform(1, 5));
      switch (faults.uniform(0, 4)) {
        case 0:
          c.crash(a);
          break;
        case 1:
          c.restart(a);
          break;
        case 2:
          if (a != b) c.cut(a, b);
          break;
        case 3:
          c.heal();
          break;
        default:
          break;
      }
      run_checking_leases(c, faults.uniform(1, 40));
      for (NodeId id = 1; id <= 5; ++id) {
        for (const auto& change : c.leadership(id)) {
          if (change.gained) last_token = std::max(last_token, change.fence_token);
        }
      }
    }
    // Tokens are ballot-ordered, so every gain is unique per (round, node); check monotonicity
    // over all gains in order of their tokens being handed out.
    std::vector<FenceToken> gains;
    for (NodeId id = 1; id <= 5; ++id) {
      for (const auto& change : c.leadership(id)) {
        if (change.gained) gains.push_back(change.fence_token);
      }
    }
    std::sort(gains.begin(), gains.end());
    EXPECT_EQ(std::adjacent_find(gains.begin(), gains.end()), gains.end())
        << "a fence token was handed out twice, seed " << seed;
    for (NodeId id = 1; id <= 5; ++id) {
      if (c.crashed(id)) c.restart(id);
    }
    c.heal();
    EXPECT_NE(c.run_until_stable(), kNoNode) << "seed " << seed;
    EXPECT_GE(token_of_leader(c, c.agreed_leader()), last_token) << "seed " << seed;
  }
}

/// The messages of one election, by kind.
struct ElectionCost {
  std::size_t prepare = 0, promise = 0, accept = 0, accepted = 0, other = 0;
  std::uint64_t ticks = 0;  ///< from the proposal to a leader every live node follows
  NodeId winner = kNoNode;
};

/// Runs until `first` proposes (with the cluster's messages so far subtracted), then until the
/// cluster agrees on a leader, and counts the messages in between.
ElectionCost measure(PaxosCluster& c, NodeId first) {
  ElectionCost cost;
  for (int t = 0; t < 2000 && c.node(first).role() == Role::Follower; ++t) {
    c.deliver_all();
    const std::size_t prepare = c.sent_of_kind<Prepare>(), promise = c.sent_of_kind<Promise>(),
                      accept = c.sent_of_kind<Accept>(), accepted = c.sent_of_kind<Accepted>(),
                      total = c.messages_sent();
    c.tick_all();
    if (c.node(first).role() == Role::Follower) continue;
    std::uint64_t ticks = 0;
    while (c.agreed_leader() == kNoNode && ticks < 2000) {
      c.deliver_all();
      if (c.agreed_leader() != kNoNode) break;
      c.tick_all();
      ++ticks;
    }
    cost.prepare = c.sent_of_kind<Prepare>() - prepare;
    cost.promise = c.sent_of_kind<Promise>() - promise;
    cost.accept = c.sent_of_kind<Accept>() - accept;
    cost.accepted = c.sent_of_kind<Accepted>() - accepted;
    cost.other =
        c.messages_sent() - total - cost.prepare - cost.promise - cost.accept - cost.accepted;
    cost.ticks = ticks;
    cost.winner = c.agreed_leader();
    return cost;
  }
  return cost;
}

// With one proposer, phase 1 costs exactly 2(n-1) messages (n-1 Prepare, n-1 Promise; the
// proposer's own promise is local) and phase 2 another 2(n-1); nothing else is sent.
TEST(PaxosCluster, ColdStartElectionCostsTwoPhasesOfTwoNMinusOneMessages) {
  for (std::size_t n : {3u, 5u, 9u, 17u, 33u}) {
    PaxosCluster c(n, 11, only_fast_time_out({1}));
    const ElectionCost cost = measure(c, 1);
    ASSERT_EQ(cost.winner, 1u) << "n=" << n;
    EXPECT_EQ(cost.prepare, n - 1) << "n=" << n;
    EXPECT_EQ(cost.promise, n - 1) << "n=" << n;
    EXPECT_EQ(cost.prepare + cost.promise, 2 * (n - 1)) << "phase 1, n=" << n;
    EXPECT_EQ(cost.accept + cost.accepted, 2 * (n - 1)) << "phase 2, n=" << n;
    EXPECT_EQ(cost.other, 0u) << "n=" << n;
    EXPECT_EQ(cost.ticks, 0u) << "decided within the proposal's tick, n=" << n;
    std::printf("paxos cold start n=%zu: prepare %zu promise %zu accept %zu accepted %zu\n", n,
                cost.prepare, cost.promise, cost.accept, cost.accepted);
  }
}

// Failover: after the leader crashes, the fast node's election sends n-1 Prepares and n-1 Accepts
// (one each to the dead node, lost) and gets n-2 answers to each.
TEST(PaxosCluster, FailoverElectionCost) {
  for (std::size_t n : {3u, 5u, 9u, 17u, 33u}) {
    PaxosCluster c(n, 13, only_fast_time_out({1, 2}));
    ASSERT_EQ(c.run_until_stable(), 2u) << "n=" << n;
    c.crash(2);
    const ElectionCost cost = measure(c, 1);
    ASSERT_EQ(cost.winner, 1u) << "n=" << n;
    EXPECT_EQ(cost.prepare, n - 1);
    EXPECT_EQ(cost.promise, n - 2);
    EXPECT_EQ(cost.accept, n - 1);
    EXPECT_EQ(cost.accepted, n - 2);
    EXPECT_EQ(cost.other, 0u);
    std::printf(
        "paxos failover n=%zu: sent %zu (prepare %zu promise %zu accept %zu accepted %zu)\n", n,
        cost.prepare + cost.promise + cost.accept + cost.accepted, cost.prepare, cost.promise,
        cost.accept, cost.accepted);
  }
}

// Keeping the leader costs 2(n-1) messages per renewal round (LeaseRenew + LeaseAck).
TEST(PaxosCluster, LeaseRenewalCostsTwoNMinusOnePerRound) {
  for (std::size_t n : {3u, 5u, 9u}) {
    PaxosCluster c(n, 17);
    ASSERT_NE(c.run_until_stable(), kNoNode);
    const std::size_t renew = c.sent_of_kind<LeaseRenew>(), ack = c.sent_of_kind<LeaseAck>(),
                      total = c.messages_sent();
    c.run(c.node(1).config().heartbeat_interval_ticks * 10);
    EXPECT_EQ(c.sent_of_kind<LeaseRenew>() - renew, 10 * (n - 1));
    EXPECT_EQ(c.sent_of_kind<LeaseAck>() - ack, 10 * (n - 1));
    EXPECT_EQ(c.messages_sent() - total, 20 * (n - 1));
  }
}

// The same seed gives the same run, message for message.
TEST(PaxosCluster, DeterministicForASeed) {
  auto run = [](std::uint64_t seed) {
    PaxosCluster c(5, seed);
    c.run_until_stable();
    c.crash(c.agreed_leader());
    c.run(400);
    return c.trace();
  };
  EXPECT_EQ(run(4), run(4));
  EXPECT_NE(run(4), run(5));
}

}  // namespace
}  // namespace baton::paxos_test
