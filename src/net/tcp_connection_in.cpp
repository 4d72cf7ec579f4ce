#include "net/tcp_connection_in.hpp"

namespace baton::net {
namespace {

/// The receive low-water mark of a deferred connection. Far above what a peer sends between two
/// of our reads (heartbeats and their answers, tens of bytes each); a message padded to it by
/// its sender (kWakeFrameBytes) wakes the loop as it arrives, and so does a flood, so a deferred
/// connection never buffers without bound.
constexpr int kDeferredLowWatermarkBytes = static_cast<int>(kWakeFrameBytes);

}  // namespace

IncomingConnection::IncomingConnection(asio::ip::tcp::socket socket, Owner& owner,
                                       std::chrono::milliseconds handshake_timeout)
    : owner_(owner),
      socket_(std::move(socket)),
      handshake_timer_(socket_.get_executor()),
      handshake_timeout_(handshake_timeout) {}

void IncomingConnection::start() {
  asio::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);  // the hello reply is latency-bound
  // read_deferred() reads synchronously and must get EAGAIN, not block, on an empty socket.
  // Asynchronous operations do not depend on this mode.
  socket_.non_blocking(true, ignored);
  auto self = shared_from_this();
  // Bounds what a silent or slow client can hold: a socket and this object, for this long.
  handshake_timer_.expires_after(handshake_timeout_);
  handshake_timer_.async_wait([this, self](const asio::error_code& error) {
    if (error || state_ != State::AwaitingHello) return;
    end();
  });
  read();
}

void IncomingConnection::close() {
  state_ = State::Closed;
  asio::error_code ignored;
  socket_.close(ignored);
  handshake_timer_.cancel();
}

void IncomingConnection::read() {
  auto self = shared_from_this();
  socket_.async_read_some(asio::buffer(read_buffer_),
                          [this, self](const asio::error_code& error, std::size_t n) {
                            if (state_ == State::Closed || state_ == State::Refusing) return;
                            if (error) return end();  // end of stream, reset or abort
                            decoder_.feed(std::string_view(read_buffer_.data(), n));
                            if (drain_frames()) read();
                          });
}

void IncomingConnection::set_deferred(bool deferred) {
  deferred_ = deferred;
  if (state_ != State::Open || deferred == watermark_raised_) return;
  set_low_watermark(deferred);
}

bool IncomingConnection::read_deferred() {
  if (state_ != State::Open || !watermark_raised_) return false;
  // Read here and now, on the loop's thread: the mark stays raised (no socket option per round)
  // and the pending asynchronous read stays queued for a flood or a close. That read has taken no
  // data yet: on this single thread, Asio runs a read's handler as soon as it has read.
  bool read_any = false;
  for (;;) {
    asio::error_code error;
    const std::size_t n = socket_.read_some(asio::buffer(read_buffer_), error);
    if (error == asio::error::would_block || error == asio::error::try_again) return read_any;
    if (error) {
      end();  // end of stream, reset or abort, as the asynchronous read would have seen it
      return read_any;
    }
    read_any = true;
    decoder_.feed(std::string_view(read_buffer_.data(), n));
    if (!drain_frames()) return true;
    if (n < read_buffer_.size()) return true;  // the socket is drained; spare the EAGAIN read
  }
}

void IncomingConnection::set_low_watermark(bool raised) {
  asio::error_code error;
  socket_.set_option(
      asio::socket_base::receive_low_watermark(raised ? kDeferredLowWatermarkBytes : 1), error);
  // On failure the connection just reads as data arrives: deferring saves wake-ups, nothing more.
  watermark_raised_ = raised && !error;
}

bool IncomingConnection::drain_frames() {
  while (auto payload = decoder_.next()) {
    if (state_ == State::AwaitingHello) {
      if (!on_hello(*payload)) return false;
    } else {
      owner_.frame(peer_, *payload);
    }
    if (state_ != State::Open) return false;  // refused, or the transport stopped
  }
  if (const auto& broken = decoder_.error()) {
    owner_.malformed(peer_, *broken);
    if (state_ != State::Closed) end();
    return false;
  }
  return true;
}

bool IncomingConnection::on_hello(std::string_view payload) {
  const auto hello = decode_hello(payload);
  if (!hello) {
    owner_.malformed(kNoNode, hello.error);
    if (state_ == State::Closed) return false;
    refuse(hello.error);
    return false;
  }
  const std::string refusal = owner_.admit(*hello.value);
  if (state_ == State::Closed) return false;
  if (!refusal.empty()) {
    refuse(refusal);
    return false;
  }
  state_ = State::Open;
  peer_ = hello.value->from;
  handshake_timer_.cancel();
  owner_.handshaken(shared_from_this());
  if (state_ == State::Closed) return false;
  auto reply = std::make_shared<std::string>();
  append_frame(*reply, encode_hello_reply(HelloReply{.accepted = true, .reason = {}}));
  // A failed write needs no handling here: the read on the same socket fails too. `self` keeps
  // the socket alive as long as the write may use it.
  asio::async_write(socket_, asio::buffer(*reply),
                    [self = shared_from_this(), reply](const asio::error_code&, std::size_t) {});
  return true;
}

void IncomingConnection::refuse(const std::string& reason) {
  state_ = State::Refusing;
  handshake_timer_.cancel();
  auto reply = std::make_shared<std::string>();
  append_frame(*reply, encode_hello_reply(HelloReply{.accepted = false, .reason = reason}));
  auto self = shared_from_this();
  // The reply tells the dialer why, so its operator sees the reason; then the connection ends.
  asio::async_write(socket_, asio::buffer(*reply),
                    [this, self, reply](const asio::error_code&, std::size_t) {
                      if (state_ != State::Refusing) return;
                      state_ = State::Closed;
                      asio::error_code ignored;
                      socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
                      socket_.close(ignored);
                      owner_.ended(*this);
                    });
}

void IncomingConnection::end() {
  if (state_ == State::Closed) return;
  const bool broken = decoder_.error().has_value();
  const std::size_t left = decoder_.buffered_bytes();
  if (!broken && left > 0) {
    // The peer closed mid-frame: what it sent last never arrived whole.
    owner_.malformed(
        peer_, "connection closed inside a frame (" + std::to_string(left) + " bytes buffered)");
    if (state_ == State::Closed) return;
  }
  close();
  owner_.ended(*this);
}

}  // namespace baton::net
