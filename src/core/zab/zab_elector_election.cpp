// ZabElector: step() and fast leader election (ZooKeeper's FastLeaderElection: lookForLeader for
// a LOOKING node, WorkerReceiver for the replies a node sends whatever its state).
#include "core/zab/zab_elector.hpp"

#include <algorithm>

namespace baton::zab {

void ZabElector::step(const Envelope& envelope) {
  if (envelope.from == config_.id) {
    // ZAB never messages itself (our own vote is recorded directly); a looped-back message is a
    // driver bug we should not act on.
    emit(CoreEventKind::MessageIgnored, envelope.from, "unexpected message from ourselves");
    return;
  }
  if (index_of(envelope.from) == kNotMember) {
    // FastLeaderElection.validVoter: only members of the ensemble vote.
    emit(CoreEventKind::MessageIgnored, envelope.from, "sender is not a peer");
    return;
  }
  // Exhaustive: every alternative of Message needs an on(...) overload or this does not compile.
  std::visit([&](const auto& message) { on(envelope.from, message); }, envelope.message);
}

Vote ZabElector::initial_vote() const {
  // During a resign hold we stand for nobody: the null vote loses to every real vote, so the
  // first one we hear replaces it.
  if (!can_stand()) return Vote{};
  // peerEpoch = current epoch; zxid 0 because baton elects without a replicated log.
  return Vote{hard_state_.term, 0, config_.id};
}

bool ZabElector::better(const Vote& theirs, const Vote& ours) const {
  if (theirs.leader == kNoNode) return false;
  if (theirs.leader == config_.id && !can_stand()) return false;
  // totalOrderPredicate: higher epoch, then higher zxid, then higher server id. Vote's defaulted
  // <=> compares exactly these members in this order.
  return theirs > ours;
}

void ZabElector::broadcast_notification(const Vote& vote) {
  // Notifications promise nothing durable (the vote's epoch is already on disk; the round is
  // not kept at all), so they may leave before this batch's hard state is written.
  for (NodeId member : config_.members) {
    if (member != config_.id) {
      send_early(member, Notification{vote, round_, PeerState::Looking});
    }
  }
}

void ZabElector::reply_notification(NodeId to) {
  send_early(to, Notification{current_vote(), round_, peer_state()});
}

void ZabElector::update_proposal(Looking& looking, const Vote& vote) {
  looking.proposal = vote;
  looking.votes[self_index()] = vote;
  looking.finalize_deadline_tick.reset();
  broadcast_notification(vote);
}

void ZabElector::check_quorum(Looking& looking) {
  const std::size_t agree = static_cast<std::size_t>(
      std::count(looking.votes.begin(), looking.votes.end(), looking.proposal));
  // termPredicate: a quorum of this round's votes equals ours. A null vote never wins.
  if (looking.proposal.leader == kNoNode || agree < quorum()) {
    looking.finalize_deadline_tick.reset();
    return;
  }
  if (looking.finalize_deadline_tick) return;  // already waiting
  if (config_.finalize_wait_ticks == 0) {
    decide(looking.proposal, "quorum agreed");
    return;
  }
  // finalizeWait: a better vote may still be on its way (a peer that has not heard everyone yet);
  // deciding now could make this node follow a leader the rest of the quorum abandons.
  looking.finalize_deadline_tick = now_ticks_ + config_.finalize_wait_ticks;
}

void ZabElector::on(NodeId from, const Notification& m) {
  if (auto* looking = std::get_if<Looking>(&role_)) {
    looking->resend_deadline_tick = now_ticks_ + looking->notification_timeout_ticks;
    if (m.state == PeerState::Looking) {
      on_looking_notification(*looking, from, m);
    } else {
      on_claim(*looking, from, m);
    }
    return;
  }
  if (m.state != PeerState::Looking) {
    // Only lookers need claims; answering claims with claims would ping-pong forever.
    emit(CoreEventKind::MessageIgnored, from, "claim while not LOOKING");
    return;
  }
  if (const auto* f = std::get_if<Following>(&role_);
      f != nullptr && from == f->leader &&
      (m.election_round > round_ || (f->established && m.vote != decided_vote_))) {
    // Our leader started a new election (it resigned, lost its quorum, or restarted), so it no
    // longer leads. Not in ZooKeeper, whose followers wait for their ping timeout; looking now
    // saves that wait. The checks skip delayed notifications from the election that made it
    // leader: those have our round (or an older one) and, once it pinged us, the decided vote. A
    // restarted leader's round starts again at 1, but its vote carries the epoch it established.
    start_looking("leader is LOOKING");
    on(from, m);
    return;
  }
  // WorkerReceiver: a looker learns the established leader from the answers of non-lookers.
  reply_notification(from);
}

void ZabElector::on_looking_notification(Looking& looking, NodeId from, const Notification& m) {
  const std::size_t index = index_of(from);
  if (m.election_round > round_) {
    // A newer election: join its round, forget the votes of ours, and start over from the better
    // of their vote and our initial one.
    round_ = m.election_round;
    std::fill(looking.votes.begin(), looking.votes.end(), std::nullopt);
    const Vote mine = initial_vote();
    update_proposal(looking, better(m.vote, mine) ? m.vote : mine);
  } else if (m.election_round < round_) {
    // Their vote belongs to an older election and does not count; answering with ours lets the
    // laggard catch up (WorkerReceiver sends back when the sender lags behind our round).
    reply_notification(from);
    return;
  } else if (looking.votes[index] && better(*looking.votes[index], m.vote)) {
    // Within one round a node's vote only ever moves to a better one, so a worse vote of this
    // round from the same peer is an older notification overtaken by a newer one. ZooKeeper's TCP
    // channels are FIFO and never show this; our network may reorder, and letting the older vote
    // overwrite the newer one cost a quorum that was already there (seed 375 of
    // zab-minority-partition.scn: a 1.06 s failover instead of 0.45 s).
    emit(CoreEventKind::MessageIgnored, from, "older vote of this round (reordered)");
    return;
  } else if (better(m.vote, looking.proposal)) {
    update_proposal(looking, m.vote);
  } else if (looking.claims[index] && m.vote != looking.proposal) {
    // The peer was FOLLOWING/LEADING when our vote reached it (it answered with a claim), so it
    // has never recorded our vote; it just started looking in our round. Tell it now. ZooKeeper
    // does not, and both sides then wait for notTimeout (200 ms) before resending.
    send_early(from, Notification{looking.proposal, round_, PeerState::Looking});
  }
  // A peer that looks no longer backs the leader it claimed.
  looking.claims[index].reset();
  looking.votes[index] = m.vote;
  check_quorum(looking);
}

bool ZabElector::claims_quorum(const Looking& looking, const Vote& vote) const {
  if (vote.leader == config_.id) return false;  // we are LOOKING: we do not lead, whatever they say
  // Claims of nodes out of the election are compared by leader and epoch only, whatever their
  // election round (ZooKeeper's Vote.equals for non-LOOKING states, ZOOKEEPER-1732): a node that
  // joined an established leader took the round of the claim it joined through, which may be
  // older than the round the leader itself decided in. Requiring equal rounds left a restarted
  // node looking beside a working quorum (seed 1711 of zab-down-queue.scn with 1% loss).
  const auto same_leadership = [&](const Claim& claim) {
    return claim.vote.leader == vote.leader && claim.vote.epoch == vote.epoch;
  };
  // checkLeader: the named leader must itself claim to lead; followers alone may still be
  // following a leader that is gone.
  const std::size_t leader_index = index_of(vote.leader);
  if (leader_index == kNotMember) return false;
  const auto& leader_claim = looking.claims[leader_index];
  if (!leader_claim || leader_claim->state != PeerState::Leading ||
      !same_leadership(*leader_claim)) {
    return false;
  }
  // We count ourselves: joining makes us part of the leader's quorum.
  std::size_t agree = 1;
  for (const auto& claim : looking.claims) {
    if (claim && same_leadership(*claim)) ++agree;
  }
  return agree >= quorum();
}

void ZabElector::on_claim(Looking& looking, NodeId from, const Notification& m) {
  const std::size_t index = index_of(from);
  if (m.vote.leader == config_.id) {
    // A peer decided, in our current round, that we lead: we are finishing the same election
    // (ZooKeeper's checkLeader accepts self when the rounds match). Count it like a vote.
    if (m.election_round == round_) {
      looking.votes[index] = m.vote;
      check_quorum(looking);
    }
    return;
  }
  // outofelection: remember every claim; ZooKeeper also counts claims of our own round as votes.
  looking.claims[index] = Claim{m.vote, m.election_round, m.state};
  if (m.election_round == round_) looking.votes[index] = m.vote;
  if (claims_quorum(looking, m.vote)) {
    // A quorum follows a leader that says it leads: join it now, without a finalize wait (this
    // is how a restarted node joins a running ensemble). Take the leader's round, not that of the
    // claim that completed the quorum (a follower's may be older): a delayed notification of the
    // leader's own round must not look like the start of a newer election (on()).
    round_ = looking.claims[index_of(m.vote.leader)]->election_round;
    decide(m.vote, "quorum follows an established leader");
    return;
  }
  if (m.election_round == round_) check_quorum(looking);
}

}  // namespace baton::zab
