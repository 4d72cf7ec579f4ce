#include "net/tcp_connection_in.hpp"

namespace baton::net {

IncomingConnection::IncomingConnection(asio::ip::tcp::socket socket, Owner& owner,
                                       std::chrono::milliseconds handshake_timeout,
                                       std::size_t queue_limit_frames)
    : owner_(owner),
      socket_(std::move(socket)),
      handshake_timer_(socket_.get_executor()),
      handshake_timeout_(handshake_timeout),
      queue_limit_frames_(queue_limit_frames) {}

void IncomingConnection::start() {
  asio::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);  // the hello reply is latency-bound
  auto self = shared_from_this();
  // Bounds what a silent or slow client can hold: a socket and this object, for this long.
  handshake_timer_.expires_after(handshake_timeout_);
  handshake_timer_.async_wait([this, self](const asio::error_code& error) {
    if (error || state_ != State::AwaitingHello) return;
    end(FrameReceiver::broken(receiver_.decoder()));  // half a frame left behind is malformed
  });
  receiver_.start();
}

void IncomingConnection::close() {
  state_ = State::Closed;
  receiver_.stop();
  if (sender_) sender_->stop();
  asio::error_code ignored;
  socket_.close(ignored);
  handshake_timer_.cancel();
}

void IncomingConnection::send(std::string payload) {
  if (state_ == State::Open && sender_) sender_->enqueue(std::move(payload));
}

bool IncomingConnection::received(std::string_view payload) {
  if (state_ == State::AwaitingHello) return on_hello(payload);
  owner_.frame(peer_, payload);
  return state_ == State::Open;  // else the transport stopped
}

void IncomingConnection::write_failed() {
  // What the peer sent before the connection broke goes first, and its end may be found there.
  if (!receiver_.read_now()) return;
  end(std::nullopt);
}

void IncomingConnection::read_failed(const FrameDecoder& decoder) {
  end(FrameReceiver::broken(decoder));
}

bool IncomingConnection::on_hello(std::string_view payload) {
  const auto hello = decode_hello(payload);
  if (!hello) {
    owner_.malformed(kNoNode, hello.error);
    if (state_ == State::Closed) return false;
    refuse(hello.error);
    return false;
  }
  const Admission admission = owner_.admit(*hello.value);
  if (state_ == State::Closed) return false;
  if (!admission.refusal.empty()) {
    refuse(admission.refusal);
    return false;
  }
  state_ = State::Open;
  peer_ = hello.value->from;
  handshake_timer_.cancel();
  if (admission.shared_stats != nullptr) {
    sender_.emplace(static_cast<FrameSender::Connection&>(*this), queue_limit_frames_,
                    *admission.shared_stats);
  }
  owner_.handshaken(shared_from_this());
  if (state_ == State::Closed) return false;
  auto reply = std::make_shared<std::string>();
  append_frame(*reply, encode_hello_reply(HelloReply{
                           .accepted = true, .reason = {}, .share_connection = shared()}));
  // A failed write needs no handling here: the read on the same socket fails too. Frames for the
  // peer wait in the sender until the reply is out, so nothing can overtake it. `self` keeps the
  // socket alive as long as the write may use it.
  asio::async_write(
      socket_, asio::buffer(*reply),
      [this, self = shared_from_this(), reply](const asio::error_code& error, std::size_t) {
        if (!error && state_ == State::Open && sender_) sender_->start();
      });
  return true;
}

void IncomingConnection::refuse(const std::string& reason) {
  state_ = State::Refusing;
  receiver_.stop();
  handshake_timer_.cancel();
  auto reply = std::make_shared<std::string>();
  append_frame(*reply, encode_hello_reply(HelloReply{
                           .accepted = false, .reason = reason, .share_connection = false}));
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

void IncomingConnection::end(const std::optional<std::string>& broken) {
  if (state_ == State::Closed || state_ == State::Refusing) return;
  if (broken) {
    owner_.malformed(peer_, *broken);
    if (state_ == State::Closed) return;
  }
  close();
  owner_.ended(*this);
}

}  // namespace baton::net
