// Voting rules: one vote per term, terms, the up-to-date check, pre-vote, persistence.
// Raft paper 5.1, 5.2, 5.4.1; thesis 9.6.
#include <gtest/gtest.h>

#include "support/raft_cluster.hpp"

namespace baton::test {
namespace {

using raft::Heartbeat;
using raft::HeartbeatResponse;
using raft::VoteRequest;
using raft::VoteResponse;

VoteResponse only_vote_response(const Output& out) {
  auto responses = messages_of<VoteResponse>(out);
  EXPECT_EQ(responses.size(), 1u);
  return responses.empty() ? VoteResponse{} : responses.front();
}

// Paper 5.2: "each server will vote for at most one candidate in a given term".
TEST(RaftRules, OneVotePerTerm) {
  auto voter = make_voter(1, 3);
  voter.step(envelope(2, 1, VoteRequest{1, false, 0, 0, false}));
  EXPECT_TRUE(only_vote_response(drain(voter)).granted);
  voter.step(envelope(3, 1, VoteRequest{1, false, 0, 0, false}));
  EXPECT_FALSE(only_vote_response(drain(voter)).granted);
  // A retransmitted request from the node we voted for gets the same answer.
  voter.step(envelope(2, 1, VoteRequest{1, false, 0, 0, false}));
  EXPECT_TRUE(only_vote_response(drain(voter)).granted);
  EXPECT_EQ(voter.hard_state().voted_for, 2u);
}

// The checker-of-the-checker switch really does break the rule.
TEST(RaftRules, UnsafeSwitchGrantsMultipleVotesPerTerm) {
  auto voter =
      make_voter(1, 3, [](raft::Config& c) { c.unsafe.grant_multiple_votes_per_term = true; });
  voter.step(envelope(2, 1, VoteRequest{1, false, 0, 0, false}));
  EXPECT_TRUE(only_vote_response(drain(voter)).granted);
  voter.step(envelope(3, 1, VoteRequest{1, false, 0, 0, false}));
  EXPECT_TRUE(only_vote_response(drain(voter)).granted);
}

// Paper 5.1: a server that sees a higher term adopts it and, if leader or candidate, reverts to
// follower; its vote of the old term is forgotten.
TEST(RaftRules, StepsDownOnHigherTerm) {
  auto leader = make_leader(1, 3);
  ASSERT_EQ(leader.role(), Role::Leader);
  const Term term = leader.status().term;
  leader.step(envelope(2, 1, HeartbeatResponse{term + 3, 0}));
  const Output out = drain(leader);
  EXPECT_EQ(leader.role(), Role::Follower);
  EXPECT_EQ(leader.status().term, term + 3);
  EXPECT_EQ(leader.hard_state().voted_for, kNoNode);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->term, term + 3);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  EXPECT_TRUE(has_event(out, CoreEventKind::SteppedDown));
}

TEST(RaftRules, VoterAdoptsHigherTermAndClearsOldVote) {
  auto voter = make_voter(1, 3, {}, HardState{4, 3, 0});
  voter.step(envelope(2, 1, VoteRequest{5, false, 0, 0, false}));
  EXPECT_TRUE(only_vote_response(drain(voter)).granted);
  EXPECT_EQ(voter.hard_state(), (HardState{5, 2, 0}));
}

// Paper 5.1: requests with a stale term are rejected, and the answer carries the newer term.
TEST(RaftRules, RejectsStaleTerms) {
  auto voter = make_voter(1, 3, {}, HardState{5, kNoNode, 0});
  voter.step(envelope(2, 1, VoteRequest{3, false, 0, 0, false}));
  const VoteResponse r = only_vote_response(drain(voter));
  EXPECT_FALSE(r.granted);
  EXPECT_EQ(r.term, 5u);
  EXPECT_EQ(voter.hard_state(), (HardState{5, kNoNode, 0}));
}

// etcd: a stale heartbeat is answered with our term so a deposed leader learns it.
TEST(RaftRules, StaleHeartbeatIsAnsweredWithNewerTerm) {
  auto voter = make_voter(1, 3, {}, HardState{5, kNoNode, 0});
  voter.step(envelope(2, 1, Heartbeat{3, 9}));
  const Output out = drain(voter);
  auto responses = messages_of<HeartbeatResponse>(out);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].term, 5u);
  EXPECT_EQ(voter.status().leader, kNoNode);
  EXPECT_TRUE(has_event(out, CoreEventKind::MessageIgnored));
}

// Paper 5.4.1, table-driven: the voter's last log is (index 5, term 3).
TEST(RaftRules, UpToDateCheck) {
  struct Case {
    std::uint64_t index;
    Term term;
    bool granted;
  };
  const Case cases[] = {{9, 2, false}, {4, 3, false}, {5, 3, true}, {6, 3, true}, {0, 4, true}};
  for (bool pre_vote : {false, true}) {
    for (const Case& c : cases) {
      auto voter = make_voter(1, 3, [](raft::Config& cfg) {
        cfg.last_log_index = 5;
        cfg.last_log_term = 3;
      });
      voter.step(envelope(2, 1, VoteRequest{1, pre_vote, c.index, c.term, false}));
      EXPECT_EQ(only_vote_response(drain(voter)).granted, c.granted)
          << "pre_vote=" << pre_vote << " index=" << c.index << " term=" << c.term;
    }
  }
}

// Thesis 9.6: a pre-vote is granted without the voter changing its term or vote, and the grant
// echoes the probed term.
TEST(RaftRules, PreVoteDoesNotChangeVotersTermOrVote) {
  auto voter = make_voter(1, 3, {}, HardState{2, 3, 0});
  voter.step(envelope(2, 1, VoteRequest{3, true, 0, 0, false}));
  const Output out = drain(voter);
  const VoteResponse r = only_vote_response(out);
  EXPECT_TRUE(r.granted);
  EXPECT_TRUE(r.pre_vote);
  EXPECT_EQ(r.term, 3u);
  EXPECT_FALSE(out.hard_state.has_value());
  EXPECT_EQ(voter.hard_state(), (HardState{2, 3, 0}));
}

// Thesis 9.6: the pre-candidate probes term + 1 without bumping its own term; a quorum of pre-votes
// starts the real campaign.
TEST(RaftRules, PreCandidateKeepsTermUntilPreVoteQuorum) {
  auto node = make_node(1, 3);
  tick_until_campaign(node);
  Output out = drain(node);
  EXPECT_EQ(node.role(), Role::PreCandidate);
  EXPECT_EQ(node.status().term, 0u);
  EXPECT_FALSE(out.hard_state.has_value());
  auto requests = messages_of<VoteRequest>(out);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_TRUE(requests[0].pre_vote);
  EXPECT_EQ(requests[0].term, 1u);
  node.step(envelope(2, 1, VoteResponse{1, true, true}));
  EXPECT_EQ(node.role(), Role::Candidate);
  EXPECT_EQ(node.status().term, 1u);
}

// Persistence rule: the candidate's term and self-vote are in the batch with its VoteRequests, and
// a voter's vote is in the batch with its grant.
TEST(RaftRules, HardStateTravelsWithTheMessagesThatDependOnIt) {
  auto node = make_node(1, 3, [](raft::Config& c) { c.pre_vote = false; });
  tick_until_campaign(node);
  Output out = drain(node);
  ASSERT_EQ(messages_of<VoteRequest>(out).size(), 2u);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(*out.hard_state, (HardState{1, 1, 0}));

  auto voter = make_voter(2, 3);
  voter.step(envelope(1, 2, VoteRequest{1, false, 0, 0, false}));
  out = drain(voter);
  ASSERT_TRUE(only_vote_response(out).granted);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(*out.hard_state, (HardState{1, 1, 0}));
}

// Paper 5.2: a candidate wins with floor(n/2)+1 votes, counting its own.
TEST(RaftRules, QuorumIsMajority) {
  EXPECT_EQ(raft::quorum_size(1), 1u);
  EXPECT_EQ(raft::quorum_size(2), 2u);
  EXPECT_EQ(raft::quorum_size(3), 2u);
  EXPECT_EQ(raft::quorum_size(4), 3u);
  EXPECT_EQ(raft::quorum_size(5), 3u);
  EXPECT_EQ(raft::quorum_size(7), 4u);
  auto node = make_node(1, 5, [](raft::Config& c) { c.pre_vote = false; });
  tick_until_campaign(node);
  node.step(envelope(2, 1, VoteResponse{1, false, true}));
  EXPECT_EQ(node.role(), Role::Candidate);  // 2 of 5
  node.step(envelope(2, 1, VoteResponse{1, false, true}));
  EXPECT_EQ(node.role(), Role::Candidate);  // duplicates do not count
  node.step(envelope(3, 1, VoteResponse{1, false, true}));
  EXPECT_EQ(node.role(), Role::Leader);  // 3 of 5
}

TEST(RaftRules, SingleMemberElectsItself) {
  auto node = make_node(1, 1);
  tick_until_campaign(node);
  EXPECT_EQ(node.role(), Role::Leader);
  EXPECT_EQ(node.status().term, 1u);
}

// A quorum of rejections ends the round: the candidate goes back to follower.
TEST(RaftRules, CandidateStepsDownWhenQuorumRejects) {
  auto node = make_node(1, 3, [](raft::Config& c) { c.pre_vote = false; });
  tick_until_campaign(node);
  node.step(envelope(2, 1, VoteResponse{1, false, false}));
  node.step(envelope(3, 1, VoteResponse{1, false, false}));
  EXPECT_EQ(node.role(), Role::Follower);
  EXPECT_EQ(node.status().term, 1u);
}

}  // namespace
}  // namespace baton::test

namespace baton::test {
namespace {

using raft::VoteResponse;

// Output ordering (etcd's msgsAfterAppend): a candidate's VoteRequests promise nothing durable and
// leave at once, in parallel with the write of its term and vote.
TEST(RaftRules, VoteRequestsLeaveBeforeTheCandidatesWrite) {
  auto node = make_node(1, 3, [](raft::Config& c) { c.pre_vote = false; });
  while (node.role() == Role::Follower) node.tick();
  Output out;
  node.take_output(out);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->voted_for, 1u);
  std::size_t early_requests = 0;
  for (const auto& e : out.early_messages) {
    if (std::holds_alternative<raft::VoteRequest>(e.message)) ++early_requests;
  }
  EXPECT_EQ(early_requests, 2u);
  // The only thing that waits for the write is the vote for ourselves.
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0].to, 1u);
  EXPECT_EQ(out.messages[0].from, 1u);
}

// Safety of the above: the candidate's own vote counts only when the driver hands it back after
// the write. Otherwise a candidate could win with a vote that a crash then forgets, and its
// restarted self could vote for a rival in the same term: two leaders of one term.
TEST(RaftRules, CandidateLeadsOnlyOnceItsOwnVoteIsDurable) {
  auto node = make_node(1, 3, [](raft::Config& c) { c.pre_vote = false; });
  while (node.role() == Role::Follower) node.tick();
  const Term term = node.status().term;
  node.step(envelope(2, 1, VoteResponse{term, false, true}));
  EXPECT_EQ(node.role(), Role::Candidate) << "one peer's vote is not a quorum of 3 without ours";
  deliver_own_vote(node);
  EXPECT_EQ(node.role(), Role::Leader);
}

// Only our own vote may come from ourselves; anything else addressed to us by us is dropped.
TEST(RaftRules, SelfAddressedMessagesOtherThanOwnVoteAreIgnored) {
  auto node = make_node(1, 3, [](raft::Config& c) { c.pre_vote = false; });
  while (node.role() == Role::Follower) node.tick();
  const Term term = node.status().term;
  node.step(envelope(1, 1, VoteResponse{term, true, true}));  // a pre-vote "from ourselves"
  node.step(envelope(2, 1, VoteResponse{term, false, true}));
  EXPECT_EQ(node.role(), Role::Candidate);
}

}  // namespace
}  // namespace baton::test
