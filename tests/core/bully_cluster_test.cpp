// Bully in an in-memory cluster: who wins, what an election costs in messages (Garcia-Molina's
// best case n-2 and worst case O(n^2)), partitions, determinism.
#include <gtest/gtest.h>

#include <cstdio>

#include "support/bully_cluster.hpp"

namespace baton::bully_test {
namespace {

using bully::Answer;
using bully::Coordinator;
using bully::Election;

std::uint64_t epoch_of(BullyCluster& c, NodeId id) {
  return c.node(id).status().fence_token;
}

// The highest live id always ends up leading, with a larger epoch each time.
TEST(BullyCluster, HighestIdWins) {
  BullyCluster c(5, 3);
  ASSERT_EQ(c.run_until_stable(), 5u);
  const std::uint64_t first = epoch_of(c, 5);

  c.crash(5);
  ASSERT_EQ(c.run_until_stable(), 4u);
  const std::uint64_t second = epoch_of(c, 4);
  EXPECT_GT(second, first);

  c.crash(4);
  ASSERT_EQ(c.run_until_stable(), 3u);
  const std::uint64_t third = epoch_of(c, 3);
  EXPECT_GT(third, second);

  // The highest node comes back (with its durable epoch) and bullies its way to the top.
  c.restart(5);
  ASSERT_EQ(c.run_until_stable(), 5u);
  EXPECT_GT(epoch_of(c, 5), third);
  ASSERT_FALSE(c.leadership(3).empty());
  EXPECT_FALSE(c.leadership(3).back().gained);
}

/// Leader timeouts: node `fast` times out after exactly 20 ticks, everyone else much later.
ConfigTweak only_fast_times_out(NodeId fast) {
  return [fast](bully::Config& cfg) {
    const std::uint32_t timeout = cfg.id == fast ? 20 : 400;
    cfg.leader_timeout_ticks_min = timeout;
    cfg.leader_timeout_ticks_max = timeout;
  };
}

struct ElectionCost {
  std::size_t sent = 0;
  std::size_t delivered = 0;
  std::size_t election_sent = 0;  // Election + Answer + Coordinator
  std::size_t elections = 0, answers = 0, coordinators = 0;
  NodeId winner = kNoNode;
};

/// With leader n crashed, runs from the tick on which `first` starts an election until the
/// cluster agrees on a new leader and the network is quiet, and counts the messages of that span.
ElectionCost measure_election(std::size_t n, NodeId first) {
  BullyCluster c(n, 11, only_fast_times_out(first));
  EXPECT_EQ(c.run_until_stable(), static_cast<NodeId>(n));
  c.crash(static_cast<NodeId>(n));
  for (int t = 0; t < 1000 && c.node(first).role() == Role::Follower; ++t) {
    c.deliver_all();
    const std::size_t sent = c.messages_sent(), delivered = c.messages_delivered();
    const std::size_t election = c.election_messages_sent();
    const std::size_t el = c.sent_of_kind<Election>(), an = c.sent_of_kind<Answer>(),
                      co = c.sent_of_kind<Coordinator>();
    c.tick_all();
    if (c.node(first).role() == Role::Follower) continue;
    // `first` just started the election: count from here.
    const NodeId winner = c.run_until_stable();
    ElectionCost cost;
    cost.sent = c.messages_sent() - sent;
    cost.delivered = c.messages_delivered() - delivered;
    cost.election_sent = c.election_messages_sent() - election;
    cost.elections = c.sent_of_kind<Election>() - el;
    cost.answers = c.sent_of_kind<Answer>() - an;
    cost.coordinators = c.sent_of_kind<Coordinator>() - co;
    cost.winner = winner;
    return cost;
  }
  ADD_FAILURE() << "node " << first << " never started an election";
  return {};
}

// Garcia-Molina's best case: the node just below the dead leader notices first. It sends one
// Election (to the dead leader: sent, never delivered), hears no Answer, and announces itself to
// the n-2 nodes below it. Delivered: exactly n-2. Sent: exactly n-1 (the one lost Election too).
TEST(BullyCluster, BestCaseMessages) {
  for (std::size_t n : {5u, 9u, 17u}) {
    const ElectionCost cost = measure_election(n, static_cast<NodeId>(n - 1));
    EXPECT_EQ(cost.winner, n - 1) << "n=" << n;
    EXPECT_EQ(cost.delivered, n - 2) << "n=" << n;
    EXPECT_EQ(cost.sent, n - 1) << "n=" << n;
    EXPECT_EQ(cost.elections, 1u) << "n=" << n;
    EXPECT_EQ(cost.answers, 0u) << "n=" << n;
    EXPECT_EQ(cost.coordinators, n - 2) << "n=" << n;
    std::printf("bully best case n=%zu: sent %zu, delivered %zu\n", n, cost.sent, cost.delivered);
  }
}

// The worst case: the lowest node notices first. Every node i < n sends Election to all n-i
// higher nodes (n(n-1)/2 in all, the dead leader's share lost), every live node j in 2..n-1
// answers each of the j-1 lower nodes ((n-1)(n-2)/2 Answers), and node n-1 announces itself to
// the n-2 below it. Total n(n-1)/2 + (n-1)(n-2)/2 + (n-2) = n^2 - n - 1 election messages, so
// at least the n(n-1)/2 Elections alone: O(n^2).
TEST(BullyCluster, WorstCaseMessagesGrowQuadratically) {
  std::size_t at9 = 0, at17 = 0;
  for (std::size_t n : {3u, 5u, 9u, 17u, 33u}) {
    const ElectionCost cost = measure_election(n, 1);
    EXPECT_EQ(cost.winner, n - 1) << "n=" << n;
    EXPECT_GE(cost.election_sent, n * (n - 1) / 2) << "n=" << n;
    EXPECT_EQ(cost.elections, n * (n - 1) / 2) << "n=" << n;
    EXPECT_EQ(cost.answers, (n - 1) * (n - 2) / 2) << "n=" << n;
    EXPECT_EQ(cost.coordinators, n - 2) << "n=" << n;
    EXPECT_EQ(cost.election_sent, n * n - n - 1) << "n=" << n;
    std::printf(
        "bully worst case n=%zu: election messages %zu (Election %zu, Answer %zu, "
        "Coordinator %zu), delivered %zu\n",
        n, cost.election_sent, cost.elections, cost.answers, cost.coordinators, cost.delivered);
    if (n == 9) at9 = cost.election_sent;
    if (n == 17) at17 = cost.election_sent;
  }
  EXPECT_GT(static_cast<double>(at17) / static_cast<double>(at9), 3.0);
}

// Bully is not partition-safe: each side elects its own leader (two leaders at once, which the
// simulator's checker must flag and fencing must contain). After the heal the higher id wins.
TEST(BullyCluster, PartitionElectsTwoLeadersAndHealPicksTheHigher) {
  BullyCluster c(5, 5);
  ASSERT_EQ(c.run_until_stable(), 5u);
  c.partition({1, 2, 3}, {4, 5});
  c.run(200);
  EXPECT_EQ(c.leaders(), (std::vector<NodeId>{3, 5}));
  EXPECT_EQ(c.node(1).status().leader, 3u);
  EXPECT_EQ(c.node(2).status().leader, 3u);
  EXPECT_EQ(c.node(4).status().leader, 5u);
  const std::uint64_t minority_epoch = epoch_of(c, 3);

  c.heal();
  ASSERT_EQ(c.run_until_stable(), 5u);
  EXPECT_EQ(c.leaders(), (std::vector<NodeId>{5}));
  ASSERT_FALSE(c.leadership(3).empty());
  EXPECT_FALSE(c.leadership(3).back().gained);
  // The winner's fence token exceeds the deposed leader's, so fencing rejects the loser's writes.
  EXPECT_GT(epoch_of(c, 5), minority_epoch);
}

void churn(BullyCluster& c) {
  c.run(150);
  c.crash(5);
  c.run(150);
  c.partition({1, 2}, {3, 4});
  c.run(150);
  c.heal();
  c.restart(5);
  c.run(150);
}

// One seed, one history: the same seed gives the same messages and events, tick for tick.
TEST(BullyCluster, SameSeedSameOutputs) {
  BullyCluster a(5, 42), b(5, 42), other(5, 43);
  churn(a);
  churn(b);
  churn(other);
  EXPECT_FALSE(a.trace().empty());
  EXPECT_EQ(a.trace(), b.trace());
  EXPECT_NE(a.trace(), other.trace());
  for (NodeId id = 1; id <= 5; ++id) EXPECT_EQ(a.node(id).hard_state(), b.node(id).hard_state());
}

}  // namespace
}  // namespace baton::bully_test

namespace baton::bully_test {
namespace {

// Seeded nemesis: random crashes, restarts and cuts (safety is not Bully's to promise), then a
// healed liveness phase in which the highest live id must lead and every live node must agree.
TEST(BullyCluster, ConvergesToHighestLiveNodeAfterRandomFaults) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    constexpr std::size_t n = 6;
    BullyCluster c(n, seed);
    Rng nemesis(seed * 7919);
    for (int round = 0; round < 30; ++round) {
      const auto a = static_cast<NodeId>(nemesis.uniform(1, n));
      const auto b = static_cast<NodeId>(nemesis.uniform(1, n));
      switch (nemesis.uniform(0, 3)) {
        case 0:
          c.crash(a);
          break;
        case 1:
          c.restart(a);
          break;
        case 2:
          if (a != b) c.cut(a, b);
          break;
        default:
          c.heal();
          break;
      }
      c.run(nemesis.uniform(1, 60));
    }
    c.heal();
    c.restart(1);  // at least one live node
    NodeId highest = kNoNode;
    for (NodeId id = 1; id <= n; ++id) {
      if (!c.crashed(id)) highest = id;
    }
    EXPECT_EQ(c.run_until_stable(5'000), highest) << "seed " << seed;
    // Fence tokens of successive leaderships only grow, per node.
    for (NodeId id = 1; id <= n; ++id) {
      std::uint64_t last = 0;
      for (const auto& l : c.leadership(id)) {
        if (!l.gained) continue;
        EXPECT_GT(l.fence_token, last) << "seed " << seed << " node " << id;
        last = l.fence_token;
      }
    }
  }
}

}  // namespace
}  // namespace baton::bully_test
