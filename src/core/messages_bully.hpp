// The messages of the Bully algorithm (Garcia-Molina, 1982).
#pragma once

#include <cstdint>

#include "core/types.hpp"

namespace baton::bully {

/// "I am holding an election": sent to every node with a higher id. `epoch` is the highest
/// election epoch the sender has seen, so the winner can announce a larger one.
struct Election {
  std::uint64_t epoch = 0;
};

/// "OK, I am alive and higher than you: stand down, I take over the election."
struct Answer {
  std::uint64_t epoch = 0;
};

/// "I am the coordinator" with the new election epoch (the next round after the max seen, with the
/// sender's id: core/owned_epoch.hpp), which is also the fence token of this leadership. Broadcast
/// to every other node.
struct Coordinator {
  std::uint64_t epoch = 0;
};

/// The coordinator's periodic sign of life; a node that misses them starts an election.
struct Alive {
  std::uint64_t epoch = 0;
};

}  // namespace baton::bully
