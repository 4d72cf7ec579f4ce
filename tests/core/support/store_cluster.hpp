// Test support for the store-based recipes: N recipe nodes and one StoreNode on a FIFO network
// with per-message delay, in true (simulated) time, with per-node tick rates to model clock drift,
// crashes, link cuts and store outages. Generic over the recipe: nodes are built by a factory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "core/elector.hpp"
#include "core/message.hpp"
#include "core/output.hpp"
#include "core/rng.hpp"
#include "core/store/store_node.hpp"

namespace baton::store_test {

/// Builds recipe node `id` that talks to `store`, restored from `restored`; `incarnation` counts
/// its restarts (0 first), so the factory can give every life its own random stream.
using NodeFactory = std::function<std::unique_ptr<Elector>(
    NodeId id, NodeId store, HardState restored, std::uint64_t incarnation)>;

/// A leadership change with the true time it happened.
struct LeadershipEvent {
  std::uint64_t at_us = 0;
  NodeId node = kNoNode;
  LeadershipChange change;
};

/// Nodes 1..N run the recipe, node N+1 is the store. Time is true time in microseconds; every
/// node (and the store) ticks with its own period (nominal 1000 us = 1 ms), starting at a seeded
/// random phase. Messages on a link arrive in order after the link's delay. Deterministic.
class StoreCluster {
 public:
  static constexpr std::uint64_t kNominalPeriodUs = 1000;

  StoreCluster(std::size_t nodes, NodeFactory factory, std::uint64_t seed = 1,
               std::uint64_t delay_us = 1000, store::Config store_config = {})
      : n_(nodes),
        factory_(std::move(factory)),
        rng_(seed),
        delay_us_(nodes + 1, std::vector<std::uint64_t>(nodes + 1, delay_us)),
        link_up_(nodes + 1, std::vector<bool>(nodes + 1, true)),
        last_arrival_us_(nodes + 1, std::vector<std::uint64_t>(nodes + 1, 0)),
        store_(with_id(store_config, store_id())) {
    for (std::size_t i = 0; i <= n_; ++i) {
      clocks_.push_back(Clock{kNominalPeriodUs, rng_.unit() * kNominalPeriodUs});
    }
    for (NodeId id = 1; id <= n_; ++id) {
      nodes_.push_back(factory_(id, store_id(), {}, 0));
      crashed_.push_back(false);
      incarnations_.push_back(0);
    }
  }

  std::size_t size() const { return n_; }
  NodeId store_id() const { return static_cast<NodeId>(n_ + 1); }
  Elector& node(NodeId id) { return *nodes_[id - 1]; }
  store::StoreNode& store() { return store_; }
  std::uint64_t now_us() const { return now_us_; }
  bool crashed(NodeId id) const { return crashed_[id - 1]; }

  /// This node's (or the store's) local tick lasts `period_us` of true time from now on: a
  /// clock slow by d has period 1000 / (1 - d), fast by d 1000 / (1 + d).
  void set_period(NodeId id, double period_us) { clocks_[id - 1].period_us = period_us; }
  /// One-way delay of messages between `a` and `b` (both directions).
  void set_delay(NodeId a, NodeId b, std::uint64_t us) {
    delay_us_[a - 1][b - 1] = us;
    delay_us_[b - 1][a - 1] = us;
  }
  void cut(NodeId a, NodeId b) { set_link(a, b, false); }
  void isolate_store() {
    for (NodeId id = 1; id <= n_; ++id) cut(id, store_id());
  }
  void heal() {
    for (auto& row : link_up_) row.assign(row.size(), true);
  }
  /// The store service is down (no ticks, no requests served) until end_store_outage(), which
  /// gives every lease its full TTL again (StoreNode::recover_after_outage).
  void begin_store_outage() { store_down_ = true; }
  void end_store_outage() {
    store_down_ = false;
    store_.recover_after_outage();
  }
  /// The node stops: no ticks, nothing received. What it sent before stays in flight.
  void crash(NodeId id) { crashed_[id - 1] = true; }
  /// A new life of the node from its durable hard state.
  void restart(NodeId id) {
    nodes_[id - 1] =
        factory_(id, store_id(), nodes_[id - 1]->hard_state(), ++incarnations_[id - 1]);
    crashed_[id - 1] = false;
  }

  /// Runs every event up to now + `us`.
  void run_for(std::uint64_t us) {
    const std::uint64_t end = now_us_ + us;
    while (step_once(end)) {
    }
    now_us_ = end;
  }
  /// Runs until `done()` holds after an event (checked at most once per event) or `max_us` pass.
  bool run_until(const std::function<bool()>& done, std::uint64_t max_us) {
    const std::uint64_t end = now_us_ + max_us;
    if (done()) return true;
    while (step_once(end)) {
      if (done()) return true;
    }
    now_us_ = end;
    return done();
  }

  /// Live nodes whose role is Leader, in id order.
  std::vector<NodeId> leaders() {
    std::vector<NodeId> found;
    for (NodeId id = 1; id <= n_; ++id) {
      if (!crashed(id) && node(id).status().role == Role::Leader) found.push_back(id);
    }
    return found;
  }
  /// The one live leader every live node names, or kNoNode.
  NodeId agreed_leader() {
    const auto all = leaders();
    if (all.size() != 1) return kNoNode;
    for (NodeId id = 1; id <= n_; ++id) {
      if (!crashed(id) && node(id).status().leader != all[0]) return kNoNode;
    }
    return all[0];
  }

  /// Lease safety (DESIGN.md invariant 2), checked after every event: true time during which two
  /// or more nodes (crashed ones included: a crashed node acts on nothing, so they are skipped)
  /// each believed their lease valid.
  std::uint64_t overlap_us() const { return overlap_us_; }
  std::size_t max_valid_at_once() const { return max_valid_; }
  std::uint64_t first_overlap_at_us() const { return first_overlap_at_us_; }

  const std::vector<LeadershipEvent>& leadership() const { return leadership_; }
  std::size_t sent(std::size_t counter_slot) const { return sent_by_slot_[counter_slot]; }
  template <class M>
  std::size_t sent_of_kind() const {
    return sent(counter_slot_of<M>());
  }
  std::size_t messages_sent() const {
    std::size_t total = 0;
    for (std::size_t n : sent_by_slot_) total += n;
    return total;
  }
  /// Every message and event so far, one line each, for determinism checks and debugging.
  const std::vector<std::string>& trace() const { return trace_; }

 private:
  struct Clock {
    double period_us;
    double next_tick_us;
  };
  struct InFlight {
    std::uint64_t at_us;
    std::uint64_t seq;
    Envelope envelope;
    bool operator>(const InFlight& o) const {
      return at_us != o.at_us ? at_us > o.at_us : seq > o.seq;
    }
  };

  static store::Config with_id(store::Config c, NodeId id) {
    c.id = id;
    return c;
  }
  void set_link(NodeId a, NodeId b, bool up) {
    link_up_[a - 1][b - 1] = up;
    link_up_[b - 1][a - 1] = up;
  }
  Elector& elector(NodeId id) { return id == store_id() ? store_ : node(id); }
  bool down(NodeId id) const { return id == store_id() ? store_down_ : crashed(id); }

  /// Processes the earliest event at or before `end`; false when there is none. Messages first
  /// at equal times, then ticks in id order.
  bool step_once(std::uint64_t end) {
    std::size_t ticker = clocks_.size();
    double tick_at = 0;
    for (std::size_t i = 0; i < clocks_.size(); ++i) {
      if (ticker == clocks_.size() || clocks_[i].next_tick_us < tick_at) {
        ticker = i;
        tick_at = clocks_[i].next_tick_us;
      }
    }
    const bool message_first =
        !queue_.empty() && static_cast<double>(queue_.top().at_us) <= tick_at;
    if (message_first) {
      if (queue_.top().at_us > end) return false;
      const InFlight f = queue_.top();
      queue_.pop();
      advance(f.at_us);
      const Envelope& e = f.envelope;
      if (!down(e.to) && link_up_[e.from - 1][e.to - 1]) {
        elector(e.to).step(e);
        collect(e.to);
      }
    } else {
      if (tick_at > static_cast<double>(end)) return false;
      clocks_[ticker].next_tick_us += clocks_[ticker].period_us;
      advance(static_cast<std::uint64_t>(tick_at));
      const NodeId id = static_cast<NodeId>(ticker + 1);
      if (!down(id)) {
        elector(id).tick();
        collect(id);
      }
    }
    check_leases();
    return true;
  }

  void advance(std::uint64_t at_us) {
    if (at_us <= now_us_) return;
    if (valid_now_ >= 2) overlap_us_ += at_us - now_us_;
    now_us_ = at_us;
  }

  void check_leases() {
    std::size_t valid = 0;
    for (NodeId id = 1; id <= n_; ++id) {
      if (!crashed(id) && node(id).status().lease_valid) ++valid;
    }
    if (valid >= 2 && valid_now_ < 2 && first_overlap_at_us_ == 0) first_overlap_at_us_ = now_us_;
    valid_now_ = valid;
    if (valid > max_valid_) max_valid_ = valid;
  }

  void collect(NodeId id) {
    scratch_.clear();
    elector(id).take_output(scratch_);
    // Instant disk: the hard state is durable before anything leaves.
    for (const auto* list : {&scratch_.early_messages, &scratch_.messages}) {
      for (const auto& e : *list) {
        ++sent_by_slot_[message_counter_slot(e.message)];
        trace_.push_back(std::to_string(now_us_) + " " + std::to_string(e.from) + "->" +
                         std::to_string(e.to) + " " + std::string(message_name(e.message)));
        std::uint64_t& last = last_arrival_us_[e.from - 1][e.to - 1];
        const std::uint64_t at = std::max(now_us_ + delay_us_[e.from - 1][e.to - 1], last);
        last = at;  // FIFO per link
        queue_.push(InFlight{at, seq_++, e});
      }
    }
    for (const auto& ev : scratch_.events) {
      trace_.push_back(std::to_string(now_us_) + " " + std::to_string(id) + " " +
                       std::string(to_string(ev.kind)) + " " + std::string(ev.reason));
    }
    for (const auto& l : scratch_.leadership) leadership_.push_back({now_us_, id, l});
  }

  std::size_t n_;
  NodeFactory factory_;
  Rng rng_;
  std::vector<std::vector<std::uint64_t>> delay_us_;
  std::vector<std::vector<bool>> link_up_;
  std::vector<std::vector<std::uint64_t>> last_arrival_us_;
  store::StoreNode store_;
  bool store_down_ = false;
  std::vector<Clock> clocks_;  ///< by id - 1; the store's is last
  std::vector<std::unique_ptr<Elector>> nodes_;
  std::vector<bool> crashed_;
  std::vector<std::uint64_t> incarnations_;
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>> queue_;
  std::uint64_t seq_ = 0;
  std::uint64_t now_us_ = 0;
  std::size_t valid_now_ = 0;
  std::size_t max_valid_ = 0;
  std::uint64_t overlap_us_ = 0;
  std::uint64_t first_overlap_at_us_ = 0;
  Output scratch_;
  std::vector<LeadershipEvent> leadership_;
  std::vector<std::string> trace_;
  std::size_t sent_by_slot_[kMessageCounterSlots] = {};
};

}  // namespace baton::store_test
