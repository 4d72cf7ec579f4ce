// The four roles of a Raft-style elector, each owning the data only it needs (ScyllaDB fsm style):
// leaving a role drops its data, so no stale tally or lease can leak into the next one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <variant>
#include <vector>

#include "core/raft/lease_tracker.hpp"
#include "core/raft/quorum.hpp"
#include "core/types.hpp"

namespace baton::raft {

inline constexpr std::uint64_t kNeverTick = std::numeric_limits<std::uint64_t>::max();

/// Waits for heartbeats; `leader` is the leader of the current term once known.
struct Follower {
  NodeId leader = kNoNode;
};

/// Pre-vote phase (thesis 9.6): asks whether it could win term + 1 without touching its own term.
struct PreCandidate {
  VoteTally tally;
};

/// Campaigns in its current term (paper 5.2). `transfer` marks a campaign started by TimeoutNow,
/// whose requests bypass leader stickiness (thesis 3.10).
struct Candidate {
  VoteTally tally;
  bool transfer = false;
};

/// Leads its term: heartbeats, check-quorum, lease, transfers.
struct Leader {
  Leader(std::size_t members, std::size_t self_index, std::uint64_t lease_ticks,
         std::uint64_t now_ticks)
      : lease(members, self_index, lease_ticks),
        last_heard_ticks(members, now_ticks),
        became_leader_tick(now_ticks) {}

  LeaseTracker lease;
  /// When each member last answered in this term; check-quorum (thesis 6.2) counts the recent ones.
  /// Starts at the election tick: the votes that elected us are contact.
  std::vector<std::uint64_t> last_heard_ticks;
  std::uint64_t became_leader_tick;
  std::uint32_t heartbeat_elapsed_ticks = 0;

  NodeId transfer_target = kNoNode;  ///< kNoNode when no transfer is in progress
  std::uint64_t transfer_started_tick = 0;
  bool timeout_now_sent = false;
  /// Once any transfer started in this term the lease stays off for the rest of the term: a
  /// delayed TimeoutNow, or vote requests of the target's campaign, may still reach followers and
  /// bypass their stickiness after the transfer was abandoned.
  bool transferred_this_term = false;

  /// Start of the current run of heartbeat acks from the preferred leader (kNeverTick = none).
  std::uint64_t preferred_healthy_since_tick = kNeverTick;
};

using RoleState = std::variant<Follower, PreCandidate, Candidate, Leader>;

}  // namespace baton::raft
