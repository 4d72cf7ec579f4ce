// The receiving half of the transport: one accepted connection (internal to tcp_transport.cpp).
#pragma once

#include <array>
#include <asio.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/types.hpp"
#include "net/frame.hpp"
#include "net/handshake.hpp"

namespace baton::net {

/// A connection a peer dialed to us, used only for receiving. Its first frame must be a Hello the
/// owner admits; until then it is anonymous and closed after the handshake timeout. After the
/// handshake every frame goes to the owner. A broken frame ends the connection: a length-prefixed
/// stream cannot be re-synchronised, and the peer's transport simply dials again.
///
/// Lifetime: kept alive by its own pending handlers; after close() it never calls the owner.
class IncomingConnection : public std::enable_shared_from_this<IncomingConnection> {
 public:
  /// What the transport does with what the connection sees. Calls may re-enter the transport's
  /// user handlers, which may stop the transport; the connection checks for that after each.
  class Owner {
   public:
    /// Empty to accept `hello`, else the refusal reason (the owner has counted and reported it).
    virtual std::string admit(const Hello& hello) = 0;
    /// The handshake of `connection` (peer() is set) succeeded.
    virtual void handshaken(const std::shared_ptr<IncomingConnection>& connection) = 0;
    virtual void frame(NodeId from, std::string_view payload) = 0;
    /// Malformed input; `from` is kNoNode before the handshake.
    virtual void malformed(NodeId from, const std::string& what) = 0;
    /// The connection ended by itself (peer closed or reset, malformed input, refusal, timeout).
    virtual void ended(IncomingConnection& connection) = 0;

   protected:
    ~Owner() = default;
  };

  IncomingConnection(asio::ip::tcp::socket socket, Owner& owner,
                     std::chrono::milliseconds handshake_timeout);

  void start();
  /// While deferred, frames that arrive do not wake the loop: they wait in the kernel (the
  /// socket's receive low-water mark is raised to kWakeFrameBytes, above what an idle peer sends
  /// between two reads; a message padded to it wakes the loop on purpose) until read_deferred().
  /// Turning it off lowers the mark, so whatever waits is read at once.
  void set_deferred(bool deferred);
  /// Reads what has arrived while deferred and hands its frames to the owner before it returns
  /// (the connection stays deferred). False if nothing was waiting (or it is not deferred).
  bool read_deferred();
  /// Closes the socket and cancels the timer; the owner is not called again.
  void close();
  /// The peer that completed the handshake, kNoNode before.
  NodeId peer() const { return peer_; }

 private:
  enum class State { AwaitingHello, Open, Refusing, Closed };

  void read();
  /// Raises or lowers the receive low-water mark (lowering it wakes the loop if data waits).
  void set_low_watermark(bool raised);
  /// Handles every complete frame buffered; false if the connection ended meanwhile.
  bool drain_frames();
  bool on_hello(std::string_view payload);
  void refuse(const std::string& reason);
  /// Ends the connection by itself: counts a truncated frame, closes, tells the owner.
  void end();

  Owner& owner_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer handshake_timer_;
  std::chrono::milliseconds handshake_timeout_;
  State state_ = State::AwaitingHello;
  bool deferred_ = false;
  bool watermark_raised_ = false;
  NodeId peer_ = kNoNode;
  FrameDecoder decoder_;
  std::array<char, 16 * 1024> read_buffer_{};
};

}  // namespace baton::net
