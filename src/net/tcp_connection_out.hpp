// The sending half of the transport towards one peer (internal to tcp_transport.cpp).
#pragma once

#include <array>
#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "core/types.hpp"
#include "net/address.hpp"
#include "net/frame.hpp"
#include "net/frame_receiver.hpp"
#include "net/frame_sender.hpp"
#include "net/tcp_transport.hpp"

namespace baton::net {

/// Our connection to one peer. It dials, says Hello, waits for the reply, then writes queued
/// frames in order (FrameSender). When the peer agreed in its reply to share the connection, it
/// also receives the peer's frames on it; else the peer never sends on it. Any failure (connect
/// error, refusal, reset, the peer closing) drops the connection and dials again after an
/// exponential backoff with jitter, so a restarted peer is found again without help from the
/// runtime.
///
/// Lifetime: owned by the transport through a shared_ptr and kept alive by its own pending
/// handlers. After close() no handler touches the stats or calls the report function, which is
/// what makes destroying the transport right after stop() safe.
class OutgoingLink final : public std::enable_shared_from_this<OutgoingLink>,
                           private FrameReceiver::Connection,
                           private FrameSender::Connection {
 public:
  struct Settings {
    NodeId self = kNoNode;
    NodeId peer = kNoNode;
    std::string cluster_id;
    HostPort address;
    std::size_t queue_limit_frames = 1;
    std::chrono::milliseconds backoff_min{10};
    std::chrono::milliseconds backoff_max{1000};
    /// Limit on connect + handshake: a peer that accepts but never answers is dialed again.
    std::chrono::milliseconds handshake_timeout{2000};
    /// Offer in the Hello to read the peer's frames on this connection too.
    bool offer_sharing = true;
  };
  /// Reports a refusal or malformed input from the peer (already counted in the stats).
  using Report = std::function<void(NodeId peer, const std::string& what)>;
  /// What a shared connection hands to the transport.
  struct Input {
    /// A frame the peer sent on the shared connection.
    std::function<void(NodeId peer, std::string_view payload)> frame;
    /// The shared connection came up (true: the peer's frames arrive on it from now on) or ended
    /// (false: after every frame that arrived on it was handed over).
    std::function<void(NodeId peer, bool carrying)> carrying;
  };

  /// `stats` must outlive every call until close().
  OutgoingLink(asio::io_context& io, Settings settings, PeerTransportStats& stats, Report report,
               Input input);

  /// Dials now.
  void start();
  /// Closes the socket and cancels timers for good; no stats update or report after this.
  void close();
  /// Queues a payload; when the queue is full the oldest frame is dropped and counted.
  void enqueue(std::string payload);
  /// The peer just completed a handshake on a connection it dialed to us, so it is up: if this
  /// link is waiting out a reconnect backoff, dial now with the backoff back at its minimum.
  void peer_is_up();
  /// See FrameReceiver::set_deferred(); applies while the connection is shared.
  void set_deferred(bool deferred) { receiver_.set_deferred(deferred); }
  /// See FrameReceiver::read_deferred().
  bool read_deferred() { return shared_ && receiver_.read_deferred(); }
  /// Frames queued and not yet written, oldest first; the link's queue is empty after.
  std::deque<std::string> take_queued() { return sender_.take_queued(); }
  /// The peer's frames arrive on this connection (it is up and shared).
  bool shared() const { return shared_; }

 private:
  enum class State { Waiting, Connecting, Handshaking, Ready, Closed };

  void dial();
  void on_connected(std::uint64_t attempt, const asio::error_code& error);
  void read_reply(std::uint64_t attempt);
  void on_reply(std::uint64_t attempt, std::string_view payload);
  void watch_for_close(std::uint64_t attempt);
  /// The peer sent on a connection it does not share: a broken protocol.
  void unexpected_data(std::uint64_t attempt);
  /// Ends the current attempt (if `attempt` is still current) and schedules the next dial.
  void fail(std::uint64_t attempt);
  std::chrono::milliseconds next_backoff();
  bool current(std::uint64_t attempt) const {
    return state_ != State::Closed && attempt == attempt_;
  }

  // FrameReceiver::Connection and FrameSender::Connection
  asio::ip::tcp::socket& socket() override { return socket_; }
  std::shared_ptr<void> keep_alive() override { return shared_from_this(); }
  bool received(std::string_view payload) override;
  void read_failed(const FrameDecoder& decoder) override;
  void write_failed() override;

  Settings settings_;
  PeerTransportStats& stats_;
  Report report_;
  Input input_;
  asio::ip::tcp::socket socket_;
  asio::ip::tcp::resolver resolver_;
  asio::steady_timer retry_timer_;
  asio::steady_timer deadline_timer_;
  State state_ = State::Waiting;
  /// Bumped by every dial: completions of an abandoned attempt see a stale number and do nothing.
  std::uint64_t attempt_ = 0;
  /// The peer's handshake reply agreed to share this connection.
  bool shared_ = false;
  FrameSender sender_;
  FrameReceiver receiver_{*this};
  FrameDecoder reply_decoder_;
  std::array<char, 512> read_buffer_{};
  std::chrono::milliseconds backoff_;
  std::minstd_rand jitter_;
};

}  // namespace baton::net
