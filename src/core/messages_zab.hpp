// The messages of ZooKeeper's fast leader election (FLE) and the epoch establishment that follows
// it (ZAB phase 1), as in ZooKeeper's FastLeaderElection and Leader/Follower classes.
#pragma once

#include <cstdint>

#include "core/types.hpp"

namespace baton::zab {

/// The state a server reports in its notifications.
enum class PeerState : std::uint8_t { Looking, Following, Leading };

/// A vote: (epoch, zxid, server id) — the better vote has the higher epoch, then zxid, then id.
struct Vote {
  std::uint64_t epoch = 0;  ///< the proposed leader's accepted epoch
  std::uint64_t zxid = 0;   ///< its last transaction id (0: pure election)
  NodeId leader = kNoNode;  ///< the proposed leader
  friend auto operator<=>(const Vote&, const Vote&) = default;
};

/// FLE notification: the sender's current vote, its election round (logical clock) and state.
struct Notification {
  Vote vote;
  std::uint64_t election_round = 0;
  PeerState state = PeerState::Looking;
};

/// Follower → prospective leader after deciding: its accepted epoch (FOLLOWERINFO).
struct FollowerInfo {
  std::uint64_t accepted_epoch = 0;
};

/// Leader → followers: the new epoch, larger than every accepted epoch of a quorum (LEADERINFO).
struct NewEpoch {
  std::uint64_t epoch = 0;
};

/// Follower → leader: it accepted `epoch` (ACKEPOCH). A quorum of these makes the leader lead.
struct AckEpoch {
  std::uint64_t epoch = 0;
};

/// Leader ↔ follower liveness once established.
struct Ping {
  std::uint64_t epoch = 0;
};
struct PingAck {
  std::uint64_t epoch = 0;
};

}  // namespace baton::zab
