// PaxosElector: step() and the six Paxos messages. The acceptor side answers Prepare, Accept and
// LeaseRenew; the proposer side counts Promise, Accepted and LeaseAck.
#include <algorithm>

#include "core/paxos/paxos_elector.hpp"

namespace baton::paxos {

void PaxosElector::step(const Envelope& envelope) {
  const std::size_t from_index = index_of(envelope.from);
  if (from_index == kNotMember) {
    emit(CoreEventKind::MessageIgnored, envelope.from, "sender is not a member");
    return;
  }
  if (envelope.from == config_.id) {
    // Our own promise and accept are counted locally; nothing is ever addressed to ourselves.
    emit(CoreEventKind::MessageIgnored, envelope.from, "unexpected message from ourselves");
    return;
  }
  // Exhaustive: every alternative of Message needs an on(...) overload or this does not compile.
  std::visit([&](const auto& message) { on(envelope.from, from_index, message); },
             envelope.message);
}

// ---- acceptor side ---------------------------------------------------------------------------

Ballot PaxosElector::floor() const {
  return std::max(acceptor_.promised(), own_ballot());
}

Refusal PaxosElector::judge(Ballot ballot, bool accept) {
  // A node preparing its own ballot has not yet written its promise into the acceptor
  // (propose()); it holds lower ballots off as if it had, so duelling resolves by ballot order.
  Refusal refusal = Refusal::PromisedHigher;
  if (ballot >= own_ballot()) {
    refusal = accept ? acceptor_.accept(ballot, now_ticks_) : acceptor_.prepare(ballot, now_ticks_);
  }
  // Persistence rule: the reply the caller sends goes into Output::messages, after this write.
  persist_if_changed();
  if (refusal != Refusal::None || ballot == own_ballot()) return refusal;
  // We granted someone else's ballot, which is higher than any of ours: ours is pre-empted.
  if (std::holds_alternative<Leader>(role_)) {
    leave_leadership("granted a higher ballot");
    role_ = Follower{kNoNode, Ballot{}, now_ticks_ + random_leader_timeout_ticks()};
  } else if (!std::holds_alternative<Follower>(role_)) {
    emit(CoreEventKind::SteppedDown, ballot.node, "pre-empted by a higher ballot",
         token_of(own_ballot()));
    if (backoff_.note_failure()) {
      emit(CoreEventKind::BackoffRaised, kNoNode, {}, backoff_.factor());
    }
    // Give the higher proposer a whole leader timeout to finish before we try again.
    role_ = Follower{kNoNode, Ballot{}, now_ticks_ + random_leader_timeout_ticks()};
  } else if (auto& f = std::get<Follower>(role_); f.leader_ballot != ballot) {
    // A proposal we promised: give it time to finish. Our old leader (if any) stopped renewing
    // us, or the lease window would have refused.
    f = Follower{kNoNode, Ballot{}, now_ticks_ + random_leader_timeout_ticks()};
  }
  return refusal;
}

void PaxosElector::follow(NodeId leader, Ballot ballot) {
  auto* f = std::get_if<Follower>(&role_);
  if (f == nullptr || f->leader != leader || f->leader_ballot != ballot) {
    emit(CoreEventKind::LeaderDiscovered, leader, "accepted its ballot", token_of(ballot));
  }
  reset_backoff();
  role_ = Follower{leader, ballot, now_ticks_ + random_leader_timeout_ticks()};
}

void PaxosElector::on(NodeId from, std::size_t /*from_index*/, const Prepare& m) {
  if (m.ballot.node != from) {
    // A node only ever proposes itself; anything else is a forged or corrupted ballot.
    emit(CoreEventKind::MessageIgnored, from, "Prepare for a ballot of another node");
    return;
  }
  note_round(m.ballot.round);
  const Refusal refusal = judge(m.ballot, false);
  const bool granted = refusal == Refusal::None;
  const Ballot accepted = acceptor_.accepted();
  // A refusal carries what we hold to, so the proposer learns the higher round (or the ballot of
  // the lease we protect) and backs off instead of duelling.
  send(from, Promise{m.ballot, granted, floor(), accepted, accepted.node});
  emit(granted ? CoreEventKind::VoteGranted : CoreEventKind::VoteRejected, from,
       granted ? "promise" : to_string(refusal), token_of(m.ballot));
}

void PaxosElector::on(NodeId from, std::size_t /*from_index*/, const Accept& m) {
  if (m.ballot.node != from || m.leader != from) {
    emit(CoreEventKind::MessageIgnored, from, "Accept for a ballot or leader of another node");
    return;
  }
  note_round(m.ballot.round);
  const Refusal refusal = judge(m.ballot, true);
  const bool granted = refusal == Refusal::None;
  send(from, Accepted{m.ballot, granted, floor()});
  emit(granted ? CoreEventKind::VoteGranted : CoreEventKind::VoteRejected, from,
       granted ? "accept" : to_string(refusal), token_of(m.ballot));
  if (granted) follow(from, m.ballot);
}

void PaxosElector::on(NodeId from, std::size_t /*from_index*/, const LeaseRenew& m) {
  if (m.ballot.node != from) {
    emit(CoreEventKind::MessageIgnored, from, "LeaseRenew for a ballot of another node");
    return;
  }
  note_round(m.ballot.round);
  // A renewal is phase 2 again for the same ballot: it also brings in an acceptor that missed the
  // Accept, and restarts the lease window.
  const Refusal refusal = judge(m.ballot, true);
  if (refusal == Refusal::LeaseHeld) {
    // No answer: a refused LeaseAck tells the leader to re-ballot (on(LeaseAck)), which cannot
    // help while we protect another node's lease, and LeaseAck has no field to say which refusal
    // it is. The leader's lease simply does not count us.
    emit(CoreEventKind::VoteRejected, from, to_string(refusal), token_of(m.ballot));
    return;
  }
  const bool granted = refusal == Refusal::None;
  send(from, LeaseAck{m.ballot, m.round, granted});
  if (granted) {
    follow(from, m.ballot);
  } else {
    emit(CoreEventKind::VoteRejected, from, to_string(refusal), token_of(m.ballot));
  }
}

// ---- proposer side ---------------------------------------------------------------------------

void PaxosElector::on(NodeId from, std::size_t from_index, const Promise& m) {
  note_round(std::max(m.promised.round, m.accepted.round));
  auto* preparing = std::get_if<Preparing>(&role_);
  if (preparing == nullptr || m.ballot != preparing->ballot) {
    // Promises that arrive after phase 1 was decided are expected; only others are news.
    if (m.ballot != own_ballot()) {
      emit(CoreEventKind::MessageIgnored, from, "Promise for a ballot we are not preparing");
    }
    return;
  }
  // A refusal naming a higher ballot does not end the ballot by itself: a majority may still
  // grant (an acceptor that promised a node cut off from the rest is the common case). The round
  // is learned above, so a lost ballot retries above it.
  preparing->tally.record(from_index, m.granted);
  switch (preparing->tally.result()) {
    case raft::TallyResult::Won:
      start_phase2(*preparing);
      return;
    case raft::TallyResult::Lost:
      fail("a majority refused the prepare");
      return;
    case raft::TallyResult::Pending:
      return;
  }
}

void PaxosElector::on(NodeId from, std::size_t from_index, const Accepted& m) {
  note_round(m.promised.round);
  if (auto* leader = std::get_if<Leader>(&role_); leader != nullptr && m.ballot == leader->ballot) {
    // A late answer to our Accept round: still an ack of round 1.
    if (m.granted) leader->lease.ack(from_index, 1);
    return;
  }
  auto* accepting = std::get_if<Accepting>(&role_);
  if (accepting == nullptr || m.ballot != accepting->ballot) {
    emit(CoreEventKind::MessageIgnored, from, "Accepted for a ballot we are not proposing");
    return;
  }
  accepting->tally.record(from_index, m.granted);
  if (m.granted) accepting->lease.ack(from_index, 1);
  switch (accepting->tally.result()) {
    case raft::TallyResult::Won:
      become_leader(*accepting);
      return;
    case raft::TallyResult::Lost:
      fail("a majority refused the accept");
      return;
    case raft::TallyResult::Pending:
      return;
  }
}

void PaxosElector::on(NodeId from, std::size_t from_index, const LeaseAck& m) {
  auto* leader = std::get_if<Leader>(&role_);
  if (leader == nullptr || m.ballot != leader->ballot) {
    emit(CoreEventKind::MessageIgnored, from, "LeaseAck for a ballot we do not lead");
    return;
  }
  if (!m.granted) {
    // The acceptor promised a higher ballot (typically to a node that was cut off from us and
    // proposed) and will never ack ours again: without a new ballot it would stay outside this
    // leadership for good. Re-ballot at once with (max round seen + 1, self): acceptors still in
    // our lease window let our own node's higher ballot through, so no other node can win
    // meanwhile. LeaseAck carries no promised ballot, so a too-low round is taught by that
    // acceptor's refusal of our Prepare and costs one backoff.
    // Our acceptor keeps its window for our old ballot, as the others do: no other node can win
    // while we re-ballot.
    leave_leadership("renewal refused: re-proposing with a higher ballot", false);
    role_ = Follower{kNoNode, Ballot{}, now_ticks_};
    propose();
    return;
  }
  leader->lease.ack(from_index, m.round);
}

}  // namespace baton::paxos
