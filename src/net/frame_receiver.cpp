#include "net/frame_receiver.hpp"

namespace baton::net {

void FrameReceiver::start(FrameDecoder decoder) {
  decoder_ = std::move(decoder);
  ++generation_;
  reading_ = true;
  watermark_raised_ = false;
  // Reads are synchronous and must get EAGAIN, not block, on an empty socket.
  asio::error_code ignored;
  connection_.socket().non_blocking(true, ignored);
  if (deferred_) set_low_watermark(true);
  // Bytes that arrived before the wait is queued may have had their readiness reported already
  // (the reactor's notification is edge-triggered), so read once before waiting.
  bool read_any = false;
  if (drain_frames() && read_available(read_any, Until::Empty)) wait();
}

void FrameReceiver::stop() {
  ++generation_;
  reading_ = false;
}

void FrameReceiver::wait() {
  connection_.socket().async_wait(
      asio::socket_base::wait_read,
      [this, keep = connection_.keep_alive(), generation = generation_](const asio::error_code&) {
        if (generation != generation_) return;
        // An error here is the socket's (a reset); the read finds it too.
        bool read_any = false;
        if (read_available(read_any, Until::Empty)) wait();
      });
}

void FrameReceiver::set_deferred(bool deferred) {
  deferred_ = deferred;
  if (!reading_ || deferred == watermark_raised_) return;
  set_low_watermark(deferred);
}

bool FrameReceiver::read_deferred() {
  if (!reading_ || !watermark_raised_) return false;
  // Here and now, on the loop's thread: the mark stays raised (no socket option per round), and
  // the pending wait stays queued for a flood or a close.
  bool read_any = false;
  read_available(read_any, Until::ShortRead);
  return read_any;
}

bool FrameReceiver::read_now() {
  if (!reading_) return false;
  bool read_any = false;
  return read_available(read_any, Until::ShortRead);
}

bool FrameReceiver::read_available(bool& read_any, Until until) {
  const std::uint64_t generation = generation_;
  for (;;) {
    asio::error_code error;
    const std::size_t n = connection_.socket().read_some(asio::buffer(read_buffer_), error);
    if (error == asio::error::would_block || error == asio::error::try_again) return true;
    if (error) {
      fail();  // end of stream, reset or abort
      return false;
    }
    read_any = true;
    decoder_.feed(std::string_view(read_buffer_.data(), n));
    if (!drain_frames() || generation != generation_) return false;
    // With a wait queued, a short read drained the socket: spare the EAGAIN read (an idle
    // leader's round would pay one per follower). Whatever arrives after it, a close included,
    // fires that wait.
    if (until == Until::ShortRead && n < read_buffer_.size()) return true;
  }
}

void FrameReceiver::set_low_watermark(bool raised) {
  asio::error_code error;
  connection_.socket().set_option(
      asio::socket_base::receive_low_watermark(raised ? static_cast<int>(kWakeFrameBytes) : 1),
      error);
  // On failure the connection just reads as data arrives: deferring saves wake-ups, nothing more.
  watermark_raised_ = raised && !error;
}

bool FrameReceiver::drain_frames() {
  const std::uint64_t generation = generation_;
  while (auto payload = decoder_.next()) {
    if (!connection_.received(*payload) || generation != generation_) return false;
  }
  if (decoder_.error()) {
    fail();
    return false;
  }
  return true;
}

void FrameReceiver::fail() {
  stop();
  connection_.read_failed(decoder_);
}

std::optional<std::string> FrameReceiver::broken(const FrameDecoder& decoder) {
  if (decoder.error()) return decoder.error();
  if (decoder.buffered_bytes() > 0) {
    // The peer closed mid-frame: what it sent last never arrived whole.
    return "connection closed inside a frame (" + std::to_string(decoder.buffered_bytes()) +
           " bytes buffered)";
  }
  return std::nullopt;
}

}  // namespace baton::net
