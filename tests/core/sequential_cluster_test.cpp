// The ephemeral-sequential election as a whole: N SequentialElectors and the simulated store on
// the shared store harness (tests/core/support/store_cluster.hpp): election, failover after the
// store expires a crashed leader's session, leadership in creation order, lease safety under clock
// drift, and the message cost of an election and of a failover for growing N (the "no herd"
// claim: a failover costs O(1) messages, not O(N)).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <memory>
#include <vector>

#include "core/sequential/sequential_elector.hpp"
#include "support/store_cluster.hpp"

namespace baton::sequential_test {
namespace {

using sequential::SequentialElector;
using store_test::StoreCluster;

using Tweak = std::function<void(sequential::Config&)>;

/// Default settings (TTL 300 ms, keep-alive every 100 ticks, re-arm every 300) at 1 ms ticks.
store_test::NodeFactory factory(Tweak tweak = {}) {
  return [tweak](NodeId id, NodeId store, HardState restored, std::uint64_t incarnation) {
    sequential::Config c;
    c.id = id;
    c.store = store;
    if (tweak) tweak(c);
    return std::make_unique<SequentialElector>(c, restored, Rng(id * 7919 + incarnation));
  };
}

SequentialElector& seq(StoreCluster& cluster, NodeId id) {
  return dynamic_cast<SequentialElector&>(cluster.node(id));
}

constexpr std::uint64_t kMs = 1000;  // the harness counts microseconds

/// Runs until exactly one live node leads; returns it (kNoNode after `max_ms`).
NodeId run_until_one_leader(StoreCluster& cluster, std::uint64_t max_ms = 2000) {
  cluster.run_until([&] { return cluster.leaders().size() == 1; }, max_ms * kMs);
  const auto all = cluster.leaders();
  return all.size() == 1 ? all[0] : kNoNode;
}

/// Live nodes by their entry's sequence, lowest first (the queue as the store orders it).
std::vector<NodeId> queue_order(StoreCluster& cluster) {
  std::vector<NodeId> ids;
  for (NodeId id = 1; id <= cluster.size(); ++id) {
    if (!cluster.crashed(id) && seq(cluster, id).own_entry().create_revision != 0) {
      ids.push_back(id);
    }
  }
  std::sort(ids.begin(), ids.end(), [&](NodeId a, NodeId b) {
    return seq(cluster, a).own_entry().create_revision <
           seq(cluster, b).own_entry().create_revision;
  });
  return ids;
}

/// Messages sent, by kind, between two snapshots.
struct Counts {
  std::size_t total = 0;
  std::size_t watch = 0;
  std::size_t watch_event = 0;
  std::size_t predecessor = 0;
  std::size_t predecessor_result = 0;
  std::size_t keepalive = 0;  ///< LeaseKeepAlive and its results: background, not election
  static Counts of(const StoreCluster& c) {
    return Counts{
        c.messages_sent(),
        c.sent_of_kind<store::Watch>(),
        c.sent_of_kind<store::WatchEvent>(),
        c.sent_of_kind<store::Predecessor>(),
        c.sent_of_kind<store::PredecessorResult>(),
        c.sent_of_kind<store::LeaseKeepAlive>() + c.sent_of_kind<store::LeaseKeepAliveResult>()};
  }
  Counts operator-(const Counts& o) const {
    return Counts{total - o.total,
                  watch - o.watch,
                  watch_event - o.watch_event,
                  predecessor - o.predecessor,
                  predecessor_result - o.predecessor_result,
                  keepalive - o.keepalive};
  }
  /// What the failover itself caused: everything but the keep-alive background.
  std::size_t election() const { return total - keepalive; }
};

// A cold cluster elects exactly one leader, the owner of the lowest entry, and every node names
// it; each waiter watches the entry just below its own.
TEST(SequentialCluster, Elected) {
  StoreCluster cluster(5, factory());
  const NodeId leader = run_until_one_leader(cluster);
  ASSERT_NE(leader, kNoNode);
  cluster.run_for(20 * kMs);
  EXPECT_EQ(cluster.agreed_leader(), leader);
  const auto order = queue_order(cluster);
  ASSERT_EQ(order.size(), 5u);
  EXPECT_EQ(order[0], leader);
  for (std::size_t i = 1; i < order.size(); ++i) {
    EXPECT_EQ(seq(cluster, order[i]).watched_entry(), seq(cluster, order[i - 1]).own_entry());
  }
  const Status s = cluster.node(leader).status();
  EXPECT_TRUE(s.lease_valid);
  EXPECT_EQ(s.fence_token, seq(cluster, leader).own_entry().create_revision);
  EXPECT_EQ(cluster.overlap_us(), 0u);
}

// A crashed leader's entry lives until the store expires its session (TTL after its last
// keep-alive); then exactly the next in line leads, never before the old lease is surely over.
TEST(SequentialCluster, NextInLineLeadsAfterTheCrashedLeadersSessionExpires) {
  StoreCluster cluster(5, factory());
  const NodeId first = run_until_one_leader(cluster);
  ASSERT_NE(first, kNoNode);
  cluster.run_for(150 * kMs);  // mid-way between keep-alives
  const NodeId next = queue_order(cluster)[1];
  const std::uint64_t crash_us = cluster.now_us();
  cluster.crash(first);
  // Still the old entry: nobody leads until the store deletes it.
  cluster.run_for(100 * kMs);
  EXPECT_TRUE(cluster.leaders().empty());
  const NodeId second = run_until_one_leader(cluster, 1000);
  ASSERT_EQ(second, next);
  const std::uint64_t failover_ms = (cluster.now_us() - crash_us) / kMs;
  std::cout << "[ measure  ] failover after a crash " << failover_ms
            << " ms (TTL 300 ms, keep-alive every 100 ms)\n";
  EXPECT_GE(failover_ms, 200u);  // at least TTL - renew interval
  EXPECT_LE(failover_ms, 310u);  // at most TTL + a few message delays
  EXPECT_EQ(cluster.overlap_us(), 0u);
}

// Leadership passes along the queue in creation order: crash each leader in turn and the owners
// of successive entries lead one after another, with growing fence tokens.
TEST(SequentialCluster, LeadershipFollowsCreationOrder) {
  StoreCluster cluster(5, factory());
  ASSERT_NE(run_until_one_leader(cluster), kNoNode);
  cluster.run_for(10 * kMs);
  const auto order = queue_order(cluster);
  std::vector<NodeId> leaders;
  FenceToken last_token = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const NodeId leader = run_until_one_leader(cluster, 1000);
    ASSERT_NE(leader, kNoNode) << "round " << i;
    leaders.push_back(leader);
    const FenceToken token = cluster.node(leader).status().fence_token;
    EXPECT_GT(token, last_token);
    last_token = token;
    cluster.crash(leader);
  }
  EXPECT_EQ(leaders, order);
  EXPECT_EQ(cluster.overlap_us(), 0u);
}

// Lease safety under clock drift within the bound: the leader's clock 2% slow, the store's 2%
// fast, and the leader cut off from the store so nothing renews. The leader steps down before
// the store deletes its entry, so no two leaders ever hold a valid lease at once. With the drift
// term dropped (the unsafe switch), the same run overlaps: the rule is what keeps it safe.
TEST(SequentialCluster, LeaseSafeUnderDriftWithinBoundUnsafeWithout) {
  const auto overlap = [](bool ignore_drift) {
    StoreCluster cluster(3, factory([&](sequential::Config& c) {
                           c.max_clock_drift = 0.02;
                           c.unsafe_ignore_drift = ignore_drift;
                         }));
    const NodeId leader = run_until_one_leader(cluster);
    EXPECT_NE(leader, kNoNode);
    cluster.set_period(leader, 1000.0 / (1 - 0.02));
    cluster.set_period(cluster.store_id(), 1000.0 / (1 + 0.02));
    cluster.run_for(50 * kMs);
    cluster.cut(leader, cluster.store_id());
    cluster.run_for(600 * kMs);
    EXPECT_EQ(cluster.leaders().size(), 1u);
    EXPECT_NE(cluster.leaders().front(), leader);
    return cluster.overlap_us();
  };
  EXPECT_EQ(overlap(false), 0u);
  const std::uint64_t unsafe_us = overlap(true);
  std::cout << "[ measure  ] two valid leases for " << unsafe_us
            << " us with the drift term ignored (2% each way)\n";
  EXPECT_GT(unsafe_us, 0u);
}

// A crashed node that comes back gets a new session and a new entry: it queues at the back, and
// its hard state (largest token seen) keeps Status::term from going back meanwhile.
TEST(SequentialCluster, RestartedNodeRejoinsAtTheBack) {
  StoreCluster cluster(4, factory());
  ASSERT_NE(run_until_one_leader(cluster), kNoNode);
  cluster.run_for(10 * kMs);
  const auto order = queue_order(cluster);
  const NodeId waiter = order[1];
  const Term term_before = cluster.node(waiter).status().term;
  cluster.crash(waiter);
  cluster.run_for(400 * kMs);  // its old entry expires; its successor now watches order[0]
  cluster.restart(waiter);
  EXPECT_EQ(cluster.node(waiter).status().term, term_before);
  cluster.run_for(20 * kMs);
  const auto after = queue_order(cluster);
  ASSERT_EQ(after.size(), 4u);
  EXPECT_EQ(after.back(), waiter);
  EXPECT_EQ(seq(cluster, waiter).watched_entry(), seq(cluster, order.back()).own_entry());
  EXPECT_EQ(cluster.leaders(), std::vector<NodeId>{order[0]});
}

// The store is down longer than a session's local validity: the leader steps down when its
// validity ends (it cannot prove its entry alive), everyone queues again with a new session, and
// once the store is back (every old lease gets a full TTL, as etcd's lessor does on promotion)
// the old entries expire and exactly one leader emerges. No overlap at any time.
TEST(SequentialCluster, StoreOutageStepsTheLeaderDownThenOneLeaderReturns) {
  StoreCluster cluster(5, factory());
  const NodeId first = run_until_one_leader(cluster);
  ASSERT_NE(first, kNoNode);
  cluster.run_for(50 * kMs);
  cluster.begin_store_outage();
  cluster.run_for(320 * kMs);
  EXPECT_TRUE(cluster.leaders().empty()) << "validity is under one TTL";
  const std::uint64_t back_us = cluster.now_us();
  cluster.end_store_outage();
  const NodeId second = run_until_one_leader(cluster, 2000);
  ASSERT_NE(second, kNoNode);
  std::cout << "[ measure  ] leader again " << (cluster.now_us() - back_us) / kMs
            << " ms after a 320 ms store outage ended (TTL 300 ms)\n";
  cluster.run_for(500 * kMs);
  EXPECT_EQ(cluster.leaders().size(), 1u);
  EXPECT_EQ(cluster.overlap_us(), 0u);
}

// Message cost, for N = 3, 5, 9, 17: a cold election costs about 5 per node (grant, Create and
// their answers, one Watch per waiter); a failover costs a constant few, whatever N: one
// WatchEvent, one Predecessor round trip, and the new leader arms no watch. A herd (every waiter
// watching the leader) would cost N - 1 WatchEvents and N - 1 round trips.
TEST(SequentialCluster, MessagesPerElectionAndPerFailover) {
  constexpr std::uint64_t kSeeds = 10;
  std::cout << "[ measure  ] N  election  per-node  failover(all, mean)  failover(election)  "
               "watch_events  predecessor  watch  failover_ms(mean of "
            << kSeeds << " seeds)\n";
  for (const std::size_t n : {3u, 5u, 9u, 17u}) {
    double failover_total = 0;
    double failover_ms = 0;
    Counts election;
    Counts failover;
    for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
      // The periodic re-arm is pushed out, so the failover counts show only what the crash caused.
      StoreCluster cluster(n, factory([](sequential::Config& c) { c.recheck_ticks = 100'000; }),
                           seed);
      ASSERT_NE(run_until_one_leader(cluster), kNoNode);
      cluster.run_for(20 * kMs);  // let the last waiters arm their watches
      election = Counts::of(cluster);
      // Cold: n grants, n Creates, their 2n answers, n - 1 Watches (keep-alives of the 20 ms
      // apart).
      EXPECT_EQ(election.election(), 4 * n + (n - 1)) << "n=" << n << " seed " << seed;

      // Crash at a different point of the renew cycle each seed.
      cluster.run_for(seed * 9 * kMs);
      const NodeId leader = cluster.leaders().front();
      const Counts before = Counts::of(cluster);
      const std::uint64_t crash_us = cluster.now_us();
      cluster.crash(leader);
      ASSERT_NE(run_until_one_leader(cluster, 1000), kNoNode);
      failover_ms += static_cast<double>(cluster.now_us() - crash_us) / kMs;
      cluster.run_for(5 * kMs);  // answers still in flight
      failover = Counts::of(cluster) - before;
      failover_total += static_cast<double>(failover.total);
      // No herd: exactly one waiter woken, one re-check, no new watch (the woken one leads).
      EXPECT_EQ(failover.watch_event, 1u) << "n=" << n << " seed " << seed;
      EXPECT_EQ(failover.predecessor, 1u) << "n=" << n << " seed " << seed;
      EXPECT_EQ(failover.predecessor_result, 1u) << "n=" << n << " seed " << seed;
      EXPECT_EQ(failover.watch, 0u) << "n=" << n << " seed " << seed;
      EXPECT_EQ(failover.election(), 3u) << "n=" << n << " seed " << seed;
      EXPECT_EQ(cluster.overlap_us(), 0u);
    }
    std::cout << "[ measure  ] " << n << "  " << election.election() << "  "
              << static_cast<double>(election.election()) / static_cast<double>(n) << "  "
              << failover_total / kSeeds << "  " << failover.election() << "  "
              << failover.watch_event << "  " << failover.predecessor << "  " << failover.watch
              << "  " << failover_ms / kSeeds << "\n";
  }
}

}  // namespace
}  // namespace baton::sequential_test
