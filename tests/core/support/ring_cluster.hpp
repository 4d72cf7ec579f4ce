// Test support for the Ring elector: config builders and an in-memory cluster (FIFO network,
// crash/restart, cut/heal, deliver-until-quiet, counters by message kind, a trace for determinism).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "core/message.hpp"
#include "core/output.hpp"
#include "core/ring/ring_elector.hpp"
#include "core/rng.hpp"

namespace baton::test {

using RingTweak = std::function<void(ring::Config&)>;

/// Small timings for tests: leader timeout [10, 20], heartbeat every 3 ticks, ack timeout 2.
inline ring::Config ring_test_config(NodeId id, std::size_t members) {
  ring::Config c;
  c.id = id;
  for (std::size_t i = 1; i <= members; ++i) c.members.push_back(static_cast<NodeId>(i));
  c.heartbeat_interval_ticks = 3;
  c.leader_timeout_ticks_min = 10;
  c.leader_timeout_ticks_max = 20;
  c.ack_timeout_ticks = 2;
  return c;
}

inline ring::RingElector make_ring_node(NodeId id, std::size_t members, const RingTweak& tweak = {},
                                        HardState restored = {}, std::uint64_t seed = 7) {
  ring::Config c = ring_test_config(id, members);
  if (tweak) tweak(c);
  return ring::RingElector(c, restored, Rng(seed * 1000 + id));
}

inline Output take(Elector& node) {
  Output out;
  node.take_output(out);
  return out;
}

/// A message of kind M in a batch, with its receiver.
template <class M>
struct Sent {
  NodeId to = kNoNode;
  M message;
};

template <class M>
std::vector<Sent<M>> sent_of(const Output& out) {
  std::vector<Sent<M>> found;
  for (const auto* list : {&out.early_messages, &out.messages}) {
    for (const auto& e : *list) {
      if (const auto* m = std::get_if<M>(&e.message)) found.push_back({e.to, *m});
    }
  }
  return found;
}

inline bool has_ring_event(const Output& out, CoreEventKind kind) {
  for (const auto& e : out.events) {
    if (e.kind == kind) return true;
  }
  return false;
}

/// Ticks until the node sends an Election (or max_ticks pass); returns the ticks taken and leaves
/// that batch in `out`.
inline std::uint32_t tick_until_election(ring::RingElector& node, Output& out,
                                         std::uint32_t max_ticks = 10'000) {
  for (std::uint32_t t = 1; t <= max_ticks; ++t) {
    node.tick();
    out.clear();
    node.take_output(out);
    if (!sent_of<ring::Election>(out).empty()) return t;
  }
  return max_ticks;
}

/// N Ring electors (ids 1..N) on a FIFO network. Crashed nodes neither tick nor receive; messages
/// over a cut link are lost. Everything is deterministic.
class RingCluster {
 public:
  explicit RingCluster(std::size_t members, std::uint64_t seed = 1, RingTweak tweak = {})
      : seed_(seed), tweak_(std::move(tweak)), up_(members, true), links_(members * members, true) {
    for (std::size_t i = 1; i <= members; ++i) nodes_.push_back(fresh(static_cast<NodeId>(i), {}));
    leadership_.resize(members);
  }

  std::size_t size() const { return nodes_.size(); }
  ring::RingElector& node(NodeId id) { return nodes_[id - 1]; }

  void tick(NodeId id) {
    if (!up_[id - 1]) return;
    node(id).tick();
    collect(id);
  }
  void tick_all() {
    for (std::size_t i = 1; i <= nodes_.size(); ++i) tick(static_cast<NodeId>(i));
  }
  /// Delivers queued messages (and the ones they cause) until the network is quiet.
  std::size_t deliver_all(std::size_t limit = 1'000'000) {
    std::size_t delivered = 0;
    while (!queue_.empty() && delivered < limit) {
      Envelope e = queue_.front();
      queue_.pop_front();
      if (!up_[e.to - 1] || !link_up(e.from, e.to)) continue;
      node(e.to).step(e);
      collect(e.to);
      ++delivered;
    }
    return delivered;
  }
  void run(std::size_t ticks) {
    for (std::size_t t = 0; t < ticks; ++t) {
      tick_all();
      deliver_all();
    }
  }
  /// Runs until every live node agrees on one live leader; returns it (kNoNode on give-up).
  NodeId run_until_agreed(std::size_t max_ticks = 10'000) {
    for (std::size_t t = 0; t < max_ticks; ++t) {
      if (NodeId l = agreed_leader(); l != kNoNode) return l;
      tick_all();
      deliver_all();
    }
    return agreed_leader();
  }
  /// The leader every live node names, if it leads and they all agree; else kNoNode.
  NodeId agreed_leader() {
    NodeId agreed = kNoNode;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (!up_[i]) continue;
      const NodeId l = nodes_[i].status().leader;
      if (l == kNoNode || (agreed != kNoNode && l != agreed)) return kNoNode;
      agreed = l;
    }
    if (agreed == kNoNode || !up_[agreed - 1] || node(agreed).role() != Role::Leader)
      return kNoNode;
    return agreed;
  }
  /// Live nodes that believe they lead.
  std::vector<NodeId> leaders() {
    std::vector<NodeId> found;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (up_[i] && nodes_[i].role() == Role::Leader) found.push_back(static_cast<NodeId>(i + 1));
    }
    return found;
  }

  void crash(NodeId id) { up_[id - 1] = false; }
  /// Restart `id` with its durable hard state and a fresh RNG stream.
  void restart(NodeId id) {
    nodes_[id - 1] = fresh(id, node(id).hard_state(), ++restarts_);
    up_[id - 1] = true;
  }
  void cut(NodeId a, NodeId b) { set_link(a, b, false); }
  /// Cuts every link between `side` and the rest.
  void partition(const std::vector<NodeId>& side) {
    for (NodeId a : side) {
      for (std::size_t b = 1; b <= nodes_.size(); ++b) {
        bool inside = false;
        for (NodeId s : side) inside = inside || s == b;
        if (!inside) cut(a, static_cast<NodeId>(b));
      }
    }
  }
  void heal() { links_.assign(links_.size(), true); }

  std::size_t sent(std::size_t counter_slot) const { return sent_by_slot_[counter_slot]; }
  template <class M>
  std::size_t sent() const {
    return sent_by_slot_[counter_slot_of<M>()];
  }
  void reset_counters() {
    for (auto& c : sent_by_slot_) c = 0;
  }
  const std::vector<LeadershipChange>& leadership(NodeId id) const { return leadership_[id - 1]; }
  /// Every message and event so far, one line each: the determinism tests compare these.
  const std::vector<std::string>& trace() const { return trace_; }

 private:
  ring::RingElector fresh(NodeId id, HardState restored, std::uint64_t salt = 0) {
    ring::Config c = ring_test_config(id, up_.size());
    if (tweak_) tweak_(c);
    return ring::RingElector(c, restored, Rng(seed_).fork(id * 131 + salt));
  }
  bool link_up(NodeId a, NodeId b) const { return links_[(a - 1) * nodes_.size() + (b - 1)]; }
  void set_link(NodeId a, NodeId b, bool up) {
    links_[(a - 1) * nodes_.size() + (b - 1)] = up;
    links_[(b - 1) * nodes_.size() + (a - 1)] = up;
  }
  void collect(NodeId id) {
    scratch_.clear();
    node(id).take_output(scratch_);
    for (const auto* list : {&scratch_.early_messages, &scratch_.messages}) {
      for (const auto& e : *list) {
        ++sent_by_slot_[message_counter_slot(e.message)];
        trace_.push_back(std::to_string(e.from) + "->" + std::to_string(e.to) + " " +
                         std::string(message_name(e.message)) + " e" +
                         std::to_string(message_term(e.message)));
        queue_.push_back(e);
      }
    }
    for (const auto& ev : scratch_.events) {
      trace_.push_back(std::to_string(id) + " " + std::string(to_string(ev.kind)) + " t" +
                       std::to_string(ev.term) + " " + std::string(ev.reason));
    }
    for (const auto& l : scratch_.leadership) leadership_[id - 1].push_back(l);
  }

  std::uint64_t seed_;
  RingTweak tweak_;
  std::vector<bool> up_;
  std::vector<bool> links_;
  std::vector<ring::RingElector> nodes_;
  std::deque<Envelope> queue_;
  Output scratch_;
  std::vector<std::vector<LeadershipChange>> leadership_;
  std::vector<std::string> trace_;
  std::size_t sent_by_slot_[kMessageCounterSlots] = {};
  std::uint64_t restarts_ = 0;
};

}  // namespace baton::test
