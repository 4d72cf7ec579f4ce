// Settings of one Paxos leader elector. All times are logical ticks of the node's own clock.
#pragma once

#include <cstdint>
#include <vector>

#include "core/types.hpp"

namespace baton::paxos {

/// One node's view of its group. The defaults match Bully's and Raft's (heartbeat 50, leader
/// timeout 150-300) and keep the ratios the lease needs: renewals come several times per lease
/// (heartbeat_interval_ticks well below lease_ticks), and a follower waits at least one lease
/// (leader_timeout_ticks_min >= lease_ticks) before proposing, so it does not propose into its own
/// refusal window.
struct Config {
  NodeId id = kNoNode;
  /// Every acceptor of the group, this one included. Ids must be < 65536 (fence token encoding).
  std::vector<NodeId> members;
  /// The leader sends LeaseRenew to every other node this often.
  std::uint32_t heartbeat_interval_ticks = 50;
  /// No renewal from a leader for this long (drawn anew in [min, max] each time the timer
  /// restarts) -> propose. Also the wait of a (re)started node before its first proposal.
  std::uint32_t leader_timeout_ticks_min = 150;
  std::uint32_t leader_timeout_ticks_max = 300;
  /// An acceptor that acknowledged ballot b (Accepted or LeaseAck) refuses every ballot of another
  /// node for this many of its own ticks (PaxosLease's lease timeout). The leader's lease is
  /// derived from it (lease.hpp). 0 = leader_timeout_ticks_min.
  std::uint32_t lease_ticks = 0;
  /// Upper bound on how far any node's clock rate may differ from true time (0.01 = 1% fast or
  /// slow). The leader's lease is shortened by it; set it below reality and leases may overlap.
  double max_clock_drift = 0.01;
  /// A phase (prepare or accept) without a majority's answer after this long has failed.
  std::uint32_t phase_timeout_ticks = 50;
  /// After a failed ballot, retry after a random wait in [min, max] * f, where f doubles with
  /// each consecutive failure up to backoff_max_factor and resets when a leader is seen. The
  /// jitter is what separates duelling proposers (livelock control).
  std::uint32_t backoff_ticks_min = 20;
  std::uint32_t backoff_ticks_max = 60;
  std::uint32_t backoff_max_factor = 8;
  /// After resign() this node does not propose for this long.
  std::uint32_t resign_hold_ticks = 1000;
};

/// lease_ticks with its default applied.
inline std::uint32_t effective_lease_ticks(const Config& config) {
  return config.lease_ticks != 0 ? config.lease_ticks : config.leader_timeout_ticks_min;
}

}  // namespace baton::paxos
