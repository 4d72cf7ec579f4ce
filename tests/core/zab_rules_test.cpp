// The rules of ZooKeeper's fast leader election and ZAB's epoch establishment as baton implements
// them, one test per rule, each driving a single ZabElector by hand.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/zab_cluster.hpp"

namespace baton::zab_test {
namespace {

using zab::AckEpoch;
using zab::FollowerInfo;
using zab::NewEpoch;
using zab::Notification;
using zab::PeerState;
using zab::Ping;
using zab::PingAck;
using zab::Vote;

using Ids = std::vector<NodeId>;

Ids sorted(Ids ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

Vote vote_for(NodeId leader, std::uint64_t epoch = 0, std::uint64_t zxid = 0) {
  return Vote{epoch, zxid, leader};
}

Notification looking(Vote vote, std::uint64_t round = 1) {
  return Notification{vote, round, PeerState::Looking};
}

Notification claim(Vote vote, std::uint64_t round, PeerState state) {
  return Notification{vote, round, state};
}

/// A fresh node after its first tick (its first notifications sent and drained).
zab::ZabElector started(NodeId id, std::size_t members, const ConfigTweak& tweak = {},
                        HardState restored = {}) {
  auto node = make_node(id, members, tweak, restored);
  node.tick();
  drain(node);
  return node;
}

void tick_n(zab::ZabElector& node, std::uint64_t ticks) {
  for (std::uint64_t t = 0; t < ticks; ++t) node.tick();
}

/// Node `id` of a 3-node ensemble, decided for itself (peer 1 or 2 voted for it) and waiting
/// for FollowerInfo. Output drained.
zab::ZabElector prospective_leader(NodeId id, std::size_t members, HardState restored = {}) {
  auto node = started(id, members, {}, restored);
  const Vote mine = node.current_vote();
  std::size_t voted = 0;
  for (NodeId peer = 1; peer <= members && voted < members / 2; ++peer) {
    if (peer == id) continue;
    node.step(envelope(peer, id, looking(mine)));
    ++voted;
  }
  tick_n(node, node.config().finalize_wait_ticks);
  drain(node);
  EXPECT_EQ(node.peer_state(), PeerState::Leading);
  return node;
}

/// Node 3 of 3 as established leader of epoch 1 with follower 1. Output drained.
zab::ZabElector leader3() {
  auto node = prospective_leader(3, 3);
  node.step(envelope(1, 3, FollowerInfo{0}));
  node.step(envelope(1, 3, AckEpoch{1}));
  drain(node);
  EXPECT_EQ(node.role(), Role::Leader);
  return node;
}

/// Node `id` following `leader` (of a 3-node ensemble): decided, sent FollowerInfo. If `epoch`
/// is non-zero it also accepted NewEpoch(epoch) and got the first Ping. Output drained.
zab::ZabElector follower(NodeId id, NodeId leader, std::uint64_t epoch, HardState restored = {},
                         const ConfigTweak& tweak = {}) {
  auto node = started(id, 3, tweak, restored);
  const Vote theirs = vote_for(leader, restored.term);
  node.step(envelope(leader, id, looking(theirs)));
  tick_n(node, node.config().finalize_wait_ticks);
  EXPECT_EQ(node.peer_state(), PeerState::Following);
  if (epoch != 0) {
    node.step(envelope(leader, id, NewEpoch{epoch}));
    node.step(envelope(leader, id, Ping{epoch}));
  }
  drain(node);
  return node;
}

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

// ---- ZAB phase 1: epoch establishment -----------------------------------------------------

// getEpochToPropose: once a quorum (the prospective leader included) reported its accepted
// epoch, the leader proposes max + 1, accepts it itself (persisted with voted_for = itself in the
// same batch as the NewEpoch messages, which are in Output::messages), and sends it.
TEST(ZabRules, NewEpochIsMaxAcceptedPlusOne) {
  auto node = prospective_leader(3, 3, HardState{2, kNoNode, 4});
  node.step(envelope(1, 3, FollowerInfo{7}));
  const Output out = drain(node);
  ASSERT_EQ(receivers_of<NewEpoch>(out), (Ids{1}));
  EXPECT_EQ(sent_of<NewEpoch>(out)[0].second.epoch, 8u);
  ASSERT_EQ(out.messages.size(), 1u);  // not early: it depends on the persisted accepted epoch
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->epoch, 8u);
  EXPECT_EQ(out.hard_state->voted_for, 3u);
  EXPECT_EQ(out.hard_state->term, 2u);  // the current epoch changes only once established
  EXPECT_EQ(node.role(), Role::Candidate);

  // Our own accepted epoch counts too.
  auto other = prospective_leader(3, 3, HardState{2, kNoNode, 9});
  other.step(envelope(1, 3, FollowerInfo{7}));
  EXPECT_EQ(sent_of<NewEpoch>(drain(other))[0].second.epoch, 10u);
}

// No epoch before a quorum of FollowerInfo (n = 5: the leader and two followers).
TEST(ZabRules, NoEpochBeforeQuorumOfFollowerInfo) {
  auto node = prospective_leader(5, 5);
  node.step(envelope(1, 5, FollowerInfo{0}));
  EXPECT_TRUE(sent_of<NewEpoch>(drain(node)).empty());
  node.step(envelope(2, 5, FollowerInfo{0}));
  EXPECT_EQ(sorted(receivers_of<NewEpoch>(drain(node))), (Ids{1, 2}));
}

// FollowerInfo from a follower that decided before we did is kept until we decide.
TEST(ZabRules, EarlyFollowerInfoKeptWhileLooking) {
  auto node = started(3, 3);
  node.step(envelope(1, 3, looking(vote_for(3))));
  node.step(envelope(1, 3, FollowerInfo{0}));  // node 1's wait ended first
  drain(node);
  tick_n(node, node.config().finalize_wait_ticks);
  const Output out = drain(node);
  EXPECT_EQ(receivers_of<NewEpoch>(out), (Ids{1}));
}

// The leader leads only once a quorum, itself included, acked the epoch (waitForEpochAck); then
// it reports the gain with the epoch as fence token, makes the epoch its current epoch, and
// pings its followers at once.
TEST(ZabRules, LeaderOnlyAfterQuorumAckEpoch) {
  auto node = prospective_leader(5, 5);
  node.step(envelope(1, 5, FollowerInfo{0}));
  node.step(envelope(2, 5, FollowerInfo{0}));
  node.step(envelope(4, 5, FollowerInfo{0}));
  drain(node);
  node.step(envelope(1, 5, AckEpoch{1}));
  node.step(envelope(2, 5, AckEpoch{2}));  // wrong epoch: not counted
  EXPECT_EQ(node.role(), Role::Candidate);
  EXPECT_TRUE(drain(node).leadership.empty());
  node.step(envelope(4, 5, AckEpoch{1}));
  const Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Leader);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_TRUE(out.leadership[0].gained);
  EXPECT_EQ(out.leadership[0].term, 1u);
  EXPECT_EQ(out.leadership[0].fence_token, 1u);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->term, 1u);
  EXPECT_EQ(sorted(receivers_of<Ping>(out)), (Ids{1, 2, 4}));
  const Status s = node.status();
  EXPECT_EQ(s.leader, 5u);
  EXPECT_EQ(s.term, 1u);
  EXPECT_EQ(s.fence_token, 1u);
  EXPECT_FALSE(s.lease_valid);  // ZAB has no lease
  EXPECT_TRUE(has_event(out, CoreEventKind::BecameLeader));
}

// A prospective leader without a quorum of acks within epoch_timeout_ticks goes back to LOOKING.
TEST(ZabRules, ProspectiveLeaderTimesOut) {
  auto node = prospective_leader(3, 3);
  tick_n(node, node.config().epoch_timeout_ticks - 1);
  EXPECT_EQ(node.peer_state(), PeerState::Leading);
  node.tick();
  const Output out = drain(node);
  EXPECT_EQ(node.peer_state(), PeerState::Looking);
  EXPECT_EQ(node.election_round(), 2u);
  EXPECT_EQ(sorted(receivers_of<Notification>(out)), (Ids{1, 2}));
}

// A follower accepts a NewEpoch above its accepted epoch: it persists accepted epoch = current
// epoch = the new epoch (and the leader in voted_for) in the batch whose Output::messages carry
// the AckEpoch, so the ack never outlives a crash that forgets it.
TEST(ZabRules, AcceptedEpochPersistedBeforeAckEpoch) {
  auto node = follower(1, 3, 0, HardState{2, kNoNode, 3});
  node.step(envelope(3, 1, NewEpoch{6}));
  const Output out = drain(node);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->epoch, 6u);
  EXPECT_EQ(out.hard_state->term, 6u);
  EXPECT_EQ(out.hard_state->voted_for, 3u);
  EXPECT_TRUE(out.early_messages.empty());
  ASSERT_EQ(out.messages.size(), 1u);
  const auto* ack = std::get_if<AckEpoch>(&out.messages[0].message);
  ASSERT_NE(ack, nullptr);
  EXPECT_EQ(ack->epoch, 6u);
  EXPECT_EQ(out.messages[0].to, 3u);
  // Established only with the first Ping of the epoch.
  EXPECT_EQ(node.status().leader, kNoNode);
  node.step(envelope(3, 1, Ping{6}));
  const Output pinged = drain(node);
  EXPECT_EQ(node.status().leader, 3u);
  EXPECT_EQ(node.status().term, 6u);
  EXPECT_EQ(receivers_of<PingAck>(pinged), (Ids{3}));
  EXPECT_TRUE(has_event(pinged, CoreEventKind::LeaderDiscovered));
}

// A follower refuses an epoch not above its accepted epoch (another leader may hold it) and goes
// back to LOOKING without acking; the same epoch again from the leader it accepted it from is a
// repeat and is acked again.
TEST(ZabRules, FollowerRefusesNewEpochNotAboveAccepted) {
  for (std::uint64_t epoch : {4u, 5u}) {
    auto node = follower(1, 3, 0, HardState{5, 2, 5});
    node.step(envelope(3, 1, NewEpoch{epoch}));
    const Output out = drain(node);
    EXPECT_TRUE(sent_of<AckEpoch>(out).empty()) << epoch;
    EXPECT_FALSE(out.hard_state.has_value()) << epoch;
    EXPECT_EQ(node.peer_state(), PeerState::Looking) << epoch;
    EXPECT_TRUE(has_event(out, CoreEventKind::VoteRejected)) << epoch;
  }
  auto node = follower(1, 3, 6);
  node.step(envelope(3, 1, NewEpoch{6}));
  const Output out = drain(node);
  EXPECT_EQ(receivers_of<AckEpoch>(out), (Ids{3}));
  EXPECT_EQ(node.status().leader, 3u);
}

// A follower ignores NewEpoch from a node it does not follow.
TEST(ZabRules, FollowerIgnoresNewEpochFromOthers) {
  auto node = follower(1, 3, 0);
  node.step(envelope(2, 1, NewEpoch{9}));
  const Output out = drain(node);
  EXPECT_TRUE(sent_of<AckEpoch>(out).empty());
  EXPECT_FALSE(out.hard_state.has_value());
  EXPECT_TRUE(has_event(out, CoreEventKind::MessageIgnored));
}

// A follower with no NewEpoch (or first Ping) from its leader within epoch_timeout_ticks goes
// back to LOOKING.
TEST(ZabRules, FollowerEpochTimeout) {
  auto node = follower(1, 3, 0);
  tick_n(node, node.config().epoch_timeout_ticks - 1);
  EXPECT_EQ(node.peer_state(), PeerState::Following);
  node.tick();
  EXPECT_EQ(node.peer_state(), PeerState::Looking);
}

// A leader that is already established answers a late FollowerInfo with its epoch, and pings the
// follower as soon as it acks.
TEST(ZabRules, LateFollowerJoinsEstablishedLeader) {
  auto node = leader3();
  node.step(envelope(2, 3, FollowerInfo{0}));
  Output out = drain(node);
  ASSERT_EQ(receivers_of<NewEpoch>(out), (Ids{2}));
  EXPECT_EQ(sent_of<NewEpoch>(out)[0].second.epoch, 1u);
  node.step(envelope(2, 3, AckEpoch{1}));
  out = drain(node);
  EXPECT_EQ(receivers_of<Ping>(out), (Ids{2}));
  EXPECT_EQ(node.role(), Role::Leader);
  // From now on it is pinged with the others.
  tick_n(node, node.config().heartbeat_interval_ticks);
  EXPECT_EQ(sorted(receivers_of<Ping>(drain(node))), (Ids{1, 2}));
}

// A leader that learns that a follower accepted a newer epoch than its own steps down: another
// leader may already be established.
TEST(ZabRules, LeaderStepsDownOnNewerAcceptedEpoch) {
  auto node = leader3();
  node.step(envelope(2, 3, FollowerInfo{5}));
  const Output out = drain(node);
  EXPECT_EQ(node.peer_state(), PeerState::Looking);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
}

// ---- keep-alive ------------------------------------------------------------------------------

// syncLimit: a leader that has not heard PingAck from a quorum (itself included) within
// leader_timeout_ticks_min steps down to LOOKING; PingAcks keep it leading.
TEST(ZabRules, LeaderStepsDownWithoutQuorumPingAcks) {
  auto kept = leader3();
  const auto& c = kept.config();
  for (std::uint32_t t = 0; t < 3 * c.leader_timeout_ticks_min; ++t) {
    kept.tick();
    for (const auto& [to, ping] : sent_of<Ping>(drain(kept))) {
      kept.step(envelope(to, 3, PingAck{ping.epoch}));
    }
  }
  EXPECT_EQ(kept.role(), Role::Leader);

  auto node = leader3();
  tick_n(node, c.leader_timeout_ticks_min);
  EXPECT_EQ(node.role(), Role::Leader);
  drain(node);
  node.tick();
  const Output out = drain(node);
  EXPECT_EQ(node.peer_state(), PeerState::Looking);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  EXPECT_EQ(out.leadership[0].fence_token, 1u);
  EXPECT_EQ(sorted(receivers_of<Notification>(out)), (Ids{1, 2}));
}

// An established follower that hears no Ping for its (randomized) leader timeout goes LOOKING
// and tells everyone.
TEST(ZabRules, FollowerGoesLookingWithoutPing) {
  auto node = follower(1, 3, 1);
  const auto& c = node.config();
  std::uint64_t ticks = 0;
  while (node.peer_state() == PeerState::Following && ticks < 1000) {
    node.tick();
    ++ticks;
  }
  EXPECT_GE(ticks, c.leader_timeout_ticks_min);
  EXPECT_LE(ticks, c.leader_timeout_ticks_max);
  const Output out = drain(node);
  EXPECT_TRUE(has_event(out, CoreEventKind::ElectionTimeout));
  EXPECT_EQ(sorted(receivers_of<Notification>(out)), (Ids{2, 3}));
  for (const auto& [to, m] : sent_of<Notification>(out)) EXPECT_EQ(m.vote, vote_for(1, 1));
}

// Not in ZooKeeper: a follower whose leader sends a LOOKING notification of a newer round (it
// resigned, lost its quorum, or restarted) looks at once instead of waiting for its timeout.
TEST(ZabRules, FollowerLooksWhenItsLeaderLooks) {
  auto node = follower(1, 3, 1);
  node.step(envelope(3, 1, looking(vote_for(3), 1)));  // a delayed one: same round, ignored
  EXPECT_EQ(node.peer_state(), PeerState::Following);
  drain(node);
  node.step(envelope(3, 1, looking(vote_for(3, 1), 2)));
  const Output out = drain(node);
  EXPECT_EQ(node.peer_state(), PeerState::Looking);
  EXPECT_EQ(node.election_round(), 2u);
  EXPECT_EQ(node.current_vote(), vote_for(3, 1));  // same epoch, higher id than ours
}

// ---- restart, resign, transfer, foreign messages ---------------------------------------------

// A restarted node keeps its epochs: it votes with its current epoch, proposes above its accepted
// epoch, and refuses its accepted epoch from anyone but the leader that proposed it.
TEST(ZabRules, RestartKeepsEpochs) {
  const HardState restored{3, 2, 4};
  auto node = make_node(1, 3, {}, restored);
  EXPECT_EQ(node.hard_state(), restored);
  EXPECT_EQ(node.current_epoch(), 3u);
  EXPECT_EQ(node.accepted_epoch(), 4u);
  EXPECT_EQ(node.status().term, 3u);
  node.tick();
  for (const auto& [to, m] : sent_of<Notification>(drain(node))) {
    EXPECT_EQ(m.vote, vote_for(1, 3));
  }
  auto leader = prospective_leader(1, 3, restored);
  leader.step(envelope(2, 1, FollowerInfo{0}));
  EXPECT_EQ(sent_of<NewEpoch>(drain(leader))[0].second.epoch, 5u);

  auto refusing = follower(1, 3, 0, restored);
  refusing.step(envelope(3, 1, NewEpoch{4}));
  EXPECT_TRUE(sent_of<AckEpoch>(drain(refusing)).empty());
}

// resign(): the leader steps down to LOOKING and, for resign_hold_ticks, votes for nobody rather
// than itself, adopting the best other vote it hears and never a vote for itself.
TEST(ZabRules, ResignStepsDownAndDoesNotVoteForItself) {
  auto node = leader3();
  EXPECT_EQ(node.resign(), RequestResult::Ok);
  Output out = drain(node);
  EXPECT_EQ(node.peer_state(), PeerState::Looking);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  EXPECT_TRUE(has_event(out, CoreEventKind::Resigned));
  for (const auto& [to, m] : sent_of<Notification>(out)) EXPECT_EQ(m.vote.leader, kNoNode);

  node.step(envelope(1, 3, looking(vote_for(3, 1), 2)));  // a vote for us: refused
  EXPECT_EQ(node.current_vote().leader, kNoNode);
  node.step(envelope(1, 3, looking(vote_for(1, 1), 2)));
  EXPECT_EQ(node.current_vote(), vote_for(1, 1));
  node.step(envelope(2, 3, looking(vote_for(2, 1), 2)));
  EXPECT_EQ(node.current_vote(), vote_for(2, 1));

  EXPECT_EQ(node.resign(), RequestResult::NotLeader);
  auto f = follower(1, 3, 1);
  EXPECT_EQ(f.resign(), RequestResult::NotLeader);
}

// FLE picks the leader by vote order; there is nothing to transfer.
TEST(ZabRules, TransferNotSupported) {
  auto node = leader3();
  EXPECT_EQ(node.transfer(1), RequestResult::NotSupported);
  EXPECT_EQ(node.role(), Role::Leader);
}

// Other algorithms' messages (and messages from non-members or ourselves) are dropped with a
// MessageIgnored event and change nothing.
TEST(ZabRules, ForeignMessagesIgnored) {
  auto node = leader3();
  const Status before = node.status();
  node.step(envelope(1, 3, raft::VoteRequest{}));
  node.step(envelope(1, 3, bully::Election{}));
  node.step(envelope(9, 3, looking(vote_for(9, 9))));
  node.step(envelope(3, 3, PingAck{1}));
  const Output out = drain(node);
  EXPECT_TRUE(out.messages.empty());
  EXPECT_TRUE(out.early_messages.empty());
  EXPECT_FALSE(out.hard_state.has_value());
  EXPECT_EQ(
      std::count_if(out.events.begin(), out.events.end(),
                    [](const CoreEvent& e) { return e.kind == CoreEventKind::MessageIgnored; }),
      4);
  EXPECT_EQ(node.status().leader, before.leader);
  EXPECT_EQ(node.role(), Role::Leader);
  EXPECT_EQ(node.algorithm(), "zab");
}

// A copy is an independent value: driving it leaves the original untouched.
TEST(ZabRules, CopiesAreIndependent) {
  auto node = leader3();
  auto copy = node.clone();
  copy->tick();
  ASSERT_TRUE(copy->resign() == RequestResult::Ok);
  EXPECT_EQ(node.role(), Role::Leader);
  EXPECT_NE(copy->status().role, Role::Leader);
}

}  // namespace
}  // namespace baton::zab_test
