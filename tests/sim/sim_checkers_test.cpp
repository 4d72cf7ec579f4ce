// Checks of the checkers: each invariant fires on a crafted bad run and stays quiet on a good one.
#include <gtest/gtest.h>

#include "fake_electors.hpp"
#include "sim/check_election_safety.hpp"
#include "sim/check_fencing.hpp"
#include "sim/check_lease_safety.hpp"

namespace baton::sim {
namespace {

using testing::fake_factory;
using testing::FakeSpec;
using testing::quiet_scenario;

TEST(ElectionSafetyChecker, SecondLeaderOfATermIsAViolation) {
  ElectionSafetyChecker c;
  EXPECT_FALSE(c.on_leader(1, 1));
  EXPECT_FALSE(c.on_leader(1, 1));
  EXPECT_FALSE(c.on_leader(2, 2));
  auto v = c.on_leader(3, 1);
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("n1"), std::string::npos);
  EXPECT_NE(v->find("n3"), std::string::npos);
}

TEST(FencingChecker, StaleAndReusedTokens) {
  FencingChecker c;
  EXPECT_FALSE(c.on_accepted(1, 1));
  EXPECT_FALSE(c.on_accepted(1, 1));
  EXPECT_FALSE(c.on_accepted(2, 2));
  EXPECT_TRUE(c.on_accepted(1, 1));
  FencingChecker d;
  EXPECT_FALSE(d.on_accepted(3, 1));
  EXPECT_TRUE(d.on_accepted(3, 2));
}

TEST(LeaseSafetyChecker, TwoActiveLeasesOnly) {
  std::vector<Status> s(4);
  std::vector<std::uint8_t> active{0, 1, 1, 1};
  s[1].role = s[2].role = Role::Leader;
  s[1].lease_valid = true;
  EXPECT_FALSE(LeaseSafetyChecker{}.check(s, active));
  s[2].lease_valid = true;
  EXPECT_TRUE(LeaseSafetyChecker{}.check(s, active));
  active[2] = 0;  // paused
  EXPECT_FALSE(LeaseSafetyChecker{}.check(s, active));
}

TEST(Checkers, TwoLeadersOfOneTermTripElectionSafety) {
  Scenario s = quiet_scenario(3, 1'000'000);
  RunOptions opt;
  opt.elector_factory =
      fake_factory({{1, FakeSpec{.lead_after_ticks = 10}}, {2, FakeSpec{.lead_after_ticks = 20}}});
  RunResult r = run_seed(s, 1, opt);
  ASSERT_TRUE(r.violation);
  EXPECT_EQ(r.violation->invariant, "election-safety");
  EXPECT_EQ(r.violation->time, 20'000);
  EXPECT_NE(r.violation->detail.find("n1 and n2"), std::string::npos);
  ASSERT_FALSE(r.violation->last_events.empty());
  EXPECT_NE(r.violation->last_events.back().find("VIOLATION"), std::string::npos);
  EXPECT_FALSE(r.ok());
}

TEST(Checkers, OneLeaderWithFollowersIsQuietAndAcknowledged) {
  Scenario s = quiet_scenario(3, 1'000'000);
  s.writer.interval_ms = 20;
  RunOptions opt;
  opt.elector_factory = fake_factory({{1, FakeSpec{.lead_after_ticks = 10, .lease = true}},
                                      {2, FakeSpec{.follow = 1, .follow_after_ticks = 30}},
                                      {3, FakeSpec{.follow = 1, .follow_after_ticks = 50}}});
  RunResult r = run_seed(s, 1, opt);
  EXPECT_FALSE(r.violation);
  ASSERT_TRUE(r.time_to_first_leader_ms);
  EXPECT_DOUBLE_EQ(*r.time_to_first_leader_ms, 30.0);  // quorum of 2 once n2 follows
  EXPECT_EQ(r.leaders_elected, 1u);
  EXPECT_GT(r.writes_accepted, 40u);
  EXPECT_EQ(r.stale_writes_accepted, 0u);
}

TEST(Checkers, TwoLeasesTripLeaseSafety) {
  Scenario s = quiet_scenario(3, 1'000'000);
  RunOptions opt;
  opt.elector_factory =
      fake_factory({{1, FakeSpec{.lead_after_ticks = 10, .lease = true}},
                    {2, FakeSpec{.lead_after_ticks = 20, .term = 2, .lease = true}}});
  RunResult r = run_seed(s, 1, opt);
  ASSERT_TRUE(r.violation);
  EXPECT_EQ(r.violation->invariant, "lease-safety");
}

// A deposed leader (term 1, token 1) keeps writing after the new one (term 2, token 2) started.
Scenario stale_writer_scenario(bool fencing) {
  Scenario s = quiet_scenario(3, 1'000'000);
  s.writer.interval_ms = 20;
  s.writer.fencing = fencing;
  return s;
}
ElectorFactory stale_writers() {
  return fake_factory({{1, FakeSpec{.lead_after_ticks = 10}},
                       {2, FakeSpec{.lead_after_ticks = 100, .term = 2, .token = 2}}});
}

TEST(Checkers, StaleWriteWithoutFencingTripsFencing) {
  RunOptions opt;
  opt.elector_factory = stale_writers();
  RunResult r = run_seed(stale_writer_scenario(false), 1, opt);
  ASSERT_TRUE(r.violation);
  EXPECT_EQ(r.violation->invariant, "fencing");
  EXPECT_EQ(r.stale_writes_accepted, 1u);
}

TEST(Checkers, FencingRejectsTheStaleWrites) {
  RunOptions opt;
  opt.elector_factory = stale_writers();
  RunResult r = run_seed(stale_writer_scenario(true), 1, opt);
  EXPECT_FALSE(r.violation);
  EXPECT_EQ(r.stale_writes_accepted, 0u);
  EXPECT_GT(r.writes_rejected, 40u);
}

}  // namespace
}  // namespace baton::sim
