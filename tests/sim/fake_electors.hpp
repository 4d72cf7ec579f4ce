// Test-only electors with scripted behaviour, used to check the engine and to check the checkers
// (a checker is only trusted once it has been seen firing on a crafted bad run).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "core/elector.hpp"
#include "sim/engine.hpp"
#include "sim/simulator.hpp"

namespace baton::sim::testing {

struct FakeSpec {
  std::uint64_t lead_after_ticks = 0;  ///< 0 = never lead
  Term term = 1;
  FenceToken token = 1;
  bool lease = false;                    ///< claims a valid lease while leading
  NodeId follow = kNoNode;               ///< acknowledges this node as leader of `term`...
  std::uint64_t follow_after_ticks = 1;  ///< ...from this tick on
  NodeId send_to = kNoNode;              ///< sends a Heartbeat{term, round = tick} here...
  std::uint64_t send_every = 0;          ///< ...every this many ticks (0 = never)
  bool persist_sends = false;            ///< each send's batch carries hard_state{term = tick}
  std::uint64_t due_every = 0;  ///< ticks_until_due(): the next multiple of this (0 = every tick)
  std::uint64_t wait_from_tick = 0;   ///< input_can_wait() from this tick count on (0 = never)...
  std::uint64_t wait_until_tick = 0;  ///< ...until this one (0 = no end), and until resign()
  /// leader_beat(): `follow`'s heartbeats every this many ticks, once it follows (0 = none).
  std::uint64_t beat_every = 0;
  /// Sends a TimeoutNow{term} (a message that does not wait for a reader) to `send_to` at this
  /// tick, after that tick's heartbeat if any (0 = never).
  std::uint64_t wake_at_tick = 0;
  /// Reports TransferStarted at this tick (0 = never): a hand-over, as far as the driver knows.
  std::uint64_t transfer_at_tick = 0;
};

/// Arrival::round of a connection reset (Elector::leader_connection_lost()).
inline constexpr std::uint64_t kConnectionReset = ~std::uint64_t{0};

struct Arrival {
  NodeId from;
  std::uint64_t round;
  std::uint64_t at_tick;  ///< this node's tick count when the message arrived
};

class FakeElector : public Elector {
 public:
  FakeElector(NodeId id, FakeSpec spec) : id_(id), spec_(spec) {}

  void tick() override {
    ++ticks_;
    if (spec_.lead_after_ticks != 0 && ticks_ == spec_.lead_after_ticks) {
      leading_ = true;
      out_.events.push_back({CoreEventKind::CampaignStarted, spec_.term, kNoNode, {}, 0});
      out_.events.push_back({CoreEventKind::BecameLeader, spec_.term, kNoNode, {}, 0});
      out_.leadership.push_back({true, spec_.term, spec_.token});
    }
    if (spec_.send_every != 0 && ticks_ % spec_.send_every == 0) {
      out_.messages.push_back(Envelope{id_, spec_.send_to, raft::Heartbeat{spec_.term, ticks_}});
      if (spec_.persist_sends) out_.hard_state = HardState{ticks_, kNoNode, 0};
    }
    if (spec_.transfer_at_tick != 0 && ticks_ == spec_.transfer_at_tick) {
      out_.events.push_back({CoreEventKind::TransferStarted, spec_.term, spec_.send_to, {}, 0});
    }
    if (spec_.wake_at_tick != 0 && ticks_ == spec_.wake_at_tick) {
      out_.messages.push_back(Envelope{id_, spec_.send_to, raft::TimeoutNow{spec_.term}});
    }
  }
  void step(const Envelope& env) override {
    const auto* hb = std::get_if<raft::Heartbeat>(&env.message);
    arrivals.push_back({env.from, hb ? hb->round : 0, ticks_});
  }
  bool has_output() const override { return !out_.empty(); }
  void take_output(Output& out) override {
    std::swap(out, out_);
    out_.clear();
  }
  Status status() const override {
    Status s;
    s.id = id_;
    if (leading_) {
      s.role = Role::Leader;
      s.term = spec_.term;
      s.leader = id_;
      s.fence_token = spec_.token;
      s.lease_valid = spec_.lease;
    } else if (spec_.follow != kNoNode && ticks_ >= spec_.follow_after_ticks) {
      s.term = spec_.term;
      s.leader = spec_.follow;
    }
    return s;
  }
  HardState hard_state() const override { return {}; }
  RequestResult transfer(NodeId) override { return RequestResult::NotSupported; }
  RequestResult leader_connection_lost(NodeId peer) override {
    arrivals.push_back({peer, kConnectionReset, ticks_});
    return RequestResult::Ok;
  }
  RequestResult resign() override {
    leading_ = false;
    resigned_ = true;
    return RequestResult::Ok;
  }
  std::uint64_t ticks_until_due() const override {
    return spec_.due_every == 0 ? 1 : spec_.due_every - ticks_ % spec_.due_every;
  }
  std::optional<LeaderBeat> leader_beat() const override {
    if (spec_.beat_every == 0 || status().leader != spec_.follow || spec_.follow == kNoNode) {
      return std::nullopt;
    }
    return LeaderBeat{spec_.follow, spec_.beat_every};
  }
  bool input_can_wait() const override {
    return spec_.wait_from_tick != 0 && ticks_ >= spec_.wait_from_tick &&
           (spec_.wait_until_tick == 0 || ticks_ < spec_.wait_until_tick) && !resigned_;
  }
  std::unique_ptr<Elector> clone() const override { return std::make_unique<FakeElector>(*this); }
  std::string_view algorithm() const override { return "fake"; }

  std::uint64_t ticks() const { return ticks_; }
  std::vector<Arrival> arrivals;

 private:
  NodeId id_;
  FakeSpec spec_;
  std::uint64_t ticks_ = 0;
  bool leading_ = false;
  bool resigned_ = false;
  Output out_;
};

/// A factory that gives node i the spec `specs[i]` (default: a silent node that never answers).
inline ElectorFactory fake_factory(std::map<NodeId, FakeSpec> specs) {
  return [specs](const Scenario&, NodeId id, const HardState&, Rng) -> std::unique_ptr<Elector> {
    auto it = specs.find(id);
    return std::make_unique<FakeElector>(id, it == specs.end() ? FakeSpec{} : it->second);
  };
}

/// A fault aimed at one node (crash, restart, pause for `duration`).
inline Fault node_fault(Fault::Kind kind, NodeId node, Micros duration = 0) {
  Fault f;
  f.kind = kind;
  f.targets = {Target{Target::Kind::Node, node}};
  f.duration = duration;
  return f;
}

/// A small quiet scenario: n nodes, 1 ms ticks, fixed 1 ms latency, no writer unless asked.
inline Scenario quiet_scenario(std::uint32_t nodes, Micros duration) {
  Scenario s;
  s.nodes = nodes;
  s.duration = duration;
  s.network.latency_ms_min = 1;
  s.network.latency_ms_max = 1;
  s.writer.interval_ms = 0;
  s.clocks.random_tick_phase = false;  // these tests assert exact tick instants
  return s;
}

inline FakeElector& fake(Simulation& sim, NodeId id) {
  return dynamic_cast<FakeElector&>(*sim.core(id));
}

}  // namespace baton::sim::testing
