// One test per rule of the Ring elector, driving a single node by hand.
#include <gtest/gtest.h>

#include <set>

#include "core/messages_raft.hpp"
#include "support/ring_cluster.hpp"

namespace baton::test {
namespace {

using ring::Ack;
using ring::Alive;
using ring::Elected;
using ring::Election;

/// Epoch `round` of node `id` (core/owned_epoch.hpp).
constexpr std::uint64_t E(std::uint64_t round, NodeId id) {
  return round << 16 | id;
}

RingTweak fixed_timeout(std::uint32_t ticks) {
  return
      [ticks](ring::Config& c) { c.leader_timeout_ticks_min = c.leader_timeout_ticks_max = ticks; };
}

Envelope from(NodeId sender, NodeId to, Message m) {
  return Envelope{sender, to, m};
}

/// Node `id` of `n`, timed out and initiated (its Election to its successor in `out`).
ring::RingElector initiated(NodeId id, std::size_t n, Output& out, HardState restored = {}) {
  auto node = make_ring_node(id, n, fixed_timeout(10), restored);
  tick_until_election(node, out);
  return node;
}

/// Node `id` of `n` that initiated and won epoch `restored.term + 1`; its output is drained.
ring::RingElector leader(NodeId id, std::size_t n, HardState restored = {},
                         const RingTweak& tweak = fixed_timeout(10), std::uint64_t seed = 7) {
  Output out;
  auto node = make_ring_node(id, n, tweak, restored, seed);
  tick_until_election(node, out);
  const NodeId pred = id == 1 ? static_cast<NodeId>(n) : id - 1;
  node.step(from(pred, id, Election{id, id, restored.term, 1}));
  // Its successor acknowledges the Elected, so no later ack timeout marks anyone dead.
  for (const auto& e : sent_of<Elected>(take(node))) {
    node.step(from(e.to, id, Ack{e.message.sequence}));
  }
  take(node);
  return node;
}

TEST(RingRules, InitiatesOnLeaderTimeout) {
  Output out;
  auto node = initiated(2, 5, out, HardState{3, kNoNode, 0});
  const auto elections = sent_of<Election>(out);
  ASSERT_EQ(elections.size(), 1u);
  EXPECT_EQ(elections[0].to, 3u);  // the successor: next larger id
  EXPECT_EQ(elections[0].message.initiator, 2u);
  EXPECT_EQ(elections[0].message.best, 2u);
  EXPECT_EQ(elections[0].message.epoch, 3u);  // the highest epoch seen
  EXPECT_EQ(node.role(), Role::Candidate);
  EXPECT_TRUE(node.participant());
  EXPECT_TRUE(has_ring_event(out, CoreEventKind::ElectionTimeout));
  EXPECT_TRUE(has_ring_event(out, CoreEventKind::CampaignStarted));
}

TEST(RingRules, SuccessorWrapsFromHighestToLowest) {
  Output out;
  initiated(5, 5, out);
  ASSERT_EQ(sent_of<Election>(out).size(), 1u);
  EXPECT_EQ(sent_of<Election>(out)[0].to, 1u);
}

TEST(RingRules, StartupWaitsRandomizedLeaderTimeout) {
  std::set<std::uint32_t> waits;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    auto node = make_ring_node(2, 5, {}, {}, seed);
    Output out;
    const std::uint32_t t = tick_until_election(node, out);
    EXPECT_GE(t, node.config().leader_timeout_ticks_min);
    EXPECT_LE(t, node.config().leader_timeout_ticks_max);
    waits.insert(t);
  }
  EXPECT_GT(waits.size(), 3u);  // randomized, not one fixed wait
}

TEST(RingRules, AcksElectionToSenderFirst) {
  auto node = make_ring_node(3, 5);
  node.step(from(2, 3, Election{1, 2, 0, 42}));
  Output out = take(node);
  ASSERT_FALSE(out.messages.empty());
  EXPECT_EQ(out.messages[0].to, 2u);
  const auto* ack = std::get_if<Ack>(&out.messages[0].message);
  ASSERT_NE(ack, nullptr);
  EXPECT_EQ(ack->sequence, 42u);
}

TEST(RingRules, ForwardsHigherBestUnchanged) {
  auto node = make_ring_node(3, 5);
  node.step(from(2, 3, Election{1, 4, 2, 9}));
  Output out = take(node);
  const auto fwd = sent_of<Election>(out);
  ASSERT_EQ(fwd.size(), 1u);
  EXPECT_EQ(fwd[0].to, 4u);
  EXPECT_EQ(fwd[0].message.initiator, 1u);
  EXPECT_EQ(fwd[0].message.best, 4u);
  EXPECT_EQ(fwd[0].message.epoch, 2u);
  EXPECT_TRUE(node.participant());
  EXPECT_EQ(node.role(), Role::Candidate);
}

// A forwarded Election carries the highest epoch seen along the way, so the winner's epoch exceeds
// every epoch any node on the ring has seen.
TEST(RingRules, ForwardedElectionCarriesTheHighestEpochSeen) {
  auto node = make_ring_node(3, 5, {}, HardState{5, kNoNode, 0});
  node.step(from(2, 3, Election{1, 4, 2, 9}));
  const auto fwd = sent_of<Election>(take(node));
  ASSERT_EQ(fwd.size(), 1u);
  EXPECT_EQ(fwd[0].message.best, 4u);
  EXPECT_EQ(fwd[0].message.epoch, 5u);
}

TEST(RingRules, ReplacesLowerBestWhenNotParticipant) {
  auto node = make_ring_node(3, 5);
  node.step(from(2, 3, Election{1, 2, 0, 9}));
  const auto fwd = sent_of<Election>(take(node));
  ASSERT_EQ(fwd.size(), 1u);
  EXPECT_EQ(fwd[0].message.best, 3u);
  EXPECT_EQ(fwd[0].message.initiator, 1u);
  EXPECT_TRUE(node.participant());
}

TEST(RingRules, DiscardsLowerBestWhenParticipant) {
  Output out;
  auto node = initiated(3, 5, out);
  node.step(from(2, 3, Election{2, 2, 0, 9}));
  out = take(node);
  EXPECT_TRUE(sent_of<Election>(out).empty());
  EXPECT_EQ(sent_of<Ack>(out).size(), 1u);  // still acknowledged
}

TEST(RingRules, WinnerPersistsEpochInTheBatchOfItsElected) {
  Output out;
  auto node = initiated(3, 5, out, HardState{E(4, 5), kNoNode, 0});
  node.step(from(2, 3, Election{3, 3, E(6, 1), 9}));
  out = take(node);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->term, E(7, 3));  // the round after max(seen, message's), ours
  const auto elected = sent_of<Elected>(out);
  ASSERT_EQ(elected.size(), 1u);
  EXPECT_EQ(elected[0].to, 4u);
  EXPECT_EQ(elected[0].message.leader, 3u);
  EXPECT_EQ(elected[0].message.epoch, E(7, 3));
  EXPECT_EQ(node.role(), Role::Leader);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_TRUE(out.leadership[0].gained);
  EXPECT_EQ(out.leadership[0].fence_token, E(7, 3));
  EXPECT_TRUE(has_ring_event(out, CoreEventKind::BecameLeader));
}

// Two nodes that win after the same history never take the same epoch: with "max seen + 1", two
// queued copies of one undecided round reached restarted nodes and both won it, two leaders with
// one fence token (ring-stale-election.scn).
TEST(RingRules, WinnersAfterTheSameHistoryNeverShareAnEpoch) {
  Output out;
  auto three = initiated(3, 5, out, HardState{E(4, 5), kNoNode, 0});
  auto four = initiated(4, 5, out, HardState{E(4, 5), kNoNode, 0});
  three.step(from(2, 3, Election{3, 3, E(4, 5), 9}));
  four.step(from(3, 4, Election{4, 4, E(4, 5), 9}));
  ASSERT_EQ(three.role(), Role::Leader);
  ASSERT_EQ(four.role(), Role::Leader);
  EXPECT_NE(three.status().fence_token, four.status().fence_token);
  EXPECT_GT(four.status().fence_token, three.status().fence_token);
}

// A leader's status names the epoch it leads, not a newer one it has only heard of (an Election
// of a newer round can reach it before the Elected that deposes it).
TEST(RingRules, LeaderStatusNamesItsOwnEpochNotTheMaxSeen) {
  auto node = leader(3, 5);
  const std::uint64_t own = node.status().fence_token;
  node.step(from(2, 3, Election{5, 5, E(2, 5), 9}));
  take(node);
  ASSERT_EQ(node.role(), Role::Leader);
  ASSERT_GT(node.hard_state().term, own) << "the Election's epoch was not noted";
  EXPECT_EQ(node.status().term, own);
  EXPECT_EQ(node.status().fence_token, own);

  // A follower's term is its leader's epoch, also after an Election of a newer round went by.
  auto follower = make_ring_node(2, 5);
  follower.step(from(1, 2, Elected{5, E(1, 5), 1}));
  follower.step(from(1, 2, Election{1, 1, E(2, 4), 2}));
  take(follower);
  ASSERT_EQ(follower.status().leader, 5u);
  ASSERT_GT(follower.hard_state().term, E(1, 5)) << "the Election's epoch was not noted";
  EXPECT_EQ(follower.status().term, E(1, 5));
}

TEST(RingRules, OwnElectionReturningAfterTheRoundIsIgnored) {
  auto node = leader(3, 5);
  node.step(from(2, 3, Election{3, 3, 0, 10}));
  Output out = take(node);
  EXPECT_TRUE(sent_of<Elected>(out).empty());
  EXPECT_FALSE(out.hard_state.has_value());
}

TEST(RingRules, ElectedIsRecordedPersistedAndForwarded) {
  Output out;
  auto node = initiated(2, 5, out);
  node.step(from(1, 2, Elected{5, 7, 3}));
  out = take(node);
  ASSERT_EQ(sent_of<Ack>(out).size(), 1u);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->term, 7u);
  const auto fwd = sent_of<Elected>(out);
  ASSERT_EQ(fwd.size(), 1u);
  EXPECT_EQ(fwd[0].to, 3u);
  EXPECT_EQ(fwd[0].message.leader, 5u);
  EXPECT_EQ(fwd[0].message.epoch, 7u);
  EXPECT_EQ(node.role(), Role::Follower);
  EXPECT_FALSE(node.participant());
  EXPECT_EQ(node.status().leader, 5u);
  EXPECT_EQ(node.status().fence_token, 0u);  // only a leader holds a token
  EXPECT_TRUE(has_ring_event(out, CoreEventKind::LeaderDiscovered));
  // The same announcement again (its leader died before it came back) is not passed on.
  node.step(from(1, 2, Elected{5, 7, 4}));
  EXPECT_TRUE(sent_of<Elected>(take(node)).empty());
}

TEST(RingRules, ElectedReturningToItsLeaderEndsTheRound) {
  auto node = leader(3, 5);
  node.step(from(2, 3, Elected{3, node.leader_epoch(), 8}));
  Output out = take(node);
  EXPECT_TRUE(sent_of<Elected>(out).empty());
  EXPECT_EQ(sent_of<Ack>(out).size(), 1u);
  EXPECT_EQ(node.role(), Role::Leader);

  // Also when it resigned meanwhile: it neither follows itself nor sends the round on again.
  auto resigned = leader(3, 5);
  ASSERT_EQ(resigned.resign(), RequestResult::Ok);
  take(resigned);
  resigned.step(from(2, 3, Elected{3, resigned.leader_epoch(), 8}));
  out = take(resigned);
  EXPECT_TRUE(sent_of<Elected>(out).empty());
  EXPECT_EQ(resigned.status().leader, kNoNode);
}

TEST(RingRules, LeaderStepsDownOnElectedOfAnotherWithEpochAtLeastItsOwn) {
  auto node = leader(3, 5);                       // epoch E(1, 3)
  node.step(from(2, 3, Elected{1, E(1, 1), 8}));  // an older epoch
  EXPECT_EQ(node.role(), Role::Leader);
  take(node);
  node.step(from(2, 3, Elected{4, E(1, 4), 9}));  // a newer one
  Output out = take(node);
  EXPECT_EQ(node.role(), Role::Follower);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  EXPECT_TRUE(has_ring_event(out, CoreEventKind::SteppedDown));

  auto other = leader(3, 5);
  other.step(from(2, 3, Elected{1, E(2, 1), 8}));  // newer epoch, any id
  EXPECT_EQ(other.role(), Role::Follower);
  EXPECT_EQ(other.status().leader, 1u);
}

TEST(RingRules, SilentSuccessorIsSkippedAfterAckTimeout) {
  Output out;
  auto node = initiated(2, 5, out);
  const std::uint64_t first_sequence = sent_of<Election>(out)[0].message.sequence;
  for (std::uint32_t t = 1; t < node.config().ack_timeout_ticks; ++t) {
    node.tick();
    EXPECT_TRUE(sent_of<Election>(take(node)).empty());
  }
  node.tick();
  out = take(node);
  const auto resent = sent_of<Election>(out);
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(resent[0].to, 4u);
  EXPECT_EQ(resent[0].message.best, 2u);
  EXPECT_NE(resent[0].message.sequence, first_sequence);
  EXPECT_TRUE(node.presumed_dead(3));
  node.step(from(4, 2, Ack{resent[0].message.sequence}));
  EXPECT_EQ(node.unacked(), 0u);
  // Hearing from the presumed-dead member brings it back into the ring.
  node.step(from(3, 2, Alive{3, 0}));
  EXPECT_FALSE(node.presumed_dead(3));
}

TEST(RingRules, LoneNodeElectsItselfAndNeverSendsToItself) {
  Output out;
  auto node = initiated(1, 3, out);
  std::vector<NodeId> targets{sent_of<Election>(out)[0].to};
  for (int t = 0; t < 10 && node.role() != Role::Leader; ++t) {
    node.tick();
    for (const auto& e : take(node).messages) {
      EXPECT_NE(e.to, 1u);
      if (std::holds_alternative<Election>(e.message)) targets.push_back(e.to);
    }
  }
  EXPECT_EQ(targets, (std::vector<NodeId>{2, 3}));
  EXPECT_EQ(node.role(), Role::Leader);

  auto single = make_ring_node(1, 1, fixed_timeout(10));
  for (int t = 0; t < 10; ++t) single.tick();
  EXPECT_EQ(single.role(), Role::Leader);
  EXPECT_TRUE(take(single).messages.empty());
}

TEST(RingRules, DecidedRoundStopsRetryingUnackedElections) {
  Output out;
  auto node = initiated(2, 5, out);  // its Election to 3 is never acknowledged
  node.step(from(1, 2, Elected{5, 1, 1}));
  take(node);
  for (std::uint32_t t = 0; t < 3 * node.config().ack_timeout_ticks; ++t) {
    node.tick();
    EXPECT_TRUE(sent_of<Election>(take(node)).empty());
  }
}

TEST(RingRules, SkippingADeadBestCarriesTheSkipperInstead) {
  auto node = make_ring_node(4, 5);
  node.step(from(3, 4, Election{1, 5, 0, 9}));  // 5 is better: passed on to 5
  take(node);
  for (std::uint32_t t = 0; t < node.config().ack_timeout_ticks; ++t) node.tick();
  const auto resent = sent_of<Election>(take(node));
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(resent[0].to, 1u);
  EXPECT_EQ(resent[0].message.best, 4u);  // 5 can never get it back to win
}

TEST(RingRules, ElectionForAPresumedDeadBestIsDropped) {
  Output out;
  auto node = initiated(4, 5, out);
  for (std::uint32_t t = 0; t < node.config().ack_timeout_ticks; ++t) node.tick();  // 5 dead
  out = take(node);
  ASSERT_TRUE(node.presumed_dead(5));
  // An election naming 5 can never return to it; the copy 4 skipped past 5 already carries 4.
  node.step(from(3, 4, Election{1, 5, 0, 9}));
  EXPECT_TRUE(sent_of<Election>(take(node)).empty());
}

TEST(RingRules, LeaderSendsAliveToEveryOtherMemberEveryInterval) {
  auto node = leader(3, 5);
  const std::uint32_t interval = node.config().heartbeat_interval_ticks;
  std::vector<std::size_t> alive_per_tick;
  for (std::uint32_t t = 0; t < 3 * interval; ++t) {
    node.tick();
    const auto alive = sent_of<Alive>(take(node));
    alive_per_tick.push_back(alive.size());
    std::set<NodeId> to;
    for (const auto& a : alive) {
      to.insert(a.to);
      EXPECT_EQ(a.message.leader, 3u);
      EXPECT_EQ(a.message.epoch, node.leader_epoch());
    }
    if (!alive.empty()) {
      EXPECT_EQ(to, (std::set<NodeId>{1, 2, 4, 5}));
    }
  }
  std::size_t bursts = 0;
  for (std::size_t n : alive_per_tick) bursts += n > 0;
  EXPECT_EQ(bursts, 3u);
}

TEST(RingRules, FollowerResetsLeaderTimerOnAliveFromItsLeader) {
  auto node = make_ring_node(2, 5, fixed_timeout(10));
  node.step(from(1, 2, Elected{5, 1, 1}));
  take(node);
  for (int t = 1; t <= 100; ++t) {
    node.tick();
    if (t % 5 == 0) node.step(from(5, 2, Alive{5, 1}));
    EXPECT_TRUE(sent_of<Election>(take(node)).empty()) << "tick " << t;
  }
  Output out;
  EXPECT_EQ(tick_until_election(node, out, 20), 10u);
}

TEST(RingRules, AliveWithHigherEpochFromAnotherNodeIsAdopted) {
  auto node = make_ring_node(2, 5);
  node.step(from(1, 2, Elected{5, 1, 1}));
  node.step(from(3, 2, Alive{3, 2}));
  Output out = take(node);
  EXPECT_EQ(node.status().leader, 3u);
  EXPECT_EQ(node.leader_epoch(), 2u);
  EXPECT_TRUE(has_ring_event(out, CoreEventKind::LeaderDiscovered));
  node.step(from(4, 2, Alive{4, 1}));  // older epoch: ignored
  EXPECT_EQ(node.status().leader, 3u);

  auto lead = leader(3, 5);  // epoch E(1, 3)
  lead.step(from(1, 3, Alive{1, E(2, 1)}));
  EXPECT_EQ(lead.role(), Role::Follower);
  EXPECT_EQ(lead.status().leader, 1u);
}

TEST(RingRules, ElectionOlderThanTheKnownLeaderIsAckedAndDropped) {
  // A frame queued for node 3 while it was down reaches it after its restart: the Election of the
  // round that elected node 2 at epoch 2. Node 3 joins it (it has not heard of epoch 2 yet); node
  // 1, which follows node 2 at epoch 2, must not carry it on, or node 3 would unseat node 2.
  auto node = make_ring_node(1, 3);
  node.step(from(3, 1, Elected{2, 2, 1}));
  take(node);
  node.step(from(3, 1, Election{2, 3, 1, 7}));
  Output out = take(node);
  ASSERT_EQ(sent_of<Ack>(out).size(), 1u);
  EXPECT_EQ(sent_of<Ack>(out)[0].to, 3u);
  EXPECT_TRUE(sent_of<Election>(out).empty());
  EXPECT_FALSE(node.participant());
  EXPECT_EQ(node.status().leader, 2u);
  EXPECT_TRUE(has_ring_event(out, CoreEventKind::MessageIgnored));

  auto lead = leader(2, 3, HardState{1, kNoNode, 0});  // epoch 2
  lead.step(from(1, 2, Election{1, 3, 1, 4}));
  out = take(lead);
  EXPECT_TRUE(sent_of<Election>(out).empty()) << "the leader drops it too";
  EXPECT_EQ(lead.role(), Role::Leader);

  // A round that began at the known epoch or later is a real one and is carried on.
  node.step(from(3, 1, Election{3, 3, 2, 8}));
  EXPECT_EQ(sent_of<Election>(take(node)).size(), 1u);
  EXPECT_TRUE(node.participant());
}

TEST(RingRules, ParticipantWithoutElectedRestartsAfterElectionTimeout) {
  Output out;
  auto node = initiated(2, 5, out);
  node.step(from(3, 2, Ack{sent_of<Election>(out)[0].message.sequence}));
  take(node);
  const std::uint32_t timeout = 4 * 5 * node.config().ack_timeout_ticks;  // the default
  EXPECT_EQ(tick_until_election(node, out, timeout + 5), timeout);
  EXPECT_TRUE(has_ring_event(out, CoreEventKind::ElectionTimeout));
  ASSERT_FALSE(sent_of<Election>(out).empty());
  EXPECT_EQ(sent_of<Election>(out)[0].message.best, 2u);
}

TEST(RingRules, StatusFenceTokenAndRestoredHardState) {
  auto follower = make_ring_node(2, 5, {}, HardState{6, kNoNode, 0});
  EXPECT_EQ(follower.status().term, 6u);
  EXPECT_EQ(follower.hard_state().term, 6u);
  EXPECT_EQ(follower.status().fence_token, 0u);

  auto node = leader(3, 5, HardState{E(6, 2), kNoNode, 0});
  const Status s = node.status();
  EXPECT_EQ(s.role, Role::Leader);
  EXPECT_EQ(s.term, E(7, 3));
  EXPECT_EQ(s.leader, 3u);
  EXPECT_EQ(s.fence_token, E(7, 3));
  EXPECT_FALSE(s.lease_valid);
  EXPECT_EQ(s.voted_for, kNoNode);
  EXPECT_EQ(node.hard_state().term, E(7, 3));
  EXPECT_EQ(node.algorithm(), "ring");
  EXPECT_EQ(node.clone()->status().fence_token, E(7, 3));
}

TEST(RingRules, TransferIsNotSupported) {
  auto node = leader(3, 5);
  EXPECT_EQ(node.transfer(5), RequestResult::NotSupported);
}

TEST(RingRules, ResignStepsDownHoldsBackAndStillForwards) {
  auto follower = make_ring_node(2, 5);
  EXPECT_EQ(follower.resign(), RequestResult::NotLeader);

  // Timeouts spread over [5, 30]: the re-armed leader timer fires before the hold (30) ends for
  // most seeds; none may initiate during the hold.
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto node = leader(
        3, 5, {},
        [](ring::Config& c) {
          c.leader_timeout_ticks_min = 5;
          c.leader_timeout_ticks_max = 30;
        },
        seed);
    ASSERT_EQ(node.resign(), RequestResult::Ok);
    Output out = take(node);
    EXPECT_EQ(node.role(), Role::Follower);
    ASSERT_EQ(out.leadership.size(), 1u);
    EXPECT_FALSE(out.leadership[0].gained);
    EXPECT_TRUE(has_ring_event(out, CoreEventKind::Resigned));
    // Forwards a lower candidate unchanged instead of putting its own id in.
    node.step(from(2, 3, Election{1, 2, 1, 5}));
    const auto fwd = sent_of<Election>(take(node));
    ASSERT_EQ(fwd.size(), 1u);
    EXPECT_EQ(fwd[0].message.best, 2u);
    node.step(from(4, 3, Ack{fwd[0].message.sequence}));
    for (std::uint32_t t = 0; t < node.config().leader_timeout_ticks_max - 1; ++t) {
      node.tick();
      EXPECT_TRUE(sent_of<Election>(take(node)).empty()) << "seed " << seed << " tick " << t;
    }
    // After the hold it stands again.
    Output later;
    EXPECT_LT(tick_until_election(node, later, 100), 100u);
  }
}

TEST(RingRules, OtherAlgorithmsMessagesAreIgnored) {
  auto node = make_ring_node(2, 5);
  node.step(from(3, 2, raft::Heartbeat{}));
  Output out = take(node);
  EXPECT_TRUE(out.messages.empty());
  EXPECT_TRUE(has_ring_event(out, CoreEventKind::MessageIgnored));
}

// Messages no correct member sends are dropped: from a non-member, from the node itself, and an
// Alive on behalf of another node (only a leader announces itself).
TEST(RingRules, MisroutedMessagesAreIgnored) {
  auto node = make_ring_node(2, 5);
  node.step(from(1, 2, Elected{5, 1, 1}));
  take(node);
  node.step(from(9, 2, Alive{9, 5}));
  node.step(from(2, 2, Alive{2, 5}));
  node.step(from(3, 2, Alive{4, 5}));
  const Output out = take(node);
  ASSERT_EQ(out.events.size(), 3u);
  for (const auto& e : out.events) EXPECT_EQ(e.kind, CoreEventKind::MessageIgnored);
  EXPECT_TRUE(out.messages.empty());
  EXPECT_EQ(node.status().leader, 5u);
  EXPECT_EQ(node.leader_epoch(), 1u);
}

}  // namespace
}  // namespace baton::test
