// Expectations, failover bookkeeping, percentiles and the report formats.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/simulator.hpp"

namespace baton::sim {
namespace {

Scenario five() {
  Scenario s;
  s.nodes = 5;
  s.duration = 4'000'000;
  return s;
}

Fault fault(Fault::Kind kind, std::vector<Target> targets = {}) {
  Fault f;
  f.kind = kind;
  f.targets = std::move(targets);
  return f;
}

TEST(Summarize, NearestRank) {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(101 - i);
  Distribution d = summarize(v);
  EXPECT_EQ(d.count, 100u);
  EXPECT_EQ(d.p50, 50);
  EXPECT_EQ(d.p90, 90);
  EXPECT_EQ(d.p99, 99);
  EXPECT_EQ(d.max, 100);
  EXPECT_DOUBLE_EQ(d.mean, 50.5);
  EXPECT_EQ(summarize({7}).p99, 7);
  EXPECT_EQ(summarize({}).count, 0u);
}

TEST(Expectations, MinorityHasNoLeaderAndMajorityKeepsOne) {
  Scenario s = five();
  Fault part = fault(Fault::Kind::Partition);
  part.groups = {{Target{Target::Kind::Leader, 0}, Target{Target::Kind::Follower, 0}},
                 {Target{Target::Kind::Others, 0}}};
  s.faults.push_back({1'000'000, part});
  s.faults.push_back({3'000'000, fault(Fault::Kind::Heal)});
  Expectation none;
  none.kind = Expectation::Kind::NoLeaderAmong;
  none.nodes = {Target{Target::Kind::Minority, 0}};
  none.from = 1'600'000;  // check-quorum steps the old leader down within an election timeout
  none.to = 3'000'000;
  Expectation stable;
  stable.kind = Expectation::Kind::StableLeader;
  stable.from = 2'000'000;
  stable.to = 3'500'000;
  Expectation fo;
  fo.kind = Expectation::Kind::FailoverWithin;
  fo.within = 1'000'000;
  s.expectations = {none, stable, fo};
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    RunResult r = run_seed(s, seed);
    EXPECT_TRUE(r.ok()) << "seed " << seed << ": " << (r.violation ? r.violation->detail : "")
                        << (r.expectations.size() > 1
                                ? r.expectations[0].detail + r.expectations[1].detail
                                : "");
    EXPECT_EQ(r.failover_ms.size(), 1u);
  }
}

TEST(Expectations, LeaderIsAndFailedExpectationsAreReported) {
  Scenario s = five();
  s.raft.priorities = {5, 1, 1, 1, 1};  // n1 campaigns first
  s.raft.priority_step_ms = 200;
  Expectation is1;
  is1.kind = Expectation::Kind::LeaderIs;
  is1.from = 2'000'000;
  is1.nodes = {Target{Target::Kind::Node, 1}};
  Expectation is2 = is1;
  is2.nodes = {Target{Target::Kind::Node, 2}};
  is2.text = "leader-is n2 at 2s";
  is2.line = 7;
  s.expectations = {is1, is2};
  RunResult r = run_seed(s, 1);
  ASSERT_EQ(r.expectations.size(), 2u);
  EXPECT_TRUE(r.expectations[0].held) << r.expectations[0].detail;
  EXPECT_FALSE(r.expectations[1].held);
  SweepReport rep = sweep(s, 1, 2);
  EXPECT_FALSE(rep.ok());
  ASSERT_EQ(rep.failed_expectations.size(), 2u);
  auto j = nlohmann::json::parse(to_json(rep));
  EXPECT_EQ(j["failed_expectations"][0]["line"], 7);
  EXPECT_EQ(j["failed_expectations"][0]["expectation"], "leader-is n2 at 2s");
}

// A leader cut off without check-quorum keeps leading its term while the others elect a new one:
// "two leaders" holds from the first instant both lead, and names them. With check-quorum the old
// leader steps down before a successor exists (voters wait out the same minimum timeout), so the
// same window never sees two.
TEST(Expectations, TwoLeadersIsSeenOnlyWhenTheOldLeaderDoesNotStepDown) {
  for (bool check_quorum : {false, true}) {
    Scenario s = five();
    s.raft.check_quorum = check_quorum;
    s.raft.leader_lease = false;
    s.faults.push_back({1'000'000, fault(Fault::Kind::Isolate, {Target{Target::Kind::Leader, 0}})});
    Expectation two;
    two.kind = Expectation::Kind::TwoLeaders;
    two.from = 1'000'000;
    two.to = 3'000'000;
    s.expectations = {two};
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      RunResult r = run_seed(s, seed);
      ASSERT_EQ(r.expectations.size(), 1u);
      EXPECT_EQ(r.expectations[0].held, !check_quorum)
          << "check-quorum " << check_quorum << ", seed " << seed << ": "
          << r.expectations[0].detail;
      EXPECT_FALSE(r.violation) << "two leaders of different terms break no invariant";
      if (!check_quorum) {
        EXPECT_NE(r.expectations[0].detail.find(" led at once at "), std::string::npos)
            << r.expectations[0].detail;
      }
    }
  }
}

TEST(Failover, PausedLeaderIsReplacedAndShortPauseIsCancelled) {
  Scenario s = five();
  Fault long_pause = fault(Fault::Kind::Pause, {Target{Target::Kind::Leader, 0}});
  long_pause.duration = 1'500'000;
  s.faults.push_back({1'000'000, long_pause});
  RunResult r = run_seed(s, 3);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.failover_ms.size(), 1u);

  Scenario t = five();
  Fault blip = fault(Fault::Kind::Pause, {Target{Target::Kind::Leader, 0}});
  blip.duration = 20'000;  // far shorter than the election timeout: nobody notices
  t.faults.push_back({1'000'000, blip});
  RunResult q = run_seed(t, 3);
  EXPECT_TRUE(q.ok());
  EXPECT_TRUE(q.failover_ms.empty());
  EXPECT_EQ(q.leaders_elected, 1u);
}

TEST(Report, JsonHasTheDocumentedKeys) {
  Scenario s = five();
  s.duration = 1'000'000;
  s.nemesis.enabled = true;
  SweepReport rep = sweep(s, 10, 3);
  auto j = nlohmann::json::parse(to_json(rep));
  for (const char* key : {"algorithm",
                          "nodes",
                          "seeds",
                          "first_seed",
                          "scenario",
                          "simulated_seconds",
                          "safety_violations",
                          "violations",
                          "failed_expectations",
                          "stale_writes_accepted",
                          "writes_accepted",
                          "writes_rejected",
                          "elections",
                          "pre_vote_rounds",
                          "terms_started",
                          "leaders_elected",
                          "time_to_first_leader_ms",
                          "failover_ms",
                          "messages_per_election",
                          "messages_by_type",
                          "events",
                          "events_per_second",
                          "wall_seconds"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["first_seed"], 10);
  EXPECT_EQ(j["time_to_first_leader_ms"]["count"], 3);
  EXPECT_TRUE(j["messages_by_type"].contains("pre_vote_request"));
  EXPECT_NE(to_text(rep).find("time to first leader"), std::string::npos);
}

}  // namespace
}  // namespace baton::sim
