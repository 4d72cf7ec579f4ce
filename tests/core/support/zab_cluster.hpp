// Test support for the ZAB elector: config builders, single-node driving helpers, and an
// in-memory cluster (FIFO links with a fixed latency in ticks, crash/restart, cut/heal, message
// counters).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/message.hpp"
#include "core/output.hpp"
#include "core/rng.hpp"
#include "core/zab/zab_elector.hpp"

// A namespace of its own: the other cluster headers have helpers of the same names.
namespace baton::zab_test {

using ConfigTweak = std::function<void(zab::Config&)>;

/// Small, fast timings for tests: finalize wait 10, notification resend 20..160, epoch timeout
/// 60, Ping every 5, leader timeout [20, 40], resign hold 60. The tweak sees `c.id`.
inline zab::Config test_config(NodeId id, std::size_t members) {
  zab::Config c;
  c.id = id;
  for (std::size_t i = 1; i <= members; ++i) c.members.push_back(static_cast<NodeId>(i));
  c.finalize_wait_ticks = 10;
  c.notification_timeout_ticks_min = 20;
  c.notification_timeout_ticks_max = 160;
  c.epoch_timeout_ticks = 60;
  c.heartbeat_interval_ticks = 5;
  c.leader_timeout_ticks_min = 20;
  c.leader_timeout_ticks_max = 40;
  c.resign_hold_ticks = 60;
  return c;
}

inline zab::ZabElector make_node(NodeId id, std::size_t members, const ConfigTweak& tweak = {},
                                 HardState restored = {}, std::uint64_t seed = 7) {
  zab::Config c = test_config(id, members);
  if (tweak) tweak(c);
  return zab::ZabElector(c, restored, Rng(seed * 1000 + id));
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

/// The messages of kind M in `out` (early and regular), with their receivers.
template <class M>
std::vector<std::pair<NodeId, M>> sent_of(const Output& out) {
  std::vector<std::pair<NodeId, M>> found;
  for (const auto* list : {&out.early_messages, &out.messages}) {
    for (const auto& e : *list) {
      if (const auto* m = std::get_if<M>(&e.message)) found.emplace_back(e.to, *m);
    }
  }
  return found;
}

template <class M>
std::vector<NodeId> receivers_of(const Output& out) {
  std::vector<NodeId> to;
  for (const auto& [id, m] : sent_of<M>(out)) to.push_back(id);
  return to;
}

// ---- single-node driving helpers for the rule tests -------------------------------------------

using zab::AckEpoch;
using zab::FollowerInfo;
using zab::NewEpoch;
using zab::Notification;
using zab::PeerState;
using zab::Ping;
using zab::PingAck;
using zab::Vote;

/// Node ids, for comparing receivers.
using Ids = std::vector<NodeId>;

inline Ids sorted(Ids ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

inline Vote vote_for(NodeId leader, std::uint64_t epoch = 0, std::uint64_t zxid = 0) {
  return Vote{epoch, zxid, leader};
}

inline Notification looking(Vote vote, std::uint64_t round = 1) {
  return Notification{vote, round, PeerState::Looking};
}

inline Notification claim(Vote vote, std::uint64_t round, PeerState state) {
  return Notification{vote, round, state};
}

/// A fresh node after its first tick (its first notifications sent and drained).
inline zab::ZabElector started(NodeId id, std::size_t members, const ConfigTweak& tweak = {},
                               HardState restored = {}) {
  auto node = make_node(id, members, tweak, restored);
  node.tick();
  drain(node);
  return node;
}

inline void tick_n(zab::ZabElector& node, std::uint64_t ticks) {
  for (std::uint64_t t = 0; t < ticks; ++t) node.tick();
}

/// Node `id` of a 3-node ensemble, decided for itself (peer 1 or 2 voted for it) and waiting
/// for FollowerInfo. Output drained.
inline zab::ZabElector prospective_leader(NodeId id, std::size_t members, HardState restored = {}) {
  auto node = started(id, members, {}, restored);
  const Vote mine = node.current_vote();
  std::size_t voted = 0;
  for (NodeId peer = 1; peer <= members && voted < members / 2; ++peer) {
    if (peer == id) continue;
    node.step(envelope(peer, id, looking(mine)));
    ++voted;
  }
  tick_n(node, node.config().finalize_wait_ticks);
  drain(node);
  EXPECT_EQ(node.peer_state(), PeerState::Leading);
  return node;
}

/// Node 3 of 3 as established leader of epoch 1 with follower 1. Output drained.
inline zab::ZabElector leader3() {
  auto node = prospective_leader(3, 3);
  node.step(envelope(1, 3, FollowerInfo{0}));
  node.step(envelope(1, 3, AckEpoch{1}));
  drain(node);
  EXPECT_EQ(node.role(), Role::Leader);
  return node;
}

/// Node `id` following `leader` (of a 3-node ensemble): decided, sent FollowerInfo. If `epoch`
/// is non-zero it also accepted NewEpoch(epoch) and got the first Ping. Output drained.
inline zab::ZabElector follower(NodeId id, NodeId leader, std::uint64_t epoch,
                                HardState restored = {}, const ConfigTweak& tweak = {}) {
  auto node = started(id, 3, tweak, restored);
  const Vote theirs = vote_for(leader, restored.term);
  node.step(envelope(leader, id, looking(theirs)));
  tick_n(node, node.config().finalize_wait_ticks);
  EXPECT_EQ(node.peer_state(), PeerState::Following);
  if (epoch != 0) {
    node.step(envelope(leader, id, NewEpoch{epoch}));
    node.step(envelope(leader, id, Ping{epoch}));
  }
  drain(node);
  return node;
}

/// N ZAB electors (ids 1..N) on FIFO links that deliver `latency_ticks` after sending (0: within
/// the same tick, until the network is quiet). Deterministic for a seed.
class ZabCluster {
 public:
  explicit ZabCluster(std::size_t members, std::uint64_t seed = 1, ConfigTweak tweak = {},
                      std::uint32_t latency_ticks = 0)
      : seed_(seed),
        tweak_(std::move(tweak)),
        latency_ticks_(latency_ticks),
        members_(members),
        links_(members * members, true),
        crashed_(members, false),
        leadership_(members) {
    for (std::size_t i = 1; i <= members; ++i) nodes_.push_back(fresh(static_cast<NodeId>(i), {}));
  }

  std::size_t size() const { return members_; }
  zab::ZabElector& node(NodeId id) { return nodes_[id - 1]; }
  bool crashed(NodeId id) const { return crashed_[id - 1]; }
  /// Global ticks so far (every node ticks once per global tick).
  std::uint64_t now() const { return now_; }

  /// One global tick: every live node ticks, then every message due by now is delivered (with
  /// latency 0 that includes the messages those deliveries cause).
  void tick_all() {
    ++now_;
    for (std::size_t i = 1; i <= members_; ++i) {
      const auto id = static_cast<NodeId>(i);
      if (crashed(id)) continue;
      node(id).tick();
      collect(id);
    }
    deliver_due();
  }
  void run(std::size_t ticks) {
    for (std::size_t t = 0; t < ticks; ++t) tick_all();
  }
  /// Runs until exactly one live node leads and every live node follows it; returns the leader
  /// (kNoNode on give-up).
  NodeId run_until_stable(std::size_t max_ticks = 10'000) {
    for (std::size_t t = 0; t < max_ticks; ++t) {
      if (NodeId l = agreed_leader(); l != kNoNode) return l;
      tick_all();
    }
    return agreed_leader();
  }

  /// The one live leader every live node knows, or kNoNode.
  NodeId agreed_leader() {
    const std::vector<NodeId> all = leaders();
    if (all.size() != 1) return kNoNode;
    for (std::size_t i = 1; i <= members_; ++i) {
      if (!crashed(static_cast<NodeId>(i)) && nodes_[i - 1].status().leader != all[0]) {
        return kNoNode;
      }
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

  /// The node stops: it neither ticks, receives nor sends; what it had queued is lost.
  void crash(NodeId id) {
    crashed_[id - 1] = true;
    std::erase_if(queue_, [&](const Queued& q) { return q.envelope.from == id; });
  }
  /// Restarts a node with its durable hard state and a fresh RNG stream.
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
  /// Notification, FollowerInfo, NewEpoch and AckEpoch messages (not Ping/PingAck) sent.
  std::size_t election_messages_sent() const { return election_messages_sent_; }
  std::size_t messages_sent() const {
    std::size_t total = 0;
    for (std::size_t n : sent_by_slot_) total += n;
    return total;
  }
  const std::vector<LeadershipChange>& leadership(NodeId id) const { return leadership_[id - 1]; }
  /// Every message and event so far, one line each: the determinism tests compare these.
  const std::vector<std::string>& trace() const { return trace_; }

 private:
  struct Queued {
    std::uint64_t due_tick = 0;
    Envelope envelope;
  };

  zab::ZabElector fresh(NodeId id, HardState restored, std::uint64_t salt = 0) {
    zab::Config c = test_config(id, members_);
    if (tweak_) tweak_(c);
    return zab::ZabElector(c, restored, Rng(seed_).fork(id * 131 + salt));
  }
  bool link_up(NodeId a, NodeId b) const { return links_[(a - 1) * members_ + (b - 1)]; }
  void set_link(NodeId a, NodeId b, bool up) {
    links_[(a - 1) * members_ + (b - 1)] = up;
    links_[(b - 1) * members_ + (a - 1)] = up;
  }
  void deliver_due() {
    // Constant latency keeps the queue sorted by due tick.
    while (!queue_.empty() && queue_.front().due_tick <= now_) {
      const Envelope e = queue_.front().envelope;
      queue_.pop_front();
      if (crashed(e.to) || !link_up(e.from, e.to)) continue;
      node(e.to).step(e);
      collect(e.to);
    }
  }
  void collect(NodeId id) {
    scratch_.clear();
    node(id).take_output(scratch_);
    // The in-memory disk is instant, so the hard state is durable before anything leaves.
    for (const auto* list : {&scratch_.early_messages, &scratch_.messages}) {
      for (const auto& e : *list) {
        if (is_election_message(e.message)) ++election_messages_sent_;
        ++sent_by_slot_[message_counter_slot(e.message)];
        trace_.push_back(std::to_string(now_) + " " + std::to_string(e.from) + "->" +
                         std::to_string(e.to) + " " + std::string(message_name(e.message)));
        queue_.push_back(Queued{now_ + latency_ticks_, e});
      }
    }
    for (const auto& ev : scratch_.events) {
      trace_.push_back(std::to_string(now_) + " " + std::to_string(id) + " " +
                       std::string(to_string(ev.kind)) + " e" + std::to_string(ev.term) + " " +
                       std::string(ev.reason));
    }
    for (const auto& l : scratch_.leadership) leadership_[id - 1].push_back(l);
  }

  std::uint64_t seed_;
  ConfigTweak tweak_;
  std::uint32_t latency_ticks_;
  std::size_t members_;
  std::vector<bool> links_;
  std::vector<bool> crashed_;
  std::vector<zab::ZabElector> nodes_;
  std::deque<Queued> queue_;
  Output scratch_;
  std::vector<std::vector<LeadershipChange>> leadership_;
  std::vector<std::string> trace_;
  std::uint64_t now_ = 0;
  std::size_t election_messages_sent_ = 0;
  std::size_t sent_by_slot_[kMessageCounterSlots] = {};
  std::uint64_t restarts_ = 0;
};

}  // namespace baton::zab_test
