#include "net/frame_receiver.hpp"

namespace baton::net {

void FrameReceiver::start(FrameDecoder decoder) {
  decoder_ = std::move(decoder);
  ++generation_;
  reading_ = true;
  watermark_raised_ = false;
  // read_deferred() reads synchronously and must get EAGAIN, not block, on an empty socket.
  // Asynchronous operations do not depend on this mode.
  asio::error_code ignored;
  connection_.socket().non_blocking(true, ignored);
  if (deferred_) set_low_watermark(true);
  if (drain_frames()) read();
}

void FrameReceiver::stop() {
  ++generation_;
  reading_ = false;
}

void FrameReceiver::read() {
  connection_.socket().async_read_some(
      asio::buffer(read_buffer_), [this, keep = connection_.keep_alive(), generation = generation_](
                                      const asio::error_code& error, std::size_t n) {
        if (generation != generation_) return;
        if (error) return fail();  // end of stream, reset or abort
        decoder_.feed(std::string_view(read_buffer_.data(), n));
        if (drain_frames()) read();
      });
}

void FrameReceiver::set_deferred(bool deferred) {
  deferred_ = deferred;
  if (!reading_ || deferred == watermark_raised_) return;
  set_low_watermark(deferred);
}

bool FrameReceiver::read_deferred() {
  if (!reading_ || !watermark_raised_) return false;
  // Read here and now, on the loop's thread: the mark stays raised (no socket option per round)
  // and the pending asynchronous read stays queued for a flood or a close. That read has taken no
  // data yet: on this single thread, Asio runs a read's handler as soon as it has read.
  const std::uint64_t generation = generation_;
  bool read_any = false;
  for (;;) {
    asio::error_code error;
    const std::size_t n = connection_.socket().read_some(asio::buffer(read_buffer_), error);
    if (error == asio::error::would_block || error == asio::error::try_again) return read_any;
    if (error) {
      fail();  // end of stream, reset or abort, as the asynchronous read would have seen it
      return read_any;
    }
    read_any = true;
    decoder_.feed(std::string_view(read_buffer_.data(), n));
    if (!drain_frames() || generation != generation_) return true;
    if (n < read_buffer_.size()) return true;  // the socket is drained; spare the EAGAIN read
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
