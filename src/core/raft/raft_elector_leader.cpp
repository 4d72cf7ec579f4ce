// RaftElector: heartbeats, check-quorum, lease bookkeeping, transfer and resign.
#include <algorithm>

#include "core/raft/raft_elector.hpp"

namespace baton::raft {

void RaftElector::on(NodeId from, std::size_t /*from_index*/, const Heartbeat& m) {
  if (m.term < hard_state_.term) {
    // A deposed leader still heartbeating: tell it our term so it steps down (etcd does the same
    // when check-quorum or pre-vote is on, because then it may never hear a vote request).
    emit(CoreEventKind::MessageIgnored, from, "stale heartbeat; replied with our term");
    send(from, HeartbeatResponse{hard_state_.term, m.round, false});
    return;
  }
  if (std::holds_alternative<Leader>(role_) && m.term == hard_state_.term) {
    // Impossible while one vote per term holds; drop it rather than act on it.
    emit(CoreEventKind::MessageIgnored, from, "second leader in our term");
    return;
  }
  const auto* follower = std::get_if<Follower>(&role_);
  if (m.term > hard_state_.term || follower == nullptr || follower->leader != from) {
    become_follower(m.term, from, "leader of this term discovered");
  } else {
    note_leader_contact(from);
  }
  send(from, HeartbeatResponse{hard_state_.term, m.round, true});
}

void RaftElector::on(NodeId from, std::size_t from_index, const HeartbeatResponse& m) {
  if (m.term > hard_state_.term) {
    become_follower(m.term, kNoNode, "higher term in heartbeat response");
    return;
  }
  auto* leader = std::get_if<Leader>(&role_);
  if (m.term < hard_state_.term || leader == nullptr) {
    emit(CoreEventKind::MessageIgnored, from, "heartbeat response from another term or role");
    return;
  }
  if (!m.accepted) {
    // A reply to a heartbeat of an earlier term of ours: its round number is not from this term.
    emit(CoreEventKind::MessageIgnored, from, "heartbeat response that is not an ack");
    return;
  }
  const std::uint64_t previous_heard = leader->last_heard_ticks[from_index];
  leader->last_heard_ticks[from_index] = now_ticks_;
  leader->lease.ack(from_index, m.round);
  if (from == leader->transfer_target && !leader->timeout_now_sent) {
    leader->timeout_now_sent = true;
    send(from, TimeoutNow{hard_state_.term});
  }
  if (from == config_.preferred_leader) {
    // A run of acks is "continuous" while no gap exceeds two heartbeat intervals.
    const std::uint64_t max_gap = 2ull * config_.heartbeat_interval_ticks;
    if (leader->preferred_healthy_since_tick == kNeverTick ||
        now_ticks_ - previous_heard > max_gap) {
      leader->preferred_healthy_since_tick = now_ticks_;
    }
  }
}

void RaftElector::broadcast_heartbeat(Leader& leader) {
  leader.heartbeat_elapsed_ticks = 0;
  const std::uint64_t round = leader.lease.start_round(now_ticks_);
  broadcast(Heartbeat{hard_state_.term, round});
}

std::uint64_t RaftElector::transfer_timeout_ticks() const {
  return config_.transfer_timeout_ticks != 0 ? config_.transfer_timeout_ticks
                                             : config_.election_timeout_ticks_max;
}

void RaftElector::tick_leader(Leader& leader) {
  // A leader is its own current leader: it ignores vote requests for newer terms like any sticky
  // follower, and keeps doing so for election_timeout_min after it steps down.
  leader_contact_until_tick_ = now_ticks_ + config_.election_timeout_ticks_min;
  const std::uint64_t min_ticks = config_.election_timeout_ticks_min;
  if (config_.check_quorum && now_ticks_ - leader.became_leader_tick >= min_ticks) {
    // Thesis 6.2: without a quorum's contact in the last election timeout, another leader may
    // already exist; stepping down stops clients from being served by a stale leader.
    std::size_t active = 1;  // ourselves
    for (std::size_t i = 0; i < config_.members.size(); ++i) {
      if (i != self_index_ && now_ticks_ - leader.last_heard_ticks[i] <= min_ticks) ++active;
    }
    if (active < quorum_size(config_.members.size())) {
      become_follower(hard_state_.term, kNoNode, "check-quorum: lost contact with a quorum");
      return;
    }
  }
  if (leader.transfer_target != kNoNode &&
      now_ticks_ - leader.transfer_started_tick >= transfer_timeout_ticks()) {
    // Thesis 3.10: a transfer that did not finish within an election timeout is abandoned and
    // normal leadership resumes (the lease stays off for this term, see Leader).
    emit(CoreEventKind::TransferAborted, leader.transfer_target, "transfer timed out");
    leader.transfer_target = kNoNode;
    leader.timeout_now_sent = false;
    leader.preferred_healthy_since_tick = kNeverTick;
  }
  if (++leader.heartbeat_elapsed_ticks >= config_.heartbeat_interval_ticks) {
    broadcast_heartbeat(leader);
  }
  maybe_transfer_to_preferred(leader);
}

RaftElector::LeaderDue RaftElector::leader_due(const Leader& leader) const {
  // Each candidate below is the first tick at which one branch of tick_leader() can act; a branch
  // whose moment has passed is either acting on the next tick anyway or waits for a message.
  const std::uint64_t next = now_ticks_ + 1;
  const auto at_least_next = [next](std::uint64_t tick) { return std::max(tick, next); };
  // tick_leader() heartbeats when the incremented count reaches the interval.
  const std::uint32_t interval = config_.heartbeat_interval_ticks;
  const std::uint32_t elapsed = leader.heartbeat_elapsed_ticks;
  LeaderDue due{now_ticks_ + (interval > elapsed ? interval - elapsed : 1), kNeverTick};
  const std::uint64_t min_ticks = config_.election_timeout_ticks_min;
  if (config_.check_quorum) {
    // Check-quorum can only change its verdict when a member that counts as active stops counting
    // (now - last_heard > min). Its first run, at became_leader + min, never steps down: every
    // member's last contact starts at the election tick.
    for (std::size_t i = 0; i < config_.members.size(); ++i) {
      const std::uint64_t stale_at = leader.last_heard_ticks[i] + min_ticks + 1;
      if (i != self_index_ && stale_at >= next) due.other = std::min(due.other, stale_at);
    }
  }
  if (leader.transfer_target != kNoNode) {
    due.other =
        std::min(due.other, at_least_next(leader.transfer_started_tick + transfer_timeout_ticks()));
  }
  const NodeId preferred = config_.preferred_leader;
  if (preferred != kNoNode && preferred != config_.id && leader.transfer_target == kNoNode &&
      leader.preferred_healthy_since_tick != kNeverTick) {
    // A break in the preferred member's run of acks (last_heard + 2 heartbeats) produces nothing
    // by itself; skipped ticks are still run in order, so only the hand-over needs a wake-up.
    due.other = std::min(due.other, at_least_next(leader.preferred_healthy_since_tick + min_ticks));
  }
  return due;
}

bool RaftElector::input_can_wait() const {
  const auto* leader = std::get_if<Leader>(&role_);
  // A transfer waits for the target's ack before it sends TimeoutNow: a hand-over is a round
  // trip, not a heartbeat interval.
  if (leader == nullptr || leader->transfer_target != kNoNode) return false;
  const LeaderDue due = leader_due(*leader);
  // Check-quorum, or the preferred leader's hand-over, at that tick would judge answers it has
  // not read yet.
  if (due.other <= due.heartbeat) return false;
  // Answers extend the lease; without them it must still hold at the heartbeat tick, or the
  // leader would lose it for lack of reading. Off for the term once a transfer started.
  if (config_.leader_lease && !leader->transferred_this_term &&
      !leader->lease.valid_at(due.heartbeat)) {
    return false;
  }
  return true;
}

void RaftElector::maybe_transfer_to_preferred(Leader& leader) {
  const NodeId preferred = config_.preferred_leader;
  if (preferred == kNoNode || preferred == config_.id || leader.transfer_target != kNoNode) return;
  const std::size_t index = index_of(preferred);
  if (index == kNotMember || priority_of(config_, index) == 0) return;
  if (leader.preferred_healthy_since_tick == kNeverTick) return;
  const std::uint64_t max_gap = 2ull * config_.heartbeat_interval_ticks;
  if (now_ticks_ - leader.last_heard_ticks[index] > max_gap) {
    leader.preferred_healthy_since_tick = kNeverTick;  // the run of acks broke
    return;
  }
  if (now_ticks_ - leader.preferred_healthy_since_tick >= config_.election_timeout_ticks_min) {
    start_transfer(leader, preferred, index);
  }
}

RequestResult RaftElector::transfer(NodeId to) {
  auto* leader = std::get_if<Leader>(&role_);
  if (leader == nullptr) return RequestResult::NotLeader;
  const std::size_t index = index_of(to);
  if (index == kNotMember) return RequestResult::UnknownPeer;
  if (to == config_.id) return RequestResult::AlreadyLeader;
  if (priority_of(config_, index) == 0) return RequestResult::NotEligible;
  start_transfer(*leader, to, index);
  return RequestResult::Ok;
}

void RaftElector::start_transfer(Leader& leader, NodeId to, std::size_t to_index) {
  leader.transfer_target = to;
  leader.transfer_started_tick = now_ticks_;
  leader.transferred_this_term = true;  // the lease ends here (see Leader::transferred_this_term)
  emit(CoreEventKind::TransferStarted, to);
  // Pure election has no log to catch up, but the target must at least know us as leader of this
  // term, or it would ignore TimeoutNow: send it only after it acked one of our heartbeats.
  if (leader.lease.acked_round(to_index) > 0) {
    leader.timeout_now_sent = true;
    send(to, TimeoutNow{hard_state_.term});
  } else {
    leader.timeout_now_sent = false;
    send(to, Heartbeat{hard_state_.term, leader.lease.round()});
  }
}

RequestResult RaftElector::resign() {
  if (!std::holds_alternative<Leader>(role_)) return RequestResult::NotLeader;
  resign_hold_until_tick_ = now_ticks_ + config_.resign_hold_ticks;
  emit(CoreEventKind::Resigned, kNoNode, {}, config_.resign_hold_ticks);
  become_follower(hard_state_.term, kNoNode, "resigned");
  return RequestResult::Ok;
}

}  // namespace baton::raft
