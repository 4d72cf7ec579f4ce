// baton's Ring leader election core: Chang-Roberts (1979) on a ring ordered by id, with ring repair
// (acknowledged hops; a silent successor is skipped), an Elected round and leader heartbeats.
// A pure, copyable state machine: tick() and step() go in, an Output batch comes out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/elector.hpp"
#include "core/ring/config.hpp"
#include "core/rng.hpp"

namespace baton::ring {

/// One node's Ring elector. No clock, I/O, thread or global randomness.
///
/// Rules (tests/core/ring_rules_test.cpp names one test per rule): a leader timeout makes a node a
/// participant that sends Election{self} to its successor; an Election is acknowledged, then
/// forwarded with max(best, self) unless a participant sees a lower best (discarded: Chang-Roberts'
/// suppression of concurrent initiators); the node whose id returns wins with the next round after
/// the max epoch seen, owned by its id (core/owned_epoch.hpp), persisted in the batch of its
/// Elected; Elected travels once around the ring; every hop waits for an Ack and skips a successor
/// that stays silent; the leader sends Alive to everyone.
///
/// Ring is not partition-safe: each side of a cut elects a leader. After the cut heals the leader
/// with the newer epoch prevails; fencing (token = epoch, never the same for two winners) is what
/// stops the damage.
class RingElector final : public Elector {
 public:
  /// `restored` is the durable hard state from before a crash (or {} on first start); its term is
  /// the highest epoch this node had seen.
  RingElector(Config config, HardState restored, Rng rng);

  void tick() override;
  void step(const Envelope& envelope) override;
  bool has_output() const override { return !output_.empty(); }
  void take_output(Output& out) override;
  Status status() const override;
  HardState hard_state() const override { return hard_state_; }
  /// The earliest of the unacknowledged hops' ack deadlines and the role's own deadline (the
  /// leader's next Alive, a participant's election timeout, anyone else's leader timer).
  std::uint64_t ticks_until_due() const override;
  std::optional<LeaderBeat> leader_beat() const override;

  /// Ring has no hand-over: the winner is always the highest live id.
  RequestResult transfer(NodeId to) override;
  /// A leader steps down and, for leader_timeout_ticks_max, neither initiates nor puts its own id
  /// into passing elections (it still forwards them), so someone else wins.
  RequestResult resign() override;

  std::unique_ptr<Elector> clone() const override { return std::make_unique<RingElector>(*this); }
  std::string_view algorithm() const override { return "ring"; }

  /// Introspection for tests and the simulator.
  const Config& config() const { return config_; }
  Role role() const;
  bool participant() const { return participant_; }
  std::uint64_t now_ticks() const { return now_ticks_; }
  /// The epoch of the leader this node follows or is (0 when none is known).
  std::uint64_t leader_epoch() const { return epoch_; }
  bool presumed_dead(NodeId id) const;
  /// Ring messages sent and not yet acknowledged.
  std::size_t unacked() const { return pending_.size(); }

 private:
  static constexpr std::size_t kNotMember = static_cast<std::size_t>(-1);

  /// A ring message waiting for its Ack from `to`.
  struct Pending {
    NodeId to = kNoNode;
    std::uint64_t sequence = 0;
    std::uint64_t deadline_tick = 0;
    std::variant<Election, Elected> message;
  };

  // Message handlers. step() visits the Message variant; a ring message kind without an overload
  // does not compile.
  void on(NodeId from, const Election& m);
  void on(NodeId from, const Elected& m);
  void on(NodeId from, const Ack& m);
  void on(NodeId from, const Alive& m);
  /// Messages of other algorithms are dropped and counted. Constrained so that a ring message kind
  /// without its own handler above is still a compile error, not silently ignored.
  template <class M>
  requires(!std::is_same_v<M, Election> && !std::is_same_v<M, Elected> && !std::is_same_v<M, Ack> &&
           !std::is_same_v<M, Alive>) void on(NodeId from, const M& /*m*/) {
    emit(CoreEventKind::MessageIgnored, from, "message of another algorithm");
  }

  // Transitions.
  void initiate(std::string_view reason);
  void win(std::uint64_t seen_epoch);
  /// Follows `leader` of `epoch` (stepping down if this node led).
  void follow(NodeId leader, std::uint64_t epoch, std::string_view reason);
  void step_down(std::string_view reason);

  // Ring plumbing.
  /// The first member after `after` in ring order that is not presumed dead and is not this node,
  /// or kNoNode when every other member is presumed dead.
  NodeId next_live_after(NodeId after) const;
  /// Sends a ring message to the next live member after `after`, tracking it for its Ack. Returns
  /// false (and sends nothing) when no other member is live.
  bool send_ring(NodeId after, std::variant<Election, Elected> message);
  void on_ack_timeout(Pending pending);
  void drop_pending_elections();
  /// True when (epoch, leader) is newer than the leadership this node knows: epochs first, ids
  /// break ties. Owned epochs never tie between two winners (core/owned_epoch.hpp); the tie rule
  /// only orders epochs taken before them, as "max seen + 1".
  bool newer_than_known(std::uint64_t epoch, NodeId leader) const;

  // Helpers.
  std::size_t position_of(NodeId id) const;
  void note_epoch(std::uint64_t epoch);
  void arm_leader_timer();
  std::uint64_t election_timeout_ticks() const;
  void send(NodeId to, const Message& message);
  void emit(CoreEventKind kind, NodeId peer = kNoNode, std::string_view reason = {},
            std::uint64_t value = 0);

  Config config_;
  /// Members sorted by id: position i's successor is position i + 1 (mod n).
  std::vector<NodeId> ring_;
  std::size_t self_position_;
  HardState hard_state_;
  Rng rng_;

  bool leading_ = false;
  /// Chang-Roberts' "participant": has put an id into a live election and waits for its Elected.
  bool participant_ = false;
  NodeId leader_ = kNoNode;
  std::uint64_t epoch_ = 0;
  /// The (leader, epoch) of the last Elected this node forwarded: a repeat is dropped, so an
  /// Elected whose leader died on the way does not circle forever.
  NodeId forwarded_leader_ = kNoNode;
  std::uint64_t forwarded_epoch_ = 0;

  std::vector<bool> dead_;  ///< by ring position: presumed dead after an unacknowledged hop
  std::vector<Pending> pending_;
  std::uint64_t next_sequence_ = 1;

  std::uint64_t now_ticks_ = 0;
  std::uint64_t leader_deadline_tick_ = 0;
  std::uint64_t election_deadline_tick_ = 0;
  std::uint64_t heartbeat_due_tick_ = 0;
  std::uint64_t resign_hold_until_tick_ = 0;
  Output output_;
};

}  // namespace baton::ring
