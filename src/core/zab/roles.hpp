// The roles of a ZAB elector, each owning the data only it needs (the ScyllaDB fsm style of the
// Raft and Bully cores): leaving a role drops its tallies and timers, so nothing stale carries
// over into the next one. Per-peer tables are indexed by the peer's position in Config::members.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "core/messages_zab.hpp"
#include "core/types.hpp"

namespace baton::zab {

/// A FOLLOWING or LEADING peer's claim, as its notification reported it.
struct Claim {
  Vote vote;
  std::uint64_t election_round = 0;
  PeerState state = PeerState::Following;
};

/// FLE's LOOKING state (FastLeaderElection.lookForLeader).
struct Looking {
  /// This node's current vote (proposedLeader/Zxid/Epoch); a null vote (leader kNoNode) while a
  /// resign hold keeps it from voting for itself and it has not heard anyone else's yet.
  Vote proposal;
  /// recvset: the vote of each LOOKING peer in the current election round, ours included.
  std::vector<std::optional<Vote>> votes;
  /// outofelection: what FOLLOWING/LEADING peers reported, any round.
  std::vector<std::optional<Claim>> claims;
  /// Set while a quorum agrees with `proposal`: decide at this tick unless a better vote arrives.
  std::optional<std::uint64_t> finalize_deadline_tick;
  /// Nothing arrived by this tick: resend our notification and double the wait.
  std::uint64_t resend_deadline_tick = 0;
  std::uint32_t notification_timeout_ticks = 0;
  /// False until the first broadcast of this LOOKING period has gone out (on the next tick after
  /// construction; at once on later entries).
  bool announced = false;
};

/// Decided for another node; ZAB phase 1 as a follower. Before its leader's first Ping the
/// follower is not established and reports no leader.
struct Following {
  NodeId leader = kNoNode;
  std::uint64_t epoch = 0;   ///< the epoch acked to `leader`; 0 until NewEpoch arrived
  bool established = false;  ///< a Ping of `epoch` arrived: the leader has its quorum
  /// Epoch timeout until established, then the randomized leader timeout, restarted by each Ping.
  std::uint64_t deadline_tick = 0;
};

/// Decided for itself; collecting FollowerInfo, then AckEpoch, from a quorum
/// (Leader.getEpochToPropose and Leader.waitForEpochAck).
struct ProspectiveLeader {
  /// Accepted epoch reported by each connected follower (and ours at our own index).
  std::vector<std::optional<std::uint64_t>> accepted;
  std::uint64_t epoch = 0;  ///< the proposed epoch; 0 until a quorum of FollowerInfo arrived
  std::vector<bool> acked;  ///< AckEpoch(epoch) received (ours counts once the epoch is proposed)
  std::uint64_t deadline_tick = 0;  ///< epoch timeout
};

/// Established leader of `epoch` (also its fence token); pings its followers.
struct Leading {
  std::uint64_t epoch = 0;
  std::vector<bool> followers;  ///< peers that connected (sent FollowerInfo) and get Pings
  /// Tick of each follower's last PingAck (or of its AckEpoch); the leader steps down when fewer
  /// than a quorum, itself included, are recent.
  std::vector<std::optional<std::uint64_t>> last_ack_tick;
  std::uint32_t heartbeat_elapsed_ticks = 0;
};

using RoleState = std::variant<Looking, Following, ProspectiveLeader, Leading>;

}  // namespace baton::zab
