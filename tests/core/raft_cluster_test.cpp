// Whole-group behaviour on the in-memory network: message counts, determinism, partitions.
#include <gtest/gtest.h>

#include <map>

#include "support/raft_cluster.hpp"

namespace baton::test {
namespace {

// One initiator (highest priority, fixed timeout), nobody else times out: a single-round election
// costs exactly (n-1) requests + (n-1) responses, and as much again for the pre-vote round.
TEST(RaftCluster, SingleRoundElectionMessageCounts) {
  for (bool pre_vote : {false, true}) {
    for (std::size_t n : {3u, 5u, 7u}) {
      RaftCluster cluster(n, 1, [&](raft::Config& c) {
        c.pre_vote = pre_vote;
        c.election_timeout_ticks_min = 10;
        c.election_timeout_ticks_max = 10;
        c.priorities.assign(n, 1);
        c.priorities[0] = 2;
        c.priority_step_ticks = 100;
      });
      for (int t = 0; t < 10; ++t) {
        cluster.tick_all();
        cluster.deliver_all();
      }
      ASSERT_EQ(cluster.leader(), 1u) << "n=" << n;
      const std::size_t expected = 2 * (n - 1) * (pre_vote ? 2 : 1);
      EXPECT_EQ(cluster.election_messages_sent(), expected) << "n=" << n << " pre=" << pre_vote;
      EXPECT_EQ(cluster.sent(counter_slot_of<raft::VoteRequest>()), n - 1);
      EXPECT_EQ(cluster.sent(counter_slot_of<raft::VoteResponse>()), n - 1);
      EXPECT_EQ(cluster.sent(kPreVoteRequestSlot), pre_vote ? n - 1 : 0);
      EXPECT_EQ(cluster.sent(kPreVoteResponseSlot), pre_vote ? n - 1 : 0);
    }
  }
}

std::vector<std::string> scripted_run(std::uint64_t seed) {
  RaftCluster cluster(5, seed);
  cluster.run(100);
  cluster.isolate(cluster.leader() == kNoNode ? 1 : cluster.leader());
  cluster.run(100);
  cluster.recover();
  cluster.restart(2);
  cluster.run(100);
  return cluster.trace();
}

TEST(RaftCluster, SameSeedSameOutputs) {
  const auto a = scripted_run(42);
  EXPECT_EQ(a, scripted_run(42));
  EXPECT_NE(a, scripted_run(43));
  EXPECT_GT(a.size(), 100u);
}

// Thesis 9.6 + 4.2.3: a node cut off from the group keeps pre-voting but never raises its term, so
// when it comes back the healthy leader keeps leading in the same term.
TEST(RaftRules, PreVoteDoesNotDisruptHealthyLeader) {
  RaftCluster cluster(3, 9);
  const NodeId leader = cluster.run_until_leader();
  ASSERT_NE(leader, kNoNode);
  cluster.run(10);
  const Term term = cluster.node(leader).status().term;
  const NodeId loner = leader == 3 ? 1 : leader + 1;
  cluster.isolate(loner);
  cluster.run(300);
  EXPECT_EQ(cluster.node(loner).status().term, term);
  cluster.recover();
  cluster.run(50);
  EXPECT_EQ(cluster.leader(), leader);
  EXPECT_EQ(cluster.node(leader).status().term, term);
  EXPECT_EQ(cluster.node(loner).status().leader, leader);
}

// After the leader is cut off, the majority elects a new one and the old one steps down
// (check-quorum); on healing everyone follows the new leader.
TEST(RaftCluster, PartitionedLeaderIsReplaced) {
  RaftCluster cluster(5, 4);
  const NodeId old_leader = cluster.run_until_leader();
  ASSERT_NE(old_leader, kNoNode);
  cluster.isolate(old_leader);
  cluster.run(100);
  EXPECT_NE(cluster.node(old_leader).role(), Role::Leader);
  const NodeId new_leader = cluster.leader();
  ASSERT_NE(new_leader, kNoNode);
  EXPECT_NE(new_leader, old_leader);
  cluster.recover();
  cluster.run(20);
  EXPECT_EQ(cluster.leader(), new_leader);
  EXPECT_EQ(cluster.node(old_leader).status().leader, new_leader);
}

// Paper 5.2 election safety under random cuts and restarts, and liveness after healing.
TEST(RaftCluster, AtMostOneLeaderPerTermUnderRandomFaults) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    RaftCluster cluster(5, seed);
    Rng nemesis(seed);
    for (int phase = 0; phase < 20; ++phase) {
      cluster.recover();
      for (int cuts = 0; cuts < 3; ++cuts) {
        cluster.cut(static_cast<NodeId>(nemesis.uniform(1, 5)),
                    static_cast<NodeId>(nemesis.uniform(1, 5)));
      }
      if (nemesis.chance(0.2)) cluster.restart(static_cast<NodeId>(nemesis.uniform(1, 5)));
      cluster.run(nemesis.uniform(5, 40));
    }
    std::map<Term, NodeId> leader_of;
    for (NodeId id = 1; id <= 5; ++id) {
      for (const auto& change : cluster.leadership(id)) {
        if (!change.gained) continue;
        auto [it, inserted] = leader_of.emplace(change.term, id);
        EXPECT_TRUE(inserted || it->second == id)
            << "two leaders in term " << change.term << " seed " << seed;
      }
    }
    cluster.recover();
    EXPECT_NE(cluster.run_until_leader(200), kNoNode) << "seed " << seed;
  }
}

// The unsafe switch lets a term have two leaders, which the test above would catch.
TEST(RaftCluster, UnsafeMultipleVotesCanElectTwoLeaders) {
  bool two_leaders = false;
  for (std::uint64_t seed = 1; seed <= 200 && !two_leaders; ++seed) {
    RaftCluster cluster(3, seed, [](raft::Config& c) {
      c.unsafe.grant_multiple_votes_per_term = true;
      c.pre_vote = false;
      c.election_timeout_ticks_max = 11;
    });
    cluster.run(40);
    std::map<Term, int> leaders;
    for (NodeId id = 1; id <= 3; ++id) {
      for (const auto& change : cluster.leadership(id)) {
        if (change.gained && ++leaders[change.term] > 1) two_leaders = true;
      }
    }
  }
  EXPECT_TRUE(two_leaders);
}

// A vote is durable: after a crash-restart the node still refuses a second candidate in the term.
TEST(RaftRules, VoteSurvivesRestart) {
  auto voter = make_voter(1, 3);
  voter.step(envelope(2, 1, raft::VoteRequest{1, false, 0, 0, false}));
  ASSERT_EQ(voter.hard_state().voted_for, 2u);
  auto restarted = make_voter(1, 3, {}, voter.hard_state());
  restarted.step(envelope(3, 1, raft::VoteRequest{1, false, 0, 0, false}));
  const auto responses = messages_of<raft::VoteResponse>(drain(restarted));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_FALSE(responses[0].granted);
}

TEST(RaftCluster, CloneIsAnIndependentCopy) {
  auto leader = make_leader(1, 3);
  std::unique_ptr<Elector> copy = leader.clone();
  EXPECT_EQ(copy->algorithm(), "raft");
  ASSERT_EQ(leader.resign(), RequestResult::Ok);
  EXPECT_EQ(copy->status().role, Role::Leader);
  EXPECT_EQ(leader.status().role, Role::Follower);
}

}  // namespace
}  // namespace baton::test
