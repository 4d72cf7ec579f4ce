// The node's HTTP API (docs/http-api.md): status, leader, is-me for load balancers, health,
// resign, transfer, a server-sent event stream of leadership changes, and Prometheus metrics.
// Served by cpp-httplib on its own threads; everything it reads comes through NodeControl.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "service/node_control.hpp"

namespace baton::service {

/// Where the HTTP API listens.
struct HttpApiOptions {
  /// host:port; port 0 picks a free one (see HttpApi::port()).
  std::string listen = "127.0.0.1:0";
};

/// Renders GET /v1/status as JSON: id, algorithm, role, term, leader, fence_token, lease_valid,
/// lease_remaining_ms, standing, peers[{id, address, connected, last_contact_ms_ago}]. "None" is
/// null (no leader, never contacted), never 0 or -1.
std::string status_json(const NodeStatus& status);
/// Renders GET /metrics in the Prometheus text exposition format (promtool check metrics clean).
std::string render_metrics(const NodeStatus& status, const NodeMetrics& metrics);
/// One server-sent event ("event: elected\nid: 7\ndata: {...}\n\n") for a leadership event; the
/// id is the event's sequence number and the data one line of JSON.
std::string sse_event(const LeadershipEvent& event);

/// The HTTP server of one node (docs/http-api.md). Start once; stop() is idempotent and returns
/// without waiting for event-stream clients (it closes their streams).
class HttpApi {
 public:
  HttpApi(NodeControl& node, HttpApiOptions options);
  ~HttpApi();  ///< stops the server
  /// Binds (throws std::runtime_error naming the address if it cannot) and serves on a thread.
  void start();
  void stop();
  std::uint16_t port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace baton::service
