// Hooks the runtime drives: health abdication (set_standing) and fast failover when the leader's
// connection resets (leader_connection_lost).
#include <gtest/gtest.h>

#include "support/raft_cluster.hpp"

namespace baton::test {
namespace {

using raft::Heartbeat;
using raft::VoteRequest;
using raft::VoteResponse;

TEST(RaftRules, NotStandingNeverCampaignsButStillVotes) {
  auto node = make_node(1, 3);
  ASSERT_EQ(node.set_standing(false), RequestResult::Ok);
  for (int t = 0; t < 200; ++t) node.tick();
  Output out = drain(node);
  EXPECT_TRUE(has_event(out, CoreEventKind::ElectionTimeout));
  EXPECT_FALSE(has_event(out, CoreEventKind::PreVoteStarted));
  EXPECT_FALSE(has_event(out, CoreEventKind::CampaignStarted));
  node.step(envelope(2, 1, VoteRequest{1, false, 0, 0, false}));
  const auto responses = messages_of<VoteResponse>(drain(node));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_TRUE(responses[0].granted) << "an abdicated node still votes";
  ASSERT_EQ(node.set_standing(true), RequestResult::Ok);
  for (int t = 0; t < 40; ++t) node.tick();
  EXPECT_TRUE(has_event(drain(node), CoreEventKind::PreVoteStarted)) << "stands again";
}

TEST(RaftRules, LeaderConnectionLostStartsPreVoteAtOnce) {
  auto node = make_voter(1, 3, [](raft::Config& c) { c.leader_lease = false; });
  node.step(envelope(2, 1, Heartbeat{1, 1}));
  drain(node);
  EXPECT_EQ(node.leader_connection_lost(3), RequestResult::NotLeader) << "3 is not our leader";
  ASSERT_EQ(node.leader_connection_lost(2), RequestResult::Ok);
  EXPECT_FALSE(has_event(drain(node), CoreEventKind::PreVoteStarted));
  node.tick();  // node 1 is the lowest surviving id: its turn comes first, after one tick
  const Output out = drain(node);
  EXPECT_TRUE(has_event(out, CoreEventKind::PreVoteStarted));
  const auto requests = messages_of<VoteRequest>(out);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_TRUE(requests[0].pre_vote) << "pre-vote keeps a false alarm harmless";
  EXPECT_EQ(node.status().term, 1u) << "no new term until a quorum agrees";
  EXPECT_EQ(node.status().leader, kNoNode);
}

// Every follower sees a crashed leader's connection reset at once; if all campaigned at once they
// would split the vote. They take turns by id, half a heartbeat interval (1 tick here) apart, and a
// vote granted to an earlier one cancels a later one's turn.
TEST(RaftRules, LeaderConnectionLostTakesTurnsByIdSoTheVoteDoesNotSplit) {
  auto node = make_voter(3, 3, [](raft::Config& c) { c.leader_lease = false; });
  node.step(envelope(2, 3, Heartbeat{1, 1}));
  drain(node);
  ASSERT_EQ(node.leader_connection_lost(2), RequestResult::Ok);
  drain(node);
  node.tick();
  EXPECT_FALSE(has_event(drain(node), CoreEventKind::PreVoteStarted)) << "node 1 goes first";
  node.step(envelope(1, 3, VoteRequest{2, false, 0, 0, false}));
  const auto responses = messages_of<VoteResponse>(drain(node));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_TRUE(responses[0].granted);
  for (int t = 0; t < 5; ++t) node.tick();
  EXPECT_FALSE(has_event(drain(node), CoreEventKind::PreVoteStarted))
      << "the granted vote cancelled our turn";

  auto alone = make_voter(3, 3, [](raft::Config& c) { c.leader_lease = false; });
  alone.step(envelope(2, 3, Heartbeat{1, 1}));
  drain(alone);
  ASSERT_EQ(alone.leader_connection_lost(2), RequestResult::Ok);
  alone.tick();
  alone.tick();
  EXPECT_TRUE(has_event(drain(alone), CoreEventKind::PreVoteStarted))
      << "node 1 never came: our turn, 1 + 1 x step ticks later";
}

TEST(RaftRules, LeaderConnectionLostEndsStickinessSoPeersWhoSawItGrant) {
  auto node = make_voter(1, 3, [](raft::Config& c) { c.leader_lease = false; });
  node.step(envelope(2, 1, Heartbeat{1, 1}));
  drain(node);
  ASSERT_EQ(node.leader_connection_lost(2), RequestResult::Ok);
  drain(node);
  node.step(envelope(3, 1, VoteRequest{2, true, 0, 0, false}));
  const auto responses = messages_of<VoteResponse>(drain(node));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_TRUE(responses[0].granted);
}

// The race the rule closes: node 1 saw the crashed leader's close a moment before node 3 did, and
// its pre-vote reached node 3 while node 3 still counted the leader alive, so stickiness left it
// unanswered. Without the rule node 1's pre-vote fails and the election waits for the next turn.
TEST(RaftRules, LeaderConnectionLostAnswersAPreVoteThatStickinessHeldBack) {
  auto node = make_voter(3, 3, [](raft::Config& c) { c.leader_lease = false; });
  node.step(envelope(2, 3, Heartbeat{1, 1}));
  drain(node);
  node.step(envelope(1, 3, VoteRequest{2, true, 0, 0, false}));
  EXPECT_TRUE(messages_of<VoteResponse>(drain(node)).empty()) << "the leader is still heard";
  node.tick();
  ASSERT_EQ(node.leader_connection_lost(2), RequestResult::Ok);
  const auto responses = messages_of<VoteResponse>(drain(node));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_TRUE(responses[0].pre_vote);
  EXPECT_TRUE(responses[0].granted);
  EXPECT_EQ(responses[0].term, 2u) << "echoes the probed term, so node 1 counts it in its round";
  EXPECT_EQ(node.status().term, 1u) << "a pre-vote grant changes nothing of our own";

  node.step(envelope(2, 3, Heartbeat{1, 1}));
  drain(node);
  ASSERT_EQ(node.leader_connection_lost(2), RequestResult::Ok);
  EXPECT_TRUE(messages_of<VoteResponse>(drain(node)).empty()) << "answered once, then forgotten";
}

// A node refuses votes for election_timeout_min after it starts, as if it had just heard a
// leader (that keeps a restart from voiding a lease its earlier ack helped grant). A reset says
// the leader is gone, and leases are refused with this option, so that must end too: a node that
// restarted just before its leader crashed ignored the successor's vote request, and the election
// waited out a whole timeout (sim: 61 of 2,000 seeds of crash-restart cycles slower than 30 ms).
TEST(RaftRules, LeaderConnectionLostEndsStickinessRightAfterARestart) {
  auto node = make_node(3, 3, [](raft::Config& c) { c.leader_lease = false; });
  node.tick();
  node.step(envelope(1, 3, Heartbeat{1, 1}));  // rejoined: learns leader 1 in its first ticks
  drain(node);
  ASSERT_LT(node.config().election_timeout_ticks_min, 20u);
  ASSERT_EQ(node.leader_connection_lost(1), RequestResult::Ok);
  drain(node);
  node.step(envelope(2, 3, VoteRequest{2, false, 0, 0, false}));
  const auto responses = messages_of<VoteResponse>(drain(node));
  ASSERT_EQ(responses.size(), 1u) << "ignored: still sticky from the restart";
  EXPECT_TRUE(responses[0].granted);
}

TEST(RaftRules, LeaderConnectionLostLeavesOldOrStalePreVotesUngranted) {
  // Asked more than election_timeout_min (10 ticks) before the close: a round long over.
  auto node = make_voter(3, 3, [](raft::Config& c) { c.leader_lease = false; });
  node.step(envelope(2, 3, Heartbeat{1, 1}));
  node.step(envelope(1, 3, VoteRequest{2, true, 0, 0, false}));
  for (int t = 0; t < 11; ++t) {
    node.tick();
    node.step(envelope(2, 3, Heartbeat{1, 1}));
  }
  drain(node);
  ASSERT_EQ(node.leader_connection_lost(2), RequestResult::Ok);
  EXPECT_TRUE(messages_of<VoteResponse>(drain(node)).empty());

  // Probing a term that is no longer ahead of ours by the time of the close: refused, as a fresh
  // request would be.
  auto behind = make_voter(3, 3, [](raft::Config& c) { c.leader_lease = false; });
  behind.step(envelope(2, 3, Heartbeat{1, 1}));
  behind.step(envelope(1, 3, VoteRequest{2, true, 0, 0, false}));
  behind.step(envelope(2, 3, Heartbeat{2, 1}));  // node 2 leads term 2 now
  drain(behind);
  ASSERT_EQ(behind.leader_connection_lost(2), RequestResult::Ok);
  const auto responses = messages_of<VoteResponse>(drain(behind));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_FALSE(responses[0].granted);
}

// The leader lease relies on every voter refusing votes for election_timeout_min after its last
// contact; a voter that forgot its contact early could elect a second leader inside the lease.
TEST(RaftRules, LeaderConnectionLostRefusedWithLeaseOrWithoutPreVote) {
  for (bool lease : {true, false}) {
    auto node = make_voter(1, 3, [&](raft::Config& c) {
      c.leader_lease = lease;
      c.pre_vote = lease;  // lease on + pre-vote on; lease off + pre-vote off
    });
    node.step(envelope(2, 1, Heartbeat{1, 1}));
    drain(node);
    EXPECT_EQ(node.leader_connection_lost(2), RequestResult::NotSupported);
    EXPECT_EQ(node.status().leader, 2u);
    EXPECT_FALSE(has_event(drain(node), CoreEventKind::PreVoteStarted));
  }
}

}  // namespace
}  // namespace baton::test
