// Settings of the simulated coordination store node (core/store/store_node.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/types.hpp"

namespace baton::store {

/// One store node. TTLs in the protocol are milliseconds, so the node needs its own tick length to
/// turn them into ticks. The limits bound its memory (TigerBeetle's style: a limit on everything);
/// a request beyond a limit is refused with a failing answer, never a crash or unbounded growth.
struct Config {
  NodeId id = kNoNode;
  /// The length of one of this node's ticks in ms (its clock; the simulator may make it drift).
  double tick_ms = 1.0;
  /// Live leases at most; a LeaseGrant beyond it is answered with lease 0.
  std::size_t max_leases = 4096;
  /// Entries (plain keys and prefix entries together) at most; a Put or Create that would add one
  /// beyond it fails.
  std::size_t max_entries = 4096;
  /// Armed watches at most; a Watch beyond it is dropped unanswered (clients re-read and re-arm
  /// on their retry timer, so a refused watch costs latency, not correctness).
  std::size_t max_watches = 16384;
  /// Largest TTL a lease may ask for (etcd's MaxLeaseTTL); larger grants are refused with lease 0.
  /// One day: far beyond any election TTL, small enough that deadlines cannot overflow.
  std::uint64_t max_ttl_ms = 24ull * 60 * 60 * 1000;
};

}  // namespace baton::store
