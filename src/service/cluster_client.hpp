// The HTTP client side of the node API: what `baton status/resign/transfer` and the failover bench
// ask running nodes. Never throws for an unreachable node: it comes back as reachable = false.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "baton/node.hpp"

namespace baton::service {

/// A node's /v1/status as far as the tools need it, plus the raw JSON.
struct RemoteStatus {
  std::string url;
  bool reachable = false;
  std::string error;  ///< why not reachable
  NodeId id = 0;
  std::string role;
  Term term = 0;
  NodeId leader = 0;
  FenceToken fence_token = 0;
  bool lease_valid = false;
  bool standing = true;  ///< false while health abdication keeps the node out of elections
  std::string json;
};

RemoteStatus fetch_status(const std::string& url, std::chrono::milliseconds timeout);

/// POST /v1/resign or /v1/transfer; returns the HTTP status and body ("" + status 0 if
/// unreachable).
std::pair<int, std::string> post_resign(const std::string& url);
std::pair<int, std::string> post_transfer(const std::string& url, NodeId to);

/// An event from a node's /v1/events stream, stamped with when this process received it.
struct RemoteEvent {
  NodeId node = 0;
  std::string kind;
  std::uint64_t sequence = 0;
  NodeId leader = 0;
  Term term = 0;
  FenceToken fence_token = 0;
  bool is_leader = false;
  std::chrono::steady_clock::time_point received{};
};

/// Follows one node's event stream on a thread, reconnecting until stopped (a killed node's stream
/// ends; its restarted self is followed again).
class EventWatcher {
 public:
  EventWatcher(std::string url, std::function<void(const RemoteEvent&)> on_event);
  ~EventWatcher();
  void stop();

 private:
  std::string url_;
  std::function<void(const RemoteEvent&)> on_event_;
  std::shared_ptr<std::atomic<bool>> stopped_;
  std::thread thread_;
};

}  // namespace baton::service
