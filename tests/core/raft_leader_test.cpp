// Keeping a leader: heartbeats, leader stickiness (thesis 4.2.3), check-quorum (thesis 6.2), the
// leader lease (thesis 6.4.1) and fence tokens.
#include <gtest/gtest.h>

#include "support/raft_cluster.hpp"

namespace baton::test {
namespace {

using raft::Heartbeat;
using raft::HeartbeatResponse;
using raft::VoteRequest;
using raft::VoteResponse;

TEST(RaftRules, LeaderHeartbeatsEveryInterval) {
  auto leader = make_leader(1, 3);
  for (int t = 0; t < 10; ++t) leader.tick();
  const auto beats = messages_of<Heartbeat>(drain(leader));
  EXPECT_EQ(beats.size(), 10u);       // 5 rounds (interval 2) to 2 peers
  EXPECT_EQ(beats.back().round, 6u);  // round 1 went out on election
}

// Thesis 4.2.3: a follower that hears from its leader ignores (pre-)votes for newer terms and does
// not adopt their term, unless the campaign is a leadership transfer.
TEST(RaftRules, LeaderStickinessIgnoresVoteRequests) {
  for (bool pre_vote : {false, true}) {
    auto node = make_voter(1, 3);
    node.step(envelope(2, 1, Heartbeat{1, 1}));
    drain(node);
    node.step(envelope(3, 1, VoteRequest{2, pre_vote, 0, 0, false}));
    const Output out = drain(node);
    EXPECT_TRUE(messages_of<VoteResponse>(out).empty());
    EXPECT_TRUE(has_event(out, CoreEventKind::MessageIgnored));
    EXPECT_EQ(node.status().term, 1u);
    EXPECT_EQ(node.status().leader, 2u);

    node.step(envelope(3, 1, VoteRequest{2, pre_vote, 0, 0, true}));
    const auto responses = messages_of<VoteResponse>(drain(node));
    ASSERT_EQ(responses.size(), 1u);
    EXPECT_TRUE(responses[0].granted) << "leadership transfer bypasses stickiness";
  }
}

TEST(RaftRules, StickinessEndsAfterElectionTimeoutMin) {
  auto node = make_voter(1, 3);
  node.step(envelope(2, 1, Heartbeat{1, 1}));
  for (int t = 0; t < 9; ++t) node.tick();
  drain(node);
  node.step(envelope(3, 1, VoteRequest{2, false, 0, 0, false}));
  EXPECT_TRUE(messages_of<VoteResponse>(drain(node)).empty()) << "9 ticks after contact: sticky";
  node.tick();
  node.step(envelope(3, 1, VoteRequest{2, false, 0, 0, false}));
  const auto responses = messages_of<VoteResponse>(drain(node));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_TRUE(responses[0].granted);
}

// A node that just (re)started behaves as if it had just heard from a leader: it refuses votes for
// election_timeout_min ticks. Without this a crash-restart would void the lease its ack granted.
TEST(RaftRules, RefusesVotesRightAfterStart) {
  auto node = make_node(1, 3, {}, HardState{3, kNoNode, 0});
  node.step(envelope(2, 1, VoteRequest{4, false, 0, 0, false}));
  EXPECT_TRUE(messages_of<VoteResponse>(drain(node)).empty());
  EXPECT_EQ(node.status().term, 3u);
  for (int t = 0; t < 9; ++t) node.tick();
  node.step(envelope(2, 1, VoteRequest{4, false, 0, 0, false}));
  EXPECT_TRUE(messages_of<VoteResponse>(drain(node)).empty());
  node.tick();
  node.step(envelope(2, 1, VoteRequest{4, false, 0, 0, false}));
  const auto responses = messages_of<VoteResponse>(drain(node));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_TRUE(responses[0].granted);
}

// Thesis 6.2: a leader that has not heard from a quorum within election_timeout_min steps down.
TEST(RaftRules, CheckQuorumStepsDownIsolatedLeader) {
  auto leader = make_leader(1, 3);
  for (int t = 0; t < 10; ++t) leader.tick();
  EXPECT_EQ(leader.role(), Role::Leader) << "heard from nobody for exactly min ticks: still ok";
  leader.tick();
  const Output out = drain(leader);
  EXPECT_EQ(leader.role(), Role::Follower);
  EXPECT_TRUE(has_event(out, CoreEventKind::SteppedDown));
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
}

TEST(RaftRules, CheckQuorumKeepsLeaderWithQuorumContact) {
  auto leader = make_leader(1, 3);
  for (int t = 0; t < 100; ++t) {
    leader.tick();
    for (const auto& hb : messages_of<Heartbeat>(drain(leader))) {
      leader.step(envelope(2, 1, HeartbeatResponse{hb.term, hb.round, true}));
    }
  }
  EXPECT_EQ(leader.role(), Role::Leader);
}

TEST(RaftRules, CheckQuorumOffKeepsIsolatedLeader) {
  auto leader = make_leader(1, 3, [](raft::Config& c) { c.check_quorum = false; });
  for (int t = 0; t < 100; ++t) leader.tick();
  EXPECT_EQ(leader.role(), Role::Leader);
}

// Thesis 6.4.1: the lease runs from when the quorum-acked round was SENT, for
// L = floor((min - 1) * (1 - drift) / (1 + drift)) = floor(9 * 0.99 / 1.01) = 8 ticks, and holds
// while now + 1 <= sent + L.
TEST(RaftRules, LeaseBoundaryIsExactAndConservative) {
  auto leader = make_leader(1, 3);
  EXPECT_EQ(raft::lease_duration_ticks(leader.config()), 8u);
  EXPECT_FALSE(leader.status().lease_valid) << "a new leader has no lease before a quorum ack";
  const std::uint64_t sent = leader.now_ticks();  // round 1 went out on election
  for (int t = 0; t < 3; ++t) leader.tick();      // later rounds go unanswered
  leader.step(envelope(2, 1, HeartbeatResponse{1, 1, true}));
  EXPECT_TRUE(leader.status().lease_valid);
  EXPECT_EQ(leader.status().lease_remaining_ticks, sent + 8 - leader.now_ticks());
  while (leader.now_ticks() + 1 < sent + 8) leader.tick();
  EXPECT_TRUE(leader.status().lease_valid);
  EXPECT_EQ(leader.status().lease_remaining_ticks, 1u);
  leader.tick();
  EXPECT_FALSE(leader.status().lease_valid);
  EXPECT_EQ(leader.status().lease_remaining_ticks, 0u);
}

TEST(RaftRules, LeaseDurationShrinksWithDrift) {
  struct Case {
    std::uint32_t min;
    double drift;
    std::uint64_t ticks;
  };
  const Case cases[] = {
      {10, 0.0, 9}, {10, 0.01, 8}, {150, 0.01, 146}, {150, 0.1, 121}, {1, 0.0, 0}};
  for (const Case& c : cases) {
    raft::Config config = test_config(1, 3);
    config.election_timeout_ticks_min = c.min;
    config.max_clock_drift = c.drift;
    EXPECT_EQ(raft::lease_duration_ticks(config), c.ticks) << c.min << " " << c.drift;
  }
  raft::Config unsafe = test_config(1, 3);
  unsafe.unsafe.ignore_drift_in_lease = true;
  EXPECT_GT(raft::lease_duration_ticks(unsafe), unsafe.election_timeout_ticks_min);
}

TEST(RaftRules, LeaseOffWhenDisabled) {
  auto leader = make_leader(1, 3, [](raft::Config& c) { c.leader_lease = false; });
  leader.step(envelope(2, 1, HeartbeatResponse{1, 1, true}));
  EXPECT_FALSE(leader.status().lease_valid);
}

// A transfer lets the target bypass stickiness, so the lease ends when the transfer starts (and,
// conservatively, stays off for the rest of the term: a delayed TimeoutNow may still arrive).
TEST(RaftRules, LeaseInvalidFromTransferStart) {
  auto leader = make_leader(1, 3);
  leader.step(envelope(2, 1, HeartbeatResponse{1, 1, true}));
  ASSERT_TRUE(leader.status().lease_valid);
  ASSERT_EQ(leader.transfer(3), RequestResult::Ok);
  EXPECT_FALSE(leader.status().lease_valid);
}

// Fence token = term; every gain and loss is reported with it.
TEST(RaftRules, FenceTokenIsTerm) {
  auto node = make_node(1, 3, [](raft::Config& c) { c.pre_vote = false; });
  EXPECT_EQ(node.status().fence_token, 0u);
  tick_until_campaign(node);
  node.step(envelope(2, 1, VoteResponse{1, false, true}));
  Output out = drain(node);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_EQ(out.leadership[0].gained, true);
  EXPECT_EQ(out.leadership[0].term, 1u);
  EXPECT_EQ(out.leadership[0].fence_token, 1u);
  EXPECT_EQ(node.status().fence_token, 1u);
  node.step(envelope(3, 1, Heartbeat{7, 1}));
  out = drain(node);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_EQ(out.leadership[0].gained, false);
  EXPECT_EQ(out.leadership[0].fence_token, 1u);
  EXPECT_EQ(node.status().fence_token, 0u);
  EXPECT_EQ(node.status().leader, 3u);
}

}  // namespace
}  // namespace baton::test
