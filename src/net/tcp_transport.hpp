// TCP transport between the members of one cluster. Each node dials every peer. A pair of nodes
// sends both ways on one connection, the one the lower id dialed: the higher id answers on the
// connection its peer dialed, so a heartbeat's answer carries the TCP acknowledgement of the
// heartbeat and the next heartbeat carries the answer's (with a connection per direction, each
// one-way stream costs a bare ACK segment per message, a tenth of an idle leader's time). The
// connection the higher id dialed stays up, idle, and carries its frames while the shared one is
// down, and always with a peer that does not offer sharing in its handshake (an older node:
// those send only on connections they dialed and receive only on those dialed to them). Every
// connection starts with a handshake (wire version, cluster id, both node ids, the offer to
// share); a node of another cluster, an unknown node id or another wire version is refused with
// a reason. Payloads are opaque here (the runtime
// encodes messages with net/codec.hpp); frames are length-prefixed (net/frame.hpp).
//
// Runs on the caller's asio::io_context; every member must be called on that context's thread.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace baton::net {

struct TransportConfig {
  NodeId self = kNoNode;
  std::string cluster_id;
  /// host:port to listen on; port 0 picks a free port (see TcpTransport::local_port()).
  std::string listen = "127.0.0.1:0";
  /// Every other member: id -> host:port.
  std::map<NodeId, std::string> peers;
  /// Frames queued per peer while its connection is down or slow; beyond it the oldest are dropped
  /// (election messages are soft state: a newer one supersedes an older one).
  std::size_t queue_limit_frames = 256;
  /// Reconnect backoff: doubles from min to max, with jitter.
  std::chrono::milliseconds reconnect_backoff_min{10};
  std::chrono::milliseconds reconnect_backoff_max{1000};
  /// An accepted connection that does not complete its handshake within this is closed.
  std::chrono::milliseconds handshake_timeout{2000};
  /// Send both ways on one connection per pair (see the top of this file). Off, the node
  /// behaves as a node from before sharing: one connection per direction.
  bool share_connections = true;
};

/// Per-peer counters.
struct PeerTransportStats {
  bool outgoing_connected = false;  ///< our connection to the peer passed its handshake
  bool incoming_connected = false;  ///< the peer's connection to us passed its handshake
  /// Frames both ways run on one connection (the one the lower id dialed).
  bool shared_connection = false;
  std::uint64_t frames_sent = 0;
  std::uint64_t frames_received = 0;
  std::uint64_t frames_dropped_queue_full = 0;
  std::uint64_t malformed_frames = 0;  ///< oversized/zero length, bad handshake, truncated at close
  std::uint64_t handshakes_refused = 0;
  std::chrono::steady_clock::time_point last_received{};  ///< epoch = never
};

class TcpTransport {
 public:
  struct Handlers {
    /// A frame from `from` arrived on a handshaken connection (the shared one, or the one it
    /// dialed to us).
    std::function<void(NodeId from, std::string_view payload)> on_frame;
    /// The connection `from`'s frames arrive on (the shared one, or the one it dialed to us)
    /// closed or was reset, after the frames that arrived on it were handed to on_frame (a
    /// crashed process closes its sockets at once; the runtime may use this for fast failover).
    /// Never from inside send(); once per loss, although a crashed peer closes both of its
    /// connections.
    std::function<void(NodeId from)> on_incoming_lost;
    /// A malformed frame or bad handshake from `peer` (kNoNode if it never said who it is);
    /// `what` says what was wrong. Counted already; the handler may log.
    std::function<void(NodeId peer, const std::string& what)> on_malformed;
  };

  /// Throws std::invalid_argument naming a bad listen or peer address, or a config that cannot
  /// work (self or a peer id 0, self among the peers, empty cluster id, zero queue limit, bad
  /// backoff or timeout).
  TcpTransport(asio::io_context& io, TransportConfig config, Handlers handlers);
  ~TcpTransport();
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  /// Binds and listens (throws std::runtime_error naming the address if it cannot), and starts
  /// dialing every peer. A stopped transport cannot be started again (std::logic_error).
  void start();
  /// Closes every socket and cancels timers. Idempotent.
  void stop();

  /// Queues `payload` for `to` (unknown ids are ignored and counted nowhere). Never blocks.
  /// Throws std::invalid_argument for an empty payload or one above kMaxFramePayloadBytes: the
  /// receiver would take either for a broken stream and drop the connection.
  void send(NodeId to, std::string payload);

  /// While on, frames from peers (every peer, or only `only_from`) do not wake the loop as they
  /// arrive: they wait in the kernel until read_deferred_input() (an idle leader reads its
  /// followers' answers once per heartbeat instead of waking for each; a follower reads its
  /// leader's heartbeats on the beat). Turning it off reads at once whatever waits. A
  /// connection's close or reset is still seen at once, and so are a frame of kWakeFrameBytes and
  /// a flood of data.
  void set_input_deferred(bool deferred, NodeId only_from = kNoNode);
  /// Reads what arrived while input was deferred and hands it to on_frame before returning; input
  /// stays deferred. Returns how many peers' connections had something waiting.
  std::size_t read_deferred_input();

  std::uint16_t local_port() const;
  PeerTransportStats peer_stats(NodeId peer) const;
  /// Malformed input from connections that never completed a handshake.
  std::uint64_t anonymous_malformed_frames() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace baton::net
