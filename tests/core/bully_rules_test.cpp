// The Bully algorithm's rules (Garcia-Molina 1982, as baton implements it), one test per rule,
// each driving a single BullyElector by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "support/bully_cluster.hpp"

namespace baton::bully_test {
namespace {

using bully::Alive;
using bully::Answer;
using bully::Coordinator;
using bully::Election;

using Ids = std::vector<NodeId>;

/// Epoch `round` of node `id` (core/owned_epoch.hpp).
constexpr std::uint64_t E(std::uint64_t round, NodeId id) {
  return round << 16 | id;
}

Ids sorted(Ids ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

// A node that starts an election asks only the higher ids, with the max epoch it has seen.
TEST(BullyRules, ElectionGoesToHigherIdsWithMaxEpochSeen) {
  auto node = make_node(2, 4, {}, HardState{5, kNoNode, 0});
  tick_until_election(node);
  const Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Candidate);
  EXPECT_TRUE(has_event(out, CoreEventKind::CampaignStarted));
  EXPECT_EQ(sorted(receivers_of<Election>(out)), (Ids{3, 4}));
  for (const auto& [to, m] : sent_of<Election>(out)) EXPECT_EQ(m.epoch, 5u);
  EXPECT_TRUE(sent_of<Coordinator>(out).empty());
}

// With no higher member there is nobody to ask: coordinator at once.
TEST(BullyRules, HighestIdBecomesCoordinatorAtOnce) {
  auto node = make_node(4, 4);
  tick_until_election(node);
  const Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Leader);
  EXPECT_TRUE(sent_of<Election>(out).empty());
  EXPECT_EQ(sorted(receivers_of<Coordinator>(out)), (Ids{1, 2, 3}));
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->term, E(1, 4));
}

// A node receiving Election from a lower id answers and takes the election over.
TEST(BullyRules, AnswersLowerElectionAndStartsItsOwn) {
  auto node = make_node(2, 4);
  node.step(envelope(1, 2, Election{3}));
  const Output out = drain(node);
  EXPECT_EQ(receivers_of<Answer>(out), (Ids{1}));
  EXPECT_EQ(sorted(receivers_of<Election>(out)), (Ids{3, 4}));
  for (const auto& [to, m] : sent_of<Election>(out)) EXPECT_EQ(m.epoch, 3u);
  EXPECT_EQ(node.role(), Role::Candidate);
}

// A follower that heard its leader within two heartbeat intervals answers a lower Election but
// does not campaign: the leader got the same Election and tells the asker itself. Campaigning here
// turned one confused node into a cluster-wide wave (the 33-node storm). Once the leader has been
// silent longer, the paper's rule applies again and the follower takes the election over.
TEST(BullyRules, FollowerOfLiveLeaderAnswersWithoutCampaigning) {
  auto node = make_follower(2, 4, 4, 1);  // heartbeat 5 ticks
  node.step(envelope(1, 2, Election{1}));
  Output out = drain(node);
  EXPECT_EQ(receivers_of<Answer>(out), (Ids{1}));
  EXPECT_TRUE(sent_of<Election>(out).empty());
  EXPECT_EQ(node.role(), Role::Follower);

  for (int t = 0; t < 11; ++t) node.tick();  // > 2 heartbeat intervals of silence
  drain(node);
  ASSERT_EQ(node.role(), Role::Follower);
  node.step(envelope(1, 2, Election{1}));
  out = drain(node);
  EXPECT_EQ(receivers_of<Answer>(out), (Ids{1}));
  EXPECT_EQ(sorted(receivers_of<Election>(out)), (Ids{3, 4}));
}

// ... but a node already running an election only answers (no second round of Elections), both
// while waiting for Answers and after a higher node answered.
TEST(BullyRules, RunningElectionOnlyAnswers) {
  auto node = make_node(2, 4);
  tick_until_election(node);
  drain(node);
  node.step(envelope(1, 2, Election{0}));
  Output out = drain(node);
  EXPECT_EQ(receivers_of<Answer>(out), (Ids{1}));
  EXPECT_TRUE(sent_of<Election>(out).empty());

  node.step(envelope(4, 2, Answer{0}));
  node.step(envelope(1, 2, Election{0}));
  out = drain(node);
  EXPECT_EQ(receivers_of<Answer>(out), (Ids{1}));
  EXPECT_TRUE(sent_of<Election>(out).empty());
  EXPECT_EQ(node.role(), Role::Candidate);
}

// The leader answers a lower Election and re-sends Coordinator to it instead of a new election;
// if the Election carries a larger epoch than its own, it reasserts with a fresh one.
TEST(BullyRules, LeaderAnswersAndReassertsCoordinator) {
  auto leader = make_leader(3, 3);
  ASSERT_EQ(leader.role(), Role::Leader);
  leader.step(envelope(1, 3, Election{0}));
  Output out = drain(leader);
  EXPECT_EQ(receivers_of<Answer>(out), (Ids{1}));
  EXPECT_TRUE(sent_of<Election>(out).empty());
  // Only the asker hears the reassertion: a broadcast per Election fed an O(n^3) storm.
  EXPECT_EQ(receivers_of<Coordinator>(out), (Ids{1}));
  for (const auto& [to, m] : sent_of<Coordinator>(out)) EXPECT_EQ(m.epoch, E(1, 3));
  EXPECT_TRUE(out.leadership.empty());
  EXPECT_EQ(leader.role(), Role::Leader);

  leader.step(envelope(1, 3, Election{E(7, 2)}));
  out = drain(leader);
  for (const auto& [to, m] : sent_of<Coordinator>(out)) EXPECT_EQ(m.epoch, E(8, 3));
  EXPECT_EQ(leader.status().fence_token, E(8, 3));
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->term, E(8, 3));
}

// An Answer stops the wait to win: no Coordinator at the Answer timeout; the election restarts
// only after coordinator_timeout_ticks without a Coordinator.
TEST(BullyRules, AnswerStopsWaitingToWinThenRestartsWithoutCoordinator) {
  auto node = make_node(2, 4);
  tick_until_election(node);
  drain(node);
  node.step(envelope(4, 2, Answer{0}));
  drain(node);
  const auto& c = node.config();
  for (std::uint32_t t = 1; t < c.coordinator_timeout_ticks; ++t) {
    node.tick();
    const Output out = drain(node);
    ASSERT_NE(node.role(), Role::Leader) << "tick " << t;
    ASSERT_TRUE(sent_of<Election>(out).empty()) << "tick " << t;
  }
  node.tick();
  const Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Candidate);
  EXPECT_TRUE(has_event(out, CoreEventKind::ElectionTimeout));
  EXPECT_EQ(sorted(receivers_of<Election>(out)), (Ids{3, 4}));
}

// No Answer in time: coordinator with the next round after the max epoch seen and its own id,
// persisted in the batch of its Coordinator messages, which skip the higher nodes that failed to
// answer.
TEST(BullyRules, NoAnswerBecomesCoordinatorSkippingSilentHigherNodes) {
  auto node = make_node(2, 4, {}, HardState{E(5, 4), kNoNode, 0});
  tick_until_election(node);
  drain(node);
  for (std::uint32_t t = 1; t < node.config().answer_timeout_ticks; ++t) node.tick();
  EXPECT_EQ(node.role(), Role::Candidate);
  node.tick();
  const Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Leader);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->term, E(6, 2));
  EXPECT_EQ(receivers_of<Coordinator>(out), (Ids{1}));
  for (const auto& [to, m] : sent_of<Coordinator>(out)) EXPECT_EQ(m.epoch, E(6, 2));
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_TRUE(out.leadership[0].gained);
  EXPECT_EQ(out.leadership[0].term, E(6, 2));
  EXPECT_EQ(out.leadership[0].fence_token, E(6, 2));
  EXPECT_TRUE(has_event(out, CoreEventKind::BecameLeader));
}

// A Coordinator from a higher id with a current epoch is accepted; the epoch is persisted only
// when it grew.
TEST(BullyRules, AcceptsCoordinatorFromHigherIdAndPersistsEpoch) {
  auto node = make_node(1, 3);
  node.step(envelope(2, 1, Coordinator{3}));
  Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Follower);
  EXPECT_EQ(node.status().leader, 2u);
  EXPECT_EQ(node.status().term, 3u);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->term, 3u);
  EXPECT_TRUE(has_event(out, CoreEventKind::LeaderDiscovered));

  node.step(envelope(2, 1, Coordinator{3}));
  out = drain(node);
  EXPECT_FALSE(out.hard_state.has_value());
  EXPECT_EQ(node.status().leader, 2u);
}

// A Coordinator from a lower id is not accepted: the node bullies it with its own election.
TEST(BullyRules, BulliesLowerIdCoordinator) {
  auto node = make_node(3, 4);
  node.step(envelope(1, 3, Coordinator{2}));
  const Output out = drain(node);
  EXPECT_NE(node.status().leader, 1u);
  EXPECT_EQ(node.role(), Role::Candidate);
  EXPECT_TRUE(has_event(out, CoreEventKind::CampaignStarted));
  ASSERT_EQ(receivers_of<Election>(out), (Ids{4}));
  EXPECT_EQ(sent_of<Election>(out)[0].second.epoch, 2u);  // the winner will exceed it
}

// A leader that accepts a higher node's Coordinator steps down.
TEST(BullyRules, LeaderStepsDownOnAcceptedCoordinator) {
  auto leader = make_leader(2, 3);
  ASSERT_EQ(leader.role(), Role::Leader);
  const std::uint64_t epoch = leader.status().fence_token;
  leader.step(envelope(3, 2, Coordinator{E(1, 3)}));  // the higher id's epoch of the same round
  const Output out = drain(leader);
  EXPECT_EQ(leader.role(), Role::Follower);
  EXPECT_EQ(leader.status().leader, 3u);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  EXPECT_EQ(out.leadership[0].fence_token, epoch);
  EXPECT_TRUE(has_event(out, CoreEventKind::SteppedDown));
}

// Coordinators with an older epoch are delayed messages of an earlier election: ignored, also
// from our own leader (a copy from its earlier leadership). At an equal epoch (possible only with
// epochs taken as "max seen + 1", before they were owned) only a higher id than the current leader
// wins.
TEST(BullyRules, IgnoresStaleCoordinator) {
  auto node = make_follower(1, 4, 3, 5);
  node.step(envelope(4, 1, Coordinator{4}));
  Output out = drain(node);
  EXPECT_EQ(node.status().leader, 3u);
  EXPECT_TRUE(has_event(out, CoreEventKind::MessageIgnored));
  node.step(envelope(3, 1, Coordinator{4}));
  out = drain(node);
  EXPECT_TRUE(has_event(out, CoreEventKind::MessageIgnored));
  EXPECT_FALSE(has_event(out, CoreEventKind::LeaderDiscovered));
  node.step(envelope(2, 1, Coordinator{5}));
  drain(node);
  EXPECT_EQ(node.status().leader, 3u);
  node.step(envelope(4, 1, Coordinator{5}));
  drain(node);
  EXPECT_EQ(node.status().leader, 4u);
}

// The leader sends Alive{epoch} to every other node every heartbeat interval.
TEST(BullyRules, LeaderSendsAliveEveryHeartbeatInterval) {
  auto leader = make_leader(3, 3);
  const auto interval = leader.config().heartbeat_interval_ticks;
  for (int round = 0; round < 3; ++round) {
    for (std::uint32_t t = 1; t < interval; ++t) {
      leader.tick();
      ASSERT_TRUE(sent_of<Alive>(drain(leader)).empty());
    }
    leader.tick();
    const Output out = drain(leader);
    EXPECT_EQ(sorted(receivers_of<Alive>(out)), (Ids{1, 2}));
    for (const auto& [to, m] : sent_of<Alive>(out)) EXPECT_EQ(m.epoch, E(1, 3));
  }
}

// Alive from the leader restarts the follower's leader timer; without it, the timer (randomized
// in [min, max]) starts an election.
TEST(BullyRules, LeaderTimeoutStartsElectionAndAliveResetsIt) {
  auto node = make_follower(1, 3, 3, 1);
  for (int t = 0; t < 500; ++t) {
    node.tick();
    if (t % 15 == 0) node.step(envelope(3, 1, Alive{1}));
    ASSERT_EQ(node.role(), Role::Follower) << "tick " << t;
  }
  drain(node);
  const std::uint32_t waited = tick_until_election(node);
  EXPECT_TRUE(has_event(drain(node), CoreEventKind::ElectionTimeout));
  EXPECT_GE(waited, 20u - 15u);
  EXPECT_LE(waited, 40u);

  std::set<std::uint32_t> timeouts;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    auto f = make_node(1, 3, {}, {}, seed);
    f.step(envelope(3, 1, Coordinator{1}));
    const std::uint32_t ticks = tick_until_election(f);
    EXPECT_GE(ticks, 20u);
    EXPECT_LE(ticks, 40u);
    timeouts.insert(ticks);
  }
  EXPECT_GT(timeouts.size(), 3u) << "the leader timeout is not randomized";
}

// Alive from a node higher than our leader (or than ourselves, if leader) with a current epoch:
// it won an election we did not hear of. Accept it. Unlike a Coordinator, an Alive from below our
// leader is not accepted even with a newer epoch: our leader will bully that node.
TEST(BullyRules, AcceptsAliveFromNodeAboveOurLeader) {
  auto node = make_follower(1, 4, 3, 2);
  node.step(envelope(4, 1, Alive{1}));  // stale epoch
  drain(node);
  EXPECT_EQ(node.status().leader, 3u);
  node.step(envelope(2, 1, Alive{2}));  // below our leader
  drain(node);
  EXPECT_EQ(node.status().leader, 3u);
  node.step(envelope(2, 1, Alive{3}));  // below our leader, even with a newer epoch
  drain(node);
  EXPECT_EQ(node.status().leader, 3u);
  node.step(envelope(4, 1, Alive{3}));
  EXPECT_TRUE(has_event(drain(node), CoreEventKind::LeaderDiscovered));
  EXPECT_EQ(node.status().leader, 4u);

  auto leader = make_leader(2, 3);
  leader.step(envelope(3, 2, Alive{leader.status().fence_token}));
  const Output out = drain(leader);
  EXPECT_EQ(leader.role(), Role::Follower);
  EXPECT_EQ(leader.status().leader, 3u);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
}

// A lower-id leader's Alive is bullied: the leader reasserts itself with a fresh epoch.
TEST(BullyRules, LeaderBulliesLowerIdAlive) {
  auto leader = make_leader(3, 3);
  leader.step(envelope(2, 3, Alive{E(4, 2)}));
  const Output out = drain(leader);
  EXPECT_EQ(leader.role(), Role::Leader);
  EXPECT_EQ(leader.status().fence_token, E(5, 3));
  EXPECT_EQ(sorted(receivers_of<Coordinator>(out)), (Ids{1, 2}));
}

// A fresh node waits a randomized leader timeout before its first election, and a leader it hears
// meanwhile spares the election altogether.
TEST(BullyRules, StartUpWaitsRandomizedLeaderTimeout) {
  std::set<std::uint32_t> waits;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    auto node = make_node(3, 3, {}, {}, seed);
    const std::uint32_t waited = tick_until_election(node);
    EXPECT_GE(waited, 20u);
    EXPECT_LE(waited, 40u);
    waits.insert(waited);
  }
  EXPECT_GT(waits.size(), 3u);

  auto node = make_node(1, 3);
  for (int t = 0; t < 10; ++t) node.tick();
  node.step(envelope(3, 1, Alive{4}));
  drain(node);
  EXPECT_EQ(node.status().leader, 3u);
  EXPECT_EQ(node.status().term, 4u);
  for (int t = 0; t < 30; ++t) {
    node.tick();
    if (t % 5 == 0) node.step(envelope(3, 1, Alive{4}));
  }
  EXPECT_TRUE(sent_of<Election>(drain(node)).empty());
  EXPECT_EQ(node.role(), Role::Follower);
}

// Status: term = the epoch of the leadership the node is in (its own, or its leader's; else the
// max epoch seen), fence token = epoch while leader, no lease, no vote.
TEST(BullyRules, StatusReportsEpochFenceTokenAndNoLease) {
  auto leader = make_leader(3, 3, {}, HardState{E(4, 2), kNoNode, 0});
  Status s = leader.status();
  EXPECT_EQ(s.id, 3u);
  EXPECT_EQ(s.role, Role::Leader);
  EXPECT_EQ(s.term, E(5, 3));
  EXPECT_EQ(s.leader, 3u);
  EXPECT_EQ(s.fence_token, E(5, 3));
  EXPECT_FALSE(s.lease_valid);
  EXPECT_EQ(s.voted_for, kNoNode);
  EXPECT_EQ(leader.algorithm(), "bully");

  auto follower = make_follower(1, 3, 3, 5);
  s = follower.status();
  EXPECT_EQ(s.role, Role::Follower);
  EXPECT_EQ(s.term, 5u);
  EXPECT_EQ(s.leader, 3u);
  EXPECT_EQ(s.fence_token, 0u);
  EXPECT_FALSE(s.lease_valid);
}

// A restarted node never reuses an epoch it has seen: the restored max epoch seen is the floor.
TEST(BullyRules, RestoredEpochIsNeverReused) {
  auto before = make_follower(1, 2, 2, E(9, 2));
  ASSERT_EQ(before.hard_state().term, E(9, 2));
  auto after = make_node(1, 2, {}, before.hard_state());
  EXPECT_EQ(after.status().term, E(9, 2));
  tick_until_election(after);
  for (int t = 0; t < 10 && after.role() != Role::Leader; ++t) after.tick();
  ASSERT_EQ(after.role(), Role::Leader);
  EXPECT_EQ(after.status().fence_token, E(10, 1));
  EXPECT_EQ(after.hard_state().term, E(10, 1));
}

TEST(BullyRules, TransferIsNotSupported) {
  auto leader = make_leader(3, 3);
  EXPECT_EQ(leader.transfer(2), RequestResult::NotSupported);
  EXPECT_EQ(leader.role(), Role::Leader);
}

// resign(): the leader steps down, neither Answers nor stands for leader_timeout_ticks_max ticks.
TEST(BullyRules, ResignStepsDownAndHoldsBack) {
  auto follower = make_follower(1, 3, 3, 1);
  EXPECT_EQ(follower.resign(), RequestResult::NotLeader);

  auto leader = make_leader(3, 3);
  ASSERT_EQ(leader.resign(), RequestResult::Ok);
  Output out = drain(leader);
  EXPECT_EQ(leader.role(), Role::Follower);
  EXPECT_TRUE(has_event(out, CoreEventKind::Resigned));
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);

  leader.step(envelope(1, 3, Election{1}));
  out = drain(leader);
  EXPECT_TRUE(sent_of<Answer>(out).empty()) << "a resigned node must not stop lower nodes";
  const auto hold = leader.config().leader_timeout_ticks_max;
  for (std::uint32_t t = 1; t < hold; ++t) {
    leader.tick();
    ASSERT_EQ(leader.role(), Role::Follower) << "tick " << t;
  }
  // A lower leader is accepted during the hold instead of bullied.
  leader.step(envelope(2, 3, Coordinator{E(2, 2)}));
  EXPECT_EQ(leader.status().leader, 2u);
  EXPECT_EQ(leader.role(), Role::Follower);
  // After the hold the highest id bullies its way back.
  for (int t = 0; t < 5; ++t) leader.tick();
  leader.step(envelope(2, 3, Alive{E(2, 2)}));
  EXPECT_EQ(leader.role(), Role::Leader);
  EXPECT_EQ(leader.status().fence_token, E(3, 3));
}

// A leader's status names the epoch it leads, not a newer one it has only heard of: a higher
// node's Answer can arrive before its Coordinator, and reporting the max epoch seen made the
// election-safety checker see this node as leader of the higher node's epoch.
TEST(BullyRules, LeaderStatusNamesItsOwnEpochNotTheMaxSeen) {
  auto four = make_leader(4, 5);  // node 5 is down: no Answer
  const std::uint64_t own = four.status().fence_token;
  four.step(envelope(5, 4, Answer{E(2, 5)}));
  ASSERT_EQ(four.role(), Role::Leader);
  EXPECT_EQ(four.hard_state().term, E(2, 5));
  EXPECT_EQ(four.status().term, own);
  EXPECT_EQ(four.status().fence_token, own);

  // A follower's term is its leader's epoch, also after an Alive it ignored carried a newer one.
  auto follower = make_follower(1, 3, 3, E(1, 3));
  follower.step(envelope(2, 1, Alive{E(2, 2)}));  // below our leader: ignored
  ASSERT_EQ(follower.status().leader, 3u);
  EXPECT_EQ(follower.hard_state().term, E(2, 2));
  EXPECT_EQ(follower.status().term, E(1, 3));
}

// Two nodes that take a new epoch after the same history never take the same one, and the higher
// id's is the larger: with "max seen + 1", a restarted highest node that had not heard of the
// interim leader announced that leader's epoch, two leaders with one fence token
// (bully-stale-election.scn).
TEST(BullyRules, NodesThatSawTheSameEpochTakeDifferentOnes) {
  const HardState seen{E(3, 5), kNoNode, 0};
  auto four = make_leader(4, 5, {}, seen);  // node 5 is down: no Answer
  auto five = make_leader(5, 5, {}, seen);
  ASSERT_EQ(four.role(), Role::Leader);
  ASSERT_EQ(five.role(), Role::Leader);
  EXPECT_NE(four.status().fence_token, five.status().fence_token);
  EXPECT_GT(five.status().fence_token, four.status().fence_token);
  EXPECT_GT(four.status().fence_token, seen.term);
  // The interim leader yields to the higher id's Coordinator: its epoch is the larger.
  four.step(envelope(5, 4, Coordinator{five.status().fence_token}));
  EXPECT_EQ(four.role(), Role::Follower);
  EXPECT_EQ(four.status().leader, 5u);
}

// Messages of other algorithms are dropped with a MessageIgnored event and change nothing.
TEST(BullyRules, IgnoresOtherAlgorithmsMessages) {
  auto node = make_follower(1, 3, 3, 2);
  node.step(envelope(2, 1, raft::VoteRequest{9, false, 0, 0, false}));
  node.step(envelope(3, 1, ring::Elected{}));
  const Output out = drain(node);
  ASSERT_EQ(out.events.size(), 2u);
  EXPECT_EQ(out.events[0].kind, CoreEventKind::MessageIgnored);
  EXPECT_EQ(out.events[0].reason, "message of another algorithm");
  EXPECT_TRUE(out.messages.empty());
  EXPECT_FALSE(out.hard_state.has_value());
  EXPECT_EQ(node.status().leader, 3u);
  EXPECT_EQ(node.status().term, 2u);
}

// Messages no correct peer sends are dropped and change nothing: from a non-member, from the node
// itself, and an Election from a higher id (Elections only go up).
TEST(BullyRules, IgnoresMisroutedMessages) {
  auto node = make_follower(2, 3, 3, 2);
  node.step(envelope(9, 2, Coordinator{9}));
  node.step(envelope(2, 2, Coordinator{9}));
  node.step(envelope(3, 2, Election{9}));
  const Output out = drain(node);
  ASSERT_EQ(out.events.size(), 3u);
  for (const auto& e : out.events) EXPECT_EQ(e.kind, CoreEventKind::MessageIgnored);
  EXPECT_TRUE(out.messages.empty());
  EXPECT_FALSE(out.hard_state.has_value());
  EXPECT_EQ(node.status().leader, 3u);
  EXPECT_EQ(node.status().term, 2u);
}

}  // namespace
}  // namespace baton::bully_test
