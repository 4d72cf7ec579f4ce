// Test support for the Paxos elector: config builders, single-node driving helpers, and an
// in-memory cluster (FIFO network, crash/restart, cut/heal, deliver-until-quiet, message counters).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "core/message.hpp"
#include "core/output.hpp"
#include "core/paxos/paxos_elector.hpp"
#include "core/rng.hpp"

// A namespace of its own: the other cores' cluster headers have helpers of the same names.
namespace baton::paxos_test {

using ConfigTweak = std::function<void(paxos::Config&)>;

/// Small, fast timings for tests: leader timeout [20, 40] (so lease_ticks 20, leader lease 18),
/// renewals every 5 ticks, phase timeout 10, backoff [5, 15] up to x4, resign hold 100. The tweak
/// sees `c.id`, so it can give nodes different timings.
inline paxos::Config test_config(NodeId id, std::size_t members) {
  paxos::Config c;
  c.id = id;
  for (std::size_t i = 1; i <= members; ++i) c.members.push_back(static_cast<NodeId>(i));
  c.heartbeat_interval_ticks = 5;
  c.leader_timeout_ticks_min = 20;
  c.leader_timeout_ticks_max = 40;
  c.phase_timeout_ticks = 10;
  c.backoff_ticks_min = 5;
  c.backoff_ticks_max = 15;
  c.backoff_max_factor = 4;
  c.resign_hold_ticks = 100;
  return c;
}

inline paxos::PaxosElector make_node(NodeId id, std::size_t members, const ConfigTweak& tweak = {},
                                     HardState restored = {}, std::uint64_t seed = 7) {
  paxos::Config c = test_config(id, members);
  if (tweak) tweak(c);
  return paxos::PaxosElector(c, restored, Rng(seed * 1000 + id));
}

inline Output drain(Elector& node) {
  Output out;
  node.take_output(out);
  return out;
}

inline Envelope envelope(NodeId from, NodeId to, Message m) {
  return Envelope{from, to, m};
}

inline bool has_event(const Output& out, CoreEventKind kind) {
  for (const auto& e : out.events) {
    if (e.kind == kind) return true;
  }
  return false;
}

/// The messages of kind M in one list of `out`, with their receivers.
template <class M>
std::vector<std::pair<NodeId, M>> sent_in(const std::vector<Envelope>& list) {
  std::vector<std::pair<NodeId, M>> found;
  for (const auto& e : list) {
    if (const auto* m = std::get_if<M>(&e.message)) found.emplace_back(e.to, *m);
  }
  return found;
}

/// The messages of kind M in `out` (early and after-write), with their receivers.
template <class M>
std::vector<std::pair<NodeId, M>> sent_of(const Output& out) {
  auto found = sent_in<M>(out.early_messages);
  for (auto& p : sent_in<M>(out.messages)) found.push_back(p);
  return found;
}

template <class M>
std::vector<NodeId> receivers_of(const Output& out) {
  std::vector<NodeId> to;
  for (const auto& [id, m] : sent_of<M>(out)) to.push_back(id);
  return to;
}

/// The one message of kind M in `out` (test fails if not exactly one).
template <class M>
M only(const Output& out) {
  const auto found = sent_of<M>(out);
  EXPECT_EQ(found.size(), 1u);
  return found.empty() ? M{} : found.front().second;
}

/// Ticks `node` until it leaves Follower (or `max_ticks` pass); returns the ticks taken. Output is
/// left in the node.
inline std::uint32_t tick_until_proposal(paxos::PaxosElector& node,
                                         std::uint32_t max_ticks = 10'000) {
  for (std::uint32_t t = 1; t <= max_ticks; ++t) {
    node.tick();
    if (node.role() != Role::Follower) return t;
  }
  return max_ticks;
}

/// Node `id` made leader by hand: it proposes when its timer fires, and the first `members / 2`
/// other nodes promise and accept. Output drained.
inline paxos::PaxosElector make_leader(NodeId id, std::size_t members,
                                       const ConfigTweak& tweak = {}, HardState restored = {}) {
  auto node = make_node(id, members, tweak, restored);
  tick_until_proposal(node);
  const paxos::Ballot b = node.own_ballot();
  drain(node);
  std::size_t needed = members / 2;
  for (NodeId peer = 1; peer <= members && needed > 0; ++peer) {
    if (peer == id) continue;
    node.step(envelope(peer, id, paxos::Promise{b, true, b, {}, kNoNode}));
    --needed;
  }
  drain(node);
  needed = members / 2;
  for (NodeId peer = 1; peer <= members && needed > 0; ++peer) {
    if (peer == id) continue;
    node.step(envelope(peer, id, paxos::Accepted{b, true, b}));
    --needed;
  }
  drain(node);
  return node;
}

/// N Paxos electors (ids 1..N), a FIFO network, crashes and link cuts. The disk is instant, so
/// a batch's hard state is durable before any of its messages leaves. Deterministic.
class PaxosCluster {
 public:
  explicit PaxosCluster(std::size_t members, std::uint64_t seed = 1, ConfigTweak tweak = {})
      : seed_(seed),
        tweak_(std::move(tweak)),
        members_(members),
        links_(members * members, true),
        crashed_(members, false),
        leadership_(members) {
    for (std::size_t i = 1; i <= members; ++i) nodes_.push_back(fresh(static_cast<NodeId>(i), {}));
  }

  std::size_t size() const { return members_; }
  paxos::PaxosElector& node(NodeId id) { return nodes_[id - 1]; }
  bool crashed(NodeId id) const { return crashed_[id - 1]; }

  void tick(NodeId id) {
    if (crashed(id)) return;
    node(id).tick();
    collect(id);
  }
  void tick_all() {
    for (std::size_t i = 1; i <= members_; ++i) tick(static_cast<NodeId>(i));
  }
  /// Delivers queued messages (and the ones they cause) until the network is quiet. A message to
  /// a crashed node or over a cut link is lost (counted as sent, not delivered).
  std::size_t deliver_all(std::size_t limit = 1'000'000) {
    std::size_t delivered = 0;
    while (!queue_.empty() && delivered < limit) {
      const Envelope e = queue_.front();
      queue_.pop_front();
      if (crashed(e.to) || !link_up(e.from, e.to)) continue;
      ++delivered_by_slot_[message_counter_slot(e.message)];
      node(e.to).step(e);
      collect(e.to);
      ++delivered;
    }
    return delivered;
  }
  /// tick_all + deliver_all, `ticks` times.
  void run(std::size_t ticks) {
    for (std::size_t t = 0; t < ticks; ++t) {
      tick_all();
      deliver_all();
    }
  }
  /// Runs until exactly one live node leads and every live node follows it; returns the leader
  /// (kNoNode on give-up).
  NodeId run_until_stable(std::size_t max_ticks = 10'000) {
    for (std::size_t t = 0; t < max_ticks; ++t) {
      if (NodeId l = agreed_leader(); l != kNoNode) return l;
      tick_all();
      deliver_all();
    }
    return agreed_leader();
  }

  /// The one live leader every live node (in `among`, or all if empty) follows, or kNoNode.
  NodeId agreed_leader(const std::vector<NodeId>& among = {}) {
    const std::vector<NodeId> all = leaders();
    if (all.size() != 1) return kNoNode;
    for (std::size_t i = 1; i <= members_; ++i) {
      const NodeId id = static_cast<NodeId>(i);
      if (!among.empty() && std::find(among.begin(), among.end(), id) == among.end()) continue;
      if (!crashed(id) && nodes_[i - 1].status().leader != all[0]) return kNoNode;
    }
    return all[0];
  }
  /// Every live node that believes it leads, in id order.
  std::vector<NodeId> leaders() {
    std::vector<NodeId> found;
    for (std::size_t i = 1; i <= members_; ++i) {
      if (!crashed(static_cast<NodeId>(i)) && nodes_[i - 1].role() == Role::Leader) {
        found.push_back(static_cast<NodeId>(i));
      }
    }
    return found;
  }
  /// Live nodes whose lease is valid right now (lease safety wants at most one).
  std::size_t valid_leases() {
    std::size_t n = 0;
    for (std::size_t i = 1; i <= members_; ++i) {
      if (!crashed(static_cast<NodeId>(i)) && nodes_[i - 1].status().lease_valid) ++n;
    }
    return n;
  }

  /// The node stops: it neither ticks, receives nor sends; what it had queued is lost.
  void crash(NodeId id) {
    crashed_[id - 1] = true;
    std::erase_if(queue_, [&](const Envelope& e) { return e.from == id; });
  }
  /// Restarts a crashed (or live) node with its durable hard state and a fresh RNG stream.
  void restart(NodeId id) {
    nodes_[id - 1] = fresh(id, node(id).hard_state(), ++restarts_);
    crashed_[id - 1] = false;
  }
  void cut(NodeId a, NodeId b) { set_link(a, b, false); }
  /// Cuts every link between the two groups.
  void partition(const std::vector<NodeId>& a, const std::vector<NodeId>& b) {
    for (NodeId x : a) {
      for (NodeId y : b) cut(x, y);
    }
  }
  void heal() { links_.assign(links_.size(), true); }

  std::size_t sent(std::size_t counter_slot) const { return sent_by_slot_[counter_slot]; }
  template <class M>
  std::size_t sent_of_kind() const {
    return sent(counter_slot_of<M>());
  }
  template <class M>
  std::size_t delivered_of_kind() const {
    return delivered_by_slot_[counter_slot_of<M>()];
  }
  std::size_t messages_sent() const {
    std::size_t total = 0;
    for (std::size_t n : sent_by_slot_) total += n;
    return total;
  }
  const std::vector<LeadershipChange>& leadership(NodeId id) const { return leadership_[id - 1]; }
  /// Every message and event so far, one line each: the determinism tests compare these.
  const std::vector<std::string>& trace() const { return trace_; }

 private:
  paxos::PaxosElector fresh(NodeId id, HardState restored, std::uint64_t salt = 0) {
    paxos::Config c = test_config(id, members_);
    if (tweak_) tweak_(c);
    return paxos::PaxosElector(c, restored, Rng(seed_).fork(id * 131 + salt));
  }
  bool link_up(NodeId a, NodeId b) const { return links_[(a - 1) * members_ + (b - 1)]; }
  void set_link(NodeId a, NodeId b, bool up) {
    links_[(a - 1) * members_ + (b - 1)] = up;
    links_[(b - 1) * members_ + (a - 1)] = up;
  }
  void collect(NodeId id) {
    scratch_.clear();
    node(id).take_output(scratch_);
    for (const auto* list : {&scratch_.early_messages, &scratch_.messages}) {
      for (const auto& e : *list) {
        ++sent_by_slot_[message_counter_slot(e.message)];
        trace_.push_back(std::to_string(e.from) + "->" + std::to_string(e.to) + " " +
                         std::string(message_name(e.message)));
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
  ConfigTweak tweak_;
  std::size_t members_;
  std::vector<bool> links_;
  std::vector<bool> crashed_;
  std::vector<paxos::PaxosElector> nodes_;
  std::deque<Envelope> queue_;
  Output scratch_;
  std::vector<std::vector<LeadershipChange>> leadership_;
  std::vector<std::string> trace_;
  std::size_t sent_by_slot_[kMessageCounterSlots] = {};
  std::size_t delivered_by_slot_[kMessageCounterSlots] = {};
  std::uint64_t restarts_ = 0;
};

}  // namespace baton::paxos_test
