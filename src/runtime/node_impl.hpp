// Node::Impl: one Asio event loop thread drives the election core. Ticks come from the monotonic
// clock, messages from the TCP transport; each output batch is handled in the core's order: early
// messages, then the hard state made durable, then the messages that depend on it.
#pragma once

#include <array>
#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "baton/node.hpp"
#include "core/beat_schedule.hpp"
#include "core/elector.hpp"
#include "net/tcp_transport.hpp"
#include "runtime/event_hub.hpp"
#include "runtime/rtt_tracker.hpp"
#include "runtime/tick_schedule.hpp"
#include "sim/scenario.hpp"
#include "storage/hard_state_file.hpp"

namespace baton {

class Node::Impl {
 public:
  Impl(Node& owner, NodeOptions options);
  ~Impl();

  void start();
  void stop();
  bool hand_over(std::chrono::milliseconds timeout);

  NodeStatus status() const;
  NodeMetrics metrics() const;
  bool is_leader() const;
  NodeId leader() const;
  FenceToken fence_token() const;
  std::optional<std::chrono::steady_clock::time_point> lease_valid_until() const;
  std::uint16_t peer_port() const;
  NodeId id() const { return options_.id; }

  RequestOutcome resign();
  RequestOutcome transfer(NodeId to);
  void set_standing(bool standing);
  std::unique_ptr<EventSubscription> subscribe(std::size_t capacity) {
    return hub_.subscribe(capacity);
  }

 private:
  using Clock = std::chrono::steady_clock;

  // Loop-thread only.
  /// Arms the tick timer for the core's next due tick (or the follower's next read on the beat,
  /// if earlier), unless it is armed for an earlier one.
  void arm_tick_timer();
  /// The leader's heartbeats wait for a read on the beat, which comes before the core's due tick.
  bool beat_read_pending() const;
  /// Runs the due ticks, then `fn`: the only way anything reaches the core.
  template <class Fn>
  decltype(auto) with_current_ticks(Fn&& fn) {
    return runtime::with_current_ticks(
        *core_, ticks_, Clock::now(), [this] { drive(); }, std::forward<Fn>(fn));
  }
  void on_tick();
  /// After anything reached the core: publish the view, arm the tick timer for the core's next
  /// due tick (or the follower's read on the beat), and leave input unread while the core says
  /// it can wait (input_can_wait(): every peer's) or while a follower reads its leader's
  /// heartbeats on the beat (leader_beat(): the leader's only).
  void settle();
  void on_frame(NodeId from, std::string_view payload);
  void on_incoming_lost(NodeId from);
  void drive();  ///< drains the core's output until it has none
  void handle(Output& out);
  void send(const Envelope& envelope);
  void publish();
  void fail(const std::string& what);
  void log(const char* level, const std::string& message) const;
  void note_malformed(NodeId peer, const std::string& what);
  /// Runs `fn` on the loop thread and waits for its result (NotRunning if the loop is not).
  RequestOutcome run_on_loop(std::function<RequestOutcome()> fn);

  Node& owner_;
  const NodeOptions options_;
  const sim::Scenario settings_;
  runtime::TickSchedule ticks_;

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  asio::steady_timer tick_timer_;
  std::thread thread_;
  std::unique_ptr<net::TcpTransport> transport_;
  std::unique_ptr<storage::HardStateFile> hard_state_file_;
  std::unique_ptr<Elector> core_;
  Output out_;
  std::vector<Envelope> to_self_;
  runtime::RttTracker rtt_;
  /// The heartbeat round in flight is one the RTT histogram samples: its answers are read as they
  /// arrive, so their round trips are not stretched by deferred reading.
  bool rtt_sampling_ = false;
  /// A follower reads its leader's heartbeats on the beat (runtime/beat_schedule.hpp).
  BeatSchedule beats_;
  /// on_tick() is reading held input; `held_from_leader_`: some of it came from the leader.
  bool reading_held_ = false;
  bool held_from_leader_ = false;
  /// The transport defers every peer (the core said input_can_wait()), not just the leader.
  bool deferring_all_ = false;
  /// A Raft transfer started and has not ended: its messages wake the target.
  bool transfer_in_flight_ = false;
  std::map<NodeId, Clock::time_point> last_malformed_log_;
  std::atomic<bool> running_{false};
  std::atomic<bool> stopping_{false};

  // What other threads read, refreshed by publish() on the loop thread.
  mutable std::mutex mu_;
  Status core_status_{};
  Clock::time_point status_time_{};  ///< when core_status_ was taken
  std::optional<Clock::time_point> lease_until_;
  bool standing_ = true;
  NodeMetrics metrics_{};
  /// Message counts by counter slot (message_counter_slot()); metrics() names them. Counting by
  /// name would build a string, often on the heap, for every message sent or received.
  std::array<std::uint64_t, kMessageCounterSlots> sent_by_slot_{};
  std::array<std::uint64_t, kMessageCounterSlots> received_by_slot_{};
  std::map<NodeId, Clock::time_point> last_contact_;
  /// Transfers the core gave up on (TransferAborted): hand_over() moves on to the next peer.
  std::uint64_t transfers_aborted_ = 0;
  std::uint16_t peer_port_ = 0;

  runtime::EventHub hub_;
  // The last view published as events (loop thread only).
  bool was_leader_ = false;
  NodeId last_leader_ = kNoNode;
  Term last_term_ = 0;
};

}  // namespace baton
