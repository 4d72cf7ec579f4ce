// The client side of a store session (etcd's concurrency.Session, a ZooKeeper session): hold a
// lease, keep it alive, and know how long it is SAFE to believe it is alive.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "core/message.hpp"
#include "core/messages_store.hpp"
#include "core/types.hpp"

namespace baton::store_client {

/// Settings of one session. Times are the client's own ticks except `ttl_ms` (the protocol's unit).
struct SessionConfig {
  NodeId self = kNoNode;   ///< the client node (sender of the requests)
  NodeId store = kNoNode;  ///< the store node
  std::uint64_t ttl_ms = 300;
  /// The length of one of this client's ticks in ms.
  double tick_ms = 1.0;
  /// A keepalive leaves every renew_fraction * TTL (etcd's client renews at TTL/3).
  double renew_fraction = 1.0 / 3.0;
  /// Bound on how far any clock's rate may be off true time, either way (0.01 = 1%).
  double max_clock_drift = 0.01;
  /// Extra ticks the local validity ends early, beyond the drift term and the one tick of store
  /// granularity (Chubby's safety margin). 0: the bound below is already a proof given the drift
  /// bound; a margin only covers a store ticking coarser than the client or a drift bound one
  /// does not trust.
  std::uint64_t safety_margin_ticks = 0;
  /// An unanswered request (grant or keepalive) is sent again, under a new id, after this long.
  std::uint64_t request_timeout_ticks = 50;
  /// TEST ONLY, UNSAFE: drop the drift term from the validity, so that a clock drifting within
  /// max_clock_drift can make a holder outlive its lease (the lease-safety demonstration).
  bool ignore_drift = false;
};

/// What an answer did to the session.
enum class SessionChange : std::uint8_t {
  None,     ///< not ours (old request id, other lease) or refused: nothing changed
  Granted,  ///< a new lease is held; `lease()` changed
  Renewed,  ///< a keepalive was confirmed; the local validity moved on
  Lost,     ///< the store no longer knows the lease (expired or revoked): a new one is requested
};

/// Ticks the lease may be believed alive after the request that confirmed it was SENT:
///   floor(ttl_ticks * (1 - drift) / (1 + drift)) - safety_margin_ticks - 1.
///
/// Why this is safe (the argument of raft/lease_tracker.hpp, Chubby's "the client's lease
/// timeout is a conservative approximation of the master's"): the store restarts the TTL when it
/// RECEIVES the request, which is after we sent it, and deletes the lease when its own tick
/// count reaches receipt + ceil(ttl_ms / store_tick_ms). Its next tick may come right after the
/// receipt, so at least ttl_ticks - 1 of its full tick periods pass before the deletion: that is
/// the "- 1". Each of its periods lasts at least tick / (1 + drift) (its clock may run fast), each
/// of ours at most tick / (1 - drift) (ours may run slow), so we may count ttl_ticks * (1 - drift)
/// / (1 + drift) - 1 >= (ttl_ticks - 1) * (1 - drift) / (1 + drift) of our ticks from the send.
/// valid_at(n) holds while n + 1 <= until: a belief held at tick n lasts until tick n + 1 arrives,
/// which the bound covers. Assumes the store's tick is no coarser than ours (else: margin).
std::uint64_t validity_ticks(const SessionConfig& config, std::uint64_t ttl_ms);

/// A lease kept alive: requests one (LeaseGrant), renews it every renew_fraction * TTL
/// (LeaseKeepAlive), retries lost requests under new ids (answers to older ones are ignored), and
/// tracks the local validity above. A copyable value with no clock: the embedding elector passes
/// its tick count and collects the requests into its output.
///
/// Rules (tests/core/store_session_test.cpp): grant on start; validity from the confirming
/// request's sent tick; keepalive every renew interval; retry after request_timeout_ticks; old
/// answers ignored (an orphan lease granted to an old request is revoked); ttl 0 -> lost, new
/// grant; revoke stops.
class Session {
 public:
  /// `first_request_id` seeds the request ids. Draw it from the elector's Rng: a node restarted
  /// after a crash must not mistake an answer addressed to its previous life for a new one.
  Session(SessionConfig config, std::uint64_t first_request_id);

  /// Asks for a lease if the session is stopped (no-op otherwise).
  void start(std::uint64_t now_ticks, std::vector<Envelope>& out);
  /// Gives the lease back now (LeaseRevoke: its entries die at once) and stops.
  void revoke(std::vector<Envelope>& out);
  /// Sends the keepalive or the retry that is due.
  void tick(std::uint64_t now_ticks, std::vector<Envelope>& out);
  SessionChange on(const store::LeaseGrantResult& m, std::vector<Envelope>& out);
  SessionChange on(const store::LeaseKeepAliveResult& m, std::uint64_t now_ticks,
                   std::vector<Envelope>& out);

  /// The lease held (0: none). Held does not mean valid: see valid_at().
  store::LeaseId lease() const;
  bool started() const { return !std::holds_alternative<Stopped>(state_); }
  /// True while the lease is certainly alive on the store (given the drift bound).
  bool valid_at(std::uint64_t now_ticks) const { return now_ticks + 1 <= until_ticks_; }
  /// The first tick at which the lease is no longer believed valid (0: never was).
  std::uint64_t until_ticks() const { return until_ticks_; }
  std::uint64_t remaining_ticks(std::uint64_t now_ticks) const {
    return until_ticks_ > now_ticks ? until_ticks_ - now_ticks : 0;
  }
  /// A fresh request id; the embedding recipe numbers its own requests from the same sequence.
  std::uint64_t next_request_id() { return next_request_++; }
  /// Ticks between keepalives: max(1, floor(ttl_ticks * renew_fraction)).
  std::uint64_t renew_interval_ticks() const;
  const SessionConfig& config() const { return config_; }

 private:
  struct Stopped {};
  /// Waiting for a LeaseGrantResult to `request`, sent at `sent_tick`.
  struct Granting {
    std::uint64_t request = 0;
    std::uint64_t sent_tick = 0;
  };
  /// Holding `lease`; `request` (0: none) is the keepalive in flight, sent at `sent_tick`.
  struct Holding {
    store::LeaseId lease = 0;
    std::uint64_t next_keepalive_tick = 0;
    std::uint64_t request = 0;
    std::uint64_t sent_tick = 0;
  };

  void send_grant(std::uint64_t now_ticks, std::vector<Envelope>& out);
  void send(const Message& message, std::vector<Envelope>& out) const;

  SessionConfig config_;
  std::variant<Stopped, Granting, Holding> state_;
  std::uint64_t until_ticks_ = 0;
  std::uint64_t next_request_;
};

}  // namespace baton::store_client
