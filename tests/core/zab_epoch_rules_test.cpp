// The rules of ZAB's epoch establishment (phase 1), the keep-alive, restart, resign and foreign
// messages, one test per rule, each driving a single ZabElector by hand. FLE: zab_rules_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/zab_cluster.hpp"

namespace baton::zab_test {
namespace {

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
// than itself, adopting the best other vote it hears and never a vote for itself; after the hold
// it may stand again.
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

  // Once the hold has passed, a resigned node that heard no other vote stands for itself again.
  auto lonely = leader3();
  ASSERT_EQ(lonely.resign(), RequestResult::Ok);
  drain(lonely);
  std::uint32_t waited = 0;
  Output last;
  while (lonely.current_vote().leader == kNoNode && waited < 1000) {
    lonely.tick();
    last = drain(lonely);
    ++waited;
  }
  EXPECT_GE(waited, lonely.config().resign_hold_ticks);
  EXPECT_EQ(lonely.current_vote(), vote_for(3, 1));
  EXPECT_EQ(sorted(receivers_of<Notification>(last)), (Ids{1, 2}));
  for (const auto& [to, m] : sent_of<Notification>(last)) EXPECT_EQ(m.vote, vote_for(3, 1));
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
