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

class NodeControlAdapter final : public NodeControl {
 public:
  explicit NodeControlAdapter(Node& node) : node_(node) {}
  NodeStatus status() const override { return node_.status(); }
  NodeMetrics metrics() const override { return node_.metrics(); }
  bool is_leader() const override { return node_.is_leader(); }
  std::optional<std::chrono::steady_clock::time_point> lease_valid_until() const override {
    return node_.lease_valid_until();
  }
  RequestOutcome resign() override { return node_.resign(); }
  RequestOutcome transfer(NodeId to) override { return node_.transfer(to); }
  void set_standing(bool standing) override { node_.set_standing(standing); }
  std::unique_ptr<EventSubscription> subscribe(std::size_t capacity) override {
    return node_.subscribe(capacity);
  }

 private:
  Node& node_;
};

}  // namespace baton::service
