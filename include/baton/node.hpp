// The public C++ API of a baton node: start one in your process, ask whether it leads, get its
// fence token, and hear about every leadership change. Thread-safe: every member may be called from
// any thread. The node runs its own event loop thread (Asio) that drives the election core.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace baton {

using NodeId = std::uint32_t;
using Term = std::uint64_t;
using FenceToken = std::uint64_t;

/// Thrown by Node's constructor and start() for a configuration or state it cannot run with; the
/// message names what was wrong (the setting, the file, the address).
class NodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// How to run one node.
struct NodeOptions {
  NodeId id = 0;
  /// Every connection handshake carries it; a node of another cluster is refused.
  std::string cluster_id = "baton";
  /// host:port to listen on for peers (port 0 = pick a free one; see Node::peer_port()).
  std::string listen = "127.0.0.1:0";
  /// The other members: id -> host:port. This node's own id must not be in it.
  std::map<NodeId, std::string> peers;
  /// raft, bully, ring, paxos or zab.
  std::string algorithm = "raft";
  /// Algorithm and timing settings with the same keys and value syntax as `baton sim`
  /// (docs/scenarios.md), e.g. {"election-timeout-ms", "150-300"}, {"heartbeat-ms", "50"},
  /// {"tick-ms", "1"}. Unknown keys or bad values make the constructor throw NodeError.
  std::vector<std::pair<std::string, std::string>> settings;
  /// Where the durable hard state lives (created if missing).
  std::string data_dir;
  /// Follower whose connection from the leader is reset starts a pre-vote at once instead of
  /// waiting out its timer (Raft only; refused together with leader-lease, docs/runtime.md).
  bool campaign_on_leader_reset = false;
  /// Where the node's log lines go (level is "info", "warn" or "error"). Empty: stderr, one line
  /// each. Called from the node's threads; must be thread-safe.
  std::function<void(const char* level, const std::string& message)> log;
};

/// What a leadership event says happened.
enum class LeadershipEventKind : std::uint8_t {
  Snapshot,       ///< first event of every subscription, and after FellBehind: the current view
  Elected,        ///< this node became leader
  Demoted,        ///< this node stopped being leader
  LeaderChanged,  ///< another node is now known as leader
  NoLeader,       ///< the known leader is gone and none is known yet
  FellBehind,     ///< the subscriber was too slow; events were lost; a Snapshot follows
};

/// snake_case names; also the words of the HTTP API and its event stream (docs/http-api.md).
const char* to_string(LeadershipEventKind kind);

/// One entry of the leadership event stream.
struct LeadershipEvent {
  LeadershipEventKind kind = LeadershipEventKind::Snapshot;
  std::uint64_t sequence = 0;  ///< 1, 2, 3... per node; a gap never happens (FellBehind instead)
  NodeId node = 0;             ///< the node that reports it
  NodeId leader = 0;           ///< the leader after the event (0 = none known)
  Term term = 0;               ///< term / epoch / ballot round after the event
  FenceToken fence_token = 0;  ///< the leader's token (this node's if it leads), 0 if unknown
  bool is_leader = false;      ///< this node leads after the event
  std::chrono::steady_clock::time_point at{};  ///< monotonic time of the change
  std::int64_t unix_ms = 0;                    ///< wall time, for people only
};

/// A subscriber's end of the event stream. Bounded: when more than `capacity` events wait, the
/// queue is dropped, FellBehind is delivered, then a fresh Snapshot; the node never blocks.
class EventSubscription {
 public:
  virtual ~EventSubscription() = default;
  /// Waits up to `timeout` for the next event; nullopt on timeout or once the node stopped.
  virtual std::optional<LeadershipEvent> next(std::chrono::milliseconds timeout) = 0;
  /// Wakes a thread blocked in next() and ends the subscription.
  virtual void close() = 0;
};

/// What a node knows about a peer.
struct PeerStatus {
  NodeId id = 0;
  std::string address;
  bool connected = false;  ///< our outgoing connection is up
  /// Milliseconds since we last received anything from this peer (-1 = never).
  std::int64_t last_contact_ms_ago = -1;
};

/// A consistent snapshot of the node.
struct NodeStatus {
  NodeId id = 0;
  std::string algorithm;
  std::string role;  ///< follower, pre-candidate, candidate, leader
  Term term = 0;
  NodeId leader = 0;
  FenceToken fence_token = 0;  ///< this node's token while it leads, else the leader's if known
  bool lease_valid = false;
  /// Milliseconds the lease still holds on the monotonic clock (0 when not valid).
  std::int64_t lease_remaining_ms = 0;
  bool standing = true;  ///< false while health abdication keeps it out of elections
  std::vector<PeerStatus> peers;
};

/// Counters for /metrics. Monotonic unless noted.
struct NodeMetrics {
  bool is_leader = false;  ///< gauge
  Term term = 0;           ///< gauge
  std::uint64_t elections_started = 0;
  std::uint64_t leader_changes = 0;
  /// Peers' messages this node left unread until its next due tick (a leader) or its read on the
  /// beat (a follower), then read in one go (one per peer and wake-up; see docs/runtime.md,
  /// "Input that can wait waits" and "Followers read on the beat").
  std::uint64_t deferred_reads = 0;
  /// A follower's reads on the beat that found no heartbeat from its leader (late, lost, or the
  /// leader gone): each cost a wake-up for nothing, then frames were read as they arrived until
  /// the next heartbeat (docs/runtime.md, "Followers read on the beat").
  std::uint64_t beat_misses = 0;
  std::map<std::string, std::uint64_t> messages_sent;      ///< by message type name
  std::map<std::string, std::uint64_t> messages_received;  ///< by message type name
  std::map<NodeId, std::uint64_t> malformed_frames;        ///< by peer (0 = before handshake)
  std::map<NodeId, bool> peer_connected;                   ///< gauge
  /// Heartbeat round trip (leader: heartbeat sent to its response), cumulative histogram.
  std::vector<double> heartbeat_rtt_bucket_bounds_seconds;
  std::vector<std::uint64_t> heartbeat_rtt_bucket_counts;  ///< cumulative, one per bound
  std::uint64_t heartbeat_rtt_count = 0;
  double heartbeat_rtt_sum_seconds = 0;
};

/// Result of resign() and transfer().
enum class RequestOutcome : std::uint8_t {
  Ok,
  NotLeader,
  UnknownPeer,
  NotEligible,
  AlreadyLeader,
  NotSupported,
  NotRunning
};
const char* to_string(RequestOutcome outcome);

/// One election member running in this process.
class Node {
 public:
  /// Validates the options (throws NodeError naming the bad one); does not open anything yet.
  explicit Node(NodeOptions options);
  ~Node();  ///< stops the node
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// Loads the hard state (a corrupt file throws NodeError naming it), binds the listen address
  /// (throws NodeError naming it), and starts the event loop thread.
  void start();
  /// Stops the event loop and closes every connection. Idempotent.
  void stop();
  /// Leader only: hands leadership to the most suitable peer and waits up to `timeout` for another
  /// node to lead. Returns true if leadership left this node. For SIGTERM handling.
  bool hand_over(std::chrono::milliseconds timeout);

  bool is_leader() const;
  NodeId leader() const;
  FenceToken fence_token() const;
  bool lease_valid() const;
  /// The monotonic deadline of this node's leader lease, if it holds a valid one.
  std::optional<std::chrono::steady_clock::time_point> lease_valid_until() const;
  NodeStatus status() const;
  NodeMetrics metrics() const;
  NodeId id() const;
  /// The port the peer listener is bound to (after start()).
  std::uint16_t peer_port() const;

  RequestOutcome resign();
  RequestOutcome transfer(NodeId to);
  /// Health abdication: when false the node does not stand for election (it still votes); a
  /// leader that turns false should transfer() first.
  void set_standing(bool standing);

  /// A new subscription: a Snapshot first, then every change in order.
  std::unique_ptr<EventSubscription> subscribe(std::size_t capacity = 1024);

  /// Callbacks, run on the node's event loop thread (keep them short). Set before start().
  std::function<void(const LeadershipEvent&)> on_elected;
  std::function<void(const LeadershipEvent&)> on_demoted;
  std::function<void(const LeadershipEvent&)> on_leader_changed;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace baton
