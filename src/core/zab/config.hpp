// Settings of one ZAB elector: ZooKeeper's fast leader election (FLE) followed by ZAB's epoch
// establishment (Junqueira, Reed, Serafini, "Zab: High-performance broadcast for primary-backup
// systems", DSN 2011, phases 0 and 1; ZooKeeper's FastLeaderElection, Leader and Follower).
// All times are logical ticks of the node's own clock (one tick = 1 ms in the simulator).
#pragma once

#include <cstdint>
#include <vector>

#include "core/types.hpp"

namespace baton::zab {

/// One node's view of its ensemble.
struct Config {
  NodeId id = kNoNode;
  /// Every voting member, this one included. A quorum is a strict majority of them.
  std::vector<NodeId> members;

  /// After a quorum agrees with this node's vote, wait this long for a better vote before
  /// deciding (FastLeaderElection.finalizeWait). ZooKeeper hard-codes 200 ms; it is most of the
  /// ~400 ms failover measured on ZooKeeper 3.8, so here it is a setting (docs/zab.md).
  std::uint32_t finalize_wait_ticks = 200;

  /// LOOKING and nothing arrived for this long: resend our notification to everyone, then double
  /// the wait up to the max (FastLeaderElection's notTimeout / maxNotificationInterval). The max
  /// bounds how long a node cut off during an election takes to rejoin after the cut heals, so it
  /// is 1.6 s here instead of ZooKeeper's 60 s.
  std::uint32_t notification_timeout_ticks_min = 200;
  std::uint32_t notification_timeout_ticks_max = 1600;

  /// A prospective leader that has no quorum of AckEpoch, or a follower that has no NewEpoch or
  /// first Ping from its chosen leader, this long after deciding goes back to LOOKING (the role of
  /// ZooKeeper's initLimit). It must exceed the spread between the nodes' decisions (about one
  /// finalize wait) plus a few round trips.
  std::uint32_t epoch_timeout_ticks = 400;

  /// The established leader sends Ping to its followers this often.
  std::uint32_t heartbeat_interval_ticks = 50;
  /// A follower that hears no Ping from its leader for this long (drawn anew in [min, max] from
  /// the Rng each time a Ping arrives) goes LOOKING. A leader that has not heard PingAck from a
  /// quorum (itself included) within the min steps down to LOOKING (ZooKeeper's syncLimit check).
  std::uint32_t leader_timeout_ticks_min = 150;
  std::uint32_t leader_timeout_ticks_max = 300;

  /// After resign(): this long the node does not vote for itself (it votes for the best other).
  std::uint32_t resign_hold_ticks = 300;
};

}  // namespace baton::zab
