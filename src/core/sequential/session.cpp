// Session: lease grant, keep-alive and local validity (see session.hpp).
#include "core/sequential/session.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace baton::sequential {

Session::Session(const Config& config)
    : ttl_ms_(config.session_ttl_ms),
      tick_ms_(config.tick_ms),
      renew_fraction_(config.renew_fraction),
      validity_factor_(config.unsafe_ignore_drift
                           ? 1.0
                           : (1.0 - config.max_clock_drift) / (1.0 + config.max_clock_drift)),
      margin_ticks_(config.safety_margin_ms / config.tick_ms),
      timeout_ticks_(config.request_timeout_ticks) {
  assert(config.tick_ms > 0 && config.session_ttl_ms > 0);
  assert(config.renew_fraction > 0 && config.renew_fraction < 1);
  assert(config.max_clock_drift >= 0 && config.max_clock_drift < 1);
  assert(config.request_timeout_ticks > 0);
}

std::uint64_t Session::validity_ticks(std::uint64_t ttl_ms) const {
  const double ticks = static_cast<double>(ttl_ms) / tick_ms_ * validity_factor_ - margin_ticks_;
  // Rounded down: a fraction of a tick we cannot be sure of is a tick we must not count.
  return ticks > 0 ? static_cast<std::uint64_t>(std::floor(ticks)) : 0;
}

std::uint64_t Session::renew_ticks(std::uint64_t ttl_ms) const {
  const double ticks = static_cast<double>(ttl_ms) / tick_ms_ * renew_fraction_;
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::floor(ticks)));
}

void Session::open(std::uint64_t now_ticks, std::uint64_t& next_request,
                   std::optional<Message>& send) {
  state_ = State{};
  state_.grant_request = ++next_request;
  state_.grant_sent_tick = now_ticks;
  send = store::LeaseGrant{state_.grant_request, ttl_ms_};
}

void Session::revoke(std::uint64_t& next_request, std::optional<Message>& send) {
  if (live()) send = store::LeaseRevoke{++next_request, state_.lease};
  state_ = State{};
}

void Session::confirm(std::uint64_t sent_tick, std::uint64_t ttl_ms) {
  // A confirmation only ever extends: an answer to an older request (sent earlier) proves less.
  state_.valid_until_ticks = std::max(state_.valid_until_ticks, sent_tick + validity_ticks(ttl_ms));
  state_.next_keepalive_tick = sent_tick + renew_ticks(ttl_ms);
}

Session::Change Session::tick(std::uint64_t now_ticks, std::uint64_t& next_request,
                              std::optional<Message>& send) {
  if (opening()) {
    if (now_ticks >= state_.grant_sent_tick + timeout_ticks_) {
      // The grant or its answer was lost. A lease granted for a lost answer is never used and
      // expires on its own: no entry is bound to it.
      open(now_ticks, next_request, send);
    }
    return Change::None;
  }
  if (!live()) return Change::None;
  if (!valid_at(now_ticks)) {
    // No renewal confirmed in time: the store may already have deleted our entry, and someone
    // else may lead. Nothing we believe about the lease can be trusted any more.
    state_ = State{};
    return Change::Lost;
  }
  if (now_ticks >= state_.next_keepalive_tick) {
    state_.keepalive_request = ++next_request;
    state_.keepalive_sent_tick = now_ticks;
    // Unanswered, it is retried after the request timeout if that comes before the next renewal.
    state_.next_keepalive_tick = now_ticks + std::min(renew_ticks(state_.ttl_ms), timeout_ticks_);
    send = store::LeaseKeepAlive{state_.keepalive_request, state_.lease};
  }
  return Change::None;
}

Session::Change Session::on(const store::LeaseGrantResult& m) {
  if (!opening() || m.request != state_.grant_request) return Change::None;
  if (m.lease == 0 || m.ttl_ms == 0) {
    // Refused: try again after the request timeout, as for a lost answer.
    return Change::None;
  }
  const std::uint64_t sent_tick = state_.grant_sent_tick;
  state_ = State{};
  state_.lease = m.lease;
  state_.ttl_ms = m.ttl_ms;
  confirm(sent_tick, m.ttl_ms);
  return Change::Granted;
}

Session::Change Session::on(const store::LeaseKeepAliveResult& m) {
  if (!live() || m.lease != state_.lease) return Change::None;
  if (m.ttl_ms == 0) {
    // The store says the lease expired or was revoked: every entry bound to it is gone. Any
    // keep-alive answer says so truthfully, even a stale one (a dead lease never comes back).
    state_ = State{};
    return Change::Lost;
  }
  if (m.request != state_.keepalive_request) return Change::None;
  state_.keepalive_request = 0;
  state_.ttl_ms = m.ttl_ms;
  confirm(state_.keepalive_sent_tick, m.ttl_ms);
  return Change::None;
}

}  // namespace baton::sequential
