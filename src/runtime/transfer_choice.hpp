// Whom to hand leadership to, from what a node knows of its peers. One rule for the SIGTERM
// hand-over (Node::hand_over) and for health abdication (service::HealthMonitor). Header-only:
// code that never runs a Node (the service layer's tests against a fake node) uses it without
// linking the runtime.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <tuple>

#include "baton/node.hpp"

namespace baton::runtime {

/// A connected peer with the most recent contact (the one most likely to be caught up and
/// reachable); ties go to the lower id. A peer never heard from is not a candidate: a transfer to
/// it would likely time out and leave the cluster leaderless longer. Peers in `tried` are left out
/// (they were asked already and this node still leads).
inline std::optional<NodeId> pick_transfer_target(const NodeStatus& status,
                                                  const std::set<NodeId>& tried = {}) {
  std::optional<NodeId> best;
  std::int64_t best_contact_ms_ago = 0;
  for (const auto& peer : status.peers) {
    if (!peer.connected || peer.last_contact_ms_ago < 0 || tried.count(peer.id) != 0) continue;
    if (!best ||
        std::tie(peer.last_contact_ms_ago, peer.id) < std::tie(best_contact_ms_ago, *best)) {
      best = peer.id;
      best_contact_ms_ago = peer.last_contact_ms_ago;
    }
  }
  return best;
}

}  // namespace baton::runtime
