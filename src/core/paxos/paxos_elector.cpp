// PaxosElector: construction, output, status, the proposer's phases and timers.
// Message handlers live in paxos_elector_messages.cpp.
#include "core/paxos/paxos_elector.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include "core/paxos/lease.hpp"

namespace baton::paxos {

PaxosElector::PaxosElector(Config config, HardState restored, Rng rng)
    : config_(std::move(config)),
      self_index_(index_of(config_.id)),
      lease_duration_ticks_(paxos::lease_duration_ticks(config_)),
      acceptor_(restored, effective_lease_ticks(config_)),
      hard_state_(restored),
      rng_(rng),
      backoff_(config_.backoff_ticks_min, config_.backoff_ticks_max, config_.backoff_max_factor) {
  assert(self_index_ != kNotMember && "config.id must be one of config.members");
  for (NodeId m : config_.members) {
    assert(m != kNoNode && m <= kMaxNodeId && "ids must be < 65536 for the fence token");
    (void)m;
  }
  assert(config_.leader_timeout_ticks_min <= config_.leader_timeout_ticks_max);
  assert(config_.backoff_ticks_min <= config_.backoff_ticks_max);
  assert(config_.heartbeat_interval_ticks > 0 && config_.phase_timeout_ticks > 0);
  // A leader renews at least once per lease, or it would lapse between renewals.
  assert(config_.heartbeat_interval_ticks < lease_duration_ticks_ &&
         "heartbeat_interval_ticks must be below the leader lease");
  max_round_seen_ = std::max(acceptor_.promised().round, acceptor_.accepted().round);
  // Start-up: wait a randomized leader timeout before the first proposal, so a fresh or restarted
  // node learns a live leader from its renewals instead of disturbing it, and a cold cluster does
  // not propose in lockstep.
  role_ = Follower{kNoNode, Ballot{}, now_ticks_ + random_leader_timeout_ticks()};
  output_.messages.reserve(config_.members.size());
  output_.events.reserve(8);
}

void PaxosElector::take_output(Output& out) {
  assert(out.empty() && "take_output needs a cleared Output");
  // Swapping hands the caller our batch and keeps its (empty) vectors' capacity for the next one.
  std::swap(out, output_);
}

Role PaxosElector::role() const {
  struct {
    Role operator()(const Follower&) const { return Role::Follower; }
    Role operator()(const Preparing&) const { return Role::Candidate; }
    Role operator()(const Accepting&) const { return Role::Candidate; }
    Role operator()(const Leader&) const { return Role::Leader; }
  } visitor;
  return std::visit(visitor, role_);
}

Ballot PaxosElector::own_ballot() const {
  return std::visit(
      [](const auto& r) -> Ballot {
        if constexpr (requires { r.ballot; }) {
          return r.ballot;
        } else {
          return Ballot{};
        }
      },
      role_);
}

Status PaxosElector::status() const {
  Status s;
  s.id = config_.id;
  s.role = role();
  s.voted_for = acceptor_.promised().node;
  if (const auto* f = std::get_if<Follower>(&role_)) {
    s.leader = f->leader;
    // The leadership we follow, or else the highest ballot we promised.
    s.term = token_of(f->leader != kNoNode ? f->leader_ballot : acceptor_.promised());
  } else {
    s.term = token_of(own_ballot());
  }
  if (const auto* l = std::get_if<Leader>(&role_)) {
    s.leader = config_.id;
    s.fence_token = token_of(l->ballot);
    s.lease_valid = l->lease.valid_at(now_ticks_);
    s.lease_remaining_ticks = s.lease_valid ? l->lease.until_ticks() - now_ticks_ : 0;
  }
  return s;
}

std::uint64_t PaxosElector::ticks_until_timeout() const {
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

std::uint64_t PaxosElector::ticks_until_due() const {
  const auto* leader = std::get_if<Leader>(&role_);
  // tick() acts once the incremented clock reaches the deadline; one already passed acts next.
  if (leader == nullptr) return std::max<std::uint64_t>(ticks_until_timeout(), 1);
  // tick_leader() renews when the incremented count reaches the interval, and steps down on the
  // first tick at which the lease is no longer valid (now + 1 > until): a lease that lapses
  // between two renewals must not be slept through, or the leader would go on claiming
  // leadership after a majority may have elected someone else.
  return std::min(ticks_until(config_.heartbeat_interval_ticks, leader->heartbeat_elapsed_ticks),
                  ticks_until(leader->lease.until_ticks(), now_ticks_));
}

std::optional<LeaderBeat> PaxosElector::leader_beat() const {
  const auto* follower = std::get_if<Follower>(&role_);
  if (follower == nullptr || follower->leader == kNoNode) return std::nullopt;
  return LeaderBeat{follower->leader, config_.heartbeat_interval_ticks};
}

bool PaxosElector::input_can_wait() const {
  const auto* leader = std::get_if<Leader>(&role_);
  if (leader == nullptr) return false;
  const std::uint64_t renewal =
      now_ticks_ + ticks_until(config_.heartbeat_interval_ticks, leader->heartbeat_elapsed_ticks);
  // tick_leader() steps down on the first tick the lease no longer holds; the acks that would
  // extend it must not be left unread past that tick.
  return leader->lease.valid_at(renewal);
}

RequestResult PaxosElector::transfer(NodeId /*to*/) {
  return RequestResult::NotSupported;
}

RequestResult PaxosElector::resign() {
  if (!std::holds_alternative<Leader>(role_)) return RequestResult::NotLeader;
  resign_hold_until_tick_ = now_ticks_ + config_.resign_hold_ticks;
  emit(CoreEventKind::Resigned, config_.id, {}, config_.resign_hold_ticks);
  leave_leadership("resigned");
  role_ = Follower{kNoNode, Ballot{}, resign_hold_until_tick_};
  return RequestResult::Ok;
}

// ---- helpers ---------------------------------------------------------------------------------

std::size_t PaxosElector::index_of(NodeId id) const {
  for (std::size_t i = 0; i < config_.members.size(); ++i) {
    if (config_.members[i] == id) return i;
  }
  return kNotMember;
}

std::uint64_t PaxosElector::random_leader_timeout_ticks() {
  return rng_.uniform(config_.leader_timeout_ticks_min, config_.leader_timeout_ticks_max);
}

void PaxosElector::note_round(std::uint64_t round) {
  max_round_seen_ = std::max(max_round_seen_, round);
}

void PaxosElector::persist_if_changed() {
  const HardState now = encode(acceptor_.state());
  if (now == hard_state_) return;
  hard_state_ = now;
  output_.hard_state = hard_state_;
}

void PaxosElector::send(NodeId to, const Message& message) {
  output_.messages.push_back(Envelope{config_.id, to, message});
}

void PaxosElector::broadcast(const Message& message, bool early) {
  auto& list = early ? output_.early_messages : output_.messages;
  for (NodeId member : config_.members) {
    if (member != config_.id) list.push_back(Envelope{config_.id, member, message});
  }
}

void PaxosElector::reset_backoff() {
  if (backoff_.reset()) emit(CoreEventKind::BackoffReset);
}

void PaxosElector::emit(CoreEventKind kind, NodeId peer, std::string_view reason,
                        std::uint64_t value) {
  output_.events.push_back(CoreEvent{kind, status().term, peer, reason, value});
}

// ---- proposer --------------------------------------------------------------------------------

void PaxosElector::propose() {
  const Ballot ballot{max_round_seen_ + 1, config_.id};
  if (acceptor_.check(ballot, now_ticks_) != Refusal::None) {
    // Our own acceptor still holds a lease window for another node (a restart, or
    // lease_ticks > leader timeout): it would refuse us, and so might the others. Wait it out.
    emit(CoreEventKind::VoteRejected, config_.id, "own acceptor holds a lease window",
         acceptor_.window_end_tick() - now_ticks_);
    auto& follower = std::get<Follower>(role_);
    follower.deadline_tick = acceptor_.window_end_tick();
    return;
  }
  // Never reuse a round, even one that fails before anything is durable.
  note_round(ballot.round);
  role_ = Preparing{ballot, config_.members.size(), now_ticks_ + config_.phase_timeout_ticks};
  auto& preparing = std::get<Preparing>(role_);
  // Our own promise counts at once but is written into the acceptor only on success
  // (start_phase2): a failed ballot then leaves our acceptor free to keep following a live leader
  // we merely lost touch with, like Raft's pre-vote (thesis 9.6). While we prepare, floor()
  // refuses lower ballots on its behalf.
  preparing.tally.record(self_index_, true);
  emit(CoreEventKind::CampaignStarted, kNoNode, "phase 1: prepare", token_of(ballot));
  if (preparing.tally.result() == raft::TallyResult::Won) {
    start_phase2(preparing);
    return;
  }
  // Prepare promises nothing on our side, so it may leave before any write.
  broadcast(Prepare{ballot}, true);
}

void PaxosElector::start_phase2(Preparing& preparing) {
  const Ballot ballot = preparing.ballot;
  // Take our own promise and accept now. check() passed when we proposed and floor() has kept
  // lower ballots out since, but a higher one or a lease window may have arrived meanwhile.
  if (acceptor_.accept(ballot, now_ticks_) != Refusal::None) {
    fail("own acceptor no longer grants our ballot");
    return;
  }
  persist_if_changed();
  raft::LeaseTracker lease(config_.members.size(), self_index_, lease_duration_ticks_);
  lease.start_round(now_ticks_);  // round 1 = this Accept round; our own ack is taken now
  role_ = Accepting{ballot, config_.members.size(), std::move(lease),
                    now_ticks_ + config_.phase_timeout_ticks};
  auto& accepting = std::get<Accepting>(role_);
  accepting.tally.record(self_index_, true);
  if (accepting.tally.result() == raft::TallyResult::Won) {
    become_leader(accepting);
    return;
  }
  // Not early: the Accept leaves only after our ballot is durable (see the class comment).
  broadcast(Accept{ballot, config_.id}, false);
}

void PaxosElector::become_leader(Accepting& accepting) {
  const Ballot ballot = accepting.ballot;
  role_ = Leader{ballot, std::move(accepting.lease), 0};
  emit(CoreEventKind::BecameLeader, kNoNode, "phase 2: a majority accepted", token_of(ballot));
  output_.leadership.push_back(LeadershipChange{true, token_of(ballot), token_of(ballot)});
  reset_backoff();
}

void PaxosElector::renew(Leader& leader) {
  leader.heartbeat_elapsed_ticks = 0;
  // Our own ack, taken at the send tick: it restarts our own acceptor's window too.
  if (acceptor_.accept(leader.ballot, now_ticks_) != Refusal::None) {
    // Only possible if our acceptor let a higher ballot in, i.e. we failed to renew in time.
    leave_leadership("own acceptor moved to another ballot");
    role_ = Follower{kNoNode, Ballot{}, now_ticks_ + random_leader_timeout_ticks()};
    return;
  }
  persist_if_changed();
  const std::uint64_t round = leader.lease.start_round(now_ticks_);
  broadcast(LeaseRenew{leader.ballot, round}, false);
}

void PaxosElector::fail(std::string_view reason) {
  if (std::holds_alternative<Leader>(role_)) {
    leave_leadership(reason);
  } else {
    // A failed phase 2 took our own ack; no lease rests on it, so our acceptor may move on.
    acceptor_.release_window(own_ballot());
    emit(CoreEventKind::SteppedDown, kNoNode, reason, token_of(own_ballot()));
  }
  if (backoff_.note_failure()) emit(CoreEventKind::BackoffRaised, kNoNode, {}, backoff_.factor());
  role_ = Follower{kNoNode, Ballot{}, now_ticks_ + backoff_.draw_ticks(rng_)};
}

void PaxosElector::leave_leadership(std::string_view reason, bool release_own_window) {
  const auto* leader = std::get_if<Leader>(&role_);
  if (leader == nullptr) return;
  const FenceToken token = token_of(leader->ballot);
  if (release_own_window) acceptor_.release_window(leader->ballot);
  output_.leadership.push_back(LeadershipChange{false, token, token});
  emit(CoreEventKind::SteppedDown, kNoNode, reason, token);
}

// ---- time ------------------------------------------------------------------------------------

void PaxosElector::tick() {
  ++now_ticks_;
  if (auto* leader = std::get_if<Leader>(&role_)) {
    tick_leader(*leader);
    return;
  }
  if (ticks_until_timeout() > 0) return;
  if (std::holds_alternative<Follower>(role_)) {
    on_timeout();
  } else {
    fail("phase timed out without a majority");
  }
}

void PaxosElector::tick_leader(Leader& leader) {
  if (!leader.lease.valid_at(now_ticks_)) {
    // Check-quorum, Paxos-lease style: no majority acked a round within the lease, so another
    // leader may be elected any moment; stop claiming leadership before that can happen.
    leave_leadership("lease lapsed without a majority's renewal");
    role_ = Follower{kNoNode, Ballot{}, now_ticks_ + random_leader_timeout_ticks()};
    return;
  }
  if (++leader.heartbeat_elapsed_ticks >= config_.heartbeat_interval_ticks) renew(leader);
}

void PaxosElector::on_timeout() {
  auto& follower = std::get<Follower>(role_);
  emit(CoreEventKind::ElectionTimeout, follower.leader,
       follower.leader == kNoNode ? "no leader heard" : "no renewal from leader");
  if (!can_stand()) {
    // Resigned: keep waiting; another node takes over.
    follower = Follower{kNoNode, Ballot{}, resign_hold_until_tick_};
    return;
  }
  follower.leader = kNoNode;
  propose();
}

}  // namespace baton::paxos
