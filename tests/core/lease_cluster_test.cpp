// The lease recipe in the in-memory store cluster (support/store_cluster.hpp): election, failover
// after the store expires the key, stepping down before anyone can take over, the lease-safety
// demonstration under excess drift, store outages, message counts, determinism.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>

#include "core/lease/lease_elector.hpp"
#include "support/store_cluster.hpp"

namespace baton::store_test {
namespace {

using Tweak = std::function<void(lease::Config&)>;

NodeFactory lease_factory(std::uint64_t seed, Tweak tweak = {}) {
  return [seed, tweak](NodeId id, NodeId store, HardState restored, std::uint64_t life) {
    lease::Config c;
    c.id = id;
    c.store = store;
    if (tweak) tweak(c);
    return std::make_unique<lease::LeaseElector>(c, restored, Rng(seed).fork(id * 131 + life));
  };
}

constexpr std::uint64_t kMs = 1000;  // us

/// Period of a clock whose rate is off by `drift` (negative: slow).
double period_us(double drift) {
  return static_cast<double>(StoreCluster::kNominalPeriodUs) / (1.0 + drift);
}

/// Runs until one leader is agreed on by every live node; returns it (kNoNode on give-up).
NodeId elect(StoreCluster& c, std::uint64_t max_us = 2000 * kMs) {
  c.run_until([&] { return c.agreed_leader() != kNoNode; }, max_us);
  return c.agreed_leader();
}

/// Runs until exactly one live node other than `old` leads; returns it (kNoNode on give-up).
NodeId new_leader(StoreCluster& c, NodeId old, std::uint64_t max_us) {
  auto done = [&] { return c.leaders().size() == 1 && c.leaders()[0] != old; };
  return c.run_until(done, max_us) ? c.leaders()[0] : kNoNode;
}

/// The true time of the first leadership gained at or after `from_us` (0: none).
std::uint64_t first_gain_after(const StoreCluster& c, std::uint64_t from_us,
                               NodeId* who = nullptr) {
  for (const auto& e : c.leadership()) {
    if (e.at_us >= from_us && e.change.gained) {
      if (who != nullptr) *who = e.node;
      return e.at_us;
    }
  }
  return 0;
}

TEST(LeaseCluster, ALeaderIsElected) {
  StoreCluster c(5, lease_factory(1), 1);
  const NodeId leader = elect(c);
  ASSERT_NE(leader, kNoNode);
  EXPECT_EQ(c.leaders().size(), 1u);
  EXPECT_EQ(c.node(leader).status().fence_token, c.store().holder(1).create_revision);
  EXPECT_LT(c.now_us(), 20 * kMs) << "a grant and a Put round trip, plus jitter";
  c.run_for(3000 * kMs);
  EXPECT_EQ(c.agreed_leader(), leader) << "the holder keeps renewing";
  EXPECT_EQ(c.overlap_us(), 0u);
}

TEST(LeaseCluster, CrashedLeaderReplacedOnlyAfterStoreExpiresKey) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    StoreCluster c(5, lease_factory(seed), seed);
    const NodeId old = elect(c);
    ASSERT_NE(old, kNoNode);
    c.run_for((500 + 37 * seed) * kMs);  // crash at varying points of the renew cycle
    const std::uint64_t crashed_at = c.now_us();
    c.crash(old);
    ASSERT_TRUE(c.run_until([&] { return c.store().holder(1).create_revision == 0; }, 400 * kMs));
    const std::uint64_t expired_at = c.now_us();
    EXPECT_EQ(first_gain_after(c, crashed_at), 0u) << "nobody before the key expired";
    const NodeId next = elect(c);
    ASSERT_NE(next, kNoNode);
    ASSERT_NE(next, old);
    const std::uint64_t gained_at = first_gain_after(c, crashed_at);
    EXPECT_GE(gained_at, expired_at);
    EXPECT_LE(gained_at - expired_at, 15 * kMs) << "watch + jitter + Put round trip";
    EXPECT_LE(gained_at - crashed_at, 315 * kMs) << "at most one TTL after the last renewal";
    EXPECT_GT(c.node(next).status().fence_token, c.node(old).status().term);
    EXPECT_EQ(c.overlap_us(), 0u);
  }
}

TEST(LeaseCluster, UnreachableHolderStepsDownBeforeAnyoneTakesOver) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    StoreCluster c(3, lease_factory(seed), seed);
    // Clocks off by the full drift bound the wrong way: the holder-to-be slow, the store fast.
    for (NodeId id = 1; id <= 3; ++id) c.set_period(id, period_us(-0.01));
    c.set_period(c.store_id(), period_us(+0.01));
    const NodeId old = elect(c);
    ASSERT_NE(old, kNoNode);
    c.run_for(200 * kMs + seed * 13 * kMs);
    const std::uint64_t cut_at = c.now_us();
    c.cut(old, c.store_id());
    const NodeId next = new_leader(c, old, 1000 * kMs);
    ASSERT_NE(next, kNoNode);
    std::uint64_t stepped_down_at = 0;
    for (const auto& e : c.leadership()) {
      if (e.node == old && !e.change.gained && e.at_us >= cut_at) stepped_down_at = e.at_us;
    }
    ASSERT_NE(stepped_down_at, 0u);
    EXPECT_LT(stepped_down_at, first_gain_after(c, cut_at));
    EXPECT_EQ(c.overlap_us(), 0u) << "seed " << seed;
    EXPECT_EQ(c.max_valid_at_once(), 1u);
  }
}

/// The demonstration of DESIGN.md's lease-safety invariant failing when the drift bound is wrong:
/// the holder's clock runs 10% slow, the store cannot be reached by it, and the others take over
/// as soon as the store deletes the key. Returns the overlap in us.
std::uint64_t overlap_with_slow_holder(Tweak tweak) {
  StoreCluster c(3,
                 lease_factory(3,
                               [&](lease::Config& cfg) {
                                 cfg.acquire_jitter_ticks_max = 2;
                                 tweak(cfg);
                               }),
                 3);
  const NodeId old = elect(c);
  EXPECT_NE(old, kNoNode);
  c.set_period(old, period_us(-0.10));
  c.run_for(150 * kMs);
  c.cut(old, c.store_id());
  c.run_for(1000 * kMs);
  return c.overlap_us();
}

TEST(LeaseCluster, DemonstrationExcessDriftWithIgnoredDriftOverlaps) {
  const std::uint64_t overlap =
      overlap_with_slow_holder([](lease::Config& cfg) { cfg.unsafe_ignore_drift = true; });
  std::printf("[ demo ] holder 10%% slow, unsafe_ignore_drift: two valid leases for %.1f ms\n",
              static_cast<double>(overlap) / kMs);
  EXPECT_GT(overlap, 0u) << "the checker must see two valid leases at once";
}

TEST(LeaseCluster, DemonstrationTooSmallDriftBoundOverlaps) {
  const std::uint64_t overlap =
      overlap_with_slow_holder([](lease::Config& cfg) { cfg.max_clock_drift = 0.01; });
  std::printf("[ demo ] holder 10%% slow, max_clock_drift 1%%: two valid leases for %.1f ms\n",
              static_cast<double>(overlap) / kMs);
  EXPECT_GT(overlap, 0u);
}

TEST(LeaseCluster, CorrectDriftBoundPreventsTheSameOverlap) {
  EXPECT_EQ(overlap_with_slow_holder([](lease::Config& cfg) { cfg.max_clock_drift = 0.10; }), 0u);
}

TEST(LeaseCluster, HolderKeepsKeyAcrossStoreOutage) {
  StoreCluster c(3, lease_factory(5), 5);
  const NodeId leader = elect(c);
  ASSERT_NE(leader, kNoNode);
  const FenceToken token = c.node(leader).status().fence_token;
  c.run_for(100 * kMs);
  c.begin_store_outage();
  c.run_for(1000 * kMs);
  EXPECT_TRUE(c.leaders().empty()) << "nobody can prove a lease while the store is down";
  c.end_store_outage();
  ASSERT_EQ(elect(c, 500 * kMs), leader) << "every lease got its full TTL back";
  EXPECT_EQ(c.node(leader).status().fence_token, token) << "the same acquisition";
  EXPECT_EQ(c.overlap_us(), 0u);
}

TEST(LeaseCluster, ResignHandsOverInOneRoundTrip) {
  StoreCluster c(3, lease_factory(9), 9);
  const NodeId old = elect(c);
  ASSERT_NE(old, kNoNode);
  c.run_for(50 * kMs);
  const std::uint64_t at = c.now_us();
  ASSERT_EQ(c.node(old).resign(), RequestResult::Ok);
  const NodeId next = new_leader(c, old, 100 * kMs);
  ASSERT_NE(next, kNoNode);
  EXPECT_LE(c.now_us() - at, 20 * kMs);
  EXPECT_EQ(c.overlap_us(), 0u);
}

TEST(LeaseCluster, RestartedNodeNeverReportsSmallerTerm) {
  StoreCluster c(3, lease_factory(4), 4);
  const NodeId old = elect(c);
  const Term term = c.node(old).status().term;
  c.crash(old);
  c.restart(old);
  EXPECT_GE(c.node(old).status().term, term);
  elect(c);
  EXPECT_GE(c.node(old).status().term, term);
}

struct Cost {
  std::size_t total = 0;     ///< every message from the crash to agreement (keepalives, re-reads)
  std::size_t election = 0;  ///< from the store deleting the key to agreement
  double failover_ms = 0;
};

/// Crashes the leader and counts messages (requests and answers) until every live node agrees on
/// the next one.
Cost measure_failover(std::size_t n, std::uint64_t seed) {
  StoreCluster c(n, lease_factory(seed), seed);
  const NodeId old = elect(c);
  c.run_for((400 + 7 * seed) * kMs);
  c.crash(old);
  const std::size_t before = c.messages_sent();
  const std::uint64_t at = c.now_us();
  c.run_until([&] { return c.store().holder(1).create_revision == 0; }, 400 * kMs);
  const std::size_t deleted = c.messages_sent();
  elect(c);
  return Cost{c.messages_sent() - before, c.messages_sent() - deleted,
              static_cast<double>(c.now_us() - at) / kMs};
}

TEST(LeaseCluster, MessagesPerElection) {
  for (std::size_t n : {3u, 5u, 7u}) {
    StoreCluster c(n, lease_factory(1), 1);
    elect(c);
    const std::size_t cold = c.messages_sent();
    double total = 0, election = 0, failover = 0;
    constexpr int kSeeds = 10;
    for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
      const Cost cost = measure_failover(n, seed);
      total += static_cast<double>(cost.total);
      election += static_cast<double>(cost.election);
      failover += cost.failover_ms;
      // The watch events (n - 1), a Put and its answer per survivor 2(n - 1), a Watch per loser
      // (n - 2): 4n - 5, plus keepalives and re-reads that happen to land in the window.
      EXPECT_LE(cost.election, 6 * n);
    }
    std::printf(
        "[ cost ] n=%zu: cold start %zu msgs; failover after crash: %.1f msgs in the "
        "election, %.1f in all, %.1f ms (mean of %d seeds, ttl 300 ms)\n",
        n, cold, election / kSeeds, total / kSeeds, failover / kSeeds, kSeeds);
    // Cold start: per node a grant and a Put with their answers, and a Watch per loser.
    EXPECT_LE(cold, 5 * n);
  }
}

TEST(LeaseCluster, Deterministic) {
  auto run = [] {
    StoreCluster c(3, lease_factory(21), 21);
    elect(c);
    c.crash(c.agreed_leader());
    elect(c);
    return c.trace();
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace baton::store_test
