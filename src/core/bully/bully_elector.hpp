// baton's Bully leader election core (Garcia-Molina 1982): a pure, copyable state machine.
// tick() and step() go in; an Output batch comes out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>

#include "core/bully/config.hpp"
#include "core/bully/roles.hpp"
#include "core/elector.hpp"
#include "core/rng.hpp"

namespace baton::bully {

/// One node's Bully elector: the highest live id leads. No clock, I/O, thread or global
/// randomness: time is tick(), the network is step(), jitter comes from the Rng handed in.
///
/// Epochs: every Bully message carries an epoch, and the node remembers the largest it has seen
/// (HardState::term, persisted whenever it grows). A new coordinator takes the next round after the
/// max seen with its own id (core/owned_epoch.hpp), which is also its fence token, so a restarted
/// node never reuses an epoch it has seen and no two nodes ever announce the same one. Epochs do
/// not make Bully safe: two sides of a partition each elect a leader (DESIGN.md expects it);
/// fencing with the epoch, which tells the two apart, is what limits the damage.
///
/// Rules implemented (tests/core/bully_rules_test.cpp): Election to higher ids only; Answer and
/// take over an election from a lower id; coordinator after answer_timeout_ticks of silence,
/// announced to all but the higher nodes that did not answer; restart after
/// coordinator_timeout_ticks without a Coordinator; a lower-id Coordinator or Alive is bullied; a
/// higher one with a current epoch is accepted; Alive every heartbeat; randomized leader timeout,
/// also at start-up; resign with hold; other algorithms' messages ignored.
class BullyElector final : public Elector {
 public:
  /// `restored` is the durable hard state from before a crash (or {} on first start).
  BullyElector(Config config, HardState restored, Rng rng);

  void tick() override;
  void step(const Envelope& envelope) override;
  bool has_output() const override { return !output_.empty(); }
  void take_output(Output& out) override;
  Status status() const override;
  HardState hard_state() const override { return hard_state_; }
  /// The leader wakes for its next Alive; every other role for its one deadline (leader timer,
  /// answer or coordinator wait). Nothing else in tick() depends on the clock.
  std::uint64_t ticks_until_due() const override;
  std::optional<LeaderBeat> leader_beat() const override;

  /// Bully has no hand-over: the highest live id always takes leadership back. NotSupported.
  RequestResult transfer(NodeId to) override;
  /// Leader only (else NotLeader): steps down and for leader_timeout_ticks_max ticks neither starts
  /// elections nor Answers (an Answer would tell lower nodes to stand down and wait for a
  /// Coordinator this node will not send), and it accepts lower-id leaders instead of bullying
  /// them. Lower nodes notice the missing Alive and elect the next highest. When the hold ends the
  /// node bullies its way back on the next Alive it hears: in Bully, resigning is only a pause.
  RequestResult resign() override;

  std::unique_ptr<Elector> clone() const override { return std::make_unique<BullyElector>(*this); }
  std::string_view algorithm() const override { return "bully"; }

  /// Introspection for tests and the simulator.
  const Config& config() const { return config_; }
  Role role() const;
  std::uint64_t now_ticks() const { return now_ticks_; }
  /// The max epoch seen (what hard_state().term holds).
  std::uint64_t max_epoch_seen() const { return hard_state_.term; }
  /// Ticks until the current role's timer fires (leader timer, answer or coordinator wait); 0 for
  /// the leader, whose only timer is the heartbeat.
  std::uint64_t ticks_until_timeout() const;

 private:
  static constexpr std::size_t kNotMember = static_cast<std::size_t>(-1);

  // Message handlers: one overload per Bully message. step() visits the Message variant with a
  // generic lambda that calls on(...); a Bully message kind without an overload does not compile.
  void on(NodeId from, const Election& m);
  void on(NodeId from, const Answer& m);
  void on(NodeId from, const Coordinator& m);
  void on(NodeId from, const Alive& m);
  /// Messages of other algorithms are dropped and counted. Constrained so that a Bully message kind
  /// without its own handler above is still a compile error, not silently ignored.
  template <class M>
  requires(!std::is_same_v<M, Election> && !std::is_same_v<M, Answer> &&
           !std::is_same_v<M, Coordinator> &&
           !std::is_same_v<M, Alive>) void on(NodeId from, const M& /*m*/) {
    emit(CoreEventKind::MessageIgnored, from, "message of another algorithm");
  }

  /// What to do about a leader claim (Coordinator or Alive) from `from` with `epoch`.
  enum class Claim : std::uint8_t { Accept, Bully, Ignore };
  Claim judge_claim(NodeId from, std::uint64_t epoch, bool is_coordinator) const;
  /// Acts on a lower-id leader claim: the leader reasserts itself, a follower starts an election,
  /// a node already running one lets it finish (it will announce a larger epoch anyway).
  void bully();

  // Role transitions.
  void start_election(std::string_view reason);
  /// Takes the next epoch of its own after the max seen and announces it. `skip_higher`: the higher
  /// nodes did not answer this election, so they are presumed dead and get no Coordinator (the n-2
  /// best case).
  void become_coordinator(bool skip_higher, std::string_view reason);
  void become_follower(NodeId leader, std::uint64_t leader_epoch, std::string_view reason);
  /// The leader answers a challenge: re-announces its epoch, or a new one if someone has seen a
  /// larger epoch (then nodes holding that epoch would reject ours as stale).
  /// `to`: tell only this node (it sent an Election); kNoNode: everyone.
  void reassert(std::string_view reason, NodeId to = kNoNode);
  /// A follower that heard its leader within two heartbeat intervals.
  bool leader_recently_heard() const;

  // Ticks per role.
  void tick_leader(Leader& leader);
  void on_leader_timeout();

  // Helpers.
  std::size_t index_of(NodeId id) const;
  bool has_higher_member() const;
  bool can_stand() const { return now_ticks_ >= resign_hold_until_tick_; }
  bool running_election() const;
  NodeId current_leader() const;
  std::uint64_t leader_deadline() { return now_ticks_ + random_leader_timeout_ticks(); }
  std::uint64_t random_leader_timeout_ticks();
  /// Folds an epoch from a message into max seen, persisting it if it grew.
  void note_epoch(std::uint64_t epoch);
  void persist() { output_.hard_state = hard_state_; }
  void send(NodeId to, const Message& message);
  void emit(CoreEventKind kind, NodeId peer = kNoNode, std::string_view reason = {},
            std::uint64_t value = 0);

  Config config_;
  HardState hard_state_;
  Rng rng_;
  RoleState role_;
  std::uint64_t now_ticks_ = 0;
  std::uint64_t resign_hold_until_tick_ = 0;
  Output output_;
};

}  // namespace baton::bully
