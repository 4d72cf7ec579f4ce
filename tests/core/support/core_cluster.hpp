// Test support shared by the Bully, Paxos and ZAB cluster tests: N electors of one algorithm (ids
// 1..N) on FIFO links that deliver `latency_ticks` after sending (0: within the same global tick,
// until the network is quiet), with crash/restart, cut/partition/heal, message counters, each
// node's leadership changes and a trace for the determinism tests. The in-memory disk is instant,
// so a batch's hard state is durable before any of its messages leaves. Deterministic for a seed.
// (Raft's and Ring's clusters keep their own: Raft hands self-addressed votes back, Ring counts
// acks and partitions by side.)
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

namespace baton::core_test {

template <class ElectorT, class ConfigT>
class CoreCluster {
 public:
  using Tweak = std::function<void(ConfigT&)>;
  /// The test timings of node `id` of an `members`-node group, before the tweak.
  using MakeConfig = ConfigT (*)(NodeId id, std::size_t members);

  CoreCluster(std::size_t members, std::uint64_t seed, Tweak tweak, MakeConfig make_config,
              std::uint32_t latency_ticks = 0)
      : seed_(seed),
        tweak_(std::move(tweak)),
        make_config_(make_config),
        latency_ticks_(latency_ticks),
        members_(members),
        links_(members * members, true),
        crashed_(members, false),
        leadership_(members) {
    for (std::size_t i = 1; i <= members; ++i) nodes_.push_back(fresh(static_cast<NodeId>(i), {}));
  }

  std::size_t size() const { return members_; }
  ElectorT& node(NodeId id) { return nodes_[id - 1]; }
  bool crashed(NodeId id) const { return crashed_[id - 1]; }
  /// Global ticks so far (tick_all() counts them).
  std::uint64_t now() const { return now_; }

  void tick(NodeId id) {
    if (crashed(id)) return;
    node(id).tick();
    collect(id);
  }
  /// One global tick: every live node ticks once. Nothing is delivered (deliver_all() does).
  void tick_all() {
    ++now_;
    for (std::size_t i = 1; i <= members_; ++i) tick(static_cast<NodeId>(i));
  }
  /// Delivers every queued message due by now (with latency 0: all of them, and the ones they
  /// cause, until the network is quiet). A message to a crashed node or over a cut link is lost
  /// (counted as sent, not delivered).
  std::size_t deliver_all(std::size_t limit = 1'000'000) {
    std::size_t delivered = 0;
    // Constant latency keeps the queue sorted by due tick.
    while (!queue_.empty() && queue_.front().due_tick <= now_ && delivered < limit) {
      const Envelope e = queue_.front().envelope;
      queue_.pop_front();
      if (crashed(e.to) || !link_up(e.from, e.to)) continue;
      ++delivered_by_slot_[message_counter_slot(e.message)];
      if (is_election_message(e.message)) ++election_messages_delivered_;
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
      run(1);
    }
    return agreed_leader();
  }

  /// The one live leader every live node (in `among`, or all if empty) follows, or kNoNode.
  NodeId agreed_leader(const std::vector<NodeId>& among = {}) {
    const std::vector<NodeId> all = leaders();
    if (all.size() != 1) return kNoNode;
    for (std::size_t i = 1; i <= members_; ++i) {
      const auto id = static_cast<NodeId>(i);
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
    std::erase_if(queue_, [&](const Queued& q) { return q.envelope.from == id; });
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
  std::size_t delivered(std::size_t counter_slot) const { return delivered_by_slot_[counter_slot]; }
  template <class M>
  std::size_t sent_of_kind() const {
    return sent(counter_slot_of<M>());
  }
  template <class M>
  std::size_t delivered_of_kind() const {
    return delivered(counter_slot_of<M>());
  }
  /// Election messages (is_election_message(): not the leader's heartbeats and their answers),
  /// sent / delivered to live nodes.
  std::size_t election_messages_sent() const { return election_messages_sent_; }
  std::size_t election_messages_delivered() const { return election_messages_delivered_; }
  std::size_t messages_sent() const {
    std::size_t total = 0;
    for (std::size_t n : sent_by_slot_) total += n;
    return total;
  }
  std::size_t messages_delivered() const {
    std::size_t total = 0;
    for (std::size_t n : delivered_by_slot_) total += n;
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

  ElectorT fresh(NodeId id, HardState restored, std::uint64_t salt = 0) {
    ConfigT c = make_config_(id, members_);
    if (tweak_) tweak_(c);
    return ElectorT(c, restored, Rng(seed_).fork(id * 131 + salt));
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
        if (is_election_message(e.message)) ++election_messages_sent_;
        ++sent_by_slot_[message_counter_slot(e.message)];
        trace_.push_back(std::to_string(now_) + " " + std::to_string(e.from) + "->" +
                         std::to_string(e.to) + " " + std::string(message_name(e.message)) + " t" +
                         std::to_string(message_term(e.message)));
        queue_.push_back(Queued{now_ + latency_ticks_, e});
      }
    }
    for (const auto& ev : scratch_.events) {
      trace_.push_back(std::to_string(now_) + " " + std::to_string(id) + " " +
                       std::string(to_string(ev.kind)) + " t" + std::to_string(ev.term) + " " +
                       std::string(ev.reason));
    }
    for (const auto& l : scratch_.leadership) leadership_[id - 1].push_back(l);
  }

  std::uint64_t seed_;
  Tweak tweak_;
  MakeConfig make_config_;
  std::uint32_t latency_ticks_;
  std::size_t members_;
  std::vector<bool> links_;
  std::vector<bool> crashed_;
  std::vector<ElectorT> nodes_;
  std::deque<Queued> queue_;
  Output scratch_;
  std::vector<std::vector<LeadershipChange>> leadership_;
  std::vector<std::string> trace_;
  std::uint64_t now_ = 0;
  std::size_t election_messages_sent_ = 0;
  std::size_t election_messages_delivered_ = 0;
  std::size_t sent_by_slot_[kMessageCounterSlots] = {};
  std::size_t delivered_by_slot_[kMessageCounterSlots] = {};
  std::uint64_t restarts_ = 0;
};

}  // namespace baton::core_test
