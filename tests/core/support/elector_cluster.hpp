// Test support for properties every core must have, whatever its algorithm: an in-memory cluster
// of Elector values behind the interface (random latency and loss, crash/restart, isolate/heal),
// with a hook that runs after every event that can change a node.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "core/elector.hpp"
#include "core/message.hpp"
#include "core/output.hpp"
#include "core/rng.hpp"

namespace baton::elector_test {

/// Builds node `id` of an `members`-node group from its durable state and a random stream.
using ElectorFactory =
    std::function<std::unique_ptr<Elector>(NodeId id, HardState restored, Rng rng)>;

/// N cores (ids 1..N) of one algorithm. Time is global steps: each message is delivered a random
/// 0..latency_ticks_max steps after it was sent, or lost with probability loss. A crashed node
/// neither ticks, receives nor sends; an isolated one ticks but every link to it is cut. Which
/// node ticks how often is the caller's choice (tick(id)), so clock skew is easy to model.
class ElectorCluster {
 public:
  ElectorCluster(std::size_t members, std::uint64_t seed, ElectorFactory make,
                 std::uint32_t latency_ticks_max = 0, double loss = 0.0)
      : make_(std::move(make)),
        rng_(seed),
        latency_ticks_max_(latency_ticks_max),
        loss_(loss),
        crashed_(members, false),
        isolated_(members, false) {
    for (std::size_t i = 1; i <= members; ++i) {
      const auto id = static_cast<NodeId>(i);
      nodes_.push_back(make_(id, HardState{}, rng_.fork(id)));
    }
  }

  /// Runs after every tick, delivery, restart and request, with the node it touched.
  std::function<void(ElectorCluster&, NodeId)> on_event;

  std::size_t size() const { return nodes_.size(); }
  Elector& node(NodeId id) { return *nodes_[id - 1]; }
  bool crashed(NodeId id) const { return crashed_[id - 1]; }

  /// One step of global time: messages sent this long ago become deliverable.
  void advance() { ++now_; }
  void tick(NodeId id) {
    if (crashed(id)) return;
    node(id).tick();
    touched(id);
  }
  /// Delivers every message that is due (and, with zero latency, the ones those cause).
  void deliver_due() {
    for (bool delivered = true; delivered;) {
      delivered = false;
      for (std::size_t i = 0; i < queue_.size(); ++i) {
        if (queue_[i].due_step > now_) continue;
        const Envelope e = queue_[i].envelope;
        queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i));
        delivered = true;
        if (crashed(e.to) || !link_up(e.from, e.to)) break;
        node(e.to).step(e);
        touched(e.to);
        break;  // the queue changed: rescan from the front, oldest first
      }
    }
  }
  /// A request to one node (resign, transfer, ...), followed by the hook.
  void request(NodeId id, const std::function<void(Elector&)>& call) {
    if (crashed(id)) return;
    call(node(id));
    touched(id);
  }

  void crash(NodeId id) { crashed_[id - 1] = true; }
  /// Restarts a node (crashed or not) from its durable state with a fresh random stream.
  void restart(NodeId id) {
    nodes_[id - 1] = make_(id, node(id).hard_state(), rng_.fork(id + 1000 * ++restarts_));
    crashed_[id - 1] = false;
    touched(id);
  }
  void isolate(NodeId id) { isolated_[id - 1] = true; }
  /// Every link up again (crashed nodes stay down).
  void heal() { isolated_.assign(isolated_.size(), false); }

 private:
  struct InFlight {
    std::uint64_t due_step = 0;
    Envelope envelope;
  };

  bool link_up(NodeId a, NodeId b) const { return !isolated_[a - 1] && !isolated_[b - 1]; }
  void touched(NodeId id) {
    Output out;
    node(id).take_output(out);
    // The in-memory disk is instant, so the hard state is durable before anything leaves.
    for (const auto* list : {&out.early_messages, &out.messages}) {
      for (const Envelope& e : *list) {
        if (rng_.chance(loss_)) continue;
        queue_.push_back(InFlight{now_ + rng_.uniform(0, latency_ticks_max_), e});
      }
    }
    if (on_event) on_event(*this, id);
  }

  ElectorFactory make_;
  Rng rng_;
  std::uint32_t latency_ticks_max_;
  double loss_;
  std::vector<std::unique_ptr<Elector>> nodes_;
  std::vector<bool> crashed_;
  std::vector<bool> isolated_;
  std::vector<InFlight> queue_;
  std::uint64_t now_ = 0;
  std::uint64_t restarts_ = 0;
};

}  // namespace baton::elector_test
