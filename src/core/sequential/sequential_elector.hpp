// baton's ephemeral-sequential election over a coordination store: ZooKeeper's "leader election"
// recipe (zookeeper.apache.org/doc/current/recipes.html#sc_leaderElection) and etcd's
// concurrency.Election, as a pure, copyable state machine. tick() and step() go in; an Output
// batch (requests to the store) comes out.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>

#include "core/elector.hpp"
#include "core/rng.hpp"
#include "core/sequential/config.hpp"
#include "core/sequential/roles.hpp"
#include "core/store_client/session.hpp"

namespace baton::sequential {

/// One candidate of an ephemeral-sequential election. Every candidate holds a session (a lease
/// kept alive) and, bound to it, one entry under `prefix`; the store numbers entries by creation
/// (create_revision = sequence). The lowest entry's owner leads. Every other candidate watches
/// only the entry just below its own, so a deletion wakes exactly one candidate (no herd).
///
/// Safety rests on the store: an entry disappears only when its lease ends, and a leader stops
/// believing it leads before the store can end its lease (store_client::Session's local validity,
/// shrunk by the drift bound). So with clocks within max_clock_drift, two candidates never both
/// lead.
///
/// Fence token = the leader's sequence: entries are numbered by a store-wide revision that only
/// grows, so every later leader has a larger one. Status::term is the token of the leader this
/// node knows: its own while it leads, else the lowest entry of the last store answer. That is
/// best effort for a waiter: it watches only its predecessor, so nobody tells it when the leader
/// changes further up the queue. HardState::term keeps the largest token seen, only so that
/// Status::term stays monotonic in traces across restarts; correctness needs no durable state
/// (the store holds it all).
///
/// Rules implemented (tests/core/sequential_rules_test.cpp): the lowest leads; others watch only
/// their predecessor; a wake-up re-reads the predecessor and watches an earlier live one; own entry
/// gone -> start over; keep-alive answered with ttl 0 -> step down and start over; local validity
/// ends without renewal -> step down at once; a silent watch is re-armed every recheck_ticks;
/// unanswered requests are retried; resign revokes, holds, then re-queues at the back; answers to
/// old requests and other algorithms' messages are ignored.
///
/// The Rng only seeds the request ids (so a restarted node cannot take an answer meant for its
/// previous life for its own): the store orders the candidates, nothing else needs randomness.
class SequentialElector final : public Elector {
 public:
  /// `restored` is the durable hard state from before a crash (or {} on first start).
  SequentialElector(Config config, HardState restored, Rng rng);

  void tick() override;
  void step(const Envelope& envelope) override;
  bool has_output() const override { return !output_.empty(); }
  void take_output(Output& out) override;
  Status status() const override;
  HardState hard_state() const override { return hard_state_; }

  /// The queue decides who is next; there is no hand-over. NotSupported.
  RequestResult transfer(NodeId to) override;
  /// Leader only (else NotLeader): revokes the session (its entry goes at once, waking the next
  /// in line without waiting out a TTL), steps down, stays out for resign_hold_ticks, then joins
  /// again at the back of the queue with a new session.
  RequestResult resign() override;

  std::unique_ptr<Elector> clone() const override {
    return std::make_unique<SequentialElector>(*this);
  }
  std::string_view algorithm() const override { return "sequential"; }

  /// Introspection for tests and the simulator.
  const Config& config() const { return config_; }
  Role role() const;
  std::uint64_t now_ticks() const { return now_ticks_; }
  const store_client::Session& session() const { return session_; }
  /// This node's entry (create_revision 0 while it has none).
  store::Entry own_entry() const;
  /// The entry this node watches (create_revision 0 unless Waiting).
  store::Entry watched_entry() const;

 private:
  // Message handlers: one overload per answer this client expects. step() visits the Message
  // variant with a generic lambda that calls on(...).
  void on(const store::LeaseGrantResult& m);
  void on(const store::LeaseKeepAliveResult& m);
  void on(const store::CreateResult& m);
  void on(const store::PredecessorResult& m);
  void on(const store::WatchEvent& m);
  /// Everything else is dropped and counted: requests (we are a client) and other algorithms'
  /// messages. Constrained so that an expected answer without its own handler does not compile.
  template <class M>
  requires(!std::is_same_v<M, store::LeaseGrantResult> &&
           !std::is_same_v<M, store::LeaseKeepAliveResult> &&
           !std::is_same_v<M, store::CreateResult> &&
           !std::is_same_v<M, store::PredecessorResult> &&
           !std::is_same_v<M, store::WatchEvent>) void on(const M& /*m*/) {
    constexpr bool kOtherStoreKind =
        std::is_same_v<M, store::LeaseGrant> || std::is_same_v<M, store::LeaseKeepAlive> ||
        std::is_same_v<M, store::LeaseRevoke> || std::is_same_v<M, store::Put> ||
        std::is_same_v<M, store::PutResult> || std::is_same_v<M, store::Get> ||
        std::is_same_v<M, store::GetResult> || std::is_same_v<M, store::Create> ||
        std::is_same_v<M, store::Predecessor> || std::is_same_v<M, store::Watch>;
    emit(CoreEventKind::MessageIgnored, config_.store,
         kOtherStoreKind ? "store message this client never asked for"
                         : "message of another algorithm");
  }

  // Queue placement, from a store answer: lead if nothing is below us, else watch what is.
  void place(const store::Entry& own, const store::Entry& predecessor, const store::Entry& lowest);
  void watch(Waiting& waiting);
  void send_create(Joining& joining);
  void send_check(Waiting& waiting);

  // Role transitions.
  void become_leader(const store::Entry& own);
  /// Leaves leadership (if held) with a LeadershipChange and a SteppedDown event.
  void step_down(std::string_view reason);
  /// Drops session and entry and joins again with a new session (a new, larger sequence).
  /// `revoke`: tell the store to end the old lease now (it may still be alive there).
  void start_over(std::string_view reason, bool revoke);
  /// Joins the queue: a session first (if none is being granted), then Create.
  void join(std::string_view reason);

  // Helpers.
  /// Folds a leader's token into the largest seen, persisting it if it grew.
  void note_token(store::Revision token);
  void persist() { output_.hard_state = hard_state_; }
  void send(const Message& message);
  void emit(CoreEventKind kind, NodeId peer = kNoNode, std::string_view reason = {},
            std::uint64_t value = 0);

  Config config_;
  HardState hard_state_;
  Rng rng_;
  /// The session (lease) the entry is bound to. Also numbers every request this client sends, so
  /// a stale answer never matches a current request.
  store_client::Session session_;
  RoleState role_;
  std::uint64_t now_ticks_ = 0;
  Output output_;
};

}  // namespace baton::sequential
