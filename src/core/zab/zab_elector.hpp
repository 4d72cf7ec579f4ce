// baton's ZAB elector: ZooKeeper's fast leader election (FLE) plus ZAB's epoch establishment
// (phase 1), as a pure, copyable state machine. tick() and step() go in; an Output batch comes out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>

#include "core/elector.hpp"
#include "core/rng.hpp"
#include "core/zab/config.hpp"
#include "core/zab/roles.hpp"

namespace baton::zab {

/// One node's ZAB elector. No clock, I/O, thread or global randomness: time is tick(), the
/// network is step(), jitter comes from the Rng handed in.
///
/// Election (FLE): LOOKING nodes exchange votes (epoch, zxid, id) and adopt the best; a node
/// decides once a quorum agrees with its vote and no better one arrives within the finalize wait.
/// A node that hears a quorum of FOLLOWING/LEADING claims for one leader joins it at once.
/// Establishment (ZAB phase 1): followers send FollowerInfo(accepted epoch) to the chosen leader,
/// which proposes max(accepted of a quorum) + 1; a follower accepts only an epoch above its
/// accepted epoch and persists it before acking; the leader leads once a quorum acked. Two leaders
/// of one epoch would need a common follower to ack that epoch twice, which the durable accepted
/// epoch forbids: one leader per epoch, and the epoch is the fence token. ZAB has no lease:
/// status().lease_valid is always false. Zxids are 0 (pure election, no log).
///
/// Hard state: term = current epoch (last epoch acked or led), epoch = accepted epoch,
/// voted_for = the leader whose NewEpoch set the accepted epoch (so a duplicate NewEpoch from
/// it can be re-acked, and one from anyone else at the same epoch is refused).
///
/// Status mapping: LOOKING and a prospective leader -> Candidate, leader kNoNode; a follower ->
/// Follower, with its leader only once established (first Ping); established leader -> Leader,
/// term = fence token = epoch.
///
/// Rules and their tests: tests/core/zab_rules_test.cpp (FLE) and zab_epoch_rules_test.cpp
/// (phase 1, keep-alive, restart, requests); the list is in docs/zab.md.
class ZabElector final : public Elector {
 public:
  /// `restored` is the durable hard state from before a crash (or {} on first start). The node
  /// starts LOOKING and sends its first notifications on its first tick.
  ZabElector(Config config, HardState restored, Rng rng);

  void tick() override;
  void step(const Envelope& envelope) override;
  bool has_output() const override { return !output_.empty(); }
  void take_output(Output& out) override;
  Status status() const override;
  HardState hard_state() const override { return hard_state_; }
  /// The established leader wakes for its next Ping or for the tick its PingAck quorum lapses,
  /// whichever is first; every other role for its next deadline (finalize wait, notification
  /// resend, epoch or leader timeout). A node not yet announced is due at once.
  std::uint64_t ticks_until_due() const override;
  /// An established leader whose PingAck quorum, without the PingAcks not yet read, is still
  /// recent at its next Ping: they can wait for that tick. (A follower's FollowerInfo then waits up
  /// to a Ping interval too.)
  bool input_can_wait() const override;
  std::optional<LeaderBeat> leader_beat() const override;

  /// FLE picks the leader by vote order; there is no hand-over. NotSupported.
  RequestResult transfer(NodeId to) override;
  /// Leader only (else NotLeader): steps down to LOOKING and for resign_hold_ticks votes for the
  /// best other node instead of itself. Its followers see its LOOKING notification and look too.
  RequestResult resign() override;

  std::unique_ptr<Elector> clone() const override { return std::make_unique<ZabElector>(*this); }
  std::string_view algorithm() const override { return "zab"; }

  /// Introspection for tests and the simulator.
  const Config& config() const { return config_; }
  Role role() const;
  /// The state this node reports in its notifications.
  PeerState peer_state() const;
  std::uint64_t now_ticks() const { return now_ticks_; }
  /// FLE's logical clock: incremented each time the node starts LOOKING.
  std::uint64_t election_round() const { return round_; }
  /// The vote this node reports: its proposal while LOOKING, the decided vote afterwards.
  Vote current_vote() const;
  std::uint64_t current_epoch() const { return hard_state_.term; }
  std::uint64_t accepted_epoch() const { return hard_state_.epoch; }
  /// Ticks until the current role's next deadline (finalize, resend, epoch or leader timeout).
  std::uint64_t ticks_until_timeout() const;

 private:
  static constexpr std::size_t kNotMember = static_cast<std::size_t>(-1);

  // Message handlers: one overload per ZAB message. step() visits the Message variant with a
  // generic lambda that calls on(...); a ZAB message kind without an overload does not compile.
  void on(NodeId from, const Notification& m);
  void on(NodeId from, const FollowerInfo& m);
  void on(NodeId from, const NewEpoch& m);
  void on(NodeId from, const AckEpoch& m);
  void on(NodeId from, const Ping& m);
  void on(NodeId from, const PingAck& m);
  /// Messages of other algorithms are dropped and counted. Constrained so that a ZAB message kind
  /// without its own handler above is still a compile error, not silently ignored.
  template <class M>
  requires(!std::is_same_v<M, Notification> && !std::is_same_v<M, FollowerInfo> &&
           !std::is_same_v<M, NewEpoch> && !std::is_same_v<M, AckEpoch> &&
           !std::is_same_v<M, Ping> &&
           !std::is_same_v<M, PingAck>) void on(NodeId from, const M& /*m*/) {
    emit(CoreEventKind::MessageIgnored, from, "message of another algorithm");
  }

  // FLE (zab_elector_election.cpp).
  void on_looking_notification(Looking& looking, NodeId from, const Notification& m);
  void on_claim(Looking& looking, NodeId from, const Notification& m);
  /// Replaces our proposal and tells everyone; clears a pending finalize wait (a changed vote
  /// needs its own quorum).
  void update_proposal(Looking& looking, const Vote& vote);
  /// Starts the finalize wait once a quorum agrees with the proposal (termPredicate), or decides
  /// at once with a zero wait.
  void check_quorum(Looking& looking);
  /// The vote this node starts a round with: itself, or a null vote during a resign hold.
  Vote initial_vote() const;
  /// totalOrderPredicate, except that during a resign hold a vote for ourselves is never better.
  bool better(const Vote& theirs, const Vote& ours) const;
  /// Whether a quorum of claims (plus our own support) names `vote.leader` in `vote.epoch`, in
  /// any election round, and that leader itself claims to lead (FastLeaderElection.checkLeader).
  bool claims_quorum(const Looking& looking, const Vote& vote) const;
  void broadcast_notification(const Vote& vote);
  void reply_notification(NodeId to);

  // Role transitions (zab_elector.cpp).
  void start_looking(std::string_view reason);
  /// FLE decided on `vote` (in the current round): lead or follow it.
  void decide(const Vote& vote, std::string_view reason);
  void become_prospective_leader();
  void become_follower(NodeId leader);
  /// A prospective leader with a quorum of AckEpoch leads.
  void become_leader(ProspectiveLeader& prospective);
  void leave_leadership(std::string_view reason);

  // ZAB phase 1 helpers (zab_elector_epoch.cpp).
  void maybe_propose_epoch(ProspectiveLeader& prospective);
  void maybe_establish(ProspectiveLeader& prospective);
  void send_ping(NodeId to, std::uint64_t epoch) { send(to, Ping{epoch}); }

  // Ticks per role.
  void tick_looking(Looking& looking);
  void tick_leading(Leading& leading);
  /// The first tick at which tick_leading() finds fewer than a quorum of recent PingAcks (and
  /// steps down), if no PingAck arrives before it; the largest uint64 for a one-member ensemble.
  std::uint64_t quorum_lapse_tick(const Leading& leading) const;

  // Helpers.
  std::size_t index_of(NodeId id) const;
  std::size_t self_index() const { return index_of(config_.id); }
  std::size_t quorum() const { return config_.members.size() / 2 + 1; }
  bool can_stand() const { return now_ticks_ >= resign_hold_until_tick_; }
  std::uint64_t random_leader_timeout_ticks();
  void persist() { output_.hard_state = hard_state_; }
  void send(NodeId to, const Message& message);
  void send_early(NodeId to, const Message& message);
  void emit(CoreEventKind kind, NodeId peer = kNoNode, std::string_view reason = {},
            std::uint64_t value = 0);

  Config config_;
  HardState hard_state_;
  Rng rng_;
  RoleState role_;
  std::uint64_t now_ticks_ = 0;
  /// FLE's logical clock (not durable, as in ZooKeeper: a restarted node catches up from peers).
  std::uint64_t round_ = 0;
  /// The vote FLE decided on; what a FOLLOWING/LEADING node reports to lookers.
  Vote decided_vote_;
  /// FollowerInfo that arrived while this node was still LOOKING: the followers decided a tick
  /// before us. Kept until the next LOOKING period starts; a prospective leader starts from them.
  std::vector<std::optional<std::uint64_t>> early_follower_infos_;
  std::uint64_t resign_hold_until_tick_ = 0;
  Output output_;
};

}  // namespace baton::zab
