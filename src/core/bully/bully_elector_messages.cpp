// BullyElector: step() and the four Bully messages (Election, Answer, Coordinator, Alive).
#include "core/bully/bully_elector.hpp"

namespace baton::bully {

void BullyElector::step(const Envelope& envelope) {
  if (envelope.from == config_.id) {
    // Bully never messages itself; a driver that loops one back has a bug we should not act on.
    emit(CoreEventKind::MessageIgnored, envelope.from, "unexpected message from ourselves");
    return;
  }
  if (index_of(envelope.from) == kNotMember) {
    emit(CoreEventKind::MessageIgnored, envelope.from, "sender is not a peer");
    return;
  }
  // Exhaustive: every alternative of Message needs an on(...) overload or this does not compile.
  std::visit([&](const auto& message) { on(envelope.from, message); }, envelope.message);
}

void BullyElector::on(NodeId from, const Election& m) {
  if (from < config_.id) {
    note_epoch(m.epoch);
    if (!can_stand()) {
      // Resigned: an Answer would make the lower node wait for a Coordinator we will not send.
      emit(CoreEventKind::MessageIgnored, from, "resigned: not answering");
      return;
    }
    // Paper: a higher node that is alive tells the lower one to stand down, then takes over.
    send(from, Answer{hard_state_.term});
    if (std::holds_alternative<Leader>(role_)) {
      // The lower node lost track of us: tell it (only it) who leads, instead of running a whole
      // election. A broadcast here made every Election of a wave cost n-1 Coordinators: at 33
      // nodes the waves fed on themselves and virtual time stopped (an O(n^3) storm).
      reassert("Election from a lower id", from);
    } else if (leader_recently_heard()) {
      // Our leader is alive, and the lower node's Election reached it too (Elections go to every
      // higher id): the leader answers it. Campaigning here is what turned one confused node into
      // an election wave across the whole cluster.
      emit(CoreEventKind::MessageIgnored, from, "answered; the leader is alive and will tell it");
    } else if (!running_election()) {
      start_election("Election from a lower id");
    }
    return;
  }
  // Elections go only to higher ids; one from above is a misrouted or malicious message.
  emit(CoreEventKind::MessageIgnored, from, "Election from a higher id");
}

void BullyElector::on(NodeId from, const Answer& m) {
  note_epoch(m.epoch);
  if (std::holds_alternative<Electing>(role_) && from > config_.id) {
    // A higher node is alive and runs the election now: stop waiting to win, wait for its
    // Coordinator instead (and restart if it never comes: it may die mid-election).
    role_ = AwaitingCoordinator{now_ticks_ + config_.coordinator_timeout_ticks};
    return;
  }
  emit(CoreEventKind::MessageIgnored, from, "no election waiting for an Answer");
}

BullyElector::Claim BullyElector::judge_claim(NodeId from, std::uint64_t epoch,
                                              bool is_coordinator) const {
  // The bully rule: a node never serves a lower one. A recovering higher node takes over this way.
  // A resigned node waives the rule until its hold ends.
  if (from < config_.id && can_stand()) return Claim::Bully;
  const auto* follower = std::get_if<Follower>(&role_);
  if (follower != nullptr && from == follower->leader) {
    // Our own leader: a repeat or a reassertion with a fresh epoch. An older epoch is a delayed
    // message from an earlier leadership of the same node.
    return epoch >= follower->leader_epoch ? Claim::Accept : Claim::Ignore;
  }
  const std::uint64_t max_seen = hard_state_.term;
  const NodeId leader = current_leader();
  if (is_coordinator && epoch > max_seen) return Claim::Accept;  // a newer election than we know
  // An epoch equal to the max we have seen is one we heard of already (an Election or Alive
  // carried it) without following its leader: accept it from above our leader, who is who Bully
  // would elect. For Alive, also an epoch above ours must come from above our leader: a lower node
  // that thinks it leads learns otherwise when it hears our leader, which then bullies it.
  if (epoch >= max_seen && from > leader) return Claim::Accept;
  return Claim::Ignore;
}

void BullyElector::bully() {
  if (std::holds_alternative<Leader>(role_)) {
    reassert("lower-id leader seen");
  } else if (!running_election()) {
    start_election("bully: lower-id leader seen");
  }
  // else: our running election will announce a larger epoch than the one just folded in.
}

void BullyElector::on(NodeId from, const Coordinator& m) {
  const Claim claim = judge_claim(from, m.epoch, true);
  note_epoch(m.epoch);
  switch (claim) {
    case Claim::Accept:
      become_follower(from, m.epoch, "Coordinator from a higher id");
      return;
    case Claim::Bully:
      bully();
      return;
    case Claim::Ignore:
      emit(CoreEventKind::MessageIgnored, from, "stale Coordinator epoch");
      return;
  }
}

void BullyElector::on(NodeId from, const Alive& m) {
  const Claim claim = judge_claim(from, m.epoch, false);
  note_epoch(m.epoch);
  switch (claim) {
    case Claim::Accept:
      // For our own leader this just restarts the leader timer.
      become_follower(from, m.epoch, "Alive from a higher id");
      return;
    case Claim::Bully:
      bully();
      return;
    case Claim::Ignore:
      emit(CoreEventKind::MessageIgnored, from, "Alive from a stale or outranked leader");
      return;
  }
}

}  // namespace baton::bully
