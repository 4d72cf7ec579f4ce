// Lease-safety holes found in review, each reproduced by hand: a specific message order that the
// random sweeps did not hit. Both fail without their fix.
#include <gtest/gtest.h>

#include "support/raft_cluster.hpp"

namespace baton::test {
namespace {

using raft::Heartbeat;
using raft::HeartbeatResponse;
using raft::VoteRequest;
using raft::VoteResponse;

template <class M>
std::vector<Envelope> to_peer(const Output& out, NodeId to) {
  std::vector<Envelope> found;
  for (const auto* list : {&out.early_messages, &out.messages}) {
    for (const auto& e : *list) {
      if (e.to == to && std::holds_alternative<M>(e.message)) found.push_back(e);
    }
  }
  return found;
}

// A follower answers a stale heartbeat with its own, newer term and the old round number. If the
// old leader has meanwhile been re-elected in exactly that term, the reply must not pass for an ack
// of the new term's round of the same number: the follower never heard the new term's heartbeat
// and promised nothing.
TEST(RaftRules, StaleHeartbeatReplyIsNotALeaseAck) {
  auto n1 = make_leader(1, 3);
  for (int t = 0; t < 10; ++t) n1.tick();
  Envelope stale{};
  for (auto& e : to_peer<Heartbeat>(drain(n1), 2)) {
    if (std::get<Heartbeat>(e.message).round == 5) stale = e;
  }
  ASSERT_EQ(stale.to, 2u) << "round 5 of term 1, delayed on its way to n2";
  n1.step(envelope(3, 1, HeartbeatResponse{2, 0, false}));  // n1 is deposed to term 2
  drain(n1);
  auto n2 = make_voter(2, 3, [](raft::Config& c) { c.pre_vote = false; });
  tick_until_campaign(n1);  // n1 wins term 3 with n2's vote; none of its heartbeats reach n2
  ASSERT_EQ(n1.status().term, 3u);
  for (auto& e : to_peer<VoteRequest>(drain(n1), 2)) n2.step(e);
  for (auto& e : to_peer<VoteResponse>(drain(n2), 1)) n1.step(e);
  drain(n1);
  ASSERT_EQ(n1.role(), Role::Leader);
  for (int t = 0; t < 10; ++t) n1.tick();
  drain(n1);
  ASSERT_FALSE(n1.status().lease_valid);

  n2.step(stale);
  auto replies = to_peer<HeartbeatResponse>(drain(n2), 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_FALSE(std::get<HeartbeatResponse>(replies[0].message).accepted);
  n1.step(replies[0]);
  drain(n1);
  EXPECT_FALSE(n1.status().lease_valid) << "n2 promised nothing in term 3";
}

// A follower in contact with its leader can adopt a newer term from a response (a late rejection
// of its own old pre-vote). It has no vote in that term yet, but it must keep refusing votes for
// as long as the leader's lease counts on it.
TEST(RaftRules, StickinessHoldsAfterTermLearnedFromAResponse) {
  auto n1 = make_leader(1, 3);
  auto n2 = make_voter(2, 3);
  for (int t = 0; t < 2; ++t) n1.tick();
  for (auto& e : to_peer<Heartbeat>(drain(n1), 2)) n2.step(e);
  for (auto& e : to_peer<HeartbeatResponse>(drain(n2), 1)) n1.step(e);
  drain(n1);
  ASSERT_TRUE(n1.status().lease_valid);

  n2.step(envelope(3, 2, VoteResponse{2, true, false}));
  drain(n2);
  ASSERT_EQ(n2.status().term, 2u);
  n2.step(envelope(3, 2, VoteRequest{2, false, 0, 0, false}));
  for (const auto& e : to_peer<VoteResponse>(drain(n2), 3)) {
    EXPECT_FALSE(std::get<VoteResponse>(e.message).granted)
        << "n1 still holds a lease that counts on n2";
  }
  EXPECT_EQ(n2.status().voted_for, kNoNode);
}

// A repeat of the request we already granted is still answered, so a lost response can be retried.
TEST(RaftRules, StickinessStillAnswersARepeatOfOurVote) {
  auto n2 = make_voter(2, 3, [](raft::Config& c) { c.pre_vote = false; });
  n2.step(envelope(3, 2, VoteRequest{1, false, 0, 0, false}));
  ASSERT_EQ(n2.status().voted_for, 3u);
  drain(n2);
  n2.step(envelope(3, 2, Heartbeat{1, 1}));  // 3 won and leads term 1: n2 is in leader contact
  drain(n2);
  n2.step(envelope(3, 2, VoteRequest{1, false, 0, 0, false}));
  const auto votes = to_peer<VoteResponse>(drain(n2), 3);
  ASSERT_EQ(votes.size(), 1u);
  EXPECT_TRUE(std::get<VoteResponse>(votes[0].message).granted);
}

// A group of one is its own quorum; its leader holds a lease from its first round.
TEST(RaftRules, SingleMemberLeaderHoldsALease) {
  auto node = make_node(1, 1);
  tick_until_campaign(node);
  ASSERT_EQ(node.role(), Role::Leader);
  node.tick();
  EXPECT_TRUE(node.status().lease_valid);
}

}  // namespace
}  // namespace baton::test
