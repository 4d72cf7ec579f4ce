// What the service layer (HTTP API, run-while-leader, health abdication) needs from a node, as an
// interface so each piece can be tested against a fake node without sockets or elections.
// NodeControlAdapter forwards to a real baton::Node.
#pragma once

#include <memory>

#include "baton/node.hpp"

namespace baton::service {

class NodeControl {
 public:
  virtual ~NodeControl() = default;
  virtual NodeStatus status() const = 0;
  virtual NodeMetrics metrics() const = 0;
  virtual bool is_leader() const = 0;
  virtual std::optional<std::chrono::steady_clock::time_point> lease_valid_until() const = 0;
  virtual RequestOutcome resign() = 0;
  virtual RequestOutcome transfer(NodeId to) = 0;
  virtual void set_standing(bool standing) = 0;
  virtual std::unique_ptr<EventSubscription> subscribe(std::size_t capacity) = 0;
};

/// Forwards to a real baton::Node. The bodies live in node_control.cpp, not here: inline, they let
/// the compiler speculatively devirtualise every NodeControl call in the service layer into a
/// call to baton::Node, so code (and tests) that never touch a Node would still need the runtime
/// to link.
class NodeControlAdapter final : public NodeControl {
 public:
  explicit NodeControlAdapter(Node& node) : node_(node) {}
  NodeStatus status() const override;
  NodeMetrics metrics() const override;
  bool is_leader() const override;
  std::optional<std::chrono::steady_clock::time_point> lease_valid_until() const override;
  RequestOutcome resign() override;
  RequestOutcome transfer(NodeId to) override;
  void set_standing(bool standing) override;
  std::unique_ptr<EventSubscription> subscribe(std::size_t capacity) override;

 private:
  Node& node_;
};

}  // namespace baton::service
