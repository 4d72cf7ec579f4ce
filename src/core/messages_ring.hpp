// The messages of Ring election (Chang-Roberts style, with ring repair).
#pragma once

#include <cstdint>

#include "core/types.hpp"

namespace baton::ring {

/// Travels around the logical ring (ordered by id) carrying the best candidate so far. A node
/// forwards it with max(best, its own id); when it returns to the node named `best`, that node has
/// won. `epoch` is the highest election epoch seen along the way.
struct Election {
  NodeId initiator = kNoNode;
  NodeId best = kNoNode;
  std::uint64_t epoch = 0;
  std::uint64_t sequence = 0;  ///< per-sender hop number, echoed by the successor's Ack
};

/// Sent once more around the ring by the winner: `leader` with the new epoch (the next round after
/// the max seen, with the winner's id: core/owned_epoch.hpp), its fence token. Each node records it
/// and forwards it until it returns to the leader.
struct Elected {
  NodeId leader = kNoNode;
  std::uint64_t epoch = 0;
  std::uint64_t sequence = 0;  ///< per-sender hop number, echoed by the successor's Ack
};

/// A successor acknowledges a ring message, so the sender can tell a dead successor and skip it
/// (ring repair). `sequence` matches the message being acknowledged.
struct Ack {
  std::uint64_t sequence = 0;
};

/// The leader's periodic sign of life to every node; a node that misses them starts an election.
struct Alive {
  NodeId leader = kNoNode;
  std::uint64_t epoch = 0;
};

}  // namespace baton::ring
