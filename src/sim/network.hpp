// The simulated network: which links are blocked (partitions, isolations, cuts) and how long a
// message takes (latency, loss, duplication, reordering). Pure data plus an injected Rng.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.hpp"
#include "core/types.hpp"
#include "sim/scenario.hpp"

namespace baton::sim {

/// Link state between nodes 1..n. `blocked(from, to)` is the AND-free union of three sources kept
/// apart so Heal can clear them together and a new Partition replaces only the old partition:
/// partition groups (different group => blocked), isolated nodes, and one-way cuts.
class Links {
 public:
  explicit Links(std::uint32_t nodes = 0) { reset(nodes); }

  void reset(std::uint32_t nodes);
  std::uint32_t nodes() const { return n_; }

  /// Each node's group number (index 0 unused); nodes in different groups cannot talk. Replaces any
  /// previous partition.
  void set_partition(const std::vector<std::uint32_t>& group_of_node);
  void isolate(NodeId node);
  void cut(NodeId from, NodeId to);
  /// Removes partitions, isolations and cuts.
  void heal();

  bool blocked(NodeId from, NodeId to) const { return blocked_[from * stride_ + to] != 0; }
  /// How many nodes (counting `node` itself) `node` can send to / receive from.
  std::uint32_t reachable_from(NodeId node) const;
  std::uint32_t reachable_to(NodeId node) const;

 private:
  void rebuild();
  std::uint32_t n_ = 0, stride_ = 1;
  std::vector<std::uint32_t> group_;    // per node; 0 = no partition
  std::vector<std::uint8_t> isolated_;  // per node
  std::vector<std::uint8_t> cut_;       // stride_ * stride_
  std::vector<std::uint8_t> blocked_;   // stride_ * stride_, derived
};

/// The fate of one message send, drawn from the network Rng in a fixed order (loss, latency,
/// reorder, duplicate, duplicate's latency) so a run replays exactly.
struct Delivery {
  bool lost = false;
  Micros latency_us = 0;
  bool duplicated = false;
  Micros duplicate_latency_us = 0;
};

/// Latency/loss model. Mutable at run time by SetLoss/SetDuplicate/SetLatency faults.
class NetworkModel {
 public:
  explicit NetworkModel(const NetworkSettings& settings = {}) : settings_(settings) {}
  NetworkSettings& settings() { return settings_; }
  const NetworkSettings& settings() const { return settings_; }

  Delivery draw(Rng& rng) const;
  /// One latency sample including the optional reorder delay.
  Micros latency(Rng& rng) const;

 private:
  NetworkSettings settings_;
};

}  // namespace baton::sim
