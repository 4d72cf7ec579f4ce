#include "sim/check_lease_safety.hpp"

namespace baton::sim {

std::optional<std::string> LeaseSafetyChecker::check(std::span<const Status> statuses,
                                                     std::span<const std::uint8_t> active) const {
  NodeId first = kNoNode;
  for (std::size_t i = 1; i < statuses.size(); ++i) {
    const Status& s = statuses[i];
    if (!active[i] || s.role != Role::Leader || !s.lease_valid) continue;
    if (first == kNoNode) {
      first = static_cast<NodeId>(i);
      continue;
    }
    return "two valid leases at once: n" + std::to_string(first) + " (term " +
           std::to_string(statuses[first].term) + ") and n" + std::to_string(i) + " (term " +
           std::to_string(s.term) + ")";
  }
  return std::nullopt;
}

}  // namespace baton::sim
