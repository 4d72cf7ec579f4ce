// BullyElector: construction, output, status, role transitions and timers.
// Message handlers live in bully_elector_messages.cpp.
#include "core/bully/bully_elector.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include "core/owned_epoch.hpp"

namespace baton::bully {

BullyElector::BullyElector(Config config, HardState restored, Rng rng)
    : config_(std::move(config)), hard_state_(restored), rng_(rng) {
  assert(index_of(config_.id) != kNotMember && "config.id must be one of config.members");
  assert(config_.id <= kMaxEpochOwner && "ids must be < 65536 for owned epochs");
  assert(config_.leader_timeout_ticks_min <= config_.leader_timeout_ticks_max);
  assert(config_.heartbeat_interval_ticks > 0 && config_.answer_timeout_ticks > 0);
  // Start-up: wait a randomized leader timeout before the first election. A fresh node that
  // elected itself at once would disturb a healthy leader (and, being lower, lose anyway); the wait
  // lets it hear the leader's Alive first. The jitter keeps a cold cluster from electing in
  // lockstep.
  role_ = Follower{kNoNode, 0, leader_deadline()};
  // Room for one broadcast and its events, so the first batches rarely grow.
  output_.messages.reserve(config_.members.size());
  output_.events.reserve(8);
}

void BullyElector::take_output(Output& out) {
  assert(out.empty() && "take_output needs a cleared Output");
  // Swapping hands the caller our batch and keeps its (empty) vectors' capacity for the next one.
  std::swap(out, output_);
}

Role BullyElector::role() const {
  struct {
    Role operator()(const Follower&) const { return Role::Follower; }
    Role operator()(const Electing&) const { return Role::Candidate; }
    // Still running the election: a higher node took it over, but we have no leader yet.
    Role operator()(const AwaitingCoordinator&) const { return Role::Candidate; }
    Role operator()(const Leader&) const { return Role::Leader; }
  } visitor;
  return std::visit(visitor, role_);
}

Status BullyElector::status() const {
  Status s;
  s.id = config_.id;
  s.role = role();
  // The term is the epoch of the leadership this node is in: its own while it leads, its leader's
  // while it follows one. The max epoch seen can run ahead of both (a higher node's Answer came
  // before its Coordinator; an Alive we ignored), and reporting it would pair a leader with an
  // epoch another node took.
  const auto* leading = std::get_if<Leader>(&role_);
  const auto* following = std::get_if<Follower>(&role_);
  if (leading != nullptr) {
    s.term = leading->epoch;
  } else if (following != nullptr && following->leader != kNoNode) {
    s.term = following->leader_epoch;
  } else {
    s.term = hard_state_.term;
  }
  s.leader = current_leader();
  // Fence token = the epoch of this leadership: it only grows with each new coordinator, and no
  // other node can take the same one.
  if (leading != nullptr) s.fence_token = leading->epoch;
  // Bully has no lease: nothing stops another node from declaring itself coordinator right now.
  s.lease_valid = false;
  s.voted_for = kNoNode;
  return s;
}

std::uint64_t BullyElector::ticks_until_timeout() const {
  const std::uint64_t deadline = std::visit(
      [](const auto& r) -> std::uint64_t {
        if constexpr (requires { r.deadline_tick; }) {
          return r.deadline_tick;
        } else {
          return 0;
        }
      },
      role_);
  return deadline > now_ticks_ ? deadline - now_ticks_ : 0;
}

std::uint64_t BullyElector::ticks_until_due() const {
  if (const auto* leader = std::get_if<Leader>(&role_)) {
    // tick_leader() sends Alive when the incremented count reaches the interval.
    return ticks_until(config_.heartbeat_interval_ticks, leader->heartbeat_elapsed_ticks);
  }
  // tick() acts once the incremented clock reaches the deadline; one already passed acts next.
  return std::max<std::uint64_t>(ticks_until_timeout(), 1);
}

RequestResult BullyElector::transfer(NodeId /*to*/) {
  return RequestResult::NotSupported;
}

RequestResult BullyElector::resign() {
  const auto* leader = std::get_if<Leader>(&role_);
  if (leader == nullptr) return RequestResult::NotLeader;
  resign_hold_until_tick_ = now_ticks_ + config_.leader_timeout_ticks_max;
  emit(CoreEventKind::Resigned, config_.id, {}, config_.leader_timeout_ticks_max);
  become_follower(kNoNode, 0, "resigned");
  return RequestResult::Ok;
}

// ---- helpers ---------------------------------------------------------------------------------

std::size_t BullyElector::index_of(NodeId id) const {
  for (std::size_t i = 0; i < config_.members.size(); ++i) {
    if (config_.members[i] == id) return i;
  }
  return kNotMember;
}

bool BullyElector::has_higher_member() const {
  return std::any_of(config_.members.begin(), config_.members.end(),
                     [&](NodeId m) { return m > config_.id; });
}

bool BullyElector::running_election() const {
  return std::holds_alternative<Electing>(role_) ||
         std::holds_alternative<AwaitingCoordinator>(role_);
}

NodeId BullyElector::current_leader() const {
  if (const auto* f = std::get_if<Follower>(&role_)) return f->leader;
  if (std::holds_alternative<Leader>(role_)) return config_.id;
  return kNoNode;
}

std::uint64_t BullyElector::random_leader_timeout_ticks() {
  return rng_.uniform(config_.leader_timeout_ticks_min, config_.leader_timeout_ticks_max);
}

void BullyElector::note_epoch(std::uint64_t epoch) {
  if (epoch <= hard_state_.term) return;
  // Remember the largest epoch seen durably: our next coordinator epoch must exceed it even after
  // a crash, or two leaderships would share a fence token.
  hard_state_.term = epoch;
  persist();
}

void BullyElector::send(NodeId to, const Message& message) {
  output_.messages.push_back(Envelope{config_.id, to, message});
}

void BullyElector::emit(CoreEventKind kind, NodeId peer, std::string_view reason,
                        std::uint64_t value) {
  output_.events.push_back(CoreEvent{kind, hard_state_.term, peer, reason, value});
}

// ---- role transitions ------------------------------------------------------------------------

void BullyElector::start_election(std::string_view reason) {
  if (const auto* l = std::get_if<Leader>(&role_)) {
    output_.leadership.push_back(LeadershipChange{false, l->epoch, l->epoch});
    emit(CoreEventKind::SteppedDown, kNoNode, "starting an election");
  }
  emit(CoreEventKind::CampaignStarted, kNoNode, reason);
  if (!has_higher_member()) {
    // Nobody can bully us: skip the wait (paper: the highest node announces at once).
    become_coordinator(false, "highest id");
    return;
  }
  // Only higher nodes are asked: any of them alive outranks us and will take the election over.
  // The epoch lets the eventual winner announce one larger than anything we have seen.
  for (NodeId member : config_.members) {
    if (member > config_.id) send(member, Election{hard_state_.term});
  }
  role_ = Electing{now_ticks_ + config_.answer_timeout_ticks};
}

void BullyElector::become_coordinator(bool skip_higher, std::string_view reason) {
  const NodeId previous = current_leader();
  if (const auto* l = std::get_if<Leader>(&role_)) {
    output_.leadership.push_back(LeadershipChange{false, l->epoch, l->epoch});
  }
  // Persistence rule: the epoch goes into hard_state in this same batch, before the Coordinator
  // messages carrying it leave, so a crash cannot make us announce it twice. The epoch is ours
  // alone (core/owned_epoch.hpp): "max seen + 1" let a restarted highest node, which had not heard
  // of the interim leader, announce the very epoch that leader held (bully-stale-election.scn).
  hard_state_.term = owned_epoch_after(hard_state_.term, config_.id);
  persist();
  const std::uint64_t epoch = hard_state_.term;
  role_ = Leader{epoch, 0};
  emit(CoreEventKind::BecameLeader, previous, reason, epoch);
  output_.leadership.push_back(LeadershipChange{true, epoch, epoch});
  for (NodeId member : config_.members) {
    if (member == config_.id) continue;
    // Higher nodes that did not answer this election are presumed dead; telling them costs a
    // message each and gains nothing (they bully us when they come back and hear our Alive).
    if (skip_higher && member > config_.id) continue;
    send(member, Coordinator{epoch});
  }
}

void BullyElector::become_follower(NodeId leader, std::uint64_t leader_epoch,
                                   std::string_view reason) {
  const NodeId previous = current_leader();
  const auto* old = std::get_if<Follower>(&role_);
  const std::uint64_t previous_epoch = old != nullptr ? old->leader_epoch : 0;
  if (const auto* l = std::get_if<Leader>(&role_)) {
    output_.leadership.push_back(LeadershipChange{false, l->epoch, l->epoch});
    emit(CoreEventKind::SteppedDown, leader, reason);
  } else if (running_election()) {
    emit(CoreEventKind::SteppedDown, leader, reason);
  }
  if (leader != kNoNode && (leader != previous || leader_epoch != previous_epoch)) {
    emit(CoreEventKind::LeaderDiscovered, leader, reason, leader_epoch);
  }
  role_ = Follower{leader, leader_epoch, leader_deadline(), now_ticks_};
}

void BullyElector::reassert(std::string_view reason, NodeId to) {
  auto& leader = std::get<Leader>(role_);
  if (hard_state_.term > leader.epoch) {
    // Someone has seen a larger epoch than ours, and nodes that hold it would reject our
    // Coordinator as stale: take a fresh epoch (a new leadership with a new fence token).
    become_coordinator(false, reason);
    return;
  }
  if (to != kNoNode) {
    send(to, Coordinator{leader.epoch});
    return;
  }
  for (NodeId member : config_.members) {
    if (member != config_.id) send(member, Coordinator{leader.epoch});
  }
  leader.heartbeat_elapsed_ticks = 0;
}

std::optional<LeaderBeat> BullyElector::leader_beat() const {
  // The leader sends Alive to every member each interval (tick_leader()).
  const auto* follower = std::get_if<Follower>(&role_);
  if (follower == nullptr || follower->leader == kNoNode) return std::nullopt;
  return LeaderBeat{follower->leader, config_.heartbeat_interval_ticks};
}

bool BullyElector::leader_recently_heard() const {
  const auto* f = std::get_if<Follower>(&role_);
  // Two heartbeat intervals: one Alive may be late or lost without the leader being dead.
  return f != nullptr && f->leader != kNoNode &&
         now_ticks_ <= f->heard_tick + 2ULL * config_.heartbeat_interval_ticks;
}

// ---- time ------------------------------------------------------------------------------------

void BullyElector::tick() {
  ++now_ticks_;
  if (auto* leader = std::get_if<Leader>(&role_)) {
    tick_leader(*leader);
    return;
  }
  if (ticks_until_timeout() > 0) return;
  if (std::holds_alternative<Follower>(role_)) {
    on_leader_timeout();
  } else if (std::holds_alternative<Electing>(role_)) {
    // No higher node answered in time: they are all presumed dead, so we are the highest alive.
    become_coordinator(true, "no Answer from higher ids");
  } else {
    // A higher node answered but never announced itself: it died mid-election.
    emit(CoreEventKind::ElectionTimeout, kNoNode, "no Coordinator after Answer",
         config_.coordinator_timeout_ticks);
    start_election("no Coordinator after Answer");
  }
}

void BullyElector::tick_leader(Leader& leader) {
  if (++leader.heartbeat_elapsed_ticks < config_.heartbeat_interval_ticks) return;
  leader.heartbeat_elapsed_ticks = 0;
  for (NodeId member : config_.members) {
    if (member != config_.id) send(member, Alive{leader.epoch});
  }
}

void BullyElector::on_leader_timeout() {
  const auto& follower = std::get<Follower>(role_);
  emit(CoreEventKind::ElectionTimeout, follower.leader,
       follower.leader == kNoNode ? "no leader heard" : "no Alive from leader");
  if (!can_stand()) {
    // Resigned: keep waiting (a lower node will take over) but do not stand.
    role_ = Follower{kNoNode, 0, leader_deadline()};
    return;
  }
  start_election(follower.leader == kNoNode ? "no leader heard" : "leader timeout");
}

}  // namespace baton::bully
