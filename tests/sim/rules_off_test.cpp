// Checks of the checkers, with the real Raft core: switch one rule off and the scenario that
// exists for it must fail; keep it on and the same seeds pass. A checker that never fires proves
// nothing.
#include <gtest/gtest.h>

#include "sweep_support.hpp"

namespace baton::sim::testing {
namespace {

constexpr std::uint64_t kSeeds = 60;

bool found(const SweepReport& report, const std::string& invariant) {
  for (const auto& v : report.violations) {
    if (v.invariant == invariant) return true;
  }
  return false;
}

// Thesis 9.6: without pre-vote an isolated follower raises its term on every timeout and, when
// the partition heals, deposes a healthy leader.
TEST(RulesOff, WithoutPreVoteARejoiningFollowerDisruptsTheLeader) {
  Scenario scenario = load_test_scenario("prevote-disruption");
  ASSERT_TRUE(sweep(scenario, 1, kSeeds).ok());
  scenario.raft.pre_vote = false;
  const SweepReport report = sweep(scenario, 1, kSeeds);
  EXPECT_FALSE(report.ok());
  EXPECT_FALSE(report.failed_expectations.empty());
}

// Thesis 6.2: without check-quorum an isolated leader keeps believing it leads, in the minority.
TEST(RulesOff, WithoutCheckQuorumTheIsolatedLeaderStaysLeader) {
  Scenario scenario = load_test_scenario("check-quorum");
  ASSERT_TRUE(sweep(scenario, 1, kSeeds).ok());
  scenario.raft.check_quorum = false;
  const SweepReport report = sweep(scenario, 1, kSeeds);
  EXPECT_FALSE(report.ok());
  EXPECT_FALSE(report.failed_expectations.empty());
}

// Paper 5.2: one vote per term. The test-only switch that breaks it must be caught as two leaders
// in one term.
TEST(RulesOff, VotingTwicePerTermIsCaughtAsElectionSafety) {
  Scenario scenario = default_scenario(5);
  scenario.raft.unsafe_multiple_votes = true;
  const SweepReport report = sweep(scenario, 1, kSeeds);
  EXPECT_TRUE(found(report, "election-safety")) << explain(report);
}

// Thesis 6.4.1: a lease that ignores the drift bound outlives the followers' promise not to vote;
// the lease-safety checker must see two leaders each believing its lease valid.
TEST(RulesOff, LeaseIgnoringDriftIsCaughtAsLeaseSafety) {
  Scenario scenario = load_test_scenario("leader-isolated");
  scenario.raft.check_quorum = false;  // else the isolated leader steps down before the overlap
  scenario.raft.unsafe_lease_ignores_drift = true;
  const SweepReport report = sweep(scenario, 1, kSeeds);
  EXPECT_TRUE(found(report, "lease-safety")) << explain(report);
}

// The lease is only as safe as the drift bound it is given. lease-drift-bound.scn runs clocks 10%
// off true time with a 0.1 bound (safe); halve the bound and lease-safety must break.
TEST(RulesOff, LeaseWithTooSmallADriftBoundIsCaught) {
  Scenario scenario = load_test_scenario("lease-drift-bound");
  ASSERT_TRUE(sweep(scenario, 1, kSeeds).ok());
  scenario.raft.max_clock_drift = 0.05;
  const SweepReport report = sweep(scenario, 1, kSeeds);
  EXPECT_TRUE(found(report, "lease-safety")) << explain(report);
  EXPECT_GT(report.violations.size(), kSeeds / 2);
}

// Paper 5.2 again, from the disk's side: a node that loses its disk forgets its vote and can vote
// twice in one term. disk-loss.scn expects the checker to find it; here we also require it of
// most seeds, so a weakened checker cannot pass by luck.
TEST(RulesOff, DiskLossIsCaughtAsElectionSafety) {
  const SweepReport report = sweep(load_test_scenario("disk-loss"), 1, kSeeds);
  EXPECT_TRUE(found(report, "election-safety"));
  EXPECT_GT(report.violations.size(), kSeeds / 2);
}

// Fencing, end to end: with check-quorum off a leader paused past its term wakes up still
// believing it leads and, not checking its lease, writes with its old token. The resource must
// reject every such write; with fencing switched off the same writes get through and the fencing
// checker must say so.
TEST(RulesOff, FencingRejectsAPausedLeadersLateWrites) {
  Scenario scenario = load_test_scenario("pause-leader");
  scenario.raft.check_quorum = false;
  scenario.writer.check_lease = false;  // the classic mistake: acting without checking the lease
  scenario.expectations.clear();
  const SweepReport fenced = sweep(scenario, 1, kSeeds);
  EXPECT_GT(fenced.writes_rejected, 0u);
  EXPECT_EQ(fenced.stale_writes_accepted, 0u);
  EXPECT_FALSE(found(fenced, "fencing")) << explain(fenced);

  scenario.writer.fencing = false;
  const SweepReport unfenced = sweep(scenario, 1, kSeeds);
  EXPECT_GT(unfenced.stale_writes_accepted, 0u);
  EXPECT_TRUE(found(unfenced, "fencing"));
}

}  // namespace
}  // namespace baton::sim::testing
