// The rules of Paxos leader election with leases (Lamport, "Paxos Made Simple", 2001; Trencseni et
// al., "PaxosLease", 2008, as baton implements them), one test per rule, each driving a single
// PaxosElector by hand. Test timings (support/paxos_cluster.hpp): lease_ticks 20, so the leader's
// lease is floor(19 * 0.99 / 1.01) = 18 ticks; renewals every 5 ticks.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/paxos/lease.hpp"
#include "support/paxos_cluster.hpp"

namespace baton::paxos_test {
namespace {

using paxos::Accept;
using paxos::Accepted;
using paxos::Ballot;
using paxos::LeaseAck;
using paxos::LeaseRenew;
using paxos::Prepare;
using paxos::Promise;
using paxos::token_of;

using Ids = std::vector<NodeId>;

Ids sorted(Ids ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

/// No proposals of its own for a long time, so a test can probe the acceptor undisturbed.
void quiet(paxos::Config& c) {
  c.lease_ticks = 20;
  c.leader_timeout_ticks_min = 1000;
  c.leader_timeout_ticks_max = 1000;
}

HardState accepted_state(Ballot b) {
  return HardState{b.round, b.node, token_of(b)};
}

// Phase 1b: a Prepare below the promised ballot is refused, and the refusal names the promise; one
// at or above it is granted and raises the promise.
TEST(PaxosRules, PromisesOnlyBallotsNotBelowItsPromise) {
  auto node = make_node(2, 3, quiet, HardState{5, 3, 0});
  node.step(envelope(1, 2, Prepare{Ballot{4, 1}}));
  Output out = drain(node);
  Promise p = only<Promise>(out);
  EXPECT_FALSE(p.granted);
  EXPECT_EQ(p.promised, (Ballot{5, 3}));
  EXPECT_FALSE(out.hard_state.has_value());
  EXPECT_TRUE(has_event(out, CoreEventKind::VoteRejected));

  node.step(envelope(1, 2, Prepare{Ballot{6, 1}}));
  out = drain(node);
  p = only<Promise>(out);
  EXPECT_TRUE(p.granted);
  EXPECT_EQ(p.promised, (Ballot{6, 1}));
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(*out.hard_state, (HardState{6, 1, 0}));
  EXPECT_EQ(node.status().voted_for, 1u);
}

// Phase 2b: an Accept below the promised ballot is refused; one at the promise is accepted, and
// the acceptor follows its leader.
TEST(PaxosRules, AcceptsOnlyIfNotPromisedHigher) {
  auto node = make_node(2, 3, quiet, HardState{6, 1, 0});
  node.step(envelope(3, 2, Accept{Ballot{5, 3}, 3}));
  Output out = drain(node);
  Accepted a = only<Accepted>(out);
  EXPECT_FALSE(a.granted);
  EXPECT_EQ(a.promised, (Ballot{6, 1}));
  EXPECT_FALSE(out.hard_state.has_value());
  EXPECT_EQ(node.status().leader, kNoNode);

  node.step(envelope(1, 2, Accept{Ballot{6, 1}, 1}));
  out = drain(node);
  a = only<Accepted>(out);
  EXPECT_TRUE(a.granted);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(*out.hard_state, accepted_state(Ballot{6, 1}));
  EXPECT_EQ(node.status().leader, 1u);
  EXPECT_EQ(node.status().term, token_of(Ballot{6, 1}));
}

// Each phase needs a majority counting the proposer itself: in a group of 5, two Promises (plus
// its own) start phase 2, two Accepted (plus its own) make it leader; one is not enough.
TEST(PaxosRules, MajorityNeededForEachPhase) {
  auto node = make_node(1, 5);
  tick_until_proposal(node);
  Output out = drain(node);
  const Ballot b = node.own_ballot();
  EXPECT_EQ(b, (Ballot{1, 1}));
  EXPECT_EQ(sorted(receivers_of<Prepare>(out)), (Ids{2, 3, 4, 5}));

  node.step(envelope(2, 1, Promise{b, true, b, {}, kNoNode}));
  out = drain(node);
  EXPECT_TRUE(sent_of<Accept>(out).empty());
  node.step(envelope(2, 1, Promise{b, true, b, {}, kNoNode}));  // a duplicate counts once
  out = drain(node);
  EXPECT_TRUE(sent_of<Accept>(out).empty());
  node.step(envelope(3, 1, Promise{b, true, b, {}, kNoNode}));
  out = drain(node);
  EXPECT_EQ(sorted(receivers_of<Accept>(out)), (Ids{2, 3, 4, 5}));
  EXPECT_EQ(node.role(), Role::Candidate);

  node.step(envelope(2, 1, Accepted{b, true, b}));
  out = drain(node);
  EXPECT_EQ(node.role(), Role::Candidate);
  node.step(envelope(3, 1, Accepted{b, true, b}));
  out = drain(node);
  EXPECT_EQ(node.role(), Role::Leader);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_TRUE(out.leadership[0].gained);
  EXPECT_EQ(out.leadership[0].fence_token, token_of(b));
  EXPECT_EQ(node.status().fence_token, token_of(b));
  EXPECT_EQ(node.status().term, token_of(b));
  EXPECT_TRUE(node.status().lease_valid);
}

// A ballot that a majority refuses fails, and the next ballot starts above the highest round the
// refusals taught.
TEST(PaxosRules, RejectionTeachesHigherRound) {
  auto node = make_node(1, 3);
  tick_until_proposal(node);
  const Ballot b = node.own_ballot();
  drain(node);
  node.step(envelope(2, 1, Promise{b, false, Ballot{9, 2}, {}, kNoNode}));
  EXPECT_EQ(node.role(), Role::Candidate);
  node.step(envelope(3, 1, Promise{b, false, Ballot{7, 3}, {}, kNoNode}));
  const Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Follower);
  EXPECT_TRUE(has_event(out, CoreEventKind::SteppedDown));
  EXPECT_EQ(node.max_round_seen(), 9u);
  tick_until_proposal(node);
  EXPECT_EQ(node.own_ballot(), (Ballot{10, 1}));
}

// A refusal does not end a ballot by itself, even one naming a higher ballot (an acceptor that
// promised a cut-off node): the ballot fails once a majority refused, and wins if a majority
// grants.
TEST(PaxosRules, BallotIsDecidedByTheMajorityNotTheFirstRefusal) {
  auto node = make_node(1, 5);
  tick_until_proposal(node);
  drain(node);
  const Ballot b = node.own_ballot();
  const Ballot higher{9, 4};
  node.step(envelope(2, 1, Promise{b, false, higher, {}, kNoNode}));
  node.step(envelope(3, 1, Promise{b, false, higher, {}, kNoNode}));
  EXPECT_EQ(node.role(), Role::Candidate);
  node.step(envelope(4, 1, Promise{b, false, higher, {}, kNoNode}));
  EXPECT_EQ(node.role(), Role::Follower);

  auto winner = make_node(1, 5);
  tick_until_proposal(winner);
  drain(winner);
  const Ballot w = winner.own_ballot();
  winner.step(envelope(2, 1, Promise{w, false, higher, {}, kNoNode}));
  winner.step(envelope(3, 1, Promise{w, true, w, {}, kNoNode}));
  winner.step(envelope(4, 1, Promise{w, true, w, {}, kNoNode}));
  EXPECT_EQ(sent_of<Accept>(drain(winner)).size(), 4u);
}

// A ballot that fails (here: its phase times out) is retried after a wait drawn from
// [min, max] * f, f doubling per consecutive failure up to backoff_max_factor; the draws differ
// between nodes (jitter), and a leader seen resets f.
TEST(PaxosRules, BackoffWithJitterGrowsAndResetsWhenALeaderIsSeen) {
  std::set<std::uint64_t> first_waits;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    auto node = make_node(1, 3, {}, {}, seed);
    const auto& c = node.config();
    const std::uint32_t factors[] = {1, 2, 4, 4};
    for (std::uint32_t f : factors) {
      tick_until_proposal(node);
      ASSERT_EQ(node.role(), Role::Candidate);
      for (std::uint32_t t = 0; t < c.phase_timeout_ticks; ++t) node.tick();
      ASSERT_EQ(node.role(), Role::Follower);
      EXPECT_EQ(node.backoff().factor(), f);
      const std::uint64_t wait = node.ticks_until_timeout();
      EXPECT_GE(wait, std::uint64_t{c.backoff_ticks_min} * f);
      EXPECT_LE(wait, std::uint64_t{c.backoff_ticks_max} * f);
      if (f == 1) first_waits.insert(wait);
    }
    drain(node);
    const Ballot higher{node.max_round_seen() + 1, 2};
    node.step(envelope(2, 1, Accept{higher, 2}));
    const Output out = drain(node);
    EXPECT_EQ(node.backoff().factor(), 1u);
    EXPECT_TRUE(has_event(out, CoreEventKind::BackoffReset));
  }
  EXPECT_GT(first_waits.size(), 1u) << "retry waits must be jittered";
}

// PaxosLease's window: an acceptor that acked ballot b refuses Prepare and Accept of any other
// ballot for lease_ticks of its own ticks after the ack, even higher ones; a renewal of b restarts
// the window; afterwards it grants.
TEST(PaxosRules, LeaseWindowRefusesOtherBallots) {
  auto node = make_node(2, 3, quiet);
  const Ballot b{1, 1};
  node.step(envelope(1, 2, Accept{b, 1}));
  drain(node);
  const Ballot higher{2, 3};
  for (int t = 1; t < 20; ++t) {
    node.tick();
    node.step(envelope(3, 2, Prepare{higher}));
    const Output out = drain(node);
    const Promise p = only<Promise>(out);
    ASSERT_FALSE(p.granted) << "tick " << t;
    EXPECT_EQ(p.promised, b);
    EXPECT_EQ(p.accepted_leader, 1u);
  }
  node.step(envelope(3, 2, Accept{higher, 3}));
  EXPECT_FALSE(only<Accepted>(drain(node)).granted);
  // A renewal at tick 19 holds the window until tick 39.
  node.step(envelope(1, 2, LeaseRenew{b, 2}));
  EXPECT_TRUE(only<LeaseAck>(drain(node)).granted);
  for (int t = 20; t < 39; ++t) node.tick();
  node.step(envelope(3, 2, Prepare{higher}));
  EXPECT_FALSE(only<Promise>(drain(node)).granted);
  node.tick();  // tick 39: lease_ticks after the renewal
  node.step(envelope(3, 2, Prepare{higher}));
  EXPECT_TRUE(only<Promise>(drain(node)).granted);
}

// The window protects against other NODES: the node it acked may pass a higher ballot of its own
// (a re-ballot), and the window then follows the new ballot.
TEST(PaxosRules, LeaseWindowLetsTheSameNodesHigherBallotThrough) {
  auto node = make_node(2, 3, quiet);
  node.step(envelope(1, 2, Accept{Ballot{1, 1}, 1}));
  drain(node);
  node.tick();
  node.step(envelope(1, 2, Prepare{Ballot{4, 1}}));
  EXPECT_TRUE(only<Promise>(drain(node)).granted);
  node.step(envelope(1, 2, Accept{Ballot{4, 1}, 1}));
  EXPECT_TRUE(only<Accepted>(drain(node)).granted);
  node.step(envelope(3, 2, Prepare{Ballot{5, 3}}));
  EXPECT_FALSE(only<Promise>(drain(node)).granted);
}

// A renewal refused because of another node's lease window gets no answer: a refused LeaseAck
// means "promised higher" and makes the leader re-ballot, which cannot help here.
TEST(PaxosRules, RenewalRefusedForAnotherNodesWindowGetsNoAnswer) {
  auto node = make_node(2, 3, quiet);
  node.step(envelope(1, 2, Accept{Ballot{1, 1}, 1}));
  drain(node);
  node.step(envelope(3, 2, LeaseRenew{Ballot{2, 3}, 4}));
  const Output out = drain(node);
  EXPECT_TRUE(sent_of<LeaseAck>(out).empty());
  EXPECT_TRUE(has_event(out, CoreEventKind::VoteRejected));
  EXPECT_EQ(node.status().leader, 1u);
}

// A leader whose renewal is refused (that acceptor promised a higher ballot and will never ack
// this one again) re-ballots at once with a higher ballot of its own, keeping its own acceptor's
// window so no other node can win meanwhile.
TEST(PaxosRules, LeaderReballotsWhenARenewalIsRefused) {
  auto leader = make_leader(1, 3);
  const Ballot b = leader.own_ballot();
  std::uint64_t round = 0;
  while (round == 0) {
    leader.tick();
    for (const auto& [to, m] : sent_of<LeaseRenew>(drain(leader))) round = m.round;
  }
  leader.step(envelope(2, 1, Prepare{Ballot{9, 2}}));  // refused (our window), teaches round 9
  leader.step(envelope(2, 1, LeaseAck{b, round, false}));
  const Output out = drain(leader);
  EXPECT_EQ(leader.role(), Role::Candidate);
  EXPECT_EQ(leader.own_ballot(), (Ballot{10, 1}));
  EXPECT_EQ(sent_of<Prepare>(out).size(), 2u);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  EXPECT_EQ(leader.acceptor().check(Ballot{11, 3}, leader.now_ticks()), paxos::Refusal::LeaseHeld);
}

// The lease length: floor((lease_ticks - 1) * (1 - d) / (1 + d)) (lease.hpp).
TEST(PaxosRules, LeaseLengthAccountsForDriftAndTickGranularity) {
  paxos::Config c;
  EXPECT_EQ(paxos::lease_duration_ticks(c), 146u);  // lease_ticks defaults to timeout min 150
  c.lease_ticks = 150;
  c.max_clock_drift = 0;
  EXPECT_EQ(paxos::lease_duration_ticks(c), 149u);
  c.max_clock_drift = 0.1;
  EXPECT_EQ(paxos::lease_duration_ticks(c), 121u);
  c.lease_ticks = 20;
  c.max_clock_drift = 0.01;
  EXPECT_EQ(paxos::lease_duration_ticks(c), 18u);
}

// The lease runs from the tick the acked round was SENT, not from when the ack arrived.
TEST(PaxosRules, LeaseRunsFromTheSendTickOfTheAckedRound) {
  auto leader = make_leader(1, 3);
  const Ballot b = leader.own_ballot();
  const std::uint64_t accept_sent = leader.now_ticks();
  EXPECT_EQ(leader.status().lease_remaining_ticks, 18u);
  std::uint64_t renew_sent = 0;
  std::uint64_t round = 0;
  while (round == 0) {
    leader.tick();
    for (const auto& [to, m] : sent_of<LeaseRenew>(drain(leader))) {
      round = m.round;
      renew_sent = leader.now_ticks();
    }
  }
  EXPECT_EQ(renew_sent, accept_sent + 5);
  for (int t = 0; t < 3; ++t) leader.tick();  // the ack takes 3 ticks to come back
  leader.step(envelope(2, 1, LeaseAck{b, round, true}));
  EXPECT_EQ(leader.status().lease_remaining_ticks, renew_sent + 18 - leader.now_ticks());
}

// Check-quorum, lease style: a leader whose renewals no majority acks steps down on the tick its
// lease lapses, reporting the loss; until then it holds a valid lease.
TEST(PaxosRules, LeaderStepsDownWhenLeaseLapses) {
  auto leader = make_leader(1, 3);
  const std::uint64_t accept_sent = leader.now_ticks();
  while (leader.now_ticks() < accept_sent + 17) {
    leader.tick();
    drain(leader);
    ASSERT_EQ(leader.role(), Role::Leader);
    ASSERT_TRUE(leader.status().lease_valid);
  }
  leader.tick();
  const Output out = drain(leader);
  EXPECT_EQ(leader.role(), Role::Follower);
  EXPECT_FALSE(leader.status().lease_valid);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  EXPECT_TRUE(has_event(out, CoreEventKind::SteppedDown));
}

// ... and one whose renewals a majority acks keeps leading.
TEST(PaxosRules, AckedRenewalsKeepTheLease) {
  auto leader = make_leader(1, 3);
  const Ballot b = leader.own_ballot();
  for (int t = 0; t < 200; ++t) {
    leader.tick();
    for (const auto& [to, m] : sent_of<LeaseRenew>(drain(leader))) {
      if (to == 2) leader.step(envelope(2, 1, LeaseAck{b, m.round, true}));
    }
    drain(leader);
    ASSERT_EQ(leader.role(), Role::Leader) << "tick " << t;
    ASSERT_TRUE(leader.status().lease_valid);
  }
}

// Persistence: a grant's hard state is in the same batch as its reply, and the reply is in
// Output::messages (sent after the write), never early. Prepare promises nothing and is early;
// Accept leaves only after the proposer's own promise and accept are in the batch's hard state.
TEST(PaxosRules, HardStatePersistedBeforeReplies) {
  auto acceptor = make_node(2, 3, quiet);
  acceptor.step(envelope(1, 2, Prepare{Ballot{1, 1}}));
  Output out = drain(acceptor);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(*out.hard_state, (HardState{1, 1, 0}));
  EXPECT_TRUE(out.early_messages.empty());
  EXPECT_EQ(sent_in<Promise>(out.messages).size(), 1u);

  acceptor.step(envelope(1, 2, Accept{Ballot{1, 1}, 1}));
  out = drain(acceptor);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(*out.hard_state, accepted_state(Ballot{1, 1}));
  EXPECT_TRUE(out.early_messages.empty());
  EXPECT_EQ(sent_in<Accepted>(out.messages).size(), 1u);
  EXPECT_EQ(acceptor.hard_state(), accepted_state(Ballot{1, 1}));

  auto proposer = make_node(1, 3);
  tick_until_proposal(proposer);
  out = drain(proposer);
  const Ballot b = proposer.own_ballot();
  EXPECT_FALSE(out.hard_state.has_value());
  EXPECT_EQ(sent_in<Prepare>(out.early_messages).size(), 2u);
  proposer.step(envelope(2, 1, Promise{b, true, b, {}, kNoNode}));
  out = drain(proposer);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(*out.hard_state, accepted_state(b));
  EXPECT_TRUE(out.early_messages.empty());
  EXPECT_EQ(sent_in<Accept>(out.messages).size(), 2u);
}

// A restarted acceptor with an accepted ballot may have acked it just before the crash: it refuses
// other ballots for lease_ticks after its start, while still acking renewals of that ballot. A
// node that never accepted anything never acked, so it grants at once.
TEST(PaxosRules, RestartedAcceptorRefusesOtherBallotsForALease) {
  const Ballot b{3, 1};
  auto node = make_node(2, 3, quiet, accepted_state(b));
  const Ballot higher{4, 3};
  for (int t = 0; t < 20; ++t) {
    node.step(envelope(3, 2, Prepare{higher}));
    ASSERT_FALSE(only<Promise>(drain(node)).granted) << "tick " << t;
    node.tick();
  }
  node.step(envelope(3, 2, Prepare{higher}));
  EXPECT_TRUE(only<Promise>(drain(node)).granted);

  auto renewed = make_node(2, 3, quiet, accepted_state(b));
  renewed.step(envelope(1, 2, LeaseRenew{b, 7}));
  EXPECT_TRUE(only<LeaseAck>(drain(renewed)).granted);

  auto fresh = make_node(2, 3, quiet, HardState{3, 1, 0});
  fresh.step(envelope(3, 2, Prepare{higher}));
  EXPECT_TRUE(only<Promise>(drain(fresh)).granted);
}

// A node does not propose into its own lease window (lease_ticks above the leader timeout): it
// waits until the window ends.
TEST(PaxosRules, ProposalWaitsForOwnLeaseWindow) {
  auto node = make_node(2, 3, [](paxos::Config& c) { c.lease_ticks = 60; });
  node.step(envelope(1, 2, Accept{Ballot{1, 1}, 1}));
  drain(node);
  for (int t = 1; t < 60; ++t) {
    node.tick();
    const Output out = drain(node);
    ASSERT_EQ(node.role(), Role::Follower) << "tick " << t;
    ASSERT_TRUE(sent_of<Prepare>(out).empty());
  }
  node.tick();
  EXPECT_EQ(node.role(), Role::Candidate);
  EXPECT_EQ(node.own_ballot(), (Ballot{2, 2}));
}

// The proposer takes its own promise only when a majority is reached: a failed ballot leaves its
// acceptor as it was, so a node that merely lost touch with a live leader follows it again when
// its renewals return (like Raft's pre-vote).
TEST(PaxosRules, FailedBallotLeavesOwnAcceptorUntouched) {
  const Ballot leader_ballot{5, 2};
  auto node = make_node(1, 3, {}, accepted_state(leader_ballot));
  tick_until_proposal(node);
  EXPECT_EQ(node.own_ballot(), (Ballot{6, 1}));
  Output out = drain(node);
  EXPECT_FALSE(out.hard_state.has_value());
  for (int t = 0; t < 10 && node.role() != Role::Follower; ++t) node.tick();
  out = drain(node);
  ASSERT_EQ(node.role(), Role::Follower);
  EXPECT_FALSE(out.hard_state.has_value());
  EXPECT_EQ(node.hard_state(), accepted_state(leader_ballot));
  node.step(envelope(2, 1, LeaseRenew{leader_ballot, 40}));
  EXPECT_TRUE(only<LeaseAck>(drain(node)).granted);
  EXPECT_EQ(node.status().leader, 2u);
}

// A ballot that fails in phase 2 took its own accept, but no lease rests on that self-ack: the
// proposer's acceptor grants other nodes' ballots at once instead of holding a lease window.
TEST(PaxosRules, FailedPhase2LeavesNoLeaseWindow) {
  auto node = make_node(1, 3);
  tick_until_proposal(node);
  const Ballot b = node.own_ballot();
  node.step(envelope(2, 1, Promise{b, true, b, {}, kNoNode}));
  drain(node);
  ASSERT_EQ(node.acceptor().accepted(), b);
  for (int t = 0; t < 10 && node.role() != Role::Follower; ++t) node.tick();  // phase 2 times out
  ASSERT_EQ(node.role(), Role::Follower);
  drain(node);
  node.step(envelope(3, 1, Prepare{Ballot{b.round + 1, 3}}));
  EXPECT_TRUE(only<Promise>(drain(node)).granted);
}

// While preparing, a node refuses lower ballots on behalf of its own (not yet written) promise, and
// the refusal carries its ballot so the lower proposer learns the round.
TEST(PaxosRules, ProposerRefusesLowerBallotsWhilePreparing) {
  auto node = make_node(2, 3);
  tick_until_proposal(node);
  drain(node);
  EXPECT_EQ(node.own_ballot(), (Ballot{1, 2}));
  node.step(envelope(1, 2, Prepare{Ballot{1, 1}}));
  const Output out = drain(node);
  const Promise p = only<Promise>(out);
  EXPECT_FALSE(p.granted);
  EXPECT_EQ(p.promised, (Ballot{1, 2}));
  EXPECT_EQ(node.role(), Role::Candidate);
}

// A proposer that grants a higher ballot is pre-empted: it gives up its own, counts a failure, and
// waits a whole leader timeout for the higher one to finish.
TEST(PaxosRules, PreemptedProposerYieldsToHigherBallot) {
  auto node = make_node(2, 3);
  tick_until_proposal(node);
  drain(node);
  node.step(envelope(3, 2, Prepare{Ballot{1, 3}}));
  const Output out = drain(node);
  EXPECT_TRUE(only<Promise>(out).granted);
  EXPECT_EQ(node.role(), Role::Follower);
  EXPECT_EQ(node.backoff().failures(), 1u);
  EXPECT_GE(node.ticks_until_timeout(), node.config().leader_timeout_ticks_min);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->voted_for, 3u);
}

// A LeaseRenew is phase 2 again for its ballot: an acceptor that missed the Accept accepts (and
// persists) on the renewal and follows the leader.
TEST(PaxosRules, RenewalBringsInAnAcceptorThatMissedTheAccept) {
  auto node = make_node(2, 3, quiet, HardState{1, 1, 0});
  node.step(envelope(1, 2, LeaseRenew{Ballot{1, 1}, 3}));
  const Output out = drain(node);
  const LeaseAck ack = only<LeaseAck>(out);
  EXPECT_TRUE(ack.granted);
  EXPECT_EQ(ack.round, 3u);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(*out.hard_state, accepted_state(Ballot{1, 1}));
  EXPECT_TRUE(out.early_messages.empty());
  EXPECT_EQ(node.status().leader, 1u);
}

// A follower whose leader stops renewing proposes after its randomized leader timeout.
TEST(PaxosRules, SilentLeaderLeadsToProposalAfterLeaderTimeout) {
  auto node = make_node(2, 3);
  node.step(envelope(1, 2, Accept{Ballot{1, 1}, 1}));
  drain(node);
  const std::uint64_t timeout = node.ticks_until_timeout();
  EXPECT_GE(timeout, node.config().leader_timeout_ticks_min);
  EXPECT_LE(timeout, node.config().leader_timeout_ticks_max);
  for (std::uint64_t t = 1; t < timeout; ++t) node.tick();
  EXPECT_EQ(node.role(), Role::Follower);
  node.tick();
  const Output out = drain(node);
  EXPECT_TRUE(has_event(out, CoreEventKind::ElectionTimeout));
  EXPECT_EQ(node.role(), Role::Candidate);
  EXPECT_EQ(node.own_ballot(), (Ballot{2, 2}));
}

// resign(): the leader stops leading and claiming the lease at once, and does not propose for
// resign_hold_ticks; a non-leader cannot resign.
TEST(PaxosRules, ResignStepsDownAndHoldsProposals) {
  auto follower = make_node(2, 3);
  EXPECT_EQ(follower.resign(), RequestResult::NotLeader);

  auto leader = make_leader(1, 3);
  EXPECT_EQ(leader.resign(), RequestResult::Ok);
  Output out = drain(leader);
  EXPECT_EQ(leader.role(), Role::Follower);
  EXPECT_FALSE(leader.status().lease_valid);
  EXPECT_TRUE(has_event(out, CoreEventKind::Resigned));
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  // Another node's leadership that goes silent during the hold does not make it stand either.
  leader.step(envelope(2, 1, Accept{Ballot{leader.max_round_seen() + 1, 2}, 2}));
  ASSERT_EQ(leader.status().leader, 2u);
  for (std::uint32_t t = 1; t < leader.config().resign_hold_ticks; ++t) {
    leader.tick();
    out = drain(leader);
    ASSERT_EQ(leader.role(), Role::Follower) << "tick " << t;
    ASSERT_TRUE(sent_of<Prepare>(out).empty());
    ASSERT_TRUE(sent_of<LeaseRenew>(out).empty());
  }
  leader.tick();
  EXPECT_EQ(leader.role(), Role::Candidate);
}

// The Paxos messages have no TimeoutNow: transfer is NotSupported.
TEST(PaxosRules, TransferIsNotSupported) {
  auto leader = make_leader(1, 3);
  EXPECT_EQ(leader.transfer(2), RequestResult::NotSupported);
  EXPECT_EQ(leader.role(), Role::Leader);
}

// Other algorithms' messages, messages from non-members or from the node itself, and ballots a
// sender cannot own are dropped with a MessageIgnored event and change nothing.
TEST(PaxosRules, ForeignAndMalformedMessagesAreIgnored) {
  auto node = make_node(2, 3, quiet);
  const Message foreign[] = {raft::VoteRequest{}, bully::Alive{}, zab::Ping{}};
  for (const auto& m : foreign) {
    node.step(envelope(1, 2, m));
    const Output out = drain(node);
    EXPECT_TRUE(has_event(out, CoreEventKind::MessageIgnored));
    EXPECT_TRUE(out.messages.empty() && out.early_messages.empty());
    EXPECT_FALSE(out.hard_state.has_value());
  }
  node.step(envelope(9, 2, Prepare{Ballot{1, 9}}));
  node.step(envelope(1, 2, Prepare{Ballot{1, 3}}));
  node.step(envelope(1, 2, Accept{Ballot{1, 1}, 3}));
  node.step(envelope(1, 2, LeaseRenew{Ballot{1, 3}, 1}));
  node.step(envelope(2, 2, Prepare{Ballot{1, 2}}));
  const Output out = drain(node);
  EXPECT_TRUE(out.messages.empty());
  EXPECT_FALSE(out.hard_state.has_value());
}

// Replies for ballots a node is not running are ignored: a late Promise cannot restart phase 2,
// replies to an earlier ballot count for nothing in the current one, and a refused LeaseAck for
// another ballot does not make a leader re-ballot.
TEST(PaxosRules, RepliesForOtherBallotsAreIgnored) {
  auto node = make_node(1, 3);
  node.step(envelope(2, 1, Promise{Ballot{1, 1}, true, Ballot{1, 1}, {}, kNoNode}));
  node.step(envelope(2, 1, Accepted{Ballot{1, 1}, true, Ballot{1, 1}}));
  const Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Follower);
  EXPECT_TRUE(out.messages.empty());
  EXPECT_TRUE(has_event(out, CoreEventKind::MessageIgnored));

  auto proposer = make_node(1, 3);
  tick_until_proposal(proposer);
  const Ballot first = proposer.own_ballot();
  for (int t = 0; t < 10 && proposer.role() != Role::Follower; ++t) proposer.tick();
  tick_until_proposal(proposer);  // its second ballot, after phase 1 of the first timed out
  const Ballot second = proposer.own_ballot();
  ASSERT_TRUE(first < second);
  drain(proposer);
  proposer.step(envelope(2, 1, Promise{first, true, first, {}, kNoNode}));
  EXPECT_TRUE(sent_of<Accept>(drain(proposer)).empty());
  proposer.step(envelope(2, 1, Promise{second, true, second, {}, kNoNode}));
  ASSERT_EQ(sent_of<Accept>(drain(proposer)).size(), 2u);
  proposer.step(envelope(3, 1, Accepted{first, true, first}));
  EXPECT_EQ(proposer.role(), Role::Candidate);

  auto leader = make_leader(1, 3);
  leader.step(envelope(2, 1, LeaseAck{Ballot{9, 1}, 1, false}));
  EXPECT_EQ(leader.role(), Role::Leader);
}

// A group of one elects itself without messages.
TEST(PaxosRules, SingleNodeGroupLeadsAlone) {
  auto node = make_node(1, 1);
  tick_until_proposal(node);
  const Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Leader);
  EXPECT_TRUE(out.messages.empty() && out.early_messages.empty());
  EXPECT_TRUE(node.status().lease_valid);
}

}  // namespace
}  // namespace baton::paxos_test
