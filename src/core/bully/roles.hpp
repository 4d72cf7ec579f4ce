// The roles of a Bully elector, each owning the data only it needs (the ScyllaDB fsm style of the
// Raft core): leaving a role drops its timer, so no stale deadline can fire in the next one.
#pragma once

#include <cstdint>
#include <variant>

#include "core/types.hpp"

namespace baton::bully {

/// Waits for the leader's Alive. `leader` is kNoNode before one is known (a fresh node waiting out
/// its start-up timeout). `deadline_tick`: the leader timer; reaching it starts an election.
struct Follower {
  NodeId leader = kNoNode;
  std::uint64_t leader_epoch = 0;  ///< epoch of `leader`'s Coordinator (its fence token)
  std::uint64_t deadline_tick = 0;
  std::uint64_t heard_tick = 0;  ///< when `leader` last spoke (Coordinator or Alive)
};

/// Sent Election to every higher node and waits for an Answer. Reaching `deadline_tick` without
/// one means all higher nodes are presumed dead: this node becomes coordinator.
struct Electing {
  std::uint64_t deadline_tick = 0;
};

/// A higher node answered and took the election over. Reaching `deadline_tick` without its
/// Coordinator means it died mid-election: start again.
struct AwaitingCoordinator {
  std::uint64_t deadline_tick = 0;
};

/// Coordinator of `epoch` (also its fence token); sends Alive every heartbeat interval.
struct Leader {
  std::uint64_t epoch = 0;
  std::uint32_t heartbeat_elapsed_ticks = 0;
};

using RoleState = std::variant<Follower, Electing, AwaitingCoordinator, Leader>;

}  // namespace baton::bully
