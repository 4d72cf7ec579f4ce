// Reading frames from a connected socket, shared by both kinds of connection (internal to the
// transport): the connection a peer dialed to us always receives, and the one we dialed receives
// too when the pair shares one connection (see tcp_transport.hpp).
#pragma once

#include <array>
#include <asio.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "net/frame.hpp"

namespace baton::net {

/// Reads a socket as frames arrive, or, while deferred, only when asked.
///
/// Only this thread's own non-blocking reads take bytes from the socket; the loop merely waits
/// for the socket to become readable (async_wait). An asynchronous read would take bytes inside
/// the reactor and run its handler later, and on a socket that also has a write pending (a shared
/// connection) a tick could run between the two and read past those bytes.
///
/// Deferring raises the socket's receive low-water mark to kWakeFrameBytes, above what an idle
/// peer sends between two reads, so frames wait in the kernel without waking the loop until
/// read_deferred(); a message padded to it by its sender wakes the loop on purpose, and so does a
/// flood, so a deferred connection never buffers without bound. Turning it off lowers the mark,
/// so whatever waits is read at once.
class FrameReceiver {
 public:
  /// The connection the receiver reads for.
  class Connection {
   public:
    virtual asio::ip::tcp::socket& socket() = 0;
    /// Keeps the connection (and so the receiver) alive while a wait is pending.
    virtual std::shared_ptr<void> keep_alive() = 0;
    /// One complete payload. False stops reading: the connection ended or refused the peer.
    virtual bool received(std::string_view payload) = 0;
    /// The stream ended: the peer closed or reset it, or sent a broken frame (the decoder's
    /// error() says which). The connection must close. Not called after stop().
    virtual void read_failed(const FrameDecoder& decoder) = 0;

   protected:
    ~Connection() = default;
  };

  explicit FrameReceiver(Connection& connection) : connection_(connection) {}

  /// Starts reading. `decoder` may hold bytes read already (what followed the handshake reply);
  /// its complete frames are handed over first.
  void start(FrameDecoder decoder = FrameDecoder());
  /// Stops for good on this socket; no call to the connection after this.
  void stop();
  /// See the class comment. Takes effect once started, and stays across stop() and start().
  void set_deferred(bool deferred);
  /// Reads what has arrived while deferred and hands its frames over before it returns (the
  /// receiver stays deferred). False if nothing was waiting (or it is not deferred).
  bool read_deferred();
  /// Reads whatever the socket holds now, deferred or not, and hands its frames over (a
  /// connection about to close for another reason, a failed write, first delivers what came).
  /// False if reading stopped meanwhile: the stream ended (read_failed() was called) or a frame's
  /// handler stopped it.
  bool read_now();
  /// Bytes read but not yet handed over are buffered here.
  const FrameDecoder& decoder() const { return decoder_; }

  /// Why a stream that ended was broken: the decoder's error, or a frame cut off by the close;
  /// nullopt for a clean end.
  static std::optional<std::string> broken(const FrameDecoder& decoder);

 private:
  void wait();
  /// How far read_available() reads.
  enum class Until {
    /// Until a read returns less than the buffer. Only while a wait is queued: a close that came
    /// with the last bytes still wakes it.
    ShortRead,
    /// Until EAGAIN: after the wait has fired. A close that arrived with the last bytes makes no
    /// new readiness edge of its own. (Asio 1.22 re-arms a wait with EPOLL_CTL_MOD, which reports
    /// it anyway; this does not depend on that, for one empty read per wake-up.)
    Empty,
  };
  /// Reads the socket, handing frames over; false if reading stopped.
  bool read_available(bool& read_any, Until until);
  /// Raises or lowers the receive low-water mark (lowering it wakes the loop if data waits).
  void set_low_watermark(bool raised);
  /// Hands over every complete frame buffered; false if reading must stop.
  bool drain_frames();
  void fail();

  Connection& connection_;
  FrameDecoder decoder_;
  bool reading_ = false;
  bool deferred_ = false;
  bool watermark_raised_ = false;
  /// Bumped by start() and stop(): the completion of a wait on an old socket does nothing.
  std::uint64_t generation_ = 0;
  std::array<char, 16 * 1024> read_buffer_{};
};

}  // namespace baton::net
