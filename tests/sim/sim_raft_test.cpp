// Whole runs with the real Raft core.
#include <gtest/gtest.h>

#include "sim/engine.hpp"
#include "sim/simulator.hpp"

namespace baton::sim {
namespace {

Scenario raft_scenario() {
  Scenario s;
  s.nodes = 5;
  s.duration = 5'000'000;
  return s;
}

TEST(SimRaft, CleanRunElectsExactlyOneLeader) {
  Scenario s = raft_scenario();
  Expectation first;
  first.kind = Expectation::Kind::FirstLeaderWithin;
  first.within = 1'000'000;
  Expectation end;
  end.kind = Expectation::Kind::LeaderAtEnd;
  s.expectations = {first, end};
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    RunResult r = run_seed(s, seed);
    EXPECT_TRUE(r.ok()) << "seed " << seed;
    EXPECT_EQ(r.leaders_elected, 1u) << "seed " << seed;
    ASSERT_TRUE(r.time_to_first_leader_ms);
    EXPECT_GT(r.writes_accepted, 0u);
    EXPECT_EQ(r.stale_writes_accepted, 0u);
  }
}

TEST(SimRaft, LeaderCrashYieldsAFailoverMeasurement) {
  Scenario s = raft_scenario();
  Fault crash;
  crash.kind = Fault::Kind::Crash;
  crash.targets = {Target{Target::Kind::Leader, 0}};
  s.faults.push_back({2'000'000, crash});
  Expectation fo;
  fo.kind = Expectation::Kind::FailoverWithin;
  fo.within = 2'000'000;
  s.expectations = {fo};
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    RunResult r = run_seed(s, seed);
    EXPECT_TRUE(r.ok()) << "seed " << seed;
    ASSERT_EQ(r.failover_ms.size(), 1u) << "seed " << seed;
    EXPECT_GT(r.failover_ms[0], 100.0);
    EXPECT_LT(r.failover_ms[0], 2000.0);
    EXPECT_GE(r.leaders_elected, 2u);
  }
}

TEST(SimRaft, SameSeedSameTraceByteForByte) {
  Scenario s = raft_scenario();
  s.duration = 3'000'000;
  s.network.loss = 0.05;
  s.network.duplicate = 0.05;
  s.network.reorder = 0.1;
  s.clocks.skew_ms_max = 50;
  s.clocks.drift_max = 0.001;
  s.disk.latency_ms_max = 2;
  s.nemesis.enabled = true;
  auto trace_of = [&](std::uint64_t seed) {
    std::string all;
    RunOptions opt;
    opt.trace = [&](const std::string& line) { all += line + "\n"; };
    run_seed(s, seed, opt);
    return all;
  };
  const std::string a = trace_of(42), b = trace_of(42), c = trace_of(43);
  EXPECT_GT(a.size(), 1000u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(SimRaft, UnsafeVotingIsCaughtBySomeSeed) {
  Scenario s = raft_scenario();
  s.duration = 3'000'000;
  s.raft.unsafe_multiple_votes = true;
  s.raft.pre_vote = false;
  s.raft.election_timeout_ms_min = 10;
  s.raft.election_timeout_ms_max = 12;
  s.network.latency_ms_min = 1;
  s.network.latency_ms_max = 10;
  Expectation v;
  v.kind = Expectation::Kind::Violation;
  v.invariant = "election-safety";
  s.expectations = {v};
  SweepReport rep = sweep(s, 1, 20);
  ASSERT_EQ(rep.sweep_expectations.size(), 1u);
  EXPECT_TRUE(rep.sweep_expectations[0].held) << to_text(rep);
  EXPECT_TRUE(rep.ok()) << to_text(rep);  // the expected violations do not fail the sweep
}

}  // namespace
}  // namespace baton::sim
