// RingElector: step() and the four ring messages (Election, Elected, Ack, Alive).
#include <algorithm>

#include "core/ring/ring_elector.hpp"

namespace baton::ring {

void RingElector::step(const Envelope& envelope) {
  if (envelope.from == config_.id) {
    emit(CoreEventKind::MessageIgnored, envelope.from, "unexpected message from ourselves");
    return;
  }
  const std::size_t from_position = position_of(envelope.from);
  if (from_position == kNotMember) {
    emit(CoreEventKind::MessageIgnored, envelope.from, "sender is not a member");
    return;
  }
  // Hearing anything from a member proves it alive again: it rejoins the ring.
  dead_[from_position] = false;
  // Exhaustive: every alternative of Message needs an on(...) overload or this does not compile.
  std::visit([&](const auto& message) { on(envelope.from, message); }, envelope.message);
}

void RingElector::on(NodeId from, const Election& m) {
  // Acknowledge first, whatever we do with it: the Ack says "I am alive", not "I agree".
  send(from, Ack{m.sequence});
  if (!participant_ && (leading_ || leader_ != kNoNode) && m.epoch < epoch_) {
    // An election carries the highest epoch it has seen, so one below the epoch of the leader we
    // know began before that leader was chosen: a decided round. Such a copy turns up when the
    // transport delivers a frame queued for a peer that was down, once it is back. Passing it on
    // would elect the restarted (higher) node over a healthy leader; any new round carries at
    // least this epoch, since every node that saw the Alive or Elected of epoch_ adopted it.
    emit(CoreEventKind::MessageIgnored, from, "election from a round older than our leader");
    return;
  }
  note_epoch(m.epoch);
  // Carry the highest epoch seen along the way, so the winner's epoch exceeds every one of them.
  Election next = m;
  next.epoch = std::max(m.epoch, hard_state_.term);
  const bool holding = now_ticks_ < resign_hold_until_tick_;
  if (m.best == config_.id) {
    // Our id went all the way round: no live node is higher. A copy arriving when we are no
    // longer a participant is from a round already decided (or from before a restart).
    if (!participant_) {
      emit(CoreEventKind::MessageIgnored, from, "own election already decided");
      return;
    }
    win(m.epoch);
    return;
  }
  if (presumed_dead(m.best)) {
    // Its best can never receive it back; the node that skipped that member carries on instead.
    emit(CoreEventKind::MessageIgnored, from, "election for a member presumed dead");
    return;
  }
  if (m.best > config_.id || holding) {
    // Chang-Roberts: a better candidate passes unchanged. A resigned node stands aside this way
    // too, without joining, so it keeps forwarding every election of its hold.
    if (!holding) {
      participant_ = true;
      election_deadline_tick_ = now_ticks_ + election_timeout_ticks();
    }
    send_ring(config_.id, next);
    return;
  }
  if (participant_) {
    // Chang-Roberts' suppression: our own (higher) id is already on its way round, so this
    // election can only lose. Dropping it is what keeps concurrent initiators from costing n^2.
    emit(CoreEventKind::MessageIgnored, from, "participant: lower candidate suppressed");
    return;
  }
  participant_ = true;
  election_deadline_tick_ = now_ticks_ + election_timeout_ticks();
  emit(CoreEventKind::CampaignStarted, from, "joined with a higher id", hard_state_.term);
  next.best = config_.id;
  send_ring(config_.id, next);
}

void RingElector::on(NodeId from, const Elected& m) {
  send(from, Ack{m.sequence});
  if (m.leader == config_.id) {
    // Our announcement went all the way round: the round is over.
    return;
  }
  if (m.leader == forwarded_leader_ && m.epoch == forwarded_epoch_) {
    // Already passed on once: the leader died before it came back, so nobody would stop it.
    emit(CoreEventKind::MessageIgnored, from, "elected already forwarded");
    return;
  }
  if (!newer_than_known(m.epoch, m.leader) &&
      !(m.leader == leader_ && m.epoch == epoch_ && !leading_)) {
    emit(CoreEventKind::MessageIgnored, from, "stale elected");
    return;
  }
  follow(m.leader, m.epoch, "newer leader elected");
  forwarded_leader_ = m.leader;
  forwarded_epoch_ = m.epoch;
  send_ring(config_.id, m);
}

void RingElector::on(NodeId from, const Ack& m) {
  const auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) {
    return p.sequence == m.sequence && p.to == from;
  });
  if (it == pending_.end()) {
    emit(CoreEventKind::MessageIgnored, from, "ack for nothing pending");
    return;
  }
  pending_.erase(it);
}

void RingElector::on(NodeId from, const Alive& m) {
  if (m.leader != from) {
    emit(CoreEventKind::MessageIgnored, from, "alive on behalf of another node");
    return;
  }
  if (!leading_ && m.leader == leader_ && m.epoch == epoch_) {
    arm_leader_timer();
    return;
  }
  if (!newer_than_known(m.epoch, m.leader)) {
    // An older leader (say, the other side of a healed cut): ours prevails, and it will step down
    // on our own Alive.
    emit(CoreEventKind::MessageIgnored, from, "stale alive");
    return;
  }
  follow(m.leader, m.epoch, "newer leader alive");
}

}  // namespace baton::ring
