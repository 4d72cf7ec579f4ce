// A candidate's session with the store: a lease granted, kept alive, and its local validity.
//
// Stop-gap: the shared session keeper (src/core/store_client/, branch `store`) is not merged yet.
// This class follows the same rules so the switch is mechanical; it is deleted then.
#pragma once

#include <cstdint>
#include <optional>

#include "core/message.hpp"
#include "core/messages_store.hpp"
#include "core/sequential/config.hpp"

namespace baton::sequential {

/// Requests a lease, renews it every ttl * renew_fraction, and knows until when the lease is
/// surely alive on the store, measured on the local clock:
///
///   valid_until = sent tick of the confirming request + ttl * (1 - drift) / (1 + drift) - margin
///
/// Why: the store restarts the TTL when it RECEIVES a request, after we sent it. A store clock
/// up to (1 + drift) fast ends the TTL after ttl / (1 + drift) of true time at the earliest; our
/// clock, up to (1 - drift) slow, needs L / (1 - drift) of true time for L ticks. So L =
/// ttl * (1 - drift) / (1 + drift) ticks after the send the lease is still alive on the store,
/// whatever the network delay. Chubby (Burrows 2006, sec. 2.8) makes the same argument for its
/// client's lease timeout; the margin covers what the bound does not (pauses, tick granularity).
/// A pure value: no clock, no I/O; requests leave through the `send` argument.
class Session {
 public:
  /// What a call did to the session that the owner must act on.
  enum class Change : std::uint8_t {
    None,     ///< nothing
    Granted,  ///< a new lease is live
    Lost,     ///< the lease is gone (a ttl 0 answer) or no longer surely alive locally
  };

  explicit Session(const Config& config);

  /// Asks for a new lease (forgetting any old one locally). `next_request` is the owner's request
  /// counter, shared so every request of one client has a distinct id.
  void open(std::uint64_t now_ticks, std::uint64_t& next_request, std::optional<Message>& send);
  /// Forgets the lease and gives the LeaseRevoke to send, if there was a lease.
  void revoke(std::uint64_t& next_request, std::optional<Message>& send);
  /// Forgets the lease and any request in flight without telling the store.
  void close() { state_ = State{}; }

  /// Retries an unanswered grant, sends keep-alives when due, and reports Lost (once) when local
  /// validity has run out.
  Change tick(std::uint64_t now_ticks, std::uint64_t& next_request, std::optional<Message>& send);
  /// Answers; ones that match no request in flight are stale and change nothing (None).
  Change on(const store::LeaseGrantResult& m);
  Change on(const store::LeaseKeepAliveResult& m);

  /// True between Granted and Lost/close().
  bool live() const { return state_.lease != 0; }
  /// True while a LeaseGrant is in flight.
  bool opening() const { return state_.grant_request != 0; }
  store::LeaseId lease() const { return state_.lease; }
  /// The lease is surely alive on the store until the tick before this one (0: no lease).
  std::uint64_t valid_until_ticks() const { return state_.valid_until_ticks; }
  /// As raft::LeaseTracker: a belief held at tick t must still hold one tick later.
  bool valid_at(std::uint64_t now_ticks) const { return now_ticks + 1 <= state_.valid_until_ticks; }
  /// Local validity granted by a confirmation of a lease of `ttl_ms`, in ticks from its send.
  std::uint64_t validity_ticks(std::uint64_t ttl_ms) const;

 private:
  /// Renewal period for a lease of `ttl_ms`, in ticks (at least 1).
  std::uint64_t renew_ticks(std::uint64_t ttl_ms) const;
  /// Records a confirmation of a request sent at `sent_tick` for a lease of `ttl_ms`.
  void confirm(std::uint64_t sent_tick, std::uint64_t ttl_ms);

  struct State {
    store::LeaseId lease = 0;
    std::uint64_t ttl_ms = 0;  ///< as granted (the store may change what we asked)
    std::uint64_t valid_until_ticks = 0;
    std::uint64_t grant_request = 0;  ///< LeaseGrant in flight; 0 = none
    std::uint64_t grant_sent_tick = 0;
    std::uint64_t keepalive_request = 0;  ///< newest keep-alive unanswered; 0 = none
    std::uint64_t keepalive_sent_tick = 0;
    std::uint64_t next_keepalive_tick = 0;
  };

  std::uint64_t ttl_ms_;
  double tick_ms_;
  double renew_fraction_;
  double validity_factor_;
  double margin_ticks_;
  std::uint64_t timeout_ticks_;
  State state_;
};

}  // namespace baton::sequential
