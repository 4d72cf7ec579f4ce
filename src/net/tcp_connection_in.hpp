// The accepting half of the transport: one connection a peer dialed to us (internal to
// tcp_transport.cpp).
#pragma once

#include <asio.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/types.hpp"
#include "net/frame_receiver.hpp"
#include "net/frame_sender.hpp"
#include "net/handshake.hpp"

namespace baton::net {

/// A connection a peer dialed to us. It receives; when the pair shares it (the peer offered to
/// in its Hello and the owner agreed) it sends our frames to that peer too. Its first frame must
/// be a Hello the owner admits; until then it is anonymous and closed after the handshake
/// timeout. After the handshake every frame goes to the owner. A broken frame ends the
/// connection: a length-prefixed stream cannot be re-synchronised, and the peer's transport
/// simply dials again.
///
/// Lifetime: kept alive by its own pending handlers; after close() it never calls the owner.
class IncomingConnection final : public std::enable_shared_from_this<IncomingConnection>,
                                 private FrameReceiver::Connection,
                                 private FrameSender::Connection {
 public:
  /// The owner's answer to a Hello.
  struct Admission {
    std::string refusal;  ///< empty to accept; else the reason (counted and reported already)
    /// Set to share the connection: it carries our frames to the peer too, counted here.
    PeerTransportStats* shared_stats = nullptr;
  };

  /// What the transport does with what the connection sees. Calls may re-enter the transport's
  /// user handlers, which may stop the transport; the connection checks for that after each.
  class Owner {
   public:
    virtual Admission admit(const Hello& hello) = 0;
    /// The handshake of `connection` (peer() is set) succeeded.
    virtual void handshaken(const std::shared_ptr<IncomingConnection>& connection) = 0;
    virtual void frame(NodeId from, std::string_view payload) = 0;
    /// Malformed input; `from` is kNoNode before the handshake.
    virtual void malformed(NodeId from, const std::string& what) = 0;
    /// The connection ended by itself (peer closed or reset, malformed input, refusal, timeout,
    /// a failed write).
    virtual void ended(IncomingConnection& connection) = 0;

   protected:
    ~Owner() = default;
  };

  IncomingConnection(asio::ip::tcp::socket socket, Owner& owner,
                     std::chrono::milliseconds handshake_timeout, std::size_t queue_limit_frames);

  void start();
  /// See FrameReceiver::set_deferred().
  void set_deferred(bool deferred) { receiver_.set_deferred(deferred); }
  /// See FrameReceiver::read_deferred().
  bool read_deferred() { return state_ == State::Open && receiver_.read_deferred(); }
  /// The pair shares this connection: send() may be used.
  bool shared() const { return sender_.has_value(); }
  /// Queues a frame for the peer (only on a shared connection; written once our handshake reply
  /// is out).
  void send(std::string payload);
  /// Closes the socket and cancels the timer; the owner is not called again.
  void close();
  /// The peer that completed the handshake, kNoNode before.
  NodeId peer() const { return peer_; }

 private:
  enum class State { AwaitingHello, Open, Refusing, Closed };

  // FrameReceiver::Connection and FrameSender::Connection
  asio::ip::tcp::socket& socket() override { return socket_; }
  std::shared_ptr<void> keep_alive() override { return shared_from_this(); }
  bool received(std::string_view payload) override;
  void read_failed(const FrameDecoder& decoder) override;
  void write_failed() override;

  bool on_hello(std::string_view payload);
  void refuse(const std::string& reason);
  /// Ends the connection by itself: reports what was broken, closes, tells the owner.
  void end(const std::optional<std::string>& broken);

  Owner& owner_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer handshake_timer_;
  std::chrono::milliseconds handshake_timeout_;
  std::size_t queue_limit_frames_;
  State state_ = State::AwaitingHello;
  NodeId peer_ = kNoNode;
  FrameReceiver receiver_{*this};
  /// Made when the pair shares the connection.
  std::optional<FrameSender> sender_;
};

}  // namespace baton::net
