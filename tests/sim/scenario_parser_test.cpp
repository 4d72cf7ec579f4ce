#include "sim/scenario_parser.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace baton::sim {
namespace {

using ::testing::HasSubstr;

Target node(NodeId id) {
  return Target{Target::Kind::Node, id};
}
Target role(Target::Kind kind) {
  return Target{kind, kNoNode};
}

/// The single fault a one-line `at` scenario produces.
Fault fault_of(const std::string& line) {
  const Scenario s = parse_scenario("nodes 5\n" + line + "\n", "t.scn");
  EXPECT_EQ(s.faults.size(), 1u) << line;
  return s.faults.empty() ? Fault{} : s.faults[0].fault;
}

Expectation expectation_of(const std::string& text) {
  const Scenario s = parse_scenario(text, "t.scn");
  EXPECT_EQ(s.expectations.size(), 1u);
  return s.expectations.empty() ? Expectation{} : s.expectations.back();
}

std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "bad.scn");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ScenarioParser, SettingsCommentsAndDescription) {
  const Scenario s = parse_scenario(
      "# description: a leader crashes\n"
      "# description: and comes back\n"
      "\n"
      "nodes 3   # three is enough\n"
      "election-timeout-ms 100-200\n"
      "duration 5s\n",
      "x.scn");
  EXPECT_EQ(s.description, "a leader crashes and comes back");
  EXPECT_EQ(s.nodes, 3u);
  EXPECT_EQ(s.raft.election_timeout_ms_max, 200);
  EXPECT_EQ(s.duration, 5'000'000);
  EXPECT_EQ(s.file, "x.scn");
  EXPECT_TRUE(s.faults.empty());
}

TEST(ScenarioParser, DescriptionKeyWins) {
  const Scenario s = parse_scenario("# description: from comment\ndescription from key\n");
  EXPECT_EQ(s.description, "from key");
}

TEST(ScenarioParser, Targets) {
  EXPECT_EQ(fault_of("at 1s crash 3").targets, std::vector<Target>{node(3)});
  EXPECT_EQ(fault_of("at 1s crash node 3").targets, std::vector<Target>{node(3)});
  EXPECT_EQ(fault_of("at 1s crash n3").targets, std::vector<Target>{node(3)});
  EXPECT_EQ(fault_of("at 1s crash 1, 2 n4").targets,
            (std::vector<Target>{node(1), node(2), node(4)}));
  EXPECT_EQ(fault_of("at 1s crash leader").targets, std::vector{role(Target::Kind::Leader)});
  EXPECT_EQ(fault_of("at 1s crash follower").targets, std::vector{role(Target::Kind::Follower)});
  EXPECT_EQ(fault_of("at 1s crash random").targets, std::vector{role(Target::Kind::Random)});
  EXPECT_EQ(fault_of("at 1s restart crashed").targets, std::vector{role(Target::Kind::Crashed)});
  EXPECT_EQ(fault_of("at 1s resume paused").targets, std::vector{role(Target::Kind::Paused)});
  EXPECT_EQ(fault_of("at 1s crash all").targets, std::vector{role(Target::Kind::All)});
  EXPECT_EQ(fault_of("at 1s isolate others").targets, std::vector{role(Target::Kind::Others)});
}

TEST(ScenarioParser, Actions) {
  Fault f = fault_of("at 1s crash leader");
  EXPECT_EQ(f.kind, Fault::Kind::Crash);
  EXPECT_EQ(f.line, 2);
  EXPECT_EQ(fault_of("at 1s crash 2 wipe").kind, Fault::Kind::CrashWipe);
  f = fault_of("at 1s restart 2");
  EXPECT_EQ(f.kind, Fault::Kind::Restart);
  EXPECT_EQ(f.targets, std::vector{node(2)});
  EXPECT_EQ(fault_of("at 1s restart").targets, std::vector{role(Target::Kind::Crashed)});
  f = fault_of("at 1s pause leader for 1.5s");
  EXPECT_EQ(f.kind, Fault::Kind::Pause);
  EXPECT_EQ(f.duration, 1'500'000);
  EXPECT_EQ(fault_of("at 1s pause 2").duration, 0);
  f = fault_of("at 1s resume");
  EXPECT_EQ(f.kind, Fault::Kind::Resume);
  EXPECT_EQ(f.targets, std::vector{role(Target::Kind::Paused)});
  f = fault_of("at 1s isolate leader");
  EXPECT_EQ(f.kind, Fault::Kind::Isolate);
  EXPECT_EQ(f.targets, std::vector{role(Target::Kind::Leader)});
  f = fault_of("at 1s partition 1 2 | 3,4 | rest");
  EXPECT_EQ(f.kind, Fault::Kind::Partition);
  ASSERT_EQ(f.groups.size(), 3u);
  EXPECT_EQ(f.groups[0], (std::vector{node(1), node(2)}));
  EXPECT_EQ(f.groups[1], (std::vector{node(3), node(4)}));
  EXPECT_EQ(f.groups[2], std::vector{role(Target::Kind::Others)});
  f = fault_of("at 1s partition leader|others");
  EXPECT_EQ(f.groups[0], std::vector{role(Target::Kind::Leader)});
  f = fault_of("at 1s cut others -> leader");
  EXPECT_EQ(f.kind, Fault::Kind::Cut);
  EXPECT_EQ(f.from, role(Target::Kind::Others));
  EXPECT_EQ(f.to, role(Target::Kind::Leader));
  EXPECT_FALSE(f.both_ways);
  f = fault_of("at 1s cut 1<->2");
  EXPECT_EQ(f.from, node(1));
  EXPECT_EQ(f.to, node(2));
  EXPECT_TRUE(f.both_ways);
  EXPECT_EQ(fault_of("at 1s heal").kind, Fault::Kind::Heal);
  f = fault_of("at 1s loss 0.3");
  EXPECT_EQ(f.kind, Fault::Kind::SetLoss);
  EXPECT_EQ(f.value, 0.3);
  f = fault_of("at 1s duplicate 0.1");
  EXPECT_EQ(f.kind, Fault::Kind::SetDuplicate);
  EXPECT_EQ(f.value, 0.1);
  f = fault_of("at 1s latency 10-50ms");
  EXPECT_EQ(f.kind, Fault::Kind::SetLatency);
  EXPECT_EQ(f.value, 10);
  EXPECT_EQ(f.value2, 50);
  f = fault_of("at 1s resign leader");
  EXPECT_EQ(f.kind, Fault::Kind::Resign);
  EXPECT_EQ(f.targets, std::vector{role(Target::Kind::Leader)});
  f = fault_of("at 1s transfer to node 4");
  EXPECT_EQ(f.kind, Fault::Kind::Transfer);
  EXPECT_EQ(f.to, node(4));
  f = fault_of("at 1s reset leader 3");
  EXPECT_EQ(f.kind, Fault::Kind::Reset);
  EXPECT_EQ(f.targets, (std::vector{role(Target::Kind::Leader), node(3)}));
}

TEST(ScenarioParser, TimesAbsoluteRelativeAndSorted) {
  const Scenario s = parse_scenario(
      "duration 10s\n"
      "at 2s crash leader\n"
      "at +500ms restart\n"
      "at 1.5s heal\n"
      "at 2500ms isolate 1\n"
      "at 3 heal\n"
      "at 0.05m heal\n");
  ASSERT_EQ(s.faults.size(), 6u);
  EXPECT_EQ(s.faults[0].at, 1'500'000);
  EXPECT_EQ(s.faults[0].fault.line, 4);
  EXPECT_EQ(s.faults[1].at, 2'000'000);
  // Same instant: file order is kept (stable sort).
  EXPECT_EQ(s.faults[2].at, 2'500'000);
  EXPECT_EQ(s.faults[2].fault.kind, Fault::Kind::Restart);
  EXPECT_EQ(s.faults[3].at, 2'500'000);
  EXPECT_EQ(s.faults[3].fault.kind, Fault::Kind::Isolate);
  EXPECT_EQ(s.faults[4].at, 3'000'000);
  EXPECT_EQ(s.faults[5].at, 3'000'000);
}

TEST(ScenarioParser, FlapExpandsIntoCutsAndHeals) {
  const Scenario s = parse_scenario("at 1s flap 1 <-> 2 every 200ms until 1.5s\n");
  ASSERT_EQ(s.faults.size(), 4u);
  EXPECT_EQ(s.faults[0].at, 1'000'000);
  EXPECT_EQ(s.faults[0].fault.kind, Fault::Kind::Cut);
  EXPECT_TRUE(s.faults[0].fault.both_ways);
  EXPECT_EQ(s.faults[0].fault.from, node(1));
  EXPECT_EQ(s.faults[0].fault.to, node(2));
  EXPECT_EQ(s.faults[1].at, 1'200'000);
  EXPECT_EQ(s.faults[1].fault.kind, Fault::Kind::Heal);
  EXPECT_EQ(s.faults[2].at, 1'400'000);
  EXPECT_EQ(s.faults[2].fault.kind, Fault::Kind::Cut);
  EXPECT_EQ(s.faults[3].at, 1'500'000);  // the link is up at `until`
  EXPECT_EQ(s.faults[3].fault.kind, Fault::Kind::Heal);
  for (const auto& f : s.faults) EXPECT_EQ(f.fault.line, 1);
}

TEST(ScenarioParser, Expectations) {
  Expectation e = expectation_of("expect leader within 500ms\n");
  EXPECT_EQ(e.kind, Expectation::Kind::FirstLeaderWithin);
  EXPECT_EQ(e.within, 500'000);
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.text, "expect leader within 500ms");
  e = expectation_of("expect failover within 1s  # comment\n");
  EXPECT_EQ(e.kind, Expectation::Kind::FailoverWithin);
  EXPECT_EQ(e.within, 1'000'000);
  EXPECT_EQ(e.text, "expect failover within 1s");
  e = expectation_of(
      "at 2s partition 1 2 | rest\nexpect no leader among minority from +1s to 4s\n");
  EXPECT_EQ(e.kind, Expectation::Kind::NoLeaderAmong);
  EXPECT_EQ(e.nodes, std::vector{role(Target::Kind::Minority)});
  EXPECT_EQ(e.from, 3'000'000);
  EXPECT_EQ(e.to, 4'000'000);
  EXPECT_EQ(e.line, 2);
  e = expectation_of("expect no leader among 1, 2 from 1s to end\n");
  EXPECT_EQ(e.nodes, (std::vector{node(1), node(2)}));
  EXPECT_EQ(e.to, 10'000'000);  // default duration
  e = expectation_of("expect leader is node 2 at 3s\n");
  EXPECT_EQ(e.kind, Expectation::Kind::LeaderIs);
  EXPECT_EQ(e.nodes, std::vector{node(2)});
  EXPECT_EQ(e.from, 3'000'000);
  EXPECT_EQ(expectation_of("expect leader at end\n").kind, Expectation::Kind::LeaderAtEnd);
  e = expectation_of("duration 8s\nexpect stable leader from 1s to end\n");
  EXPECT_EQ(e.kind, Expectation::Kind::StableLeader);
  EXPECT_EQ(e.from, 1'000'000);
  EXPECT_EQ(e.to, 8'000'000);
  e = expectation_of("duration 8s\nexpect two leaders from 2s to 5s\n");
  EXPECT_EQ(e.kind, Expectation::Kind::TwoLeaders);
  EXPECT_EQ(e.from, 2'000'000);
  EXPECT_EQ(e.to, 5'000'000);
  e = expectation_of("expect violation election-safety\n");
  EXPECT_EQ(e.kind, Expectation::Kind::Violation);
  EXPECT_EQ(e.invariant, "election-safety");
}

TEST(ScenarioParser, ErrorsNameFileLineAndWhatWasExpected) {
  EXPECT_THAT(error_of("nodes 5\n\n# c\nat 1s crsh leader\n"),
              HasSubstr("bad.scn:4: unknown action 'crsh'; expected one of crash, restart, pause"));
  EXPECT_THAT(error_of("at 1s crsh leader\n"), HasSubstr("did you mean crash"));
  EXPECT_THAT(error_of("nodes 3\nat 1s crash 4\n"),
              HasSubstr("bad.scn:2: node 4 does not exist; expected a node id from 1 to 3"));
  EXPECT_THAT(error_of("expect leader is 9 at 1s\n"), HasSubstr("bad.scn:1: node 9 does not"));
  EXPECT_THAT(error_of("at soon crash leader\n"),
              HasSubstr("bad.scn:1: bad time 'soon'; expected a time such as 1.5s"));
  EXPECT_THAT(error_of("at 1s crash\n"), HasSubstr("bad.scn:1: expected a target"));
  EXPECT_THAT(error_of("at 1s crash bob\n"),
              HasSubstr("bad.scn:1: bad target 'bob'; expected a node id (3, node 3 or n3)"));
  EXPECT_THAT(error_of("at 1s cut 1 2\n"), HasSubstr("expected one target"));
  EXPECT_THAT(error_of("at 1s cut 1 => 2\n"), HasSubstr("bad target '=>'"));
  EXPECT_THAT(error_of("at 1s cut 1\n"), HasSubstr("expected '->' (one way) or '<->'"));
  EXPECT_THAT(error_of("at 1s partition 1 2\n"), HasSubstr("expected at least two groups"));
  EXPECT_THAT(error_of("at 1s loss 2\n"),
              HasSubstr("bad.scn:1: bad probability '2'; expected a number between 0 and 1"));
  EXPECT_THAT(error_of("at 1s latency 9-3ms\n"), HasSubstr("expected MIN-MAXms with MIN <= MAX"));
  EXPECT_THAT(error_of("at 1s heal now\n"),
              HasSubstr("bad.scn:1: unexpected 'now'; expected end of line"));
  EXPECT_THAT(error_of("at 1s transfer 3\n"), HasSubstr("expected 'to' in 'transfer to NODE'"));
  EXPECT_THAT(error_of("at 1s isolate minority\n"), HasSubstr("only allowed in expectations"));
  EXPECT_THAT(error_of("duration 5s\nat 6s heal\n"),
              HasSubstr("bad.scn:2: fault at 6s is after the end of the run"));
  EXPECT_THAT(error_of("expect leader soon\n"),
              HasSubstr("bad.scn:1: expected 'within', 'is' or 'at end' after 'expect leader'"));
  EXPECT_THAT(error_of("expect quorum\n"),
              HasSubstr("unknown expectation 'expect quorum'; expected one of: expect leader"));
  EXPECT_THAT(error_of("expect violation liveness\n"),
              HasSubstr("unknown invariant 'liveness'; expected one of election-safety"));
  EXPECT_THAT(error_of("expect stable leader from 3s to 1s\n"), HasSubstr("expected from <= to"));
  EXPECT_THAT(error_of("expect two leader from 1s to 2s\n"),
              HasSubstr("bad.scn:1: expected 'leaders' in 'expect two leaders from TIME to TIME'"));
  EXPECT_THAT(error_of("expect two leaders from 3s to 1s\n"), HasSubstr("expected from <= to"));
  EXPECT_THAT(error_of("expect no leader among minority from 1s to 2s\n"),
              HasSubstr("'minority' needs a partition or isolate"));
  EXPECT_THAT(error_of("x\nheartbeat 5\n"), HasSubstr("bad.scn:1: unknown setting 'x'"));
  EXPECT_THAT(error_of("heartbeat 5\n"),
              HasSubstr("bad.scn:1: unknown setting 'heartbeat'; did you mean heartbeat-ms?"));
  EXPECT_THAT(error_of("loss high\n"),
              HasSubstr("bad.scn:1: loss: expected a probability between 0 and 1, got 'high'"));
  EXPECT_THAT(error_of("priorities 1,2\nnodes 3\n"),
              HasSubstr("bad.scn:1: priorities: expected one value per node (3), got 2"));
  EXPECT_THAT(error_of("at 1s flap 1 <-> 2 every 100ms until 0.5s\n"),
              HasSubstr("flap must end after it starts"));
  // campaign-on-leader-reset: refused exactly as `baton node` refuses it, at the setting's line.
  EXPECT_THAT(
      error_of("nodes 3\ncampaign-on-leader-reset on\n"),
      HasSubstr("bad.scn:2: campaign-on-leader-reset cannot be combined with leader-lease"));
  EXPECT_THAT(error_of("leader-lease off\npre-vote off\ncampaign-on-leader-reset on\n"),
              HasSubstr("bad.scn:3: campaign-on-leader-reset needs pre-vote on"));
  EXPECT_THAT(error_of("algorithm bully\ncampaign-on-leader-reset on\n"),
              HasSubstr("bad.scn:2: campaign-on-leader-reset is implemented for raft only"));
  EXPECT_THAT(error_of("leader-lease off\ncampaign-on-leader-reset on\nat 1s heal\n"),
              testing::Eq("(no error)"));
  EXPECT_THAT(error_of("campaign-on-leader-reset on\nunsafe-reset-campaign-with-lease on\n"),
              testing::Eq("(no error)"));
  EXPECT_THAT(error_of("at 1s reset\n"), HasSubstr("bad.scn:1: expected a target"));
}

TEST(ScenarioParser, LoadScenarioNamesUnreadablePath) {
  try {
    load_scenario("/nonexistent/dir/missing.scn");
    FAIL() << "expected ScenarioError";
  } catch (const ScenarioError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/dir/missing.scn: cannot read"));
  }
}

TEST(ScenarioParser, ValidateScenarioAfterOverrides) {
  Scenario s = parse_scenario("at 1s crash 5\n", "five.scn");
  EXPECT_FALSE(validate_scenario(s));
  s.nodes = 3;  // e.g. --nodes 3 on the command line
  const auto error = validate_scenario(s);
  ASSERT_TRUE(error);
  EXPECT_THAT(*error, HasSubstr("five.scn:1: node 5 does not exist"));
}

TEST(ScenarioParser, DefaultScenario) {
  const Scenario s = default_scenario(7);
  EXPECT_EQ(s.nodes, 7u);
  EXPECT_TRUE(s.nemesis.enabled);
  EXPECT_EQ(s.duration, 20'000'000);
  EXPECT_EQ(s.network.latency_ms_min, 1);
  EXPECT_EQ(s.network.latency_ms_max, 5);
  EXPECT_EQ(s.disk.latency_ms_max, 1);
  EXPECT_EQ(s.raft.election_timeout_ms_min, 150);
  EXPECT_EQ(s.raft.heartbeat_ms, 50);
  EXPECT_GT(s.clocks.skew_ms_max, 0);
  EXPECT_GT(s.clocks.drift_max, 0);
  EXPECT_LE(s.clocks.drift_max, s.raft.max_clock_drift);
  EXPECT_FALSE(validate_scenario(s));
}

}  // namespace
}  // namespace baton::sim
