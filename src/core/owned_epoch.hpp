// Epochs owned by one node each, for the algorithms without a quorum (Bully, Ring): round << 16 |
// node id, the same layout as a Paxos ballot's fence token. A node that takes a new epoch takes
// the next round with its own id, so two nodes that act on the same history (two sides of a
// partition, or a restarted node that missed the interim leader) can never announce the same
// epoch: their leaderships get different fence tokens, and the higher id's is the larger.
#pragma once

#include <cassert>
#include <cstdint>

#include "core/types.hpp"

namespace baton {

/// Node ids must fit the low 16 bits of an owned epoch.
inline constexpr NodeId kMaxEpochOwner = 0xFFFF;

/// The first epoch of the round after `seen`'s, owned by `node`: larger than `seen`, and larger
/// than any epoch another node can take after seeing `seen` only if that node's id is lower.
constexpr std::uint64_t owned_epoch_after(std::uint64_t seen, NodeId node) {
  assert(node != kNoNode && node <= kMaxEpochOwner && "ids must be < 65536 for owned epochs");
  return (((seen >> 16) + 1) << 16) | static_cast<std::uint64_t>(node);
}

/// The node that took `epoch` (0 for the epoch 0 that nobody took).
constexpr NodeId epoch_owner(std::uint64_t epoch) {
  return static_cast<NodeId>(epoch & kMaxEpochOwner);
}

}  // namespace baton
