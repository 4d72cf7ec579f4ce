#include "sim/check_election_safety.hpp"

namespace baton::sim {

std::optional<std::string> ElectionSafetyChecker::on_leader(NodeId node, Term term) {
  auto [it, inserted] = first_leader_.emplace(term, node);
  if (inserted || it->second == node) return std::nullopt;
  return "two leaders in term " + std::to_string(term) + ": n" + std::to_string(it->second) +
         " and n" + std::to_string(node);
}

}  // namespace baton::sim
