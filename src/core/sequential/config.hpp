// Settings of one ephemeral-sequential elector (the ZooKeeper "leader election" recipe; etcd's
// concurrency.Election). Times the store sees are in milliseconds (its leases are in ms); times
// the core counts itself are in logical ticks of the node's own clock.
#pragma once

#include <cstdint>

#include "core/messages_store.hpp"
#include "core/types.hpp"

namespace baton::sequential {

/// One candidate's view of its election. The defaults keep the ratios the recipe needs: the
/// session is renewed three times per TTL, so two keep-alives in a row may be lost before local
/// validity runs out; a lost watch costs at most one TTL of extra failover.
struct Config {
  NodeId id = kNoNode;
  /// The store node every request goes to (one linearizable store; see messages_store.hpp).
  NodeId store = kNoNode;
  /// The prefix under which each candidate's ephemeral entry lives (ZooKeeper: the election znode,
  /// etcd: the election name). 2 is the conventional "/baton/<group>/election/".
  store::Key prefix = 2;

  /// Length of one tick in milliseconds, to turn the store's ms into this node's ticks.
  double tick_ms = 1.0;
  /// TTL asked for the session's lease. The store deletes the candidate's entry this long after
  /// the last keep-alive it received: it is the failover time after a crash.
  std::uint64_t session_ttl_ms = 300;
  /// Keep-alives go out every ttl * renew_fraction (etcd's clientv3 keeps alive at TTL/3).
  double renew_fraction = 1.0 / 3.0;
  /// Bound on how far any clock's rate (this node's, the store's) may differ from true time. The
  /// local validity of the session is shrunk by (1 - drift) / (1 + drift).
  double max_clock_drift = 0.01;
  /// Extra ms the local validity ends early, beyond the drift term and one tick of store
  /// granularity (rounded up to ticks). Default 0: given the drift bound the validity is already
  /// a proof (store_client/session.hpp argues it); a leader paused between checking and acting is
  /// fencing's job, which no margin removes. Raise it for a store ticking coarser than this node.
  std::uint64_t safety_margin_ms = 0;

  /// A waiter that hears nothing re-arms its watch this often, in case the Watch or its event was
  /// lost (the store fires at once for an entry already gone). Also the period at which it
  /// re-reads its predecessor when a re-check answer is missing.
  std::uint32_t recheck_ticks = 300;
  /// A request (LeaseGrant, Create, Predecessor, or a keep-alive) unanswered for this long is
  /// sent again with a new request id. Every request is idempotent, so a retry is always safe.
  std::uint32_t request_timeout_ticks = 50;
  /// After resign() the node stays out of the queue this long, then re-enters at its back.
  std::uint32_t resign_hold_ticks = 300;

  /// TEST ONLY, UNSAFE: drop the drift factor from the local validity, so the simulator can show a
  /// leader outliving its entry when clocks drift within max_clock_drift.
  bool unsafe_ignore_drift = false;
};

}  // namespace baton::sequential
