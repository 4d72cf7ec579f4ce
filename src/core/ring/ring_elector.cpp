// RingElector: construction, status, time, role transitions and ring plumbing (acks and repair).
// Message handlers live in ring_elector_messages.cpp.
#include "core/ring/ring_elector.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include "core/owned_epoch.hpp"

namespace baton::ring {

RingElector::RingElector(Config config, HardState restored, Rng rng)
    : config_(std::move(config)),
      ring_(config_.members),
      self_position_(kNotMember),
      hard_state_(restored),
      rng_(rng),
      dead_(config_.members.size(), false) {
  std::sort(ring_.begin(), ring_.end());
  self_position_ = position_of(config_.id);
  assert(self_position_ != kNotMember && "config.id must be one of config.members");
  assert(config_.id <= kMaxEpochOwner && "ids must be < 65536 for owned epochs");
  assert(config_.leader_timeout_ticks_min <= config_.leader_timeout_ticks_max);
  // A fresh or restarted node waits a whole randomized leader timeout before initiating: a leader
  // may well be alive, and the jitter keeps restarted nodes from initiating together.
  arm_leader_timer();
  output_.messages.reserve(config_.members.size() + 2);
  output_.events.reserve(8);
  pending_.reserve(4);
}

void RingElector::take_output(Output& out) {
  assert(out.empty() && "take_output needs a cleared Output");
  std::swap(out, output_);
}

Role RingElector::role() const {
  if (leading_) return Role::Leader;
  return participant_ ? Role::Candidate : Role::Follower;
}

Status RingElector::status() const {
  Status s;
  s.id = config_.id;
  s.role = role();
  // The term is the epoch of the leadership this node is in: its own while it leads, its leader's
  // while it follows one. The max epoch seen can run ahead of both (an Election of a newer round
  // came before the Elected that ends it), and reporting it would pair a leader with an epoch
  // another node won.
  s.term = leading_ || leader_ != kNoNode ? epoch_ : hard_state_.term;
  s.leader = leading_ ? config_.id : leader_;
  // Fence token = epoch: each win takes the next round after the max seen with the winner's id, so
  // tokens only grow along the ring's history and no two winners share one.
  s.fence_token = leading_ ? epoch_ : 0;
  s.lease_valid = false;  // Ring has no quorum, so no node can ever know it is the only leader.
  s.voted_for = kNoNode;
  return s;
}

bool RingElector::presumed_dead(NodeId id) const {
  const std::size_t pos = position_of(id);
  return pos != kNotMember && dead_[pos];
}

RequestResult RingElector::transfer(NodeId /*to*/) {
  return RequestResult::NotSupported;
}

RequestResult RingElector::resign() {
  if (!leading_) return RequestResult::NotLeader;
  step_down("resigned");
  emit(CoreEventKind::Resigned);
  // Hold back for the longest leader timeout: by then the others have noticed the silence and
  // elected someone else, which this node must not pre-empt by re-inserting its (high) id.
  resign_hold_until_tick_ = now_ticks_ + config_.leader_timeout_ticks_max;
  arm_leader_timer();
  return RequestResult::Ok;
}

// ---- time ------------------------------------------------------------------------------------

void RingElector::tick() {
  ++now_ticks_;
  // Ring repair first: a silent successor is skipped before anything else is sent its way.
  // Collect first, since handling a timeout may add new pending entries.
  for (std::size_t i = 0; i < pending_.size();) {
    if (pending_[i].deadline_tick <= now_ticks_) {
      Pending expired = std::move(pending_[i]);
      pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
      on_ack_timeout(std::move(expired));
    } else {
      ++i;
    }
  }
  if (leading_) {
    if (now_ticks_ >= heartbeat_due_tick_) {
      heartbeat_due_tick_ = now_ticks_ + config_.heartbeat_interval_ticks;
      for (NodeId member : ring_) {
        if (member != config_.id) send(member, Alive{config_.id, epoch_});
      }
    }
    return;
  }
  if (participant_) {
    // The round this node joined has not ended: its messages were lost, or its best candidate
    // died on the way. Starting over is the only way out (the ring has no other timeout).
    if (now_ticks_ >= election_deadline_tick_) {
      emit(CoreEventKind::ElectionTimeout, kNoNode, "no Elected within the election timeout");
      initiate("restart after election timeout");
    }
    return;
  }
  if (now_ticks_ >= leader_deadline_tick_) {
    if (now_ticks_ < resign_hold_until_tick_) {
      arm_leader_timer();  // resigned: stand aside, still forward
      return;
    }
    emit(CoreEventKind::ElectionTimeout, leader_, "no Alive from the leader");
    initiate({});
  }
}

std::optional<LeaderBeat> RingElector::leader_beat() const {
  // The leader sends Alive to every member of the ring each interval (tick()); a participant
  // waits for an election's messages, which wake it anyway, and reads as they arrive.
  if (leading_ || participant_ || leader_ == kNoNode) return std::nullopt;
  return LeaderBeat{leader_, config_.heartbeat_interval_ticks};
}

std::uint64_t RingElector::ticks_until_due() const {
  // The same order of precedence as tick(): a leader that also joined a passing election
  // (participant_) runs only its heartbeat, so the election deadline does not count for it.
  std::uint64_t due_tick = leading_       ? heartbeat_due_tick_
                           : participant_ ? election_deadline_tick_
                                          : leader_deadline_tick_;
  // Ring repair runs before the role's timer, whatever the role.
  for (const Pending& p : pending_) due_tick = std::min(due_tick, p.deadline_tick);
  // tick() acts once the incremented clock reaches a deadline; one already passed acts next.
  // (The leader timer of a node in its resign hold only re-arms itself quietly: waking for it is
  // early, never late, and the hold is short and rare.)
  return ticks_until(due_tick, now_ticks_);
}

void RingElector::arm_leader_timer() {
  leader_deadline_tick_ =
      now_ticks_ + rng_.uniform(config_.leader_timeout_ticks_min, config_.leader_timeout_ticks_max);
}

std::uint64_t RingElector::election_timeout_ticks() const {
  if (config_.election_timeout_ticks != 0) return config_.election_timeout_ticks;
  return 4ull * ring_.size() * config_.ack_timeout_ticks;
}

// ---- transitions -----------------------------------------------------------------------------

void RingElector::initiate(std::string_view reason) {
  participant_ = true;
  election_deadline_tick_ = now_ticks_ + election_timeout_ticks();
  emit(CoreEventKind::CampaignStarted, kNoNode, reason, hard_state_.term);
  if (!send_ring(config_.id,
                 Election{config_.id, config_.id, hard_state_.term, 0 /* set by send_ring */})) {
    win(hard_state_.term);  // every other member is presumed dead: a lone node leads itself
  }
}

void RingElector::drop_pending_elections() {
  // The round is decided: retrying an unacknowledged Election now would make nodes that already
  // left the round put their ids in again and start a spurious new one.
  std::erase_if(pending_,
                [](const Pending& p) { return std::holds_alternative<Election>(p.message); });
}

void RingElector::win(std::uint64_t seen_epoch) {
  drop_pending_elections();
  const std::uint64_t old_epoch = epoch_;
  const bool was_leading = leading_;
  // The epoch is ours alone (core/owned_epoch.hpp): with "max seen + 1", two queued copies of one
  // undecided round made two nodes win the same epoch (ring-stale-election.scn).
  epoch_ = owned_epoch_after(std::max(hard_state_.term, seen_epoch), config_.id);
  hard_state_.term = epoch_;
  // Persistence rule: the epoch is in this batch, so it is durable before the Elected (which
  // carries it as a fence token) leaves. A restarted winner can never reuse it.
  output_.hard_state = hard_state_;
  if (was_leading) {
    // Re-elected (someone timed out while we led): the old token's leadership ends here.
    output_.leadership.push_back(LeadershipChange{false, old_epoch, old_epoch});
  }
  leading_ = true;
  participant_ = false;
  leader_ = config_.id;
  heartbeat_due_tick_ = now_ticks_ + config_.heartbeat_interval_ticks;
  emit(CoreEventKind::BecameLeader, config_.id, {}, epoch_);
  output_.leadership.push_back(LeadershipChange{true, epoch_, epoch_});
  send_ring(config_.id, Elected{config_.id, epoch_, 0});
}

void RingElector::step_down(std::string_view reason) {
  if (!leading_) return;
  leading_ = false;
  output_.leadership.push_back(LeadershipChange{false, epoch_, epoch_});
  emit(CoreEventKind::SteppedDown, kNoNode, reason, epoch_);
  leader_ = kNoNode;
}

void RingElector::follow(NodeId leader, std::uint64_t epoch, std::string_view reason) {
  step_down(reason);
  drop_pending_elections();
  const bool discovered = leader != leader_ || epoch != epoch_;
  leader_ = leader;
  epoch_ = epoch;
  participant_ = false;
  note_epoch(epoch);
  arm_leader_timer();
  if (discovered) emit(CoreEventKind::LeaderDiscovered, leader, {}, epoch);
}

void RingElector::note_epoch(std::uint64_t epoch) {
  if (epoch > hard_state_.term) {
    hard_state_.term = epoch;
    output_.hard_state = hard_state_;
  }
}

bool RingElector::newer_than_known(std::uint64_t epoch, NodeId leader) const {
  const NodeId known = leading_ ? config_.id : leader_;
  if (epoch != epoch_) return epoch > epoch_;
  return leader > known;
}

// ---- ring plumbing ---------------------------------------------------------------------------

std::size_t RingElector::position_of(NodeId id) const {
  const auto it = std::lower_bound(ring_.begin(), ring_.end(), id);
  if (it == ring_.end() || *it != id) return kNotMember;
  return static_cast<std::size_t>(it - ring_.begin());
}

NodeId RingElector::next_live_after(NodeId after) const {
  const std::size_t n = ring_.size();
  const std::size_t start = position_of(after);
  for (std::size_t step = 1; step < n + 1; ++step) {
    const std::size_t pos = (start + step) % n;
    if (pos == self_position_) continue;  // a node never sends to itself
    if (!dead_[pos]) return ring_[pos];
  }
  return kNoNode;
}

bool RingElector::send_ring(NodeId after, std::variant<Election, Elected> message) {
  const NodeId to = next_live_after(after);
  if (to == kNoNode) return false;
  const std::uint64_t sequence = next_sequence_++;
  std::visit([&](auto& m) { m.sequence = sequence; }, message);
  pending_.push_back(Pending{to, sequence, now_ticks_ + config_.ack_timeout_ticks, message});
  std::visit([&](const auto& m) { send(to, m); }, message);
  return true;
}

void RingElector::on_ack_timeout(Pending pending) {
  dead_[position_of(pending.to)] = true;
  if (auto* election = std::get_if<Election>(&pending.message)) {
    // The election's best candidate is the node that died: it can never return to it, so carry
    // this (live) node instead of letting the message circle with a dead name.
    if (election->best == pending.to) election->best = config_.id;
    if (!send_ring(pending.to, pending.message) && !leading_) win(election->epoch);
    return;
  }
  // An Elected with nobody left to tell: the round is over.
  send_ring(pending.to, pending.message);
}

void RingElector::send(NodeId to, const Message& message) {
  output_.messages.push_back(Envelope{config_.id, to, message});
}

void RingElector::emit(CoreEventKind kind, NodeId peer, std::string_view reason,
                       std::uint64_t value) {
  output_.events.push_back(CoreEvent{kind, hard_state_.term, peer, reason, value});
}

}  // namespace baton::ring
