// The rules of ZooKeeper's fast leader election (FLE) as baton implements them, one test per rule,
// each driving a single ZabElector by hand. Epoch establishment, keep-alive, restart and requests:
// zab_epoch_rules_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/zab_cluster.hpp"

namespace baton::zab_test {
namespace {

// ---- FLE -------------------------------------------------------------------------------------

// A node starts LOOKING: on its first tick it votes for itself (current epoch, zxid 0, own id) in
// round 1 and tells every other member, as early messages (nothing durable is promised).
TEST(ZabRules, StartsLookingAndBroadcastsOwnVote) {
  auto node = make_node(2, 3, {}, HardState{4, kNoNode, 5});
  EXPECT_EQ(node.role(), Role::Candidate);
  EXPECT_FALSE(node.has_output());
  node.tick();
  const Output out = drain(node);
  EXPECT_EQ(sorted(receivers_of<Notification>(out)), (Ids{1, 3}));
  EXPECT_TRUE(out.messages.empty());
  EXPECT_EQ(out.early_messages.size(), 2u);
  for (const auto& [to, m] : sent_of<Notification>(out)) {
    EXPECT_EQ(m.vote, vote_for(2, 4));
    EXPECT_EQ(m.election_round, 1u);
    EXPECT_EQ(m.state, PeerState::Looking);
  }
  EXPECT_TRUE(has_event(out, CoreEventKind::CampaignStarted));
}

// totalOrderPredicate: the better vote has the higher epoch, then the higher zxid, then the
// higher id.
TEST(ZabRules, VoteOrderIsEpochThenZxidThenId) {
  auto node = started(2, 5, {}, HardState{3, kNoNode, 3});
  node.step(envelope(1, 2, looking(vote_for(1, 3))));  // same epoch, lower id: not better
  EXPECT_EQ(node.current_vote(), vote_for(2, 3));
  node.step(envelope(3, 2, looking(vote_for(3, 2, 9))));  // lower epoch, even with a zxid
  EXPECT_EQ(node.current_vote(), vote_for(2, 3));
  node.step(envelope(1, 2, looking(vote_for(1, 3, 1))));  // same epoch, higher zxid, lower id
  EXPECT_EQ(node.current_vote(), vote_for(1, 3, 1));
  node.step(envelope(4, 2, looking(vote_for(4, 3, 1))));  // same epoch and zxid, higher id
  EXPECT_EQ(node.current_vote(), vote_for(4, 3, 1));
  node.step(envelope(1, 2, looking(vote_for(1, 4))));  // higher epoch beats everything
  EXPECT_EQ(node.current_vote(), vote_for(1, 4));
}

// Same round, better vote: adopt it and tell everyone; a worse vote changes nothing and is not
// re-broadcast (our vote already went out).
TEST(ZabRules, BetterVoteAdoptedAndRebroadcast) {
  auto node = started(2, 4);
  node.step(envelope(3, 2, looking(vote_for(3))));
  Output out = drain(node);
  EXPECT_EQ(node.current_vote(), vote_for(3));
  EXPECT_EQ(sorted(receivers_of<Notification>(out)), (Ids{1, 3, 4}));
  for (const auto& [to, m] : sent_of<Notification>(out)) EXPECT_EQ(m.vote, vote_for(3));

  node.step(envelope(1, 2, looking(vote_for(1))));
  out = drain(node);
  EXPECT_EQ(node.current_vote(), vote_for(3));
  EXPECT_TRUE(sent_of<Notification>(out).empty());
}

// A notification of a higher round starts that round: the round is adopted, the votes of the
// old round are forgotten (they may no longer hold), the vote restarts from the better of theirs
// and our own, and it is broadcast.
TEST(ZabRules, HigherRoundResetsVotes) {
  auto node = started(2, 3);
  node.step(envelope(1, 2, looking(vote_for(2), 1)));  // a quorum for 2 in round 1
  ASSERT_GT(node.ticks_until_timeout(), 0u);
  node.step(envelope(3, 2, looking(vote_for(1), 2)));  // round 2, a worse vote than ours
  Output out = drain(node);
  EXPECT_EQ(node.election_round(), 2u);
  EXPECT_EQ(node.current_vote(), vote_for(2));
  EXPECT_EQ(sorted(receivers_of<Notification>(out)), (Ids{1, 3}));
  for (const auto& [to, m] : sent_of<Notification>(out)) EXPECT_EQ(m.election_round, 2u);
  // Node 1's round-1 vote no longer counts: no quorum, so no decision after the finalize wait.
  tick_n(node, node.config().finalize_wait_ticks + 1);
  EXPECT_EQ(node.peer_state(), PeerState::Looking);
}

// A higher round carrying a better vote: adopt the vote too.
TEST(ZabRules, HigherRoundWithBetterVoteAdoptsIt) {
  auto node = started(2, 3);
  node.step(envelope(1, 2, looking(vote_for(3), 5)));
  EXPECT_EQ(node.election_round(), 5u);
  EXPECT_EQ(node.current_vote(), vote_for(3));
}

// termPredicate + finalizeWait: a quorum agreeing with our vote starts the finalize wait; only
// when it passes does the node decide (here for itself: it reports LEADING, still a Candidate).
TEST(ZabRules, DecidesOnlyAfterQuorumAndFinalizeWait) {
  auto node = started(3, 3);
  tick_n(node, 5);
  EXPECT_EQ(node.peer_state(), PeerState::Looking);  // alone: no quorum, no wait
  node.step(envelope(1, 3, looking(vote_for(3))));
  drain(node);
  const std::uint32_t wait = node.config().finalize_wait_ticks;
  tick_n(node, wait - 1);
  EXPECT_EQ(node.peer_state(), PeerState::Looking);
  node.tick();
  EXPECT_EQ(node.peer_state(), PeerState::Leading);
  EXPECT_EQ(node.role(), Role::Candidate);
  EXPECT_EQ(node.status().leader, kNoNode);
}

// Within a round a peer's vote only gets better, so an older notification that arrives after a
// newer one (the network reordered them) must not overwrite it and undo a quorum.
TEST(ZabRules, ReorderedOlderVoteOfTheRoundIgnored) {
  auto node = started(3, 3);
  node.step(envelope(1, 3, looking(vote_for(3))));  // node 1's newer vote: a quorum for 3
  drain(node);
  node.step(envelope(1, 3, looking(vote_for(1))));  // its older vote, delivered late
  drain(node);
  tick_n(node, node.config().finalize_wait_ticks);
  EXPECT_EQ(node.peer_state(), PeerState::Leading);
}

// Deciding for another node: follow it and send it our accepted epoch (FollowerInfo).
TEST(ZabRules, DecidingForAnotherSendsFollowerInfo) {
  auto node = started(1, 3, {}, HardState{2, 3, 6});
  node.step(envelope(3, 1, looking(vote_for(3, 2))));
  drain(node);
  tick_n(node, node.config().finalize_wait_ticks);
  const Output out = drain(node);
  EXPECT_EQ(node.peer_state(), PeerState::Following);
  EXPECT_EQ(node.role(), Role::Follower);
  EXPECT_EQ(node.status().leader, kNoNode);  // not established yet
  ASSERT_EQ(receivers_of<FollowerInfo>(out), (Ids{3}));
  EXPECT_EQ(sent_of<FollowerInfo>(out)[0].second.accepted_epoch, 6u);
}

// A better vote during the finalize wait reopens the election: no decision at the old deadline,
// and the new vote needs its own quorum and a full wait.
TEST(ZabRules, BetterVoteDuringFinalizeWaitReopens) {
  auto node = started(2, 3);
  node.step(envelope(1, 2, looking(vote_for(2))));  // quorum for 2: wait
  const std::uint32_t wait = node.config().finalize_wait_ticks;
  tick_n(node, wait - 2);
  node.step(envelope(3, 2, looking(vote_for(3))));  // better: adopted, and 3 + us are a quorum
  drain(node);
  tick_n(node, 2);
  EXPECT_EQ(node.peer_state(), PeerState::Looking);  // the old deadline passed: still looking
  tick_n(node, wait - 3);
  EXPECT_EQ(node.peer_state(), PeerState::Looking);
  node.tick();
  const Output out = drain(node);
  EXPECT_EQ(node.peer_state(), PeerState::Following);
  EXPECT_EQ(receivers_of<FollowerInfo>(out), (Ids{3}));
}

// A notification of an older round does not count, but is answered with our current vote and
// round so that the laggard catches up.
TEST(ZabRules, LaggingRoundAnswered) {
  auto node = started(2, 5);
  node.step(envelope(3, 2, looking(vote_for(3), 4)));  // round 4: 2 and 3 vote for 3
  drain(node);
  node.step(envelope(1, 2, looking(vote_for(3), 2)));  // agrees, but from round 2
  const Output out = drain(node);
  ASSERT_EQ(receivers_of<Notification>(out), (Ids{1}));
  const Notification answer = sent_of<Notification>(out)[0].second;
  EXPECT_EQ(answer.election_round, 4u);
  EXPECT_EQ(answer.vote, vote_for(3));
  EXPECT_EQ(answer.state, PeerState::Looking);
  // Counted, it would have made a quorum of 3 for node 3; it did not.
  tick_n(node, node.config().finalize_wait_ticks + 1);
  EXPECT_EQ(node.peer_state(), PeerState::Looking);
  EXPECT_EQ(node.election_round(), 4u);
}

// A node that is not LOOKING answers a looker with its decided vote, round and state, so the
// looker learns who leads.
TEST(ZabRules, NonLookingAnswersLookerWithItsState) {
  auto node = follower(1, 3, 1);
  node.step(envelope(2, 1, looking(vote_for(2), 7)));
  const Output out = drain(node);
  ASSERT_EQ(receivers_of<Notification>(out), (Ids{2}));
  const Notification answer = sent_of<Notification>(out)[0].second;
  EXPECT_EQ(answer.state, PeerState::Following);
  EXPECT_EQ(answer.vote.leader, 3u);
  EXPECT_EQ(answer.election_round, 1u);
  EXPECT_EQ(node.role(), Role::Follower);  // a peer looking does not shake a follower
  // ... and claims are not answered (they would ping-pong).
  node.step(envelope(2, 1, claim(vote_for(3), 1, PeerState::Following)));
  EXPECT_TRUE(sent_of<Notification>(drain(node)).empty());
}

// A looker follows an established leader at once (no finalize wait) when a quorum, counting
// itself, reports that leader and the leader itself claims LEADING (checkLeader).
TEST(ZabRules, FollowsEstablishedLeaderOnQuorumOfClaims) {
  auto node = started(1, 5);
  const Vote ended = vote_for(5, 2);
  node.step(envelope(3, 1, claim(ended, 4, PeerState::Following)));
  node.step(envelope(4, 1, claim(ended, 4, PeerState::Following)));
  EXPECT_EQ(node.peer_state(), PeerState::Looking);  // followers alone are not enough
  node.step(envelope(5, 1, claim(ended, 4, PeerState::Following)));
  EXPECT_EQ(node.peer_state(), PeerState::Looking);  // the leader must say LEADING itself
  node.step(envelope(5, 1, claim(ended, 4, PeerState::Leading)));
  const Output out = drain(node);
  EXPECT_EQ(node.peer_state(), PeerState::Following);
  EXPECT_EQ(node.election_round(), 4u);
  EXPECT_EQ(receivers_of<FollowerInfo>(out), (Ids{5}));
}

// ... but not on fewer claims than a quorum.
TEST(ZabRules, NoFollowWithoutQuorumOfClaims) {
  auto node = started(1, 5);
  const Vote ended = vote_for(5, 2);
  node.step(envelope(5, 1, claim(ended, 4, PeerState::Leading)));
  EXPECT_EQ(node.peer_state(), PeerState::Looking);
}

// Claims are compared by leader and epoch, whatever their election round (ZooKeeper's Vote.equals
// out of election, ZOOKEEPER-1732): a follower that joined the leader through an older round's
// claim still counts towards its quorum. Requiring equal rounds, seed 1711 of zab-down-queue.scn
// with 1% loss kept a restarted node looking beside a working quorum.
TEST(ZabRules, ClaimsOfOneLeadershipCountAcrossElectionRounds) {
  auto node = started(1, 5);
  const Vote ended = vote_for(5, 2);
  node.step(envelope(3, 1, claim(ended, 5, PeerState::Following)));
  node.step(envelope(5, 1, claim(ended, 6, PeerState::Leading)));
  const Output out = drain(node);
  EXPECT_EQ(node.peer_state(), PeerState::Following);
  EXPECT_EQ(node.election_round(), 6u);
  EXPECT_EQ(receivers_of<FollowerInfo>(out), (Ids{5}));
}

// Joining takes the leader's round even when a follower's older claim completes the quorum: else
// a delayed LOOKING notification of the leader's own round would look like a new election.
TEST(ZabRules, JoiningTakesTheLeadersRoundNotTheLastClaims) {
  auto node = started(1, 5);
  const Vote ended = vote_for(5, 2);
  node.step(envelope(5, 1, claim(ended, 6, PeerState::Leading)));
  node.step(envelope(3, 1, claim(ended, 5, PeerState::Following)));
  drain(node);
  ASSERT_EQ(node.peer_state(), PeerState::Following);
  EXPECT_EQ(node.election_round(), 6u);
}

// ... but a claim for the same leader in another epoch is another leadership.
TEST(ZabRules, ClaimsOfAnotherEpochOfTheLeaderDoNotCount) {
  auto node = started(1, 5);
  node.step(envelope(3, 1, claim(vote_for(5, 1), 5, PeerState::Following)));
  node.step(envelope(5, 1, claim(vote_for(5, 2), 5, PeerState::Leading)));
  EXPECT_EQ(node.peer_state(), PeerState::Looking);
}

// Not in ZooKeeper: a peer that answered our vote with a claim and then starts looking in our
// round never recorded our vote; we send it again instead of both waiting for notTimeout.
TEST(ZabRules, AnswersPeerThatMissedOurVote) {
  auto node = started(3, 3);
  node.step(envelope(2, 3, claim(vote_for(1), 1, PeerState::Following)));
  drain(node);
  node.step(envelope(2, 3, looking(vote_for(2), 1)));
  const Output out = drain(node);
  ASSERT_EQ(receivers_of<Notification>(out), (Ids{2}));
  EXPECT_EQ(sent_of<Notification>(out)[0].second.vote, vote_for(3));
  // A peer that was looking all along is not answered (it has our vote).
  node.step(envelope(1, 3, looking(vote_for(1), 1)));
  EXPECT_TRUE(sent_of<Notification>(drain(node)).empty());
}

// LOOKING and nothing arrives: resend our vote after notification_timeout_ticks_min, then back
// off by doubling up to the max.
TEST(ZabRules, ResendsVoteWithBackoff) {
  auto node = started(1, 3);
  const auto& c = node.config();
  std::vector<std::uint64_t> resent_at;
  for (std::uint64_t t = 1; t <= 500; ++t) {
    node.tick();
    if (!sent_of<Notification>(drain(node)).empty()) resent_at.push_back(t);
  }
  ASSERT_GE(resent_at.size(), 5u);
  EXPECT_EQ(resent_at[0], c.notification_timeout_ticks_min);
  EXPECT_EQ(resent_at[1] - resent_at[0], c.notification_timeout_ticks_min * 2u);
  EXPECT_EQ(resent_at[2] - resent_at[1], c.notification_timeout_ticks_min * 4u);
  EXPECT_EQ(resent_at[3] - resent_at[2], c.notification_timeout_ticks_max);
  EXPECT_EQ(resent_at[4] - resent_at[3], c.notification_timeout_ticks_max);
}

}  // namespace
}  // namespace baton::zab_test
