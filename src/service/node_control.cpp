#include "service/node_control.hpp"

namespace baton::service {

NodeStatus NodeControlAdapter::status() const {
  return node_.status();
}
NodeMetrics NodeControlAdapter::metrics() const {
  return node_.metrics();
}
bool NodeControlAdapter::is_leader() const {
  return node_.is_leader();
}
std::optional<std::chrono::steady_clock::time_point> NodeControlAdapter::lease_valid_until() const {
  return node_.lease_valid_until();
}
RequestOutcome NodeControlAdapter::resign() {
  return node_.resign();
}
RequestOutcome NodeControlAdapter::transfer(NodeId to) {
  return node_.transfer(to);
}
void NodeControlAdapter::set_standing(bool standing) {
  node_.set_standing(standing);
}
std::unique_ptr<EventSubscription> NodeControlAdapter::subscribe(std::size_t capacity) {
  return node_.subscribe(capacity);
}

}  // namespace baton::service
