// The public Node: forwards to Node::Impl (runtime/node_impl.hpp).
#include "baton/node.hpp"

#include "runtime/node_impl.hpp"

namespace baton {

const char* to_string(LeadershipEventKind kind) {
  switch (kind) {
    case LeadershipEventKind::Snapshot:
      return "snapshot";
    case LeadershipEventKind::Elected:
      return "elected";
    case LeadershipEventKind::Demoted:
      return "demoted";
    case LeadershipEventKind::LeaderChanged:
      return "leader_changed";
    case LeadershipEventKind::NoLeader:
      return "no_leader";
    case LeadershipEventKind::FellBehind:
      return "fell_behind";
  }
  return "unknown";
}

const char* to_string(RequestOutcome outcome) {
  switch (outcome) {
    case RequestOutcome::Ok:
      return "ok";
    case RequestOutcome::NotLeader:
      return "not_leader";
    case RequestOutcome::UnknownPeer:
      return "unknown_peer";
    case RequestOutcome::NotEligible:
      return "not_eligible";
    case RequestOutcome::AlreadyLeader:
      return "already_leader";
    case RequestOutcome::NotSupported:
      return "not_supported";
    case RequestOutcome::NotRunning:
      return "not_running";
  }
  return "unknown";
}

Node::Node(NodeOptions options) : impl_(std::make_unique<Impl>(*this, std::move(options))) {}
Node::~Node() {
  impl_->stop();
}
void Node::start() {
  impl_->start();
}
void Node::stop() {
  impl_->stop();
}
bool Node::hand_over(std::chrono::milliseconds timeout) {
  return impl_->hand_over(timeout);
}
bool Node::is_leader() const {
  return impl_->is_leader();
}
NodeId Node::leader() const {
  return impl_->leader();
}
FenceToken Node::fence_token() const {
  return impl_->fence_token();
}
bool Node::lease_valid() const {
  return impl_->lease_valid_until().has_value();
}
std::optional<std::chrono::steady_clock::time_point> Node::lease_valid_until() const {
  return impl_->lease_valid_until();
}
NodeStatus Node::status() const {
  return impl_->status();
}
NodeMetrics Node::metrics() const {
  return impl_->metrics();
}
NodeId Node::id() const {
  return impl_->id();
}
std::uint16_t Node::peer_port() const {
  return impl_->peer_port();
}
RequestOutcome Node::resign() {
  return impl_->resign();
}
RequestOutcome Node::transfer(NodeId to) {
  return impl_->transfer(to);
}
void Node::set_standing(bool standing) {
  impl_->set_standing(standing);
}
std::unique_ptr<EventSubscription> Node::subscribe(std::size_t capacity) {
  return impl_->subscribe(capacity);
}

}  // namespace baton
