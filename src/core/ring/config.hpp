// Settings of the Ring (Chang-Roberts with ring repair) elector, all in logical ticks.
#pragma once

#include <cstdint>
#include <vector>

#include "core/types.hpp"

namespace baton::ring {

struct Config {
  NodeId id = kNoNode;
  /// Every member including this node, in any order. The ring is the members sorted by id; a
  /// node's successor is the next larger id, wrapping from the largest to the smallest.
  std::vector<NodeId> members;

  /// How often a leader sends Alive to every other member.
  std::uint32_t heartbeat_interval_ticks = 50;
  /// Randomized, inclusive: no Alive from the leader for this long starts an election. Also the
  /// wait of a freshly started node, so a restart does not disturb a healthy leader at once.
  std::uint32_t leader_timeout_ticks_min = 150;
  std::uint32_t leader_timeout_ticks_max = 300;
  /// A ring message (Election, Elected) not acknowledged this long: the successor is presumed
  /// dead and the message goes to the member after it (ring repair).
  std::uint32_t ack_timeout_ticks = 20;
  /// A participant that sees no Elected for this long starts a new election (a lost message, or a
  /// round whose best candidate died). 0 means 4 * members * ack_timeout_ticks: room for two
  /// full circuits in which every hop may need one skip.
  std::uint32_t election_timeout_ticks = 0;
};

}  // namespace baton::ring
