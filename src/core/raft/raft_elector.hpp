// baton's Raft-style leader election core (Raft paper 5.2, Ongaro thesis ch. 3, 4.2.3, 6.2, 6.4,
// 9.6): a pure, copyable state machine. tick() and step() go in; an Output batch comes out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>

#include "core/elector.hpp"
#include "core/raft/config.hpp"
#include "core/raft/election_timer.hpp"
#include "core/raft/roles.hpp"
#include "core/rng.hpp"

namespace baton::raft {

/// One node's Raft elector. No clock, I/O, thread or global randomness: time is tick(), the
/// network is step(), jitter comes from the Rng handed in. Steady-state tick()/step() do not
/// allocate once the caller recycles its Output through take_output().
///
/// Rules implemented (see docs/raft.md and tests/core/raft_*_test.cpp):
/// one vote per term, step down on a higher term, reject stale terms, randomized timeouts,
/// pre-vote, check-quorum, leader stickiness (also right after start), the up-to-date check, leader
/// lease, leadership transfer, resign with hold, priorities and a preferred leader, election-storm
/// backoff, fence token = term, and the persistence rule (hard state in the batch of its messages).
class RaftElector final : public Elector {
 public:
  /// `restored` is the durable hard state from before a crash (or {} on first start).
  RaftElector(Config config, HardState restored, Rng rng);

  void tick() override;
  void step(const Envelope& envelope) override;
  bool has_output() const override { return !output_.empty(); }
  void take_output(Output& out) override;
  Status status() const override;
  HardState hard_state() const override { return hard_state_; }

  RequestResult transfer(NodeId to) override;
  /// Steps down to follower and does not stand for election for resign_hold_ticks. It still votes
  /// (after its own stickiness window, which protects the lease it may have held). It does not pick
  /// a successor: callers wanting a hand-over use transfer().
  RequestResult resign() override;
  /// While false, this node never campaigns (health abdication); it still votes.
  RequestResult set_standing(bool standing) override;
  /// Fast failover: a follower whose leader's connection reset forgets its leader contact and
  /// starts a pre-vote within a few ticks (members take turns by id, so they do not split the
  /// vote). Pre-vote keeps it harmless if the leader is alive: voters that still hear it refuse.
  /// Refused (NotSupported) with leader leases, which rely on every voter refusing votes for
  /// election_timeout_min after its last contact, and without pre-vote.
  /// A pre-vote that leader stickiness left unanswered shortly before is answered then: a peer
  /// that saw the same close a moment earlier asked while we still heard the leader.
  RequestResult leader_connection_lost(NodeId peer) override;

  /// The next tick that can fire a timer: the election timer off the leader; on the leader the
  /// next heartbeat, the first tick check-quorum could step down, the transfer timeout and the
  /// preferred-leader hand-over, whichever comes first.
  std::uint64_t ticks_until_due() const override;
  /// A leader with no transfer in progress whose next due tick is only a heartbeat, and whose
  /// lease (when it has one) holds through that tick: its followers' answers can wait for it.
  bool input_can_wait() const override;
  std::optional<LeaderBeat> leader_beat() const override;

  std::unique_ptr<Elector> clone() const override { return std::make_unique<RaftElector>(*this); }
  std::string_view algorithm() const override { return "raft"; }

  /// Introspection for tests and the simulator.
  const Config& config() const { return config_; }
  Role role() const;
  std::uint64_t now_ticks() const { return now_ticks_; }
  const ElectionTimer& election_timer() const { return timer_; }

 private:
  static constexpr std::size_t kNotMember = static_cast<std::size_t>(-1);

  // Message handlers: one overload per raft message. step() visits the Message variant with a
  // generic lambda that calls on(...); a message kind without an overload does not compile.
  void on(NodeId from, std::size_t from_index, const VoteRequest& m);
  void on(NodeId from, std::size_t from_index, const VoteResponse& m);
  /// Our own vote for ourselves, delivered back by the driver once it is durable.
  void on_own_vote(const VoteResponse& m);
  void on(NodeId from, std::size_t from_index, const Heartbeat& m);
  void on(NodeId from, std::size_t from_index, const HeartbeatResponse& m);
  void on(NodeId from, std::size_t from_index, const TimeoutNow& m);
  /// Messages of other algorithms are dropped and counted. Constrained so that a Raft message kind
  /// without its own handler above is still a compile error, not silently ignored.
  template <class M>
  requires(!std::is_same_v<M, VoteRequest> && !std::is_same_v<M, VoteResponse> &&
           !std::is_same_v<M, Heartbeat> && !std::is_same_v<M, HeartbeatResponse> &&
           !std::is_same_v<M, TimeoutNow>) void on(NodeId from, std::size_t /*from_index*/,
                                                   const M& /*m*/) {
    emit(CoreEventKind::MessageIgnored, from, "message of another algorithm");
  }

  void answer_pre_vote(NodeId from, const VoteRequest& m);
  void answer_vote(NodeId from, const VoteRequest& m);

  // Role transitions.
  void become_follower(Term term, NodeId leader, std::string_view reason);
  void become_pre_candidate();
  void become_candidate(bool transfer);
  void become_leader();

  // Ticks per role.
  void tick_election();
  void tick_leader(Leader& leader);
  /// The absolute ticks (> now_ticks_) at which tick_leader() may next act: its next heartbeat,
  /// and the first tick anything else (check-quorum, a transfer timeout, the preferred leader's
  /// hand-over) may act.
  struct LeaderDue {
    std::uint64_t heartbeat;
    std::uint64_t other;
  };
  LeaderDue leader_due(const Leader& leader) const;
  void broadcast_heartbeat(Leader& leader);
  void start_transfer(Leader& leader, NodeId to, std::size_t to_index);
  void maybe_transfer_to_preferred(Leader& leader);

  // Helpers.
  std::size_t index_of(NodeId id) const;
  bool can_stand() const;
  /// Thesis 4.2.3: heard from a current leader (or started) less than election_timeout_min ago,
  /// and its connection has not reset since (leader_connection_lost).
  bool in_leader_contact() const;
  /// leader_connection_lost() is accepted: pre-vote on, no leader lease.
  bool reset_campaign_allowed() const;
  bool log_up_to_date(const VoteRequest& m) const;
  void note_leader_contact(NodeId leader);
  void persist() { output_.hard_state = hard_state_; }
  void send(NodeId to, const Message& message);
  void broadcast(const Message& message);
  /// Like broadcast(), into Output::early_messages (may leave before the hard state is durable).
  void broadcast_early(const Message& message);
  void emit(CoreEventKind kind, NodeId peer = kNoNode, std::string_view reason = {},
            std::uint64_t value = 0);
  std::uint64_t transfer_timeout_ticks() const;

  Config config_;
  std::size_t self_index_;
  HardState hard_state_;
  Rng rng_;
  ElectionTimer timer_;
  RoleState role_;
  std::uint64_t lease_ticks_;
  std::uint64_t now_ticks_ = 0;
  /// Until this tick the node counts as in contact with a leader (thesis 4.2.3): the last tick
  /// it heard from a current leader (or was one) plus election_timeout_min. Starts as if it heard
  /// one at construction: a restarted node must refuse votes as if it had just heard from the
  /// leader, otherwise a crash-restart would void the lease that node's earlier ack helped grant.
  std::uint64_t leader_contact_until_tick_ = 0;
  std::uint64_t resign_hold_until_tick_ = 0;
  /// Cleared by set_standing(false) (health abdication).
  bool standing_ = true;
  /// True between this node starting an election and seeing a leader; a timeout while set means
  /// the election this node started elected nobody (the storm-control count).
  bool election_in_progress_ = false;
  /// Per member: the last pre-vote that leader stickiness ignored and the tick it came, kept only
  /// while reset_campaign_allowed(), to answer if this node's own leader connection resets.
  struct IgnoredPreVote {
    VoteRequest request;
    std::uint64_t tick = 0;
  };
  std::vector<std::optional<IgnoredPreVote>> ignored_pre_votes_;
  Output output_;
};

}  // namespace baton::raft
