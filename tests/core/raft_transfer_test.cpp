// Handing leadership over: transfer (thesis 3.10), resign, preferred leader.
#include <gtest/gtest.h>

#include "support/raft_cluster.hpp"

namespace baton::test {
namespace {

using raft::Heartbeat;
using raft::HeartbeatResponse;
using raft::TimeoutNow;
using raft::VoteRequest;

TEST(RaftRules, TransferValidatesRequest) {
  auto follower = make_node(2, 3);
  EXPECT_EQ(follower.transfer(1), RequestResult::NotLeader);
  auto leader = make_leader(1, 4, [](raft::Config& c) { c.priorities = {1, 1, 1, 0}; });
  EXPECT_EQ(leader.transfer(9), RequestResult::UnknownPeer);
  EXPECT_EQ(leader.transfer(1), RequestResult::AlreadyLeader);
  EXPECT_EQ(leader.transfer(4), RequestResult::NotEligible);
  EXPECT_EQ(leader.transfer(2), RequestResult::Ok);
}

// The target must know us as leader of this term (else it ignores TimeoutNow): TimeoutNow goes
// out only once it has acked one of our heartbeats.
TEST(RaftRules, TransferWaitsForTargetHeartbeatAck) {
  auto leader = make_leader(1, 3);
  ASSERT_EQ(leader.transfer(2), RequestResult::Ok);
  Output out = drain(leader);
  EXPECT_TRUE(messages_of<TimeoutNow>(out).empty());
  EXPECT_EQ(messages_of<Heartbeat>(out).size(), 1u);
  EXPECT_TRUE(has_event(out, CoreEventKind::TransferStarted));
  leader.step(envelope(2, 1, HeartbeatResponse{1, 1, true}));
  out = drain(leader);
  ASSERT_EQ(messages_of<TimeoutNow>(out).size(), 1u);
  EXPECT_EQ(out.messages.back().to, 2u);

  // Already acked: TimeoutNow at once.
  auto other = make_leader(1, 3);
  other.step(envelope(3, 1, HeartbeatResponse{1, 1, true}));
  ASSERT_EQ(other.transfer(3), RequestResult::Ok);
  EXPECT_EQ(messages_of<TimeoutNow>(drain(other)).size(), 1u);
}

// Thesis 3.10: the target campaigns at once, skipping pre-vote, flagging its requests so sticky
// voters answer them.
TEST(RaftRules, TimeoutNowStartsImmediateTransferCampaign) {
  auto target = make_voter(2, 3);
  target.step(envelope(1, 2, Heartbeat{1, 1}));
  drain(target);
  target.step(envelope(1, 2, TimeoutNow{1}));
  const Output out = drain(target);
  EXPECT_EQ(target.role(), Role::Candidate);
  EXPECT_EQ(target.status().term, 2u);
  const auto requests = messages_of<VoteRequest>(out);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_FALSE(requests[0].pre_vote);
  EXPECT_TRUE(requests[0].leadership_transfer);
}

TEST(RaftRules, TimeoutNowIgnoredUnlessFromOurLeaderAndEligible) {
  auto stranger = make_voter(2, 3);
  stranger.step(envelope(1, 2, Heartbeat{1, 1}));
  stranger.step(envelope(3, 2, TimeoutNow{1}));
  EXPECT_EQ(stranger.role(), Role::Follower);

  auto zero = make_voter(2, 3, [](raft::Config& c) { c.priorities = {1, 0, 1}; });
  zero.step(envelope(1, 2, Heartbeat{1, 1}));
  zero.step(envelope(1, 2, TimeoutNow{1}));
  EXPECT_EQ(zero.role(), Role::Follower);

  // Out of elections (health abdication): a transfer must not make it leader either.
  auto abdicated = make_voter(2, 3);
  abdicated.step(envelope(1, 2, Heartbeat{1, 1}));
  ASSERT_EQ(abdicated.set_standing(false), RequestResult::Ok);
  abdicated.step(envelope(1, 2, TimeoutNow{1}));
  EXPECT_EQ(abdicated.role(), Role::Follower);
  EXPECT_EQ(abdicated.status().term, 1u);
}

TEST(RaftRules, TransferHandsLeadershipOver) {
  RaftCluster cluster(3, 5);
  const NodeId first = cluster.run_until_leader();
  ASSERT_NE(first, kNoNode);
  cluster.run(5);
  const NodeId target = first == 3 ? 1 : first + 1;
  const Term term = cluster.node(first).status().term;
  ASSERT_EQ(cluster.node(first).transfer(target), RequestResult::Ok);
  cluster.deliver_all();
  cluster.run(3);
  EXPECT_EQ(cluster.leader(), target);
  EXPECT_EQ(cluster.node(target).status().term, term + 1);
  EXPECT_EQ(cluster.node(first).role(), Role::Follower);
}

// Thesis 3.10: a transfer that does not complete within the timeout is abandoned; leadership
// resumes.
TEST(RaftRules, TransferAbortsAfterTimeout) {
  auto leader = make_leader(1, 3, [](raft::Config& c) { c.transfer_timeout_ticks = 6; });
  ASSERT_EQ(leader.transfer(2), RequestResult::Ok);  // target never answers
  Output out;
  for (int t = 0; t < 6; ++t) {
    leader.tick();
    leader.step(envelope(3, 1, HeartbeatResponse{1, 1, true}));  // keep check-quorum happy
  }
  out = drain(leader);
  EXPECT_TRUE(has_event(out, CoreEventKind::TransferAborted));
  EXPECT_EQ(leader.role(), Role::Leader);
  EXPECT_EQ(leader.transfer(3), RequestResult::Ok) << "can transfer again";
}

// resign(): step down and stand back for resign_hold_ticks, still voting.
TEST(RaftRules, ResignStepsDownAndHolds) {
  auto leader = make_leader(1, 3);
  const Term term = leader.status().term;
  ASSERT_EQ(leader.resign(), RequestResult::Ok);
  Output out = drain(leader);
  EXPECT_EQ(leader.role(), Role::Follower);
  EXPECT_EQ(leader.status().term, term);
  EXPECT_TRUE(has_event(out, CoreEventKind::Resigned));
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  for (int t = 0; t < 99; ++t) leader.tick();
  out = drain(leader);
  EXPECT_EQ(leader.role(), Role::Follower);
  EXPECT_TRUE(has_event(out, CoreEventKind::ElectionTimeout));
  EXPECT_FALSE(has_event(out, CoreEventKind::PreVoteStarted));
  leader.step(envelope(2, 1, VoteRequest{term + 1, false, 0, 0, false}));
  EXPECT_EQ(leader.hard_state().voted_for, 2u) << "still votes";
  EXPECT_EQ(leader.resign(), RequestResult::NotLeader);
}

TEST(RaftRules, ResignInClusterElectsAnotherLeader) {
  RaftCluster cluster(3, 11);
  const NodeId first = cluster.run_until_leader();
  ASSERT_NE(first, kNoNode);
  ASSERT_EQ(cluster.node(first).resign(), RequestResult::Ok);
  const NodeId next = cluster.run_until_leader(90);
  EXPECT_NE(next, kNoNode);
  EXPECT_NE(next, first);
}

// A leader hands over to preferred_leader once it has acked heartbeats for an election timeout.
TEST(RaftRules, PreferredLeaderGetsLeadership) {
  RaftCluster cluster(3, 3, [](raft::Config& c) {
    c.priorities = {3, 1, 1};  // node 1 wins first
    c.priority_step_ticks = 50;
    c.preferred_leader = 3;
  });
  ASSERT_EQ(cluster.run_until_leader(), 1u);
  cluster.run(5);
  EXPECT_EQ(cluster.leader(), 1u) << "not before an election timeout of healthy acks";
  cluster.run(30);
  EXPECT_EQ(cluster.leader(), 3u);
  cluster.run(200);
  EXPECT_EQ(cluster.leader(), 3u) << "and it stays";
}

}  // namespace
}  // namespace baton::test
