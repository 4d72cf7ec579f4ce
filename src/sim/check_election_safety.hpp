// Invariant 1, election safety (Raft paper 5.2, Figure 3): at most one leader per term, over the
// whole history of the run, across crashes and restarts.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "core/types.hpp"

namespace baton::sim {

class ElectionSafetyChecker {
 public:
  /// `node` is leader of `term` now. Returns a violation detail if another node led that term.
  std::optional<std::string> on_leader(NodeId node, Term term);

 private:
  std::unordered_map<Term, NodeId> first_leader_;  ///< the first leader seen for each term
};

}  // namespace baton::sim
