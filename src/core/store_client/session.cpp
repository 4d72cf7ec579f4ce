#include "core/store_client/session.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace baton::store_client {

std::uint64_t validity_ticks(const SessionConfig& config, std::uint64_t ttl_ms) {
  const double ttl_ticks = static_cast<double>(ttl_ms) / config.tick_ms;
  const double drift = std::clamp(config.max_clock_drift, 0.0, 0.999);
  // The unsafe switch drops only the drift factor; the store-granularity tick stays.
  const double factor = config.ignore_drift ? 1.0 : (1.0 - drift) / (1.0 + drift);
  const double whole = std::floor(ttl_ticks * factor);
  const double cut = static_cast<double>(config.safety_margin_ticks) + 1.0;
  return whole > cut ? static_cast<std::uint64_t>(whole - cut) : 0;
}

Session::Session(SessionConfig config, std::uint64_t first_request_id)
    : config_(config), next_request_(first_request_id == 0 ? 1 : first_request_id) {
  assert(config_.tick_ms > 0 && config_.request_timeout_ticks > 0);
  assert(config_.renew_fraction > 0 && config_.renew_fraction < 1);
}

std::uint64_t Session::renew_interval_ticks() const {
  const double ttl_ticks = static_cast<double>(config_.ttl_ms) / config_.tick_ms;
  return std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::floor(ttl_ticks * config_.renew_fraction)));
}

store::LeaseId Session::lease() const {
  const auto* h = std::get_if<Holding>(&state_);
  return h != nullptr ? h->lease : 0;
}

void Session::start(std::uint64_t now_ticks, std::vector<Envelope>& out) {
  if (std::holds_alternative<Stopped>(state_)) send_grant(now_ticks, out);
}

void Session::revoke(std::vector<Envelope>& out) {
  if (const auto* h = std::get_if<Holding>(&state_)) {
    send(store::LeaseRevoke{next_request_id(), h->lease}, out);
  }
  state_ = Stopped{};
  until_ticks_ = 0;
}

void Session::send_grant(std::uint64_t now_ticks, std::vector<Envelope>& out) {
  const std::uint64_t request = next_request_id();
  state_ = Granting{request, now_ticks};
  send(store::LeaseGrant{request, config_.ttl_ms}, out);
}

void Session::tick(std::uint64_t now_ticks, std::vector<Envelope>& out) {
  if (auto* g = std::get_if<Granting>(&state_)) {
    // Lost request or answer, or a refusal: ask again under a new id (the old answer, should it
    // still come, is ignored and its lease revoked, see on(LeaseGrantResult)).
    if (now_ticks >= g->sent_tick + config_.request_timeout_ticks) send_grant(now_ticks, out);
    return;
  }
  auto* h = std::get_if<Holding>(&state_);
  if (h == nullptr || now_ticks < h->next_keepalive_tick) return;
  // A new keepalive supersedes one in flight: only the newest counts, so a late answer to an old
  // one cannot date our validity from an older send than we think.
  h->request = next_request_id();
  h->sent_tick = now_ticks;
  // Unanswered, it is retried after the request timeout (or at the renew interval if sooner).
  h->next_keepalive_tick =
      now_ticks + std::min(config_.request_timeout_ticks, renew_interval_ticks());
  send(store::LeaseKeepAlive{h->request, h->lease}, out);
}

SessionChange Session::on(const store::LeaseGrantResult& m, std::vector<Envelope>& out) {
  const auto* g = std::get_if<Granting>(&state_);
  if (g == nullptr || m.request != g->request) {
    // An answer to a request we gave up on. Its lease would live a TTL holding nothing; give it
    // back so the store's lease table does not fill with orphans under message loss.
    if (m.lease != 0 && m.lease != lease())
      send(store::LeaseRevoke{next_request_id(), m.lease}, out);
    return SessionChange::None;
  }
  if (m.lease == 0 || m.ttl_ms == 0) return SessionChange::None;  // refused: retried on timeout
  const std::uint64_t sent = g->sent_tick;
  // The TTL started when the store received the grant, after `sent`: date the validity from it.
  until_ticks_ = sent + validity_ticks(config_, m.ttl_ms);
  state_ = Holding{m.lease, sent + renew_interval_ticks(), 0, 0};
  return SessionChange::Granted;
}

SessionChange Session::on(const store::LeaseKeepAliveResult& m, std::uint64_t now_ticks,
                          std::vector<Envelope>& out) {
  auto* h = std::get_if<Holding>(&state_);
  if (h == nullptr || h->request == 0 || m.request != h->request || m.lease != h->lease) {
    return SessionChange::None;
  }
  if (m.ttl_ms == 0) {
    // The store forgot the lease: it expired (we could not renew in time) or was revoked, and
    // every entry bound to it is gone. Whatever we held is lost; start a new session at once.
    until_ticks_ = 0;
    send_grant(now_ticks, out);
    return SessionChange::Lost;
  }
  until_ticks_ = std::max(until_ticks_, h->sent_tick + validity_ticks(config_, m.ttl_ms));
  h->next_keepalive_tick = h->sent_tick + renew_interval_ticks();
  h->request = 0;
  return SessionChange::Renewed;
}

void Session::send(const Message& message, std::vector<Envelope>& out) const {
  out.push_back(Envelope{config_.self, config_.store, message});
}

}  // namespace baton::store_client
