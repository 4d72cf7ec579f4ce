// Writing frames to a connected socket, shared by both kinds of connection (internal to the
// transport): the connection a node dialed always sends, and the one a peer dialed to it sends
// too when the pair shares one connection (see tcp_transport.hpp).
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>

#include "net/tcp_transport.hpp"

namespace baton::net {

/// A bounded queue of frames for one peer, written in order: on the spot while the kernel takes
/// them, else one async_write at a time. The socket must be non-blocking.
class FrameSender {
 public:
  /// The connection the sender writes on.
  class Connection {
   public:
    virtual asio::ip::tcp::socket& socket() = 0;
    /// Keeps the connection (and so the sender) alive while an asynchronous write is pending.
    virtual std::shared_ptr<void> keep_alive() = 0;
    /// A write failed: the connection is broken. Called from the loop (never from inside
    /// enqueue()), and not after stop() or start().
    virtual void write_failed() = 0;

   protected:
    ~Connection() = default;
  };

  /// `stats` (frames sent, frames dropped) must outlive the sender.
  FrameSender(Connection& connection, std::size_t queue_limit_frames, PeerTransportStats& stats);

  /// Queues a payload (when the queue is full the oldest frame is dropped and counted) and writes
  /// it if the sender is started.
  void enqueue(std::string payload);
  /// The socket is connected: write what is queued, and from now on whatever is queued.
  void start();
  /// The socket is gone: a write in flight is forgotten (its frames are lost with the
  /// connection), queued frames wait for the next start().
  void stop();
  void clear() { queue_.clear(); }
  /// Hands over the frames still queued (not those of a write in flight), oldest first.
  std::deque<std::string> take_queued() { return std::exchange(queue_, {}); }

 private:
  void write_next();
  /// Hands what the kernel did not take of batch_ (from `sent` on) to an asynchronous write.
  void write_rest(std::size_t sent, std::uint64_t frames);

  Connection& connection_;
  std::size_t queue_limit_;
  PeerTransportStats& stats_;
  std::deque<std::string> queue_;
  /// Reused for every write, so an idle link's heartbeat costs no allocation.
  std::string batch_;
  bool started_ = false;
  bool writing_ = false;
  /// Bumped by start() and stop(): the completion of a write on an old socket does nothing.
  std::uint64_t generation_ = 0;
};

}  // namespace baton::net
