// Election timer rules: randomized timeouts, resets, candidate range, priorities, storm backoff.
// Raft paper 5.2; thesis 9.3 (candidate retry); MongoDB priorities.
#include <gtest/gtest.h>

#include <set>

#include "support/raft_cluster.hpp"

namespace baton::test {
namespace {

using raft::Heartbeat;
using raft::VoteRequest;

// Paper 5.2: timeouts are drawn at random from [min, max] (inclusive) so split votes are rare.
TEST(RaftRules, ElectionTimeoutIsRandomizedWithinRange) {
  std::set<std::uint32_t> seen;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    auto node = make_node(1, 3, {}, {}, seed);
    const std::uint32_t fired_at = tick_until_campaign(node);
    EXPECT_GE(fired_at, 10u);
    EXPECT_LE(fired_at, 20u);
    seen.insert(fired_at);
  }
  EXPECT_GE(seen.size(), 8u);  // really spread over the range
  EXPECT_TRUE(seen.count(10) && seen.count(20)) << "both ends are reachable (inclusive range)";
}

// Paper 5.2: a follower stays follower while it hears from a leader.
TEST(RaftRules, LeaderContactResetsElectionTimer) {
  auto node = make_node(1, 3);
  for (int t = 1; t <= 200; ++t) {
    node.tick();
    if (t % 5 == 0) node.step(envelope(2, 1, Heartbeat{1, static_cast<std::uint64_t>(t)}));
    ASSERT_FALSE(has_event(drain(node), CoreEventKind::ElectionTimeout)) << "tick " << t;
  }
  EXPECT_EQ(node.role(), Role::Follower);
  EXPECT_EQ(node.status().leader, 2u);
}

// Paper 5.2: granting a vote restarts the timer, so the voter does not compete with its candidate.
TEST(RaftRules, GrantingVoteResetsElectionTimer) {
  // Already in term 1, so the request does not change the term (which would restart the timer
  // for another reason).
  auto node = make_node(1, 3, {}, HardState{1, kNoNode, 0});
  const std::uint32_t timeout = node.election_timer().timeout_ticks();
  for (std::uint32_t t = 1; t < timeout; ++t) node.tick();
  node.step(envelope(2, 1, VoteRequest{1, false, 0, 0, false}));
  ASSERT_EQ(node.hard_state().voted_for, 2u);
  drain(node);
  node.tick();
  EXPECT_EQ(node.role(), Role::Follower);
  EXPECT_FALSE(has_event(drain(node), CoreEventKind::ElectionTimeout));
}

// A candidate whose round did not decide retries after a timeout from the candidate range.
TEST(RaftRules, CandidateRetryUsesCandidateTimeoutRange) {
  auto node = make_node(1, 3, [](raft::Config& c) {
    c.pre_vote = false;
    c.candidate_timeout_ticks_min = 3;
    c.candidate_timeout_ticks_max = 3;
  });
  tick_until_campaign(node);
  ASSERT_EQ(node.status().term, 1u);
  for (int t = 0; t < 3; ++t) node.tick();
  EXPECT_EQ(node.role(), Role::Candidate);
  EXPECT_EQ(node.status().term, 2u) << "retried after exactly the candidate timeout";
}

// Paper 5.2: a split vote is resolved by a new round in a new term.
TEST(RaftRules, SplitVoteStartsNewRound) {
  auto node = make_node(1, 4, [](raft::Config& c) { c.pre_vote = false; });
  tick_until_campaign(node);
  node.step(envelope(2, 1, raft::VoteResponse{1, false, true}));
  node.step(envelope(3, 1, raft::VoteResponse{1, false, false}));
  node.step(envelope(4, 1, raft::VoteResponse{1, false, false}));
  // 2 of 4 granted, 2 rejected: lost. The next timeout campaigns again in term 2.
  tick_until_campaign(node);
  EXPECT_EQ(node.role(), Role::Candidate);
  EXPECT_EQ(node.status().term, 2u);
}

// Priority 0 votes but never stands.
TEST(RaftRules, PriorityZeroNeverCampaigns) {
  auto node = make_node(1, 3, [](raft::Config& c) { c.priorities = {0, 1, 1}; });
  for (int t = 0; t < 1000; ++t) node.tick();
  const Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Follower);
  EXPECT_FALSE(has_event(out, CoreEventKind::PreVoteStarted));
  EXPECT_TRUE(has_event(out, CoreEventKind::ElectionTimeout));
  node.step(envelope(2, 1, VoteRequest{1, false, 0, 0, false}));
  EXPECT_EQ(node.hard_state().voted_for, 2u) << "still votes";
}

// MongoDB-style: each priority step below the highest adds priority_step_ticks to the timeout.
TEST(RaftRules, LowerPriorityTimesOutLater) {
  struct Case {
    std::vector<std::uint32_t> priorities;
    std::uint32_t step;
    std::uint32_t offset;
  };
  const Case cases[] = {
      {{1, 1, 1}, 7, 0}, {{1, 3, 2}, 7, 14}, {{2, 3, 1}, 0, 5}, {{3, 1, 1}, 7, 0}};
  for (const Case& c : cases) {
    auto node = make_node(1, 3, [&](raft::Config& cfg) {
      cfg.priorities = c.priorities;
      cfg.priority_step_ticks = c.step;
    });
    EXPECT_EQ(node.election_timer().priority_offset_ticks(), c.offset);
    const std::uint32_t fired_at = tick_until_campaign(node);
    EXPECT_GE(fired_at, 10u + c.offset);
    EXPECT_LE(fired_at, 20u + c.offset);
  }
}

// Storm control: after N consecutive failed elections the range doubles, capped at max_factor;
// seeing a leader resets it.
TEST(RaftRules, BackoffAfterFailedElections) {
  auto node = make_node(1, 3, [](raft::Config& c) {
    c.backoff_after_failed_elections = 2;
    c.backoff_max_factor = 4;
  });
  std::vector<std::uint64_t> raised;
  for (int t = 0; t < 2000; ++t) {
    node.tick();  // nobody answers: every pre-vote round fails
    Output out = drain(node);
    for (const auto& e : out.events) {
      if (e.kind == CoreEventKind::BackoffRaised) raised.push_back(e.value);  // new max ticks
    }
  }
  EXPECT_EQ(raised, (std::vector<std::uint64_t>{40, 80})) << "doubles twice, then capped";
  EXPECT_EQ(node.election_timer().backoff_factor(), 4u);
  EXPECT_GE(node.election_timer().timeout_ticks(), 40u);
  EXPECT_LE(node.election_timer().timeout_ticks(), 80u);
  node.step(envelope(2, 1, Heartbeat{1, 1}));
  EXPECT_TRUE(has_event(drain(node), CoreEventKind::BackoffReset));
  EXPECT_EQ(node.election_timer().backoff_factor(), 1u);
}

TEST(RaftRules, BackoffDisabledWithZero) {
  auto node = make_node(1, 3, [](raft::Config& c) { c.backoff_after_failed_elections = 0; });
  for (int t = 0; t < 2000; ++t) node.tick();
  EXPECT_FALSE(has_event(drain(node), CoreEventKind::BackoffRaised));
  EXPECT_EQ(node.election_timer().backoff_factor(), 1u);
}

}  // namespace
}  // namespace baton::test
