// Test harness for TcpTransport: real transports on 127.0.0.1 driven by one io_context that the
// test runs in short slices until a condition holds or a deadline passes, so no test can hang.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "net/loopback_ports.hpp"
#include "net/tcp_transport.hpp"

namespace baton::net::harness {

using namespace std::chrono_literals;

/// One transport under test and everything its handlers saw.
struct TestNode {
  NodeId id = kNoNode;
  std::unique_ptr<TcpTransport> transport;
  std::vector<std::pair<NodeId, std::string>> frames;
  std::vector<NodeId> lost;
  std::vector<std::pair<NodeId, std::string>> malformed;
  /// Frames and losses in the order the handlers saw them: "2: payload", "2 lost".
  std::vector<std::string> log;
  /// Set by a test around its own send(): a handler that runs inside it is noted in `log`.
  bool sending = false;

  /// Payloads received from `from`, in arrival order.
  std::vector<std::string> payloads_from(NodeId from) const {
    std::vector<std::string> out;
    for (const auto& [sender, payload] : frames) {
      if (sender == from) out.push_back(payload);
    }
    return out;
  }
  PeerTransportStats stats(NodeId peer) const { return transport->peer_stats(peer); }
};

class Harness {
 public:
  /// Reserves a loopback port for each id, so configs can name every member's address before
  /// any transport exists.
  explicit Harness(const std::vector<NodeId>& ids) {
    const auto ports = reserve_loopback_ports(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) ports_[ids[i]] = ports[i];
  }
  ~Harness() {
    for (auto& [id, node] : nodes) node->transport->stop();
    nodes.clear();
    // Let the aborted handlers of the stopped transports run once: they must touch nothing.
    io.restart();
    io.run_for(20ms);
  }

  std::string address(NodeId id) const { return "127.0.0.1:" + std::to_string(ports_.at(id)); }
  std::uint16_t port(NodeId id) const { return ports_.at(id); }

  /// Short timings so reconnects and timeouts happen within a test's budget.
  TransportConfig config(NodeId self, const std::vector<NodeId>& peers,
                         std::string cluster = "test") const {
    TransportConfig config;
    config.self = self;
    config.cluster_id = std::move(cluster);
    config.listen = address(self);
    for (NodeId peer : peers) config.peers[peer] = address(peer);
    config.reconnect_backoff_min = 5ms;
    config.reconnect_backoff_max = 50ms;
    config.handshake_timeout = 500ms;
    return config;
  }

  /// Creates and starts a transport recording into nodes[config.self].
  TestNode& start(TransportConfig config) {
    auto node = std::make_unique<TestNode>();
    node->id = config.self;
    TestNode* raw = node.get();
    TcpTransport::Handlers handlers{
        .on_frame =
            [raw](NodeId from, std::string_view payload) {
              raw->frames.emplace_back(from, payload);
              raw->log.push_back(std::to_string(from) + ": " + std::string(payload) +
                                 (raw->sending ? " (inside send)" : ""));
            },
        .on_incoming_lost =
            [raw](NodeId from) {
              raw->lost.push_back(from);
              raw->log.push_back(std::to_string(from) + " lost" +
                                 (raw->sending ? " (inside send)" : ""));
            },
        .on_malformed = [raw](
                            NodeId peer,
                            const std::string& what) { raw->malformed.emplace_back(peer, what); }};
    node->transport = std::make_unique<TcpTransport>(io, std::move(config), std::move(handlers));
    node->transport->start();
    auto& slot = nodes[raw->id];
    slot = std::move(node);
    return *slot;
  }

  /// Stops and destroys a transport (like a crashed process: its sockets close at once).
  void kill(NodeId id) {
    nodes.at(id)->transport->stop();
    nodes.erase(id);
  }

  /// Runs the io_context until `done` or `limit`; false on timeout.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 3000ms) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io.restart();
      io.run_for(2ms);
    }
    return true;
  }
  void run_for(std::chrono::milliseconds duration) {
    run_until([] { return false; }, duration);
  }

  /// Both directions between a and b passed their handshakes.
  bool linked(NodeId a, NodeId b) const {
    const auto& na = *nodes.at(a);
    const auto& nb = *nodes.at(b);
    return na.stats(b).outgoing_connected && na.stats(b).incoming_connected &&
           nb.stats(a).outgoing_connected && nb.stats(a).incoming_connected;
  }

  /// Sends one probe each way and waits for both: proof the pair still works.
  bool exchange(NodeId a, NodeId b, const std::string& tag) {
    nodes.at(a)->transport->send(b, tag + " a->b");
    nodes.at(b)->transport->send(a, tag + " b->a");
    const auto got = [&](NodeId to, NodeId from, const std::string& payload) {
      for (const auto& p : nodes.at(to)->payloads_from(from)) {
        if (p == payload) return true;
      }
      return false;
    };
    return run_until([&] { return got(b, a, tag + " a->b") && got(a, b, tag + " b->a"); });
  }

  asio::io_context io;
  std::map<NodeId, std::unique_ptr<TestNode>> nodes;

 private:
  std::map<NodeId, std::uint16_t> ports_;
};

}  // namespace baton::net::harness
