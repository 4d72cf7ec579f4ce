// baton's Paxos leader election core: a pure, copyable state machine. tick() and step() go in; an
// Output batch comes out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>

#include "core/elector.hpp"
#include "core/paxos/acceptor.hpp"
#include "core/paxos/backoff.hpp"
#include "core/paxos/config.hpp"
#include "core/paxos/roles.hpp"
#include "core/rng.hpp"

namespace baton::paxos {

/// One node's Paxos leader elector: proposer and acceptor of "who leads", with a PaxosLease-style
/// lease (Trencseni, Gazso, Reinhardt, "PaxosLease: Diskless Paxos for Leases", 2008).
///
/// A node that heard no leader for a randomized timeout proposes itself with ballot
/// (max round seen + 1, self). Phase 1: Prepare to all, a majority of Promises (its own counted
/// locally). Phase 2: Accept to all, a majority of Accepted. It then leads with the lease of
/// lease.hpp, renewed by LeaseRenew rounds a majority acks, and steps down when the lease lapses
/// (check-quorum). The fence token and Status.term are token_of(ballot). A leader whose renewal an
/// acceptor refuses (it promised a higher ballot) re-ballots at once with a higher ballot of its
/// own, so nodes that promised each other's ballots while cut off can rejoin.
///
/// Unlike single-decree Paxos the proposer never adopts a previously accepted value: an acceptor
/// grants only when the lease window of the ballot it accepted has passed, so whatever it
/// accepted is an expired lease (PaxosLease 3: "the proposer may propose itself if all responses
/// are empty", an acceptor's accepted lease being empty once expired).
///
/// Persistence: the acceptor state goes into Output::hard_state whenever it changes, and every
/// Promise, Accepted and LeaseAck goes into Output::messages (after the write). Prepare is an early
/// message (it promises nothing). Accept waits for the proposer's own write of its ballot: a
/// ballot then never reaches an acceptor unless it is durable at its proposer, so a restarted
/// proposer never reuses one, and no stale ack of an earlier incarnation can count toward a new
/// lease.
///
/// Rules implemented (tests/core/paxos_rules_test.cpp).
class PaxosElector final : public Elector {
 public:
  /// `restored` is the durable hard state from before a crash (or {} on first start).
  PaxosElector(Config config, HardState restored, Rng rng);

  void tick() override;
  void step(const Envelope& envelope) override;
  bool has_output() const override { return !output_.empty(); }
  void take_output(Output& out) override;
  Status status() const override;
  HardState hard_state() const override { return hard_state_; }
  /// The leader wakes for its next renewal or for the tick its lease lapses, whichever is first;
  /// every other role for its one deadline (leader timeout, backoff or phase timeout).
  std::uint64_t ticks_until_due() const override;
  /// A leader whose lease, without the acks not yet read, still holds at its next renewal: the
  /// acks can wait for that tick. (A refused LeaseAck then re-ballots up to a renewal later.)
  bool input_can_wait() const override;
  std::optional<LeaderBeat> leader_beat() const override;

  /// The Paxos messages have no "take over now" (Raft's TimeoutNow): NotSupported. resign() and
  /// letting the target's timeout fire first is the way to move leadership.
  RequestResult transfer(NodeId to) override;
  /// Leader only (else NotLeader): stops renewing and claiming the lease at once, and does not
  /// propose for resign_hold_ticks. The others take over once the acceptors' lease windows end.
  RequestResult resign() override;

  std::unique_ptr<Elector> clone() const override { return std::make_unique<PaxosElector>(*this); }
  std::string_view algorithm() const override { return "paxos"; }

  /// Introspection for tests and the simulator.
  const Config& config() const { return config_; }
  Role role() const;
  std::uint64_t now_ticks() const { return now_ticks_; }
  const Acceptor& acceptor() const { return acceptor_; }
  /// The largest ballot round seen in any message or in the restored state.
  std::uint64_t max_round_seen() const { return max_round_seen_; }
  /// The ballot this node proposes or leads with ({} as follower).
  Ballot own_ballot() const;
  /// Ticks until the follower's timer (leader timeout or backoff) or the phase timeout fires; 0
  /// for the leader.
  std::uint64_t ticks_until_timeout() const;
  const Backoff& backoff() const { return backoff_; }
  /// The leader lease length L (lease.hpp) in ticks.
  std::uint64_t lease_duration_ticks() const { return lease_duration_ticks_; }

 private:
  static constexpr std::size_t kNotMember = static_cast<std::size_t>(-1);

  // Message handlers: one overload per Paxos message. step() visits the Message variant with a
  // generic lambda; a Paxos message kind without an overload does not compile.
  void on(NodeId from, std::size_t from_index, const Prepare& m);
  void on(NodeId from, std::size_t from_index, const Promise& m);
  void on(NodeId from, std::size_t from_index, const Accept& m);
  void on(NodeId from, std::size_t from_index, const Accepted& m);
  void on(NodeId from, std::size_t from_index, const LeaseRenew& m);
  void on(NodeId from, std::size_t from_index, const LeaseAck& m);
  /// Messages of other algorithms are dropped and counted. Constrained so that a Paxos message
  /// kind without its own handler above is still a compile error, not silently ignored.
  template <class M>
  requires(!std::is_same_v<M, Prepare> && !std::is_same_v<M, Promise> &&
           !std::is_same_v<M, Accept> && !std::is_same_v<M, Accepted> &&
           !std::is_same_v<M, LeaseRenew> &&
           !std::is_same_v<M, LeaseAck>) void on(NodeId from, std::size_t /*from_index*/,
                                                 const M& /*m*/) {
    emit(CoreEventKind::MessageIgnored, from, "message of another algorithm");
  }

  // Acceptor side.
  /// Runs `ballot` past the acceptor (phase 1 if !accept, else phase 2 / renewal), with this
  /// node's own running proposal as an extra floor; persists what changed. Returns the refusal.
  Refusal judge(Ballot ballot, bool accept);
  /// The ballot this node's acceptor holds to: promised, or the own proposal if higher.
  Ballot floor() const;
  /// After a granted Accept or LeaseRenew from `leader`: follow it.
  void follow(NodeId leader, Ballot ballot);

  // Proposer side.
  void propose();
  void start_phase2(Preparing& preparing);
  void become_leader(Accepting& accepting);
  void renew(Leader& leader);
  /// The running ballot failed: back to follower, retry after a backoff wait.
  void fail(std::string_view reason);
  /// Leaves the Leader role (if held) reporting the change; the caller sets the next role.
  /// `release_own_window`: let our acceptor grant other nodes at once (our self-acks backed only
  /// the lease we are giving up); false when we re-ballot and want to keep the others out.
  void leave_leadership(std::string_view reason, bool release_own_window = true);

  // Time.
  void tick_leader(Leader& leader);
  void on_timeout();

  // Helpers.
  std::size_t index_of(NodeId id) const;
  bool can_stand() const { return now_ticks_ >= resign_hold_until_tick_; }
  std::uint64_t random_leader_timeout_ticks();
  void note_round(std::uint64_t round);
  void persist_if_changed();
  void send(NodeId to, const Message& message);
  void broadcast(const Message& message, bool early);
  void reset_backoff();
  void emit(CoreEventKind kind, NodeId peer = kNoNode, std::string_view reason = {},
            std::uint64_t value = 0);

  Config config_;
  std::size_t self_index_;
  std::uint64_t lease_duration_ticks_;
  Acceptor acceptor_;
  HardState hard_state_;
  Rng rng_;
  Backoff backoff_;
  RoleState role_;
  std::uint64_t now_ticks_ = 0;
  std::uint64_t max_round_seen_ = 0;
  std::uint64_t resign_hold_until_tick_ = 0;
  Output output_;
};

}  // namespace baton::paxos
