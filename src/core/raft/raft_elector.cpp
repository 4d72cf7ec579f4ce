// RaftElector: construction, output, status, role transitions and the election timer.
// Message handlers live in raft_elector_votes.cpp / raft_elector_leader.cpp.
#include "core/raft/raft_elector.hpp"

#include <algorithm>

#include <cassert>
#include <utility>

#include "core/raft/lease_tracker.hpp"

namespace baton::raft {

RaftElector::RaftElector(Config config, HardState restored, Rng rng)
    : config_(std::move(config)),
      self_index_(index_of(config_.id)),
      hard_state_(restored),
      rng_(rng),
      timer_(config_, self_index_),
      role_(Follower{}),
      lease_ticks_(lease_duration_ticks(config_)),
      leader_contact_until_tick_(config_.election_timeout_ticks_min),
      ignored_pre_votes_(config_.members.size()) {
  assert(self_index_ != kNotMember && "config.id must be one of config.members");
  timer_.reset(rng_, false);
  // Room for one broadcast and its events, so the first batches rarely grow.
  output_.messages.reserve(config_.members.size() * 2);
  output_.events.reserve(8);
}

void RaftElector::take_output(Output& out) {
  assert(out.empty() && "take_output needs a cleared Output");
  // Swapping hands the caller our batch and keeps its (empty) vectors' capacity for the next one.
  std::swap(out, output_);
}

Role RaftElector::role() const {
  switch (role_.index()) {
    case 0:
      return Role::Follower;
    case 1:
      return Role::PreCandidate;
    case 2:
      return Role::Candidate;
    default:
      return Role::Leader;
  }
}

Status RaftElector::status() const {
  Status s;
  s.id = config_.id;
  s.role = role();
  s.term = hard_state_.term;
  s.voted_for = hard_state_.voted_for;
  if (const auto* f = std::get_if<Follower>(&role_)) s.leader = f->leader;
  if (const auto* l = std::get_if<Leader>(&role_)) {
    s.leader = config_.id;
    s.fence_token = hard_state_.term;  // fence token = term: only grows with each new leadership
    // Thesis 6.4.1. Off during/after a transfer in this term: the target's campaign bypasses
    // stickiness, which is what the lease relies on.
    s.lease_valid =
        config_.leader_lease && !l->transferred_this_term && l->lease.valid_at(now_ticks_);
    // Ticks (including the current one) for which the lease still holds.
    s.lease_remaining_ticks = s.lease_valid ? l->lease.until_ticks() - now_ticks_ : 0;
  }
  return s;
}

std::size_t RaftElector::index_of(NodeId id) const {
  for (std::size_t i = 0; i < config_.members.size(); ++i) {
    if (config_.members[i] == id) return i;
  }
  return kNotMember;
}

bool RaftElector::can_stand() const {
  // Priority 0 never stands (MongoDB); a resigned node holds back for resign_hold_ticks.
  return standing_ && priority_of(config_, self_index_) > 0 &&
         now_ticks_ >= resign_hold_until_tick_;
}

bool RaftElector::in_leader_contact() const {
  return now_ticks_ < leader_contact_until_tick_;
}

bool RaftElector::log_up_to_date(const VoteRequest& m) const {
  // Paper 5.4.1: the later last term wins; with equal terms the longer log wins.
  if (m.last_log_term != config_.last_log_term) return m.last_log_term > config_.last_log_term;
  return m.last_log_index >= config_.last_log_index;
}

void RaftElector::note_leader_contact(NodeId leader) {
  leader_contact_until_tick_ = now_ticks_ + config_.election_timeout_ticks_min;
  timer_.restart();
  election_in_progress_ = false;
  if (timer_.reset_backoff()) emit(CoreEventKind::BackoffReset, leader, "leader seen");
}

void RaftElector::send(NodeId to, const Message& message) {
  output_.messages.push_back(Envelope{config_.id, to, message});
}

void RaftElector::broadcast(const Message& message) {
  for (NodeId member : config_.members) {
    if (member != config_.id) send(member, message);
  }
}

void RaftElector::broadcast_early(const Message& message) {
  for (NodeId member : config_.members) {
    if (member != config_.id)
      output_.early_messages.push_back(Envelope{config_.id, member, message});
  }
}

void RaftElector::emit(CoreEventKind kind, NodeId peer, std::string_view reason,
                       std::uint64_t value) {
  output_.events.push_back(CoreEvent{kind, hard_state_.term, peer, reason, value});
}

// ---- role transitions ------------------------------------------------------------------------

void RaftElector::become_follower(Term term, NodeId leader, std::string_view reason) {
  const Term old_term = hard_state_.term;
  const bool was_leader = std::holds_alternative<Leader>(role_);
  const bool was_campaigning = !was_leader && !std::holds_alternative<Follower>(role_);
  if (term > hard_state_.term) {
    // Paper 5.1: adopt the newer term; the vote of the old term does not carry over.
    hard_state_.term = term;
    hard_state_.voted_for = kNoNode;
    persist();
  }
  if (was_leader) {
    output_.leadership.push_back(LeadershipChange{false, old_term, old_term});
  }
  if (was_leader || was_campaigning) emit(CoreEventKind::SteppedDown, leader, reason);
  const NodeId previous =
      std::holds_alternative<Follower>(role_) ? std::get<Follower>(role_).leader : kNoNode;
  role_ = Follower{leader};
  timer_.reset(rng_, false);
  if (leader != kNoNode) {
    if (leader != previous || term != old_term) emit(CoreEventKind::LeaderDiscovered, leader);
    note_leader_contact(leader);
  }
}

void RaftElector::become_pre_candidate() {
  // Thesis 9.6: probe term + 1 without changing term or vote, so a node that cannot win (cut off,
  // or behind) never forces the cluster into a new term.
  const Term probe_term = hard_state_.term + 1;
  role_ = PreCandidate{VoteTally(config_.members.size())};
  auto& pre = std::get<PreCandidate>(role_);
  pre.tally.record(self_index_, true);
  emit(CoreEventKind::PreVoteStarted, kNoNode, {}, probe_term);
  timer_.reset(rng_, true);
  if (pre.tally.result() == TallyResult::Won) {  // a one-member group
    become_candidate(false);
    return;
  }
  broadcast(VoteRequest{probe_term, true, config_.last_log_index, config_.last_log_term, false});
}

void RaftElector::become_candidate(bool transfer) {
  // Paper 5.2: increment the term and vote for ourselves.
  hard_state_.term += 1;
  hard_state_.voted_for = config_.id;
  persist();
  role_ = Candidate{VoteTally(config_.members.size()), transfer};
  emit(CoreEventKind::CampaignStarted, kNoNode, transfer ? "leadership transfer" : "");
  timer_.reset(rng_, true);
  // The requests promise nothing durable, so they leave at once, in parallel with the write of our
  // term and vote (etcd does the same). Waiting for the write first would widen the window in
  // which other followers time out and split the vote by a whole disk write.
  broadcast_early(VoteRequest{hard_state_.term, false, config_.last_log_index,
                              config_.last_log_term, transfer});
  // Our own vote counts only once it is durable: it comes back as a message to ourselves that the
  // driver delivers after the write. Counting it earlier would let a candidate that crashes before
  // the write lead a term in which its restarted self then votes for someone else.
  send(config_.id, VoteResponse{hard_state_.term, false, true});
}

void RaftElector::become_leader() {
  role_ = Leader(config_.members.size(), self_index_, lease_ticks_, now_ticks_);
  emit(CoreEventKind::BecameLeader);
  output_.leadership.push_back(LeadershipChange{true, hard_state_.term, hard_state_.term});
  election_in_progress_ = false;
  leader_contact_until_tick_ = now_ticks_ + config_.election_timeout_ticks_min;
  if (timer_.reset_backoff()) emit(CoreEventKind::BackoffReset, config_.id, "became leader");
  // Paper 5.2: announce at once so other campaigns stop.
  broadcast_heartbeat(std::get<Leader>(role_));
}

// ---- time ------------------------------------------------------------------------------------

void RaftElector::tick() {
  ++now_ticks_;
  if (auto* leader = std::get_if<Leader>(&role_)) {
    tick_leader(*leader);
  } else {
    tick_election();
  }
}

std::uint64_t RaftElector::ticks_until_due() const {
  if (const auto* leader = std::get_if<Leader>(&role_)) {
    const LeaderDue due = leader_due(*leader);
    return std::min(due.heartbeat, due.other) - now_ticks_;
  }
  // ElectionTimer::tick() fires when the incremented count reaches the timeout.
  return ticks_until(timer_.timeout_ticks(), timer_.elapsed_ticks());
}

void RaftElector::tick_election() {
  if (!timer_.tick()) return;
  emit(CoreEventKind::ElectionTimeout, kNoNode,
       can_stand() ? "" : "not standing: priority 0, resign hold or abdicated",
       timer_.timeout_ticks());
  if (!can_stand()) {
    // Still a voter; just wait another round. Not an election, so no backoff bookkeeping.
    timer_.reset(rng_, false);
    return;
  }
  // Storm control counts elections this node started that elected nobody before its timer fired
  // again (a lost pre-vote, a split vote, an unreachable quorum).
  if (election_in_progress_ && timer_.note_failed_election()) {
    // value = the new upper end of the timeout range (the factor is election_timer()).
    emit(CoreEventKind::BackoffRaised, kNoNode, "consecutive failed elections",
         timer_.election_max_ticks());
  }
  election_in_progress_ = true;
  if (config_.pre_vote) {
    become_pre_candidate();
  } else {
    become_candidate(false);
  }
}

RequestResult RaftElector::set_standing(bool standing) {
  standing_ = standing;
  return RequestResult::Ok;
}

bool RaftElector::reset_campaign_allowed() const {
  return config_.pre_vote && (!config_.leader_lease || config_.unsafe.reset_campaign_with_lease);
}

RequestResult RaftElector::leader_connection_lost(NodeId peer) {
  if (!reset_campaign_allowed()) return RequestResult::NotSupported;
  const auto* follower = std::get_if<Follower>(&role_);
  if (follower == nullptr || follower->leader != peer || peer == kNoNode) {
    return RequestResult::NotLeader;
  }
  // Forget the contact so this node also grants (pre-)votes to peers that saw the same reset,
  // even in its first election_timeout_min ticks after a restart, whose stickiness only protects
  // a lease (refused with this option).
  leader_contact_until_tick_ = now_ticks_;
  role_ = Follower{kNoNode};
  // Every follower sees the reset at about the same moment; campaigning all at once would split
  // the vote. Members take turns by id (the lowest surviving one first), half a heartbeat apart:
  // the first one's vote request arrives and is granted (which resets our timer) before our turn.
  std::uint32_t rank = 0;
  for (NodeId member : config_.members) {
    if (member != peer && member < config_.id) ++rank;
  }
  const std::uint32_t step = std::max<std::uint32_t>(1, config_.heartbeat_interval_ticks / 2);
  timer_.fire_in(1 + rank * step);
  emit(CoreEventKind::LeaderDiscovered, kNoNode, "leader connection reset", 1 + rank * step);
  // A peer whose close came first may already have asked, and stickiness left it unanswered; its
  // pre-vote would otherwise fail and the election wait for the next rank. Answered as if it came
  // now (answer_pre_vote checks term and log against our state now); a pre-vote grant changes
  // nothing durable. Only recent ones: an older one belongs to a round long over.
  for (std::size_t i = 0; i < ignored_pre_votes_.size(); ++i) {
    auto& ignored = ignored_pre_votes_[i];
    if (ignored && now_ticks_ - ignored->tick <= config_.election_timeout_ticks_min) {
      answer_pre_vote(config_.members[i], ignored->request);
    }
    ignored.reset();
  }
  return RequestResult::Ok;
}

std::optional<LeaderBeat> RaftElector::leader_beat() const {
  const auto* follower = std::get_if<Follower>(&role_);
  if (follower == nullptr || follower->leader == kNoNode) return std::nullopt;
  return LeaderBeat{follower->leader, config_.heartbeat_interval_ticks};
}

}  // namespace baton::raft
