// LeaseElector: construction, status, time, role transitions and requests.
// Store answers are handled in lease_elector_messages.cpp.
#include "core/lease/lease_elector.hpp"

#include <cassert>
#include <cmath>
#include <utility>

namespace baton::lease {
namespace {

store_client::SessionConfig session_config(const Config& c) {
  store_client::SessionConfig s;
  s.self = c.id;
  s.store = c.store;
  s.ttl_ms = c.ttl_ms;
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

LeaseElector::LeaseElector(Config config, HardState restored, Rng rng)
    : config_(config),
      hard_state_(restored),
      rng_(rng),
      // Request ids start at a random point: a restarted node must not take an answer meant for
      // its previous life (a delayed grant, say) for an answer to its own new request.
      session_(session_config(config), rng_.next()),
      role_(Seeking{0}) {
  assert(config_.id != kNoNode && config_.store != kNoNode && config_.key != 0);
  assert(config_.retry_ticks_min > 0 && config_.retry_ticks_min <= config_.retry_ticks_max);
  assert(config_.request_timeout_ticks > 0);
  output_.messages.reserve(4);
  output_.events.reserve(4);
}

void LeaseElector::take_output(Output& out) {
  assert(out.empty() && "take_output needs a cleared Output");
  std::swap(out, output_);
}

Role LeaseElector::role() const {
  if (std::holds_alternative<Leading>(role_)) return Role::Leader;
  if (std::holds_alternative<Seeking>(role_) && !on_hold()) return Role::Candidate;
  return Role::Follower;
}

store::Entry LeaseElector::known_holder() const {
  if (const auto* l = std::get_if<Leading>(&role_)) return l->entry;
  if (const auto* f = std::get_if<Following>(&role_)) return f->holder;
  return {};
}

Status LeaseElector::status() const {
  Status s;
  s.id = config_.id;
  s.role = role();
  s.term = hard_state_.term;
  if (const auto* l = std::get_if<Leading>(&role_)) {
    s.term = l->entry.create_revision;
    s.leader = config_.id;
    s.fence_token = l->entry.create_revision;
    // Leading is left on the first tick the session is no longer valid, so this holds; checked
    // anyway so the status never claims more than the session can prove.
    s.lease_valid = session_.valid_at(now_ticks_);
    s.lease_remaining_ticks = session_.remaining_ticks(now_ticks_);
  } else if (const auto* f = std::get_if<Following>(&role_)) {
    s.term = f->holder.create_revision;
    // Our own stale entry is not a leader anyone should follow (we are not acting as one).
    s.leader = f->holder.owner == config_.id ? kNoNode : f->holder.owner;
  }
  return s;
}

RequestResult LeaseElector::transfer(NodeId /*to*/) {
  return RequestResult::NotSupported;
}

RequestResult LeaseElector::resign() {
  if (!std::holds_alternative<Leading>(role_)) return RequestResult::NotLeader;
  // Revoking deletes our key on the store at once, which fires the candidates' watches: the
  // hand-over takes one round trip instead of a TTL. A lost revoke only means the TTL does it.
  session_.revoke(output_.messages);
  step_down("resigned");
  hold_until_tick_ = now_ticks_ + config_.resign_hold_ticks;
  emit(CoreEventKind::Resigned, config_.id, {}, config_.resign_hold_ticks);
  put_request_ = 0;
  seek(jitter_ticks(), "resigned: re-read only");
  return RequestResult::Ok;
}

// ---- time ------------------------------------------------------------------------------------

void LeaseElector::tick() {
  ++now_ticks_;
  // Every candidate holds a session (except during a resign hold): a Put needs a live lease, and
  // acquiring should not wait for a grant round trip.
  if (!on_hold() && !session_.started()) session_.start(now_ticks_, output_.messages);
  session_.tick(now_ticks_, output_.messages);

  if (auto* l = std::get_if<Leading>(&role_)) {
    if (session_.valid_at(now_ticks_)) return;
    // Chubby's rule: no confirmation within the validity -> we can no longer prove the key is
    // ours, and the store may delete it any moment. Stop before it can, and claim again only
    // after a re-read shows the key ours with a live session (the store may have been reachable
    // all along and only our answers lost).
    const store::Entry entry = l->entry;
    step_down("session validity ran out");
    role_ = Following{entry, now_ticks_};
  }
  if (auto* s = std::get_if<Seeking>(&role_)) {
    if (now_ticks_ < s->attempt_tick) return;
    if (on_hold()) {
      // Resigned: learn who leads, but do not compete.
      send_read({});
      s->attempt_tick = now_ticks_ + retry_ticks();
      return;
    }
    if (!session_.valid_at(now_ticks_)) return;  // a Put needs a live lease
    if (put_request_ != 0 && now_ticks_ < put_sent_tick_ + config_.request_timeout_ticks) return;
    send_put();
    return;
  }
  auto& f = std::get<Following>(role_);
  if (now_ticks_ < f.next_read_tick) return;
  // The periodic re-read: a watch can be lost (store outage, refused at its limit, a lost
  // WatchEvent), and a holder that vanished with no event must not block us forever.
  send_read(f.holder);
  f.next_read_tick = now_ticks_ + retry_ticks();
}

// ---- role transitions ------------------------------------------------------------------------

void LeaseElector::become_leader(const store::Entry& entry) {
  note_token(entry.create_revision);
  role_ = Leading{entry};
  // The fence token is the revision of the acquiring write: the store's revisions only grow, so
  // every later holder's token is larger (etcd's election uses the same number).
  emit(CoreEventKind::BecameLeader, config_.id, "holds the key with a valid session",
       entry.create_revision);
  output_.leadership.push_back(
      LeadershipChange{true, entry.create_revision, entry.create_revision});
}

void LeaseElector::follow(const store::Entry& holder) {
  if (auto* f = std::get_if<Following>(&role_);
      f != nullptr && f->holder.create_revision == holder.create_revision) {
    f->holder = holder;  // the same entry: keep the read timer
    return;
  }
  role_ = Following{holder, now_ticks_ + retry_ticks()};
  if (holder.owner != config_.id) {
    emit(CoreEventKind::LeaderDiscovered, holder.owner, "holds the key", holder.create_revision);
  }
  send(store::Watch{session_.next_request_id(), config_.key, holder.create_revision});
}

void LeaseElector::seek(std::uint64_t delay_ticks, std::string_view reason) {
  if (!on_hold()) emit(CoreEventKind::CampaignStarted, kNoNode, reason, delay_ticks);
  role_ = Seeking{now_ticks_ + delay_ticks};
}

void LeaseElector::step_down(std::string_view reason) {
  const auto* l = std::get_if<Leading>(&role_);
  if (l == nullptr) return;
  const store::Revision token = l->entry.create_revision;
  output_.leadership.push_back(LeadershipChange{false, token, token});
  emit(CoreEventKind::SteppedDown, kNoNode, reason, token);
  // The caller sets the next role; Following our own entry until then is the conservative view.
  role_ = Following{l->entry, now_ticks_};
}

// ---- requests --------------------------------------------------------------------------------

void LeaseElector::send_put() {
  // Compare-and-set on "absent": of all candidates seeing no holder, exactly one Put lands first.
  // A retry is safe: if the first one succeeded, the retry fails and shows our own entry.
  put_request_ = session_.next_request_id();
  put_sent_tick_ = now_ticks_;
  send(store::Put{put_request_, config_.key, config_.id, session_.lease(), 0});
}

void LeaseElector::send_read(const store::Entry& holder) {
  get_request_ = session_.next_request_id();
  send(store::Get{get_request_, config_.key});
  // Re-arming costs nothing on the store (one watch per node and entry) and repairs a lost one.
  if (holder.create_revision != 0) {
    send(store::Watch{session_.next_request_id(), config_.key, holder.create_revision});
  }
}

// ---- helpers ---------------------------------------------------------------------------------

bool LeaseElector::is_ours(const store::Entry& entry) const {
  return entry.owner == config_.id && entry.lease != 0 && entry.lease == session_.lease();
}

void LeaseElector::note_token(store::Revision token) {
  if (token <= hard_state_.term) return;
  hard_state_.term = token;
  output_.hard_state = hard_state_;
}

void LeaseElector::send(const Message& message) {
  output_.messages.push_back(Envelope{config_.id, config_.store, message});
}

void LeaseElector::emit(CoreEventKind kind, NodeId peer, std::string_view reason,
                        std::uint64_t value) {
  output_.events.push_back(CoreEvent{kind, hard_state_.term, peer, reason, value});
}

}  // namespace baton::lease
