#include "net/tcp_connection_out.hpp"

#include <algorithm>

#include "net/handshake.hpp"

namespace baton::net {

OutgoingLink::OutgoingLink(asio::io_context& io, Settings settings, PeerTransportStats& stats,
                           Report report, Input input)
    : settings_(std::move(settings)),
      stats_(stats),
      report_(std::move(report)),
      input_(std::move(input)),
      socket_(io),
      resolver_(io),
      retry_timer_(io),
      deadline_timer_(io),
      sender_(static_cast<FrameSender::Connection&>(*this), settings_.queue_limit_frames, stats_),
      backoff_(settings_.backoff_min),
      // Seeded from both ids: reproducible per node, yet two nodes dialing the same restarted peer
      // do not retry in lockstep.
      jitter_(static_cast<std::uint_fast32_t>(settings_.self) * 65537u + settings_.peer) {}

void OutgoingLink::start() {
  if (state_ == State::Waiting) dial();
}

void OutgoingLink::close() {
  state_ = State::Closed;
  ++attempt_;
  sender_.stop();
  sender_.clear();
  receiver_.stop();
  if (shared_) stats_.shared_connection = false;
  shared_ = false;
  asio::error_code ignored;
  socket_.close(ignored);
  resolver_.cancel();
  retry_timer_.cancel();
  deadline_timer_.cancel();
  stats_.outgoing_connected = false;
}

void OutgoingLink::enqueue(std::string payload) {
  if (state_ == State::Closed) return;
  sender_.enqueue(std::move(payload));
}

void OutgoingLink::peer_is_up() {
  if (state_ != State::Waiting) return;
  // Without this a restarted peer is unreachable from us for up to reconnect_backoff_max (1 s by
  // default) after it is back, though it can already reach us; on Ring, where an election needs
  // the successor's ack, that was a failover tail of a whole second.
  retry_timer_.cancel();
  backoff_ = settings_.backoff_min;
  dial();
}

void OutgoingLink::dial() {
  const std::uint64_t attempt = ++attempt_;
  state_ = State::Connecting;
  reply_decoder_ = FrameDecoder();
  auto self = shared_from_this();
  deadline_timer_.expires_after(settings_.handshake_timeout);
  deadline_timer_.async_wait([this, self, attempt](const asio::error_code& error) {
    if (error || !current(attempt) || state_ == State::Ready) return;
    fail(attempt);
  });
  asio::error_code not_an_ip;
  const auto ip = asio::ip::make_address(settings_.address.host, not_an_ip);
  if (!not_an_ip) {
    socket_.async_connect(
        {ip, settings_.address.port},
        [this, self, attempt](const asio::error_code& error) { on_connected(attempt, error); });
    return;
  }
  // A host name is resolved on every dial: the peer may have moved since the last one.
  resolver_.async_resolve(
      settings_.address.host, std::to_string(settings_.address.port),
      asio::ip::resolver_base::numeric_service,
      [this, self, attempt](const asio::error_code& error,
                            const asio::ip::tcp::resolver::results_type& endpoints) {
        if (!current(attempt)) return;
        if (error) return fail(attempt);
        asio::async_connect(socket_, endpoints,
                            [this, self, attempt](const asio::error_code& connect_error,
                                                  const asio::ip::tcp::endpoint&) {
                              on_connected(attempt, connect_error);
                            });
      });
}

void OutgoingLink::on_connected(std::uint64_t attempt, const asio::error_code& error) {
  if (!current(attempt)) return;
  if (error) return fail(attempt);
  // Heartbeats are tiny and latency-bound; Nagle's algorithm would hold them back.
  asio::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  // The sender writes on the spot and must never block the loop on a full buffer.
  socket_.non_blocking(true, ignored);
  state_ = State::Handshaking;
  auto hello = std::make_shared<std::string>();
  append_frame(*hello, encode_hello(Hello{.wire_version = kWireVersion,
                                          .cluster_id = settings_.cluster_id,
                                          .from = settings_.self,
                                          .to = settings_.peer,
                                          .share_connection = settings_.offer_sharing}));
  auto self = shared_from_this();
  asio::async_write(socket_, asio::buffer(*hello),
                    [this, self, attempt, hello](const asio::error_code& write_error, std::size_t) {
                      if (!current(attempt)) return;
                      if (write_error) return fail(attempt);
                      read_reply(attempt);
                    });
}

void OutgoingLink::read_reply(std::uint64_t attempt) {
  auto self = shared_from_this();
  socket_.async_read_some(asio::buffer(read_buffer_),
                          [this, self, attempt](const asio::error_code& error, std::size_t n) {
                            if (!current(attempt)) return;
                            if (error) return fail(attempt);
                            reply_decoder_.feed(std::string_view(read_buffer_.data(), n));
                            if (auto payload = reply_decoder_.next())
                              return on_reply(attempt, *payload);
                            if (const auto& broken = reply_decoder_.error()) {
                              ++stats_.malformed_frames;
                              if (report_) report_(settings_.peer, "hello reply: " + *broken);
                              return fail(attempt);
                            }
                            read_reply(attempt);
                          });
}

void OutgoingLink::on_reply(std::uint64_t attempt, std::string_view payload) {
  const auto reply = decode_hello_reply(payload);
  if (!reply) {
    ++stats_.malformed_frames;
    if (report_) report_(settings_.peer, reply.error);
    return fail(attempt);
  }
  if (!reply.value->accepted) {
    ++stats_.handshakes_refused;
    if (report_) {
      report_(settings_.peer, "node " + std::to_string(settings_.peer) +
                                  " refused the handshake: " + reply.value->reason);
    }
    return fail(attempt);
  }
  state_ = State::Ready;
  deadline_timer_.cancel();
  backoff_ = settings_.backoff_min;
  stats_.outgoing_connected = true;
  // Only the connection the lower id dialed is shared; a reply that says otherwise is ignored
  // (and the peer's frames on it are then unexpected data).
  shared_ =
      settings_.offer_sharing && reply.value->share_connection && settings_.self < settings_.peer;
  if (shared_) {
    stats_.shared_connection = true;
    if (input_.carrying) input_.carrying(settings_.peer, true);
    if (!current(attempt)) return;
    // The peer may send right behind its reply, even in the same segment: the reply's decoder
    // holds those bytes, and the receiver starts from it.
    receiver_.start(std::move(reply_decoder_));
    if (!current(attempt)) return;  // a frame stopped the transport, or the stream broke
  } else if (reply_decoder_.buffered_bytes() > 0) {
    return unexpected_data(attempt);
  } else {
    watch_for_close(attempt);
  }
  sender_.start();
}

bool OutgoingLink::received(std::string_view payload) {
  const std::uint64_t attempt = attempt_;
  if (input_.frame) input_.frame(settings_.peer, payload);
  return current(attempt);
}

void OutgoingLink::write_failed() {
  // What the peer sent before the connection broke goes first, and its end may be found there.
  if (shared_ && !receiver_.read_now()) return;
  fail(attempt_);
}

void OutgoingLink::read_failed(const FrameDecoder& decoder) {
  if (const auto broken = FrameReceiver::broken(decoder)) {
    ++stats_.malformed_frames;
    if (report_) report_(settings_.peer, *broken);
  }
  fail(attempt_);  // a no-op if the report stopped the transport
}

void OutgoingLink::watch_for_close(std::uint64_t attempt) {
  // The peer does not share this connection, so it never sends on it; a read completes only when it
  // closes or resets (noticed now, not at the next write) or breaks the protocol.
  auto self = shared_from_this();
  socket_.async_read_some(asio::buffer(read_buffer_),
                          [this, self, attempt](const asio::error_code& error, std::size_t) {
                            if (!current(attempt)) return;
                            if (!error) return unexpected_data(attempt);
                            fail(attempt);
                          });
}

void OutgoingLink::unexpected_data(std::uint64_t attempt) {
  ++stats_.malformed_frames;
  if (report_) report_(settings_.peer, "unexpected data from the peer");
  fail(attempt);  // a no-op if the report stopped the transport
}

void OutgoingLink::fail(std::uint64_t attempt) {
  if (!current(attempt)) return;
  ++attempt_;  // completions still pending for this attempt become stale
  state_ = State::Waiting;
  sender_.stop();
  receiver_.stop();
  const bool was_shared = shared_;
  // The flag is ours only while we share: with a lower id, the shared connection is the peer's.
  if (shared_) stats_.shared_connection = false;
  shared_ = false;
  stats_.outgoing_connected = false;
  asio::error_code ignored;
  socket_.close(ignored);
  deadline_timer_.cancel();
  const std::uint64_t waiting = attempt_;
  auto self = shared_from_this();
  retry_timer_.expires_after(next_backoff());
  retry_timer_.async_wait([this, self, waiting](const asio::error_code& error) {
    if (error || !current(waiting)) return;
    dial();
  });
  // Last: the transport's handlers may stop it, which closes this link.
  if (was_shared && input_.carrying) input_.carrying(settings_.peer, false);
}

std::chrono::milliseconds OutgoingLink::next_backoff() {
  // "Equal jitter": a delay in [backoff/2, backoff] (never below the minimum), then the backoff
  // doubles up to the maximum. Peers that lost a node at the same moment spread their redials.
  const auto high = backoff_.count();
  const auto low = std::max<std::int64_t>(settings_.backoff_min.count(), high / 2);
  std::uniform_int_distribution<std::int64_t> pick(std::min<std::int64_t>(low, high), high);
  const std::chrono::milliseconds delay{pick(jitter_)};
  backoff_ = std::min(backoff_ * 2, settings_.backoff_max);
  return delay;
}

}  // namespace baton::net
