// Test support for the Raft elector: config builders, single-node driving helpers, and an
// in-memory cluster (etcd network_test style) with cut/isolate/recover and deliver-until-quiet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "core/message.hpp"
#include "core/output.hpp"
#include "core/raft/raft_elector.hpp"
#include "core/rng.hpp"
#include "elector_checks.hpp"

namespace baton::test {

using ConfigTweak = std::function<void(raft::Config&)>;

/// Small, fast timings for tests: timeout [10, 20], heartbeat every 2 ticks.
inline raft::Config test_config(NodeId id, std::size_t members) {
  raft::Config c;
  c.id = id;
  for (std::size_t i = 1; i <= members; ++i) c.members.push_back(static_cast<NodeId>(i));
  c.election_timeout_ticks_min = 10;
  c.election_timeout_ticks_max = 20;
  c.heartbeat_interval_ticks = 2;
  c.resign_hold_ticks = 100;
  return c;
}

inline raft::RaftElector make_node(NodeId id, std::size_t members, const ConfigTweak& tweak = {},
                                   HardState restored = {}, std::uint64_t seed = 7) {
  raft::Config c = test_config(id, members);
  if (tweak) tweak(c);
  return raft::RaftElector(c, restored, Rng(seed * 1000 + id));
}

/// A node that will not time out for a long while (its priority is below everyone else's, with a
/// large step) and is past its start-up stickiness window: a pure voter for hand-driven tests.
inline raft::RaftElector make_voter(NodeId id, std::size_t members, const ConfigTweak& tweak = {},
                                    HardState restored = {}) {
  auto node = make_node(
      id, members,
      [&](raft::Config& c) {
        c.priorities.assign(members, 2);
        c.priorities[id - 1] = 1;
        c.priority_step_ticks = 1000;
        if (tweak) tweak(c);
      },
      restored);
  for (std::uint32_t i = 0; i < node.config().election_timeout_ticks_min; ++i) node.tick();
  return node;
}

/// Takes a node's output as a driver with an instant disk would: the hard state is durable at
/// once, so messages the node addressed to itself (its own vote) are handed straight back, and
/// whatever they cause is merged into the result. Early messages come first, then the rest.
inline Output drain(Elector& node) {
  Output out;
  node.take_output(out);
  for (std::size_t guard = 0; guard < 8; ++guard) {
    std::vector<Envelope> self;
    for (const auto& e : out.messages) {
      if (e.to == e.from) self.push_back(e);
    }
    if (self.empty()) break;
    std::erase_if(out.messages, [](const Envelope& e) { return e.to == e.from; });
    for (const auto& e : self) node.step(e);
    Output more;
    node.take_output(more);
    if (more.hard_state) out.hard_state = more.hard_state;
    out.early_messages.insert(out.early_messages.end(), more.early_messages.begin(),
                              more.early_messages.end());
    out.messages.insert(out.messages.end(), more.messages.begin(), more.messages.end());
    out.leadership.insert(out.leadership.end(), more.leadership.begin(), more.leadership.end());
    out.events.insert(out.events.end(), more.events.begin(), more.events.end());
  }
  return out;
}

inline Envelope envelope(NodeId from, NodeId to, Message m) {
  return Envelope{from, to, m};
}

template <class M>
std::vector<M> messages_of(const Output& out) {
  std::vector<M> found;
  for (const auto* list : {&out.early_messages, &out.messages}) {
    for (const auto& e : *list) {
      if (const auto* m = std::get_if<M>(&e.message)) found.push_back(*m);
    }
  }
  return found;
}

/// N electors (ids 1..N), a FIFO network, and fault switches. Everything is deterministic.
class RaftCluster {
 public:
  explicit RaftCluster(std::size_t members, std::uint64_t seed = 1, ConfigTweak tweak = {})
      : seed_(seed), tweak_(std::move(tweak)), links_(members * members, true) {
    for (std::size_t i = 1; i <= members; ++i) nodes_.push_back(fresh(static_cast<NodeId>(i), {}));
    leadership_.resize(members);
  }

  std::size_t size() const { return nodes_.size(); }
  raft::RaftElector& node(NodeId id) { return nodes_[id - 1]; }

  void tick(NodeId id) {
    node(id).tick();
    collect(id);
    if (on_event) on_event(*this);
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
      if (!link_up(e.from, e.to)) continue;
      node(e.to).step(e);
      collect(e.to);
      ++delivered;
      if (on_event) on_event(*this);
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
  /// Runs until exactly one node of the highest term leads; returns it (kNoNode on give-up).
  NodeId run_until_leader(std::size_t max_ticks = 10'000) {
    for (std::size_t t = 0; t < max_ticks; ++t) {
      if (NodeId l = leader(); l != kNoNode) return l;
      tick_all();
      deliver_all();
    }
    return leader();
  }

  /// The leader of the highest term any leader holds, or kNoNode.
  NodeId leader() {
    NodeId best = kNoNode;
    Term best_term = 0;
    for (auto& n : nodes_) {
      const Status s = n.status();
      if (s.role == Role::Leader && (best == kNoNode || s.term > best_term)) {
        best = s.id;
        best_term = s.term;
      }
    }
    return best;
  }

  void cut(NodeId a, NodeId b) { set_link(a, b, false); }
  void isolate(NodeId id) {
    for (std::size_t i = 1; i <= nodes_.size(); ++i) cut(id, static_cast<NodeId>(i));
  }
  void recover() { links_.assign(links_.size(), true); }
  /// Crash and restart `id` with its durable hard state and a fresh RNG stream.
  void restart(NodeId id) { nodes_[id - 1] = fresh(id, node(id).hard_state(), ++restarts_); }

  /// Called after every tick and every delivery: invariant checks go here.
  std::function<void(RaftCluster&)> on_event;

  /// Election messages sent so far (vote and pre-vote traffic, TimeoutNow).
  std::size_t election_messages_sent() const { return election_messages_sent_; }
  std::size_t sent(std::size_t counter_slot) const { return sent_by_slot_[counter_slot]; }
  const std::vector<LeadershipChange>& leadership(NodeId id) const { return leadership_[id - 1]; }
  /// Every message and event so far, one line each: the determinism tests compare these.
  const std::vector<std::string>& trace() const { return trace_; }

 private:
  raft::RaftElector fresh(NodeId id, HardState restored, std::uint64_t salt = 0) {
    raft::Config c = test_config(id, links_size());
    if (tweak_) tweak_(c);
    return raft::RaftElector(c, restored, Rng(seed_).fork(id * 131 + salt));
  }
  std::size_t links_size() const {
    std::size_t n = 0;
    while (n * n < links_.size()) ++n;
    return n;
  }
  bool link_up(NodeId a, NodeId b) const { return links_[(a - 1) * nodes_.size() + (b - 1)]; }
  void set_link(NodeId a, NodeId b, bool up) {
    links_[(a - 1) * nodes_.size() + (b - 1)] = up;
    links_[(b - 1) * nodes_.size() + (a - 1)] = up;
  }
  void collect(NodeId id) {
    scratch_.clear();
    node(id).take_output(scratch_);
    // The in-memory disk is instant: early messages and the rest leave together, and a message a
    // node addresses to itself (its own durable vote) comes back to it without the network.
    scratch_.messages.insert(scratch_.messages.begin(), scratch_.early_messages.begin(),
                             scratch_.early_messages.end());
    for (const auto& e : scratch_.messages) {
      if (e.to == e.from) {
        self_queue_.push_back(e);
        continue;
      }
      if (is_election_message(e.message)) ++election_messages_sent_;
      ++sent_by_slot_[message_counter_slot(e.message)];
      trace_.push_back(std::to_string(e.from) + "->" + std::to_string(e.to) + " " +
                       std::string(message_name(e.message)));
      queue_.push_back(e);
    }
    for (const auto& ev : scratch_.events) {
      trace_.push_back(std::to_string(id) + " " + std::string(to_string(ev.kind)) + " t" +
                       std::to_string(ev.term) + " " + std::string(ev.reason));
    }
    for (const auto& l : scratch_.leadership) leadership_[id - 1].push_back(l);
    while (!self_queue_.empty()) {
      const Envelope e = self_queue_.front();
      self_queue_.pop_front();
      node(e.to).step(e);
      collect(e.to);
    }
  }

  std::uint64_t seed_;
  ConfigTweak tweak_;
  std::vector<bool> links_;
  std::vector<raft::RaftElector> nodes_;
  std::deque<Envelope> queue_;
  std::deque<Envelope> self_queue_;
  Output scratch_;
  std::vector<std::vector<LeadershipChange>> leadership_;
  std::vector<std::string> trace_;
  std::size_t election_messages_sent_ = 0;
  std::size_t sent_by_slot_[kMessageCounterSlots] = {};
  std::uint64_t restarts_ = 0;
};

}  // namespace baton::test

namespace baton::test {

/// Ticks `node` until its role changes away from follower (or `max_ticks` pass); returns ticks.
/// What a driver does once a candidate's term and self-vote are durable: hands the vote back.
inline void deliver_own_vote(raft::RaftElector& node) {
  const NodeId id = node.config().id;
  node.step(Envelope{id, id, raft::VoteResponse{node.status().term, false, true}});
}

/// Ticks until the node leaves follower; a candidate's own vote is delivered as if its write were
/// instant (use plain tick() to hold it back).
inline std::uint32_t tick_until_campaign(raft::RaftElector& node,
                                         std::uint32_t max_ticks = 10'000) {
  for (std::uint32_t t = 1; t <= max_ticks; ++t) {
    node.tick();
    if (node.role() != Role::Follower) {
      if (node.role() == Role::Candidate) deliver_own_vote(node);
      return t;
    }
  }
  return max_ticks;
}

/// Node `id` of an `members`-node group, elected leader of term 1 by hand (no pre-vote), with the
/// output of getting there drained.
inline raft::RaftElector make_leader(NodeId id, std::size_t members,
                                     const ConfigTweak& tweak = {}) {
  auto node = make_node(id, members, [&](raft::Config& c) {
    c.pre_vote = false;
    if (tweak) tweak(c);
  });
  tick_until_campaign(node);
  const Term term = node.status().term;
  for (NodeId peer = 1; peer <= members && node.role() != Role::Leader; ++peer) {
    if (peer != id) node.step(envelope(peer, id, raft::VoteResponse{term, false, true}));
  }
  drain(node);
  return node;
}

}  // namespace baton::test
