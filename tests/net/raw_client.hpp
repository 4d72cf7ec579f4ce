// A hand-driven socket that dials a TcpTransport and plays a peer by hand: for tests of malformed
// input and of what older or misbehaving peers send.
#pragma once

#include <array>
#include <asio.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/frame.hpp"
#include "net/handshake.hpp"

namespace baton::net::harness {

/// A hand-driven client socket. Writes are blocking (small, so the kernel takes them at once);
/// reads run on the harness' io_context and collect everything until the transport closes.
class RawClient {
 public:
  RawClient(asio::io_context& io, std::uint16_t port) : state_(std::make_shared<State>(io)) {
    state_->socket.connect({asio::ip::make_address("127.0.0.1"), port});
    read(state_);
  }
  ~RawClient() { close(); }
  RawClient(RawClient&&) = default;

  void write(std::string_view bytes) { asio::write(state_->socket, asio::buffer(bytes)); }
  void write_frame(std::string_view payload) {
    std::string frame;
    append_frame(frame, payload);
    write(frame);
  }
  void close() {
    if (!state_) return;
    asio::error_code ignored;
    state_->socket.close(ignored);
  }
  /// Closes with a reset (RST), as a process killed with unread input does.
  void reset() {
    asio::error_code ignored;
    state_->socket.set_option(asio::socket_base::linger(true, 0), ignored);
    close();
  }
  bool closed_by_peer() const { return state_->ended; }
  /// The transport's HelloReply, once it arrived.
  std::optional<HelloReply> reply() const {
    const auto frames = received_frames();
    if (frames.empty()) return std::nullopt;
    return decode_hello_reply(frames.front()).value;
  }
  /// The frames the transport sent after its HelloReply (on a connection it shares).
  std::vector<std::string> frames() const {
    auto frames = received_frames();
    if (!frames.empty()) frames.erase(frames.begin());
    return frames;
  }

 private:
  struct State {
    explicit State(asio::io_context& io) : socket(io) {}
    asio::ip::tcp::socket socket;
    std::array<char, 4096> buffer{};
    std::string received;
    bool ended = false;
  };
  static void read(const std::shared_ptr<State>& state) {
    state->socket.async_read_some(asio::buffer(state->buffer),
                                  [state](const asio::error_code& error, std::size_t n) {
                                    if (error) {
                                      state->ended = true;
                                      return;
                                    }
                                    state->received.append(state->buffer.data(), n);
                                    read(state);
                                  });
  }
  std::vector<std::string> received_frames() const {
    FrameDecoder decoder;
    decoder.feed(state_->received);
    std::vector<std::string> frames;
    while (auto frame = decoder.next()) frames.push_back(std::move(*frame));
    return frames;
  }

  std::shared_ptr<State> state_;
};

/// A Hello as a node of the harness' cluster sends it; `share` offers to share the connection.
inline std::string hello(NodeId from, NodeId to, std::string cluster = "test",
                         std::uint32_t version = kWireVersion, bool share = false) {
  return encode_hello(Hello{.wire_version = version,
                            .cluster_id = std::move(cluster),
                            .from = from,
                            .to = to,
                            .share_connection = share});
}

}  // namespace baton::net::harness
