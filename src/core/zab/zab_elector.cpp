// ZabElector: construction, output, status, role transitions and timers.
// FLE's notification handling is in zab_elector_election.cpp, ZAB phase 1 and the keep-alive in
// zab_elector_epoch.cpp.
#include "core/zab/zab_elector.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace baton::zab {

ZabElector::ZabElector(Config config, HardState restored, Rng rng)
    : config_(std::move(config)), hard_state_(restored), rng_(rng) {
  assert(index_of(config_.id) != kNotMember && "config.id must be one of config.members");
  assert(config_.leader_timeout_ticks_min <= config_.leader_timeout_ticks_max);
  assert(config_.notification_timeout_ticks_min > 0 &&
         config_.notification_timeout_ticks_min <= config_.notification_timeout_ticks_max);
  assert(config_.heartbeat_interval_ticks > 0 && config_.epoch_timeout_ticks > 0);
  const std::size_t n = config_.members.size();
  // A server starts LOOKING (QuorumPeer.run): it may find a running ensemble through the replies
  // to its notifications, or start a new election with the others. The first broadcast waits for
  // the first tick so that construction itself produces no output.
  ++round_;
  Looking looking;
  looking.proposal = initial_vote();
  looking.votes.assign(n, std::nullopt);
  looking.claims.assign(n, std::nullopt);
  looking.votes[self_index()] = looking.proposal;
  looking.notification_timeout_ticks = config_.notification_timeout_ticks_min;
  role_ = std::move(looking);
  early_follower_infos_.assign(n, std::nullopt);
  output_.early_messages.reserve(n);
  output_.messages.reserve(n);
  output_.events.reserve(8);
}

void ZabElector::take_output(Output& out) {
  assert(out.empty() && "take_output needs a cleared Output");
  // Swapping hands the caller our batch and keeps its (empty) vectors' capacity for the next one.
  std::swap(out, output_);
}

PeerState ZabElector::peer_state() const {
  if (std::holds_alternative<Looking>(role_)) return PeerState::Looking;
  if (std::holds_alternative<Following>(role_)) return PeerState::Following;
  // ZooKeeper's leader reports LEADING from the moment FLE decided, before its epoch is set up.
  return PeerState::Leading;
}

Role ZabElector::role() const {
  struct {
    Role operator()(const Looking&) const { return Role::Candidate; }
    Role operator()(const Following&) const { return Role::Follower; }
    // Decided for itself but not leading until a quorum accepted its epoch.
    Role operator()(const ProspectiveLeader&) const { return Role::Candidate; }
    Role operator()(const Leading&) const { return Role::Leader; }
  } visitor;
  return std::visit(visitor, role_);
}

Vote ZabElector::current_vote() const {
  if (const auto* l = std::get_if<Looking>(&role_)) return l->proposal;
  return decided_vote_;
}

Status ZabElector::status() const {
  Status s;
  s.id = config_.id;
  s.role = role();
  s.term = hard_state_.term;
  if (const auto* l = std::get_if<Leading>(&role_)) {
    s.leader = config_.id;
    s.term = l->epoch;
    // One leader per epoch (ZAB phase 1), so the epoch is a fence token.
    s.fence_token = l->epoch;
  } else if (const auto* f = std::get_if<Following>(&role_); f != nullptr && f->established) {
    s.leader = f->leader;
  }
  // ZAB has no lease: a deposed leader keeps believing it leads until its PingAck check fails.
  s.lease_valid = false;
  s.voted_for = current_vote().leader;
  return s;
}

std::uint64_t ZabElector::ticks_until_timeout() const {
  const auto until = [&](std::uint64_t deadline) {
    return deadline > now_ticks_ ? deadline - now_ticks_ : 0;
  };
  if (const auto* l = std::get_if<Looking>(&role_)) {
    if (!l->announced) return 0;
    std::uint64_t deadline = l->resend_deadline_tick;
    if (l->finalize_deadline_tick) deadline = std::min(deadline, *l->finalize_deadline_tick);
    return until(deadline);
  }
  if (const auto* f = std::get_if<Following>(&role_)) return until(f->deadline_tick);
  if (const auto* p = std::get_if<ProspectiveLeader>(&role_)) return until(p->deadline_tick);
  const auto& leading = std::get<Leading>(role_);
  return config_.heartbeat_interval_ticks - leading.heartbeat_elapsed_ticks;
}

std::uint64_t ZabElector::ticks_until_due() const {
  const auto* leading = std::get_if<Leading>(&role_);
  // tick() acts once the incremented clock reaches a deadline (one already passed acts next);
  // ticks_until_timeout() is 0 for a Looking node whose first broadcast is still to go out.
  if (leading == nullptr) return std::max<std::uint64_t>(ticks_until_timeout(), 1);
  // tick_leading() pings when the incremented count reaches the interval, and steps down when its
  // quorum of PingAcks goes stale, which can fall between two Pings.
  return std::min(ticks_until(config_.heartbeat_interval_ticks, leading->heartbeat_elapsed_ticks),
                  ticks_until(quorum_lapse_tick(*leading), now_ticks_));
}

std::optional<LeaderBeat> ZabElector::leader_beat() const {
  // Before the first Ping the leader is still assembling its quorum (NewEpoch, and the Ping
  // that establishes it): read as it arrives.
  const auto* following = std::get_if<Following>(&role_);
  if (following == nullptr || !following->established) return std::nullopt;
  return LeaderBeat{following->leader, config_.heartbeat_interval_ticks};
}

bool ZabElector::input_can_wait() const {
  const auto* leading = std::get_if<Leading>(&role_);
  if (leading == nullptr) return false;
  const std::uint64_t ping =
      now_ticks_ + ticks_until(config_.heartbeat_interval_ticks, leading->heartbeat_elapsed_ticks);
  // tick_leading() steps down at the quorum's lapse tick; unread PingAcks must not let it come
  // first.
  return quorum_lapse_tick(*leading) > ping;
}

RequestResult ZabElector::transfer(NodeId /*to*/) {
  return RequestResult::NotSupported;
}

RequestResult ZabElector::resign() {
  if (!std::holds_alternative<Leading>(role_)) return RequestResult::NotLeader;
  resign_hold_until_tick_ = now_ticks_ + config_.resign_hold_ticks;
  emit(CoreEventKind::Resigned, config_.id, {}, config_.resign_hold_ticks);
  start_looking("resigned");
  return RequestResult::Ok;
}

// ---- helpers ---------------------------------------------------------------------------------

std::size_t ZabElector::index_of(NodeId id) const {
  for (std::size_t i = 0; i < config_.members.size(); ++i) {
    if (config_.members[i] == id) return i;
  }
  return kNotMember;
}

std::uint64_t ZabElector::random_leader_timeout_ticks() {
  return rng_.uniform(config_.leader_timeout_ticks_min, config_.leader_timeout_ticks_max);
}

void ZabElector::send(NodeId to, const Message& message) {
  output_.messages.push_back(Envelope{config_.id, to, message});
}

void ZabElector::send_early(NodeId to, const Message& message) {
  output_.early_messages.push_back(Envelope{config_.id, to, message});
}

void ZabElector::emit(CoreEventKind kind, NodeId peer, std::string_view reason,
                      std::uint64_t value) {
  output_.events.push_back(CoreEvent{kind, hard_state_.term, peer, reason, value});
}

// ---- role transitions ------------------------------------------------------------------------

void ZabElector::leave_leadership(std::string_view reason) {
  if (const auto* l = std::get_if<Leading>(&role_)) {
    output_.leadership.push_back(LeadershipChange{false, l->epoch, l->epoch});
    emit(CoreEventKind::SteppedDown, kNoNode, reason, l->epoch);
  } else if (std::holds_alternative<ProspectiveLeader>(role_)) {
    emit(CoreEventKind::SteppedDown, kNoNode, reason);
  }
}

void ZabElector::start_looking(std::string_view reason) {
  leave_leadership(reason);
  const std::size_t n = config_.members.size();
  // FastLeaderElection.lookForLeader: a new election instance increments the logical clock and
  // starts with a vote for ourselves, sent to everyone.
  ++round_;
  Looking looking;
  looking.proposal = initial_vote();
  looking.votes.assign(n, std::nullopt);
  looking.claims.assign(n, std::nullopt);
  looking.votes[self_index()] = looking.proposal;
  looking.notification_timeout_ticks = config_.notification_timeout_ticks_min;
  looking.resend_deadline_tick = now_ticks_ + looking.notification_timeout_ticks;
  looking.announced = true;
  early_follower_infos_.assign(n, std::nullopt);
  emit(CoreEventKind::CampaignStarted, kNoNode, reason, round_);
  broadcast_notification(looking.proposal);
  role_ = std::move(looking);
  check_quorum(std::get<Looking>(role_));  // a one-member ensemble is its own quorum
}

void ZabElector::decide(const Vote& vote, std::string_view reason) {
  decided_vote_ = vote;
  if (vote.leader == config_.id) {
    emit(CoreEventKind::VoteGranted, config_.id, reason, round_);
    become_prospective_leader();
  } else {
    emit(CoreEventKind::VoteGranted, vote.leader, reason, round_);
    become_follower(vote.leader);
  }
}

void ZabElector::become_prospective_leader() {
  const std::size_t n = config_.members.size();
  ProspectiveLeader prospective;
  // Followers that decided before us already sent their FollowerInfo.
  prospective.accepted = std::move(early_follower_infos_);
  prospective.accepted.resize(n);
  prospective.accepted[self_index()] = hard_state_.epoch;
  prospective.acked.assign(n, false);
  prospective.deadline_tick = now_ticks_ + config_.epoch_timeout_ticks;
  early_follower_infos_.assign(n, std::nullopt);
  role_ = std::move(prospective);
  maybe_propose_epoch(std::get<ProspectiveLeader>(role_));
}

void ZabElector::become_follower(NodeId leader) {
  role_ = Following{leader, 0, false, now_ticks_ + config_.epoch_timeout_ticks};
  // ZAB phase 1 (Follower.registerWithLeader): tell the leader our accepted epoch, so the epoch
  // it proposes exceeds it.
  send(leader, FollowerInfo{hard_state_.epoch});
}

void ZabElector::become_leader(ProspectiveLeader& prospective) {
  const std::size_t n = config_.members.size();
  Leading leading;
  leading.epoch = prospective.epoch;
  leading.followers.assign(n, false);
  leading.last_ack_tick.assign(n, std::nullopt);
  for (std::size_t i = 0; i < n; ++i) {
    if (i == self_index() || !prospective.accepted[i]) continue;
    leading.followers[i] = true;
    if (prospective.acked[i]) leading.last_ack_tick[i] = now_ticks_;
  }
  // A quorum accepted the epoch: it is now ours, and the current epoch every later vote of ours
  // carries (ZooKeeper sets currentEpoch at this point of Leader.lead, after its sync phase).
  hard_state_.term = leading.epoch;
  persist();
  const std::uint64_t epoch = leading.epoch;
  role_ = std::move(leading);
  emit(CoreEventKind::BecameLeader, config_.id, "quorum acked the new epoch", epoch);
  output_.leadership.push_back(LeadershipChange{true, epoch, epoch});
  // Ping at once: a follower reports the leader only after its first Ping of the epoch.
  const auto& l = std::get<Leading>(role_);
  for (std::size_t i = 0; i < n; ++i) {
    if (l.followers[i]) send_ping(config_.members[i], epoch);
  }
}

// ---- time ------------------------------------------------------------------------------------

void ZabElector::tick() {
  ++now_ticks_;
  if (auto* looking = std::get_if<Looking>(&role_)) {
    tick_looking(*looking);
  } else if (auto* leading = std::get_if<Leading>(&role_)) {
    tick_leading(*leading);
  } else if (auto* f = std::get_if<Following>(&role_)) {
    if (now_ticks_ < f->deadline_tick) return;
    const std::string_view why = f->established ? "no Ping from leader" : "no new epoch in time";
    emit(CoreEventKind::ElectionTimeout, f->leader, why);
    start_looking(why);
  } else if (auto* p = std::get_if<ProspectiveLeader>(&role_)) {
    if (now_ticks_ < p->deadline_tick) return;
    emit(CoreEventKind::ElectionTimeout, kNoNode, "no quorum for the new epoch");
    start_looking("no quorum for the new epoch");
  }
}

void ZabElector::tick_looking(Looking& looking) {
  if (!looking.announced) {
    looking.announced = true;
    looking.resend_deadline_tick = now_ticks_ + looking.notification_timeout_ticks;
    emit(CoreEventKind::CampaignStarted, kNoNode, "started", round_);
    broadcast_notification(looking.proposal);
    check_quorum(looking);
    return;
  }
  if (looking.finalize_deadline_tick && now_ticks_ >= *looking.finalize_deadline_tick) {
    // No better vote arrived during the finalize wait: the quorum's choice stands.
    decide(looking.proposal, "quorum agreed and finalize wait passed");
    return;
  }
  if (now_ticks_ < looking.resend_deadline_tick) return;
  // notTimeout: peers may have missed our vote (lost, or they were down); say it again, backing
  // off so a lonely node in a minority does not flood the network.
  looking.notification_timeout_ticks =
      std::min(looking.notification_timeout_ticks * 2, config_.notification_timeout_ticks_max);
  looking.resend_deadline_tick = now_ticks_ + looking.notification_timeout_ticks;
  if (looking.proposal.leader == kNoNode && can_stand()) {
    // The resign hold ended before anyone else's vote reached us: stand ourselves.
    update_proposal(looking, initial_vote());
    check_quorum(looking);
    return;
  }
  broadcast_notification(looking.proposal);
}

void ZabElector::tick_leading(Leading& leading) {
  // ZooKeeper's leader checks each half tick that a quorum of followers is synced (syncLimit)
  // and shuts down otherwise: a leader cut off from its quorum must not go on believing it leads
  // while the majority elects a successor with a higher epoch.
  std::size_t recent = 1;  // ourselves
  for (const auto& last : leading.last_ack_tick) {
    if (last && now_ticks_ - *last <= config_.leader_timeout_ticks_min) ++recent;
  }
  if (recent < quorum()) {
    emit(CoreEventKind::ElectionTimeout, kNoNode, "no PingAck from a quorum", recent);
    start_looking("no PingAck from a quorum");
    return;
  }
  if (++leading.heartbeat_elapsed_ticks < config_.heartbeat_interval_ticks) return;
  leading.heartbeat_elapsed_ticks = 0;
  for (std::size_t i = 0; i < leading.followers.size(); ++i) {
    if (leading.followers[i]) send_ping(config_.members[i], leading.epoch);
  }
}

}  // namespace baton::zab
