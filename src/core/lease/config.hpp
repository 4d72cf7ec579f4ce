// Settings of one lease-based elector (core/lease/lease_elector.hpp). Times are ticks of the
// node's own clock except the TTL and margin, which are ms because the store protocol speaks ms.
#pragma once

#include <cstdint>

#include "core/messages_store.hpp"
#include "core/types.hpp"

namespace baton::lease {

/// One candidate's view of its election: which store, which key, how long a lease lives.
struct Config {
  NodeId id = kNoNode;
  /// The store node every request goes to.
  NodeId store = kNoNode;
  /// The lock key the candidates compete for.
  store::Key key = 1;
  /// The length of one of this node's ticks in ms.
  double tick_ms = 1.0;
  /// The session's lease TTL: a crashed holder's key is deleted this long after its last renewal.
  std::uint64_t ttl_ms = 300;
  /// The holder renews every renew_fraction * TTL (etcd's TTL/3): two keepalives may be lost
  /// before the local validity (about 0.98 TTL) runs out.
  double renew_fraction = 1.0 / 3.0;
  /// Bound on any clock's rate error, either way. The holder's local validity shrinks by the
  /// factor (1 - drift) / (1 + drift) (store_client/session.hpp argues it).
  double max_clock_drift = 0.01;
  /// Extra ms the holder stops early beyond the drift term and one tick of store granularity.
  /// Default 0: given the drift bound the validity is already a proof (see session.hpp), and the
  /// remaining hazard -- a holder paused between checking its lease and acting -- is fencing's
  /// job, which no margin can remove. Raise it for a store ticking coarser than this node.
  std::uint64_t safety_margin_ms = 0;
  /// A non-holder re-reads the key (Get) and re-arms its watch every [min, max] ticks (drawn
  /// from the Rng each time): a lost watch or WatchEvent costs at most this much failover.
  std::uint32_t retry_ticks_min = 100;
  std::uint32_t retry_ticks_max = 200;
  /// After the holder's entry is seen gone, wait [0, max] ticks before the Put, so candidates
  /// woken by the same deletion do not all hit the store in the same instant.
  std::uint32_t acquire_jitter_ticks_max = 10;
  /// An unanswered request (Put, grant, keepalive) is sent again after this long.
  std::uint32_t request_timeout_ticks = 50;
  /// After resign(): no session and no Put for this long (others take over meanwhile).
  std::uint32_t resign_hold_ticks = 600;
  /// TEST ONLY, UNSAFE: ignore the drift bound in the local validity (lease-safety demonstration).
  bool unsafe_ignore_drift = false;
};

}  // namespace baton::lease
