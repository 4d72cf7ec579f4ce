// SequentialElector: construction, output, status, time, role transitions.
// Store answers are handled in sequential_elector_messages.cpp.
#include "core/sequential/sequential_elector.hpp"

#include <cassert>
#include <cmath>
#include <utility>

namespace baton::sequential {
namespace {

store_client::SessionConfig session_config(const Config& c) {
  store_client::SessionConfig s;
  s.self = c.id;
  s.store = c.store;
  s.ttl_ms = c.session_ttl_ms;
  s.tick_ms = c.tick_ms;
  s.renew_fraction = c.renew_fraction;
  s.max_clock_drift = c.max_clock_drift;
  // Rounded up: a margin is a minimum.
  s.safety_margin_ticks =
      static_cast<std::uint64_t>(std::ceil(static_cast<double>(c.safety_margin_ms) / c.tick_ms));
  s.request_timeout_ticks = c.request_timeout_ticks;
  s.ignore_drift = c.unsafe_ignore_drift;
  return s;
}

}  // namespace

SequentialElector::SequentialElector(Config config, HardState restored, Rng rng)
    : config_(std::move(config)),
      hard_state_(restored),
      rng_(rng),
      // Request ids start at a random point: a restarted node must not take an answer meant for
      // its previous life (a delayed CreateResult, say) for the answer to its own new request.
      session_(session_config(config_), rng_.next()),
      role_(Joining{}) {
  assert(config_.id != kNoNode && config_.store != kNoNode && config_.id != config_.store);
  assert(config_.recheck_ticks > 0 && config_.request_timeout_ticks > 0);
  // A session is opened on the first tick, not here: a fresh core emits nothing until driven.
  output_.messages.reserve(4);
  output_.events.reserve(8);
}

void SequentialElector::take_output(Output& out) {
  assert(out.empty() && "take_output needs a cleared Output");
  // Swapping hands the caller our batch and keeps its (empty) vectors' capacity for the next one.
  std::swap(out, output_);
}

Role SequentialElector::role() const {
  struct {
    Role operator()(const Joining&) const { return Role::Candidate; }
    Role operator()(const Waiting&) const { return Role::Follower; }
    Role operator()(const Leader&) const { return Role::Leader; }
    Role operator()(const Held&) const { return Role::Follower; }
  } visitor;
  return std::visit(visitor, role_);
}

Status SequentialElector::status() const {
  Status s;
  s.id = config_.id;
  s.role = role();
  // The largest leader token seen; equal to the known leader's token whenever one is known,
  // because every answer's lowest entry is folded in and the lowest sequence only grows.
  s.term = hard_state_.term;
  if (const auto* l = std::get_if<Leader>(&role_)) {
    s.leader = config_.id;
    s.fence_token = l->own.create_revision;
    s.lease_valid = session_.valid_at(now_ticks_);
    s.lease_remaining_ticks = s.lease_valid ? session_.remaining_ticks(now_ticks_) : 0;
  } else if (const auto* w = std::get_if<Waiting>(&role_)) {
    s.leader = w->lowest.owner;  // best effort: as of the last answer
  }
  s.voted_for = kNoNode;
  return s;
}

store::Entry SequentialElector::own_entry() const {
  if (const auto* l = std::get_if<Leader>(&role_)) return l->own;
  if (const auto* w = std::get_if<Waiting>(&role_)) return w->own;
  return {};
}

store::Entry SequentialElector::watched_entry() const {
  if (const auto* w = std::get_if<Waiting>(&role_)) return w->predecessor;
  return {};
}

RequestResult SequentialElector::transfer(NodeId /*to*/) {
  return RequestResult::NotSupported;
}

RequestResult SequentialElector::resign() {
  if (!std::holds_alternative<Leader>(role_)) return RequestResult::NotLeader;
  // Revoking deletes our entry at once, so the next in line is woken now rather than a TTL later.
  // A lost revoke only means the lease expires on its own.
  session_.revoke(output_.messages);
  step_down("resigned");
  emit(CoreEventKind::Resigned, config_.id, {}, config_.resign_hold_ticks);
  role_ = Held{now_ticks_ + config_.resign_hold_ticks};
  return RequestResult::Ok;
}

// ---- time ------------------------------------------------------------------------------------

void SequentialElector::tick() {
  ++now_ticks_;
  if (const auto* held = std::get_if<Held>(&role_)) {
    if (now_ticks_ >= held->until_tick) {
      // Back in line: a new session and a new entry, behind everyone who joined meanwhile.
      role_ = Joining{};
    } else {
      return;
    }
  }

  if (!session_.started()) join("joining the queue");
  session_.tick(now_ticks_, output_.messages);
  if (session_.lease() != 0 && !session_.valid_at(now_ticks_)) {
    // No renewal confirmed in time: we can no longer prove our entry is alive, the store may
    // delete it any moment, and then someone else leads. Step down now, before it can (Chubby's
    // rule). The store may still hold the lease, for instance when only its answers were lost:
    // revoke it, so that if our entry is the lowest the next in line need not wait out the TTL.
    start_over("session validity ran out without renewal", true);
    return;
  }

  if (auto* joining = std::get_if<Joining>(&role_)) {
    if (session_.lease() != 0 && joining->create_request != 0 &&
        now_ticks_ >= joining->create_sent_tick + config_.request_timeout_ticks) {
      // Create is idempotent per lease: a retry after a lost answer returns the same entry.
      send_create(*joining);
    }
  } else if (auto* waiting = std::get_if<Waiting>(&role_)) {
    if (waiting->check_request != 0 &&
        now_ticks_ >= waiting->check_sent_tick + config_.request_timeout_ticks) {
      send_check(*waiting);
    } else if (waiting->check_request == 0 && now_ticks_ >= waiting->rearm_tick) {
      // Nothing heard for recheck_ticks: the Watch or its event may have been lost, or the store
      // may have forgotten the watch. Arming again is harmless, and fires at once if the
      // predecessor is already gone.
      emit(CoreEventKind::ElectionTimeout, waiting->predecessor.owner, "re-arming the watch",
           waiting->predecessor.create_revision);
      watch(*waiting);
    }
  }
}

// ---- role transitions ------------------------------------------------------------------------

void SequentialElector::send_create(Joining& joining) {
  joining.create_request = session_.next_request_id();
  joining.create_sent_tick = now_ticks_;
  send(store::Create{joining.create_request, config_.prefix, config_.id, session_.lease()});
}

void SequentialElector::send_check(Waiting& waiting) {
  waiting.check_request = session_.next_request_id();
  waiting.check_sent_tick = now_ticks_;
  send(store::Predecessor{waiting.check_request, config_.prefix, waiting.own.create_revision});
}

void SequentialElector::watch(Waiting& waiting) {
  waiting.rearm_tick = now_ticks_ + config_.recheck_ticks;
  send(store::Watch{session_.next_request_id(), config_.prefix,
                    waiting.predecessor.create_revision});
}

void SequentialElector::place(const store::Entry& own, const store::Entry& predecessor,
                              const store::Entry& lowest) {
  note_token(lowest.create_revision);
  if (predecessor.create_revision == 0) {
    if (!session_.valid_at(now_ticks_)) {
      // The store's answer is true, but our lease may end on the store before our next tick:
      // leading now could overlap the next leader. Start over instead.
      start_over("lowest entry, but session no longer surely valid", true);
      return;
    }
    become_leader(own);
    return;
  }
  const auto* old = std::get_if<Waiting>(&role_);
  const NodeId previous_leader = old != nullptr ? old->lowest.owner : kNoNode;
  const store::Revision previous_token = old != nullptr ? old->lowest.create_revision : 0;
  if (lowest.create_revision != previous_token || lowest.owner != previous_leader) {
    emit(CoreEventKind::LeaderDiscovered, lowest.owner, "lowest entry", lowest.create_revision);
  }
  role_ = Waiting{own, predecessor, lowest, 0, 0, 0};
  // Only the predecessor, never the leader or the whole prefix: when an entry goes, exactly one
  // waiter (its successor) hears of it (ZooKeeper recipes: "avoid the herd effect").
  watch(std::get<Waiting>(role_));
}

void SequentialElector::become_leader(const store::Entry& own) {
  note_token(own.create_revision);
  role_ = Leader{own};
  emit(CoreEventKind::BecameLeader, config_.id, "lowest entry", own.create_revision);
  output_.leadership.push_back(LeadershipChange{true, own.create_revision, own.create_revision});
}

void SequentialElector::step_down(std::string_view reason) {
  const auto* leader = std::get_if<Leader>(&role_);
  if (leader == nullptr) return;
  const store::Revision token = leader->own.create_revision;
  output_.leadership.push_back(LeadershipChange{false, token, token});
  emit(CoreEventKind::SteppedDown, kNoNode, reason, token);
}

void SequentialElector::start_over(std::string_view reason, bool revoke) {
  step_down(reason);
  if (revoke) session_.revoke(output_.messages);
  // A new session and so a new entry: the old sequence is never reused, and the new one is larger
  // than every entry already in the queue, so we go to the back.
  join(reason);
}

void SequentialElector::join(std::string_view reason) {
  role_ = Joining{};
  emit(CoreEventKind::CampaignStarted, kNoNode, reason);
  // No-op if the session is already asking for a new lease (after a ttl 0 answer it does so by
  // itself); Create follows once it is granted.
  session_.start(now_ticks_, output_.messages);
}

// ---- helpers ---------------------------------------------------------------------------------

void SequentialElector::note_token(store::Revision token) {
  if (token <= hard_state_.term) return;
  hard_state_.term = token;
  persist();
}

void SequentialElector::send(const Message& message) {
  output_.messages.push_back(Envelope{config_.id, config_.store, message});
}

void SequentialElector::emit(CoreEventKind kind, NodeId peer, std::string_view reason,
                             std::uint64_t value) {
  output_.events.push_back(CoreEvent{kind, hard_state_.term, peer, reason, value});
}

}  // namespace baton::sequential
