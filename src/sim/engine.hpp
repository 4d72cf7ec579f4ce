// The simulation engine: one run of one scenario for one seed. It owns virtual time (one event
// queue), the nodes (elector core + clock + disk + pause inbox), the network, the fenced resource,
// the fault schedule, the checkers and the metrics. run_seed() is a thin wrapper; tests drive a
// Simulation directly to look inside.
//
// Determinism (TigerBeetle VOPR habit): one Rng seeded by the seed; per-purpose streams are forked
// from it in a fixed order (network, faults, electors, nemesis, clocks, disk) so an extra draw in
// one place never perturbs another. Ties in time are broken by scheduling order.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/beat_schedule.hpp"
#include "core/elector.hpp"
#include "core/output.hpp"
#include "core/rng.hpp"
#include "sim/check_election_safety.hpp"
#include "sim/check_fencing.hpp"
#include "sim/check_lease_safety.hpp"
#include "sim/event_queue.hpp"
#include "sim/network.hpp"
#include "sim/node_clock.hpp"
#include "sim/scenario.hpp"
#include "sim/simulator.hpp"
#include "sim/trace.hpp"

namespace baton::sim {

class Simulation {
 public:
  Simulation(const Scenario& scenario, std::uint64_t seed, const RunOptions& options = {});
  /// The simulation keeps a reference to its scenario: a temporary would dangle.
  Simulation(Scenario&& scenario, std::uint64_t seed, const RunOptions& options = {}) = delete;
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Processes every event with time <= `until` (and <= the scenario duration), unless a
  /// violation stops the run.
  void run_until(Micros until);
  /// Runs to the scenario's end and returns the result (end-of-run expectations evaluated).
  RunResult run();
  /// Evaluates end-of-run expectations and returns the result; call once.
  RunResult finish();

  /// Adds a fault to the schedule (tests). `at` must not be in the past.
  void schedule_fault(Micros at, const Fault& fault);

  // --- introspection (tests) ---
  Micros now() const { return now_; }
  bool stopped() const { return result_.violation.has_value(); }
  const RunResult& result() const { return result_; }
  std::uint32_t nodes() const { return n_; }
  /// The simulated store's node id (nodes() + 1) for the store-based recipes, else kNoNode.
  NodeId store_id() const { return store_id_; }
  const Status& status(NodeId id) const { return status_[id]; }
  bool crashed(NodeId id) const { return nodes_[id].crashed; }
  bool paused(NodeId id) const { return nodes_[id].paused; }
  const HardState& persisted(NodeId id) const { return nodes_[id].persisted; }
  Elector* core(NodeId id) { return nodes_[id].core.get(); }
  const Links& links() const { return links_; }
  std::uint64_t ticks(NodeId id) const { return nodes_[id].ticks; }
  const NodeClockModel& clock(NodeId id) const { return nodes_[id].clock; }
  /// The quorum-acknowledged (leader, term), if any.
  std::optional<std::pair<NodeId, Term>> acknowledged() const { return ack_; }

 private:
  /// One output batch waiting for the disk (persist before send).
  struct Batch {
    std::optional<HardState> hard_state;
    std::vector<std::uint32_t> slots;  ///< message pool slots, sent when the batch completes
  };
  /// down-queue: what one sender holds for this node while it is crashed (the runtime's
  /// OutgoingLink queue towards a peer whose connection is down), oldest first.
  struct DownQueue {
    struct Entry {
      std::uint32_t slot;  ///< message pool slot
      Micros sent_at;      ///< when the sender sent it: the queue's order
    };
    NodeId from = kNoNode;
    std::deque<Entry> entries;  ///< oldest first
    /// When the last message re-sent on the restart arrives: a TCP connection keeps its order, so
    /// nothing `from` sends this node afterwards may arrive before it.
    Micros resent_until = 0;
  };
  struct Node {
    std::unique_ptr<Elector> core;
    bool crashed = false;
    bool paused = false;
    std::uint32_t incarnation = 0;  ///< bumps on crash: stale disk completions are ignored
    std::uint32_t timer_gen = 0;    ///< bumps on crash/restart/pause/resume: stale timers ignored
    std::uint32_t pause_gen = 0;
    std::uint32_t restarts = 0;
    HardState persisted;
    NodeClockModel clock;
    std::uint64_t next_tick_k = 1;
    std::uint64_t next_write_k = 1;
    std::uint64_t ticks = 0;
    bool writer_missed = false;
    std::vector<std::uint32_t> inbox;  ///< message slots that arrived while paused
    /// defer-input: message slots the core let wait, in arrival order (the runtime leaves them in
    /// its sockets), and the tick after which they are read.
    std::vector<std::uint32_t> held;
    std::uint64_t held_until_tick = 0;
    /// defer-input, followers: when this node reads its leader's heartbeats (the runtime's
    /// schedule, core/beat_schedule.hpp). `held_for_beat`: what `held` holds are the leader's
    /// routine messages waiting for that read, not input waiting for the core's due tick.
    std::optional<BeatSchedule> beat;
    bool held_for_beat = false;
    /// defer-input: between the core's TransferStarted and the hand-over's end, what this node
    /// sends wakes its receiver (the runtime pads it so): the target reads at once.
    bool transfer_in_flight = false;
    /// campaign-on-leader-reset: peers whose connection closed while this node was paused (its
    /// kernel saw it; its driver reads it on waking, after what queued before).
    std::vector<NodeId> resets_while_paused;
    /// down-queue: the queues other nodes keep for this one while it is crashed, one per sender.
    std::vector<DownQueue> down_queues;
    std::deque<Batch> disk;
    Micros disk_free_at = 0;  ///< when the (serial) disk finishes its last accepted write
    std::uint32_t disk_done_deferred = 0;
  };
  struct WriteInFlight {
    NodeId writer = kNoNode;
    FenceToken token = 0;
  };
  struct FailoverTimer {
    Micros start = 0;
    NodeId leader = kNoNode;
    Term term = 0;
  };
  struct ExpectationState {
    bool held = true;
    bool started = false;
    std::optional<std::pair<NodeId, Term>> pair;
    std::string detail;
  };

  /// Stops the run with a "message-storm" violation past RunOptions::max_messages_in_flight.
  void check_message_storm();

  // events
  void handle(const Event& event);
  /// run_tick(), then the next Tick event.
  void on_tick(NodeId id);
  /// One tick of node `id`'s core and what follows it in the same wake-up (its output, its status,
  /// input held for the tick); a resumed node runs one for each tick it slept through.
  void run_tick(NodeId id);
  /// `sender_incarnation`: the sender's incarnation when it sent the message (down-queue).
  void on_deliver(std::uint32_t slot, std::uint32_t sender_incarnation);
  void on_disk_done(NodeId id);
  void on_writer(NodeId id);
  void on_write_arrive(std::uint32_t slot);
  void on_fault(const Fault& fault);

  // node plumbing
  std::unique_ptr<Elector> build_core(NodeId id);
  void start_timers(NodeId id);
  void drain_output(NodeId id);
  /// Hands one message to the core: step, then its output and status.
  void step_message(NodeId id, std::uint32_t slot);
  /// defer-input: holds `slot` for node `id` (whose core says input_can_wait()).
  void hold_input(NodeId id, std::uint32_t slot);
  /// defer-input: steps everything `id` holds, in arrival order; `fate` is what the trace says.
  void read_held_input(NodeId id, InputFate fate);
  /// defer-input: reads the held input once the due tick has run or the core no longer lets it
  /// wait (for a follower's heartbeats: once its beat has come, or it no longer holds them).
  /// Called after every tick and request, and after a message stepped past the hold.
  void maybe_read_held_input(NodeId id);
  /// campaign-on-leader-reset: every connection of `node` closes (its process died, or with
  /// `both_ends` a `reset` fault while it lives): each peer it is not cut off from sees the close
  /// behind whatever `node` sent it that is still in flight; with `both_ends`, `node` too sees each
  /// peer's end close behind what that peer sent it.
  void schedule_connection_resets(NodeId node, bool both_ends = false);
  /// campaign-on-leader-reset: `id` sees its connection to `peer` close (the core decides
  /// whether that was its leader).
  void on_connection_reset(NodeId id, NodeId peer);
  /// defer-input: what a tick just run lets the node read (a follower's read on the beat, or
  /// input held until the due tick); then its schedule follows the core's leader.
  void read_input_after_tick(NodeId id);
  /// defer-input, followers: whether `env`, arriving now, waits for the beat (a routine message
  /// from the leader while the schedule holds).
  bool waits_for_beat(NodeId id, std::uint32_t slot) const;
  /// defer-input, followers: holds `slot` for node `id` until its read on the beat.
  void hold_for_beat(NodeId id, std::uint32_t slot);
  /// defer-input, followers: the read on the beat, due after the tick just run; it may find
  /// nothing (a miss, which the schedule counts).
  void read_on_beat(NodeId id);
  /// defer-input, followers: steps one message read as it arrived and lets the schedule see it
  /// (a heartbeat read as it arrives measures the beat).
  void step_arrival(NodeId id, std::uint32_t slot);
  /// defer-input, followers: the schedule follows the core's view of its leader's beat (the
  /// runtime does after every change of the core).
  void follow_beat(NodeId id);
  /// down-queue: keeps a message for a crashed receiver (sent to it while it was down, or in flight
  /// when it crashed) in the sender's queue for it, in send order, if the sender still runs the
  /// life that sent it and the link is not blocked. False: the caller drops it.
  /// `on_arrival`: it was in flight when the receiver crashed (traced as queued on arrival).
  bool queue_for_down_node(std::uint32_t slot, std::uint32_t sender_incarnation, bool on_arrival);
  /// down-queue: the queue `from` keeps for `to`; created when `create`, else null if none.
  DownQueue* down_queue(NodeId from, NodeId to, bool create);
  /// down-queue: `queue`'s sender re-sends it to the restarted `to`, in order (the reconnect).
  void flush_down_queue(NodeId to, DownQueue& queue);
  /// down-queue: every queue `from` holds for a node that is up again (on `from`'s resume).
  void flush_down_queues_from(NodeId from);
  /// down-queue: `from` crashed; the queues in its memory are lost.
  void drop_down_queues_from(NodeId from);
  /// down-queue: remembers when the message in `slot` was sent (the queue's order).
  void note_sent(std::uint32_t slot);
  void complete_disk_write(NodeId id);
  void send(const Envelope& envelope);
  void attempt_write(NodeId id);
  void update_status(NodeId id);
  void crash(NodeId id, bool wipe);
  void restart(NodeId id);
  void pause(NodeId id, Micros duration);
  void resume(NodeId id);

  // faults
  std::vector<NodeId> resolve(const Target& target, const std::vector<NodeId>& exclude = {});
  NodeId current_leader() const;  ///< live, unpaused, role Leader, highest term; kNoNode if none
  void apply_partition(const Fault& fault);
  bool leader_cut_off(NodeId leader) const;
  void maybe_cancel_failover();

  // after every event
  void after_event(bool probe);
  std::optional<std::pair<NodeId, Term>> compute_ack(std::uint64_t* acks) const;
  std::optional<std::pair<NodeId, Term>> compute_store_ack(std::uint64_t* acks) const;
  void evaluate_windows();
  /// TwoLeaders: holds from the first instant two live nodes are leader at once.
  void note_two_leaders(ExpectationState& st) const;
  void violate(const char* invariant, std::string detail);

  void record(const TraceRecord& r);
  /// A pool slot for `envelope`; `wakes`: its sender padded it to wake a deferring receiver.
  std::uint32_t alloc_slot(const Envelope& envelope, bool wakes = false);
  void free_slot(std::uint32_t slot) { free_slots_.push_back(slot); }
  std::string_view own(std::string text);
  std::vector<NodeId> resolve_expectation_nodes(const std::vector<Target>& targets) const;
  std::uint32_t majority() const { return n_ / 2 + 1; }
  bool live(NodeId id) const { return !nodes_[id].crashed; }
  bool active(NodeId id) const { return !nodes_[id].crashed && !nodes_[id].paused; }

  const Scenario& scenario_;
  const RunOptions& options_;
  std::uint32_t n_;      ///< electors: ids 1..n_
  NodeId store_id_;      ///< n_ + 1 when the algorithm elects through a store, else kNoNode
  std::uint32_t total_;  ///< n_, plus the store node if there is one
  Micros tick_us_, writer_us_, end_;
  bool tracing_;

  Rng network_rng_, fault_rng_, nemesis_rng_, clock_rng_, disk_rng_;
  std::uint64_t elector_seed_;

  EventQueue queue_;
  Micros now_ = 0;
  std::vector<Node> nodes_;     // index 0 unused
  std::vector<Status> status_;  // cached status() per node, index 0 unused
  std::vector<std::uint8_t> active_;
  Output out_;                  // reused for every take_output
  std::vector<Envelope> pool_;  // in-flight message storage
  std::vector<bool> wakes_;     // by slot: sent during a hand-over (defer-input)
  /// campaign-on-leader-reset: when the last message from a to b arrives, at [a * (total_ + 1) + b]
  /// (TCP order: a connection's close does not overtake its data). Empty when the setting is off.
  std::vector<Micros> last_arrival_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<Micros> sent_at_;  // per pool slot, when its message was sent (down-queue only)
  std::vector<WriteInFlight> writes_;
  std::vector<std::uint32_t> free_writes_;
  Links links_;
  NetworkModel network_;
  std::vector<TimedFault> faults_;
  std::vector<std::vector<NodeId>> last_partition_;

  ElectionSafetyChecker election_safety_;
  LeaseSafetyChecker lease_safety_;
  FencingChecker fencing_;
  FenceToken resource_max_token_ = 0;
  bool resource_any_ = false;

  bool dirty_ = true;
  std::optional<std::pair<NodeId, Term>> ack_;
  std::optional<FailoverTimer> failover_;
  std::vector<ExpectationState> exp_state_;
  bool has_windows_ = false;
  /// Terms a campaign started in. A set, not a vector indexed by term: Bully's and Ring's epochs
  /// are round·2^16 + id (core/owned_epoch.hpp), so such a vector grew 64 KiB per round.
  std::unordered_set<Term> term_seen_;

  TraceRing ring_;
  std::deque<std::string> owned_text_;
  RunResult result_;
  bool finished_ = false;
};

}  // namespace baton::sim
