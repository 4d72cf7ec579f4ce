// Settings of one Bully elector (Garcia-Molina, "Elections in a Distributed Computing System",
// IEEE Trans. Computers C-31(1), 1982). All times are logical ticks of the node's own clock.
#pragma once

#include <cstdint>
#include <vector>

#include "core/types.hpp"

namespace baton::bully {

/// One node's view of its group. The defaults keep the ratios that make the algorithm work: an
/// Answer must arrive well within answer_timeout_ticks, and the winner's Coordinator well within
/// coordinator_timeout_ticks, or a live higher node is wrongly presumed dead (the paper's timing
/// assumption; Bully is not safe without it).
struct Config {
  NodeId id = kNoNode;
  /// Every node of the group, this one included. Ids rank the nodes: the highest live id leads.
  std::vector<NodeId> members;
  /// The leader sends Alive to every other node this often.
  std::uint32_t heartbeat_interval_ticks = 50;
  /// No Alive from the leader for this long (drawn anew in [min, max] from the Rng each time the
  /// timer restarts) -> start an election. Also the wait of a fresh node before its first election,
  /// so it can learn an existing leader instead of disturbing it. Resign holds for the max.
  std::uint32_t leader_timeout_ticks_min = 150;
  std::uint32_t leader_timeout_ticks_max = 300;
  /// After sending Election: no Answer for this long -> every higher node is presumed dead and
  /// this node becomes coordinator.
  std::uint32_t answer_timeout_ticks = 20;
  /// After an Answer: no Coordinator for this long -> the higher node died mid-election; start the
  /// election again.
  std::uint32_t coordinator_timeout_ticks = 60;
};

}  // namespace baton::bully
