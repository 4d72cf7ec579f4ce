// Invariant 3, fencing: judged independently of the resource's own rule, an accepted write whose
// token is smaller than a previously accepted token, or equal to one accepted from a different
// node, is a stale write (a deposed leader's write landed after its successor's).
#pragma once

#include <optional>
#include <string>

#include "core/types.hpp"

namespace baton::sim {

class FencingChecker {
 public:
  /// The resource accepted `token` from `writer`. Returns a violation detail if the write is stale.
  std::optional<std::string> on_accepted(FenceToken token, NodeId writer);

 private:
  FenceToken max_token_ = 0;
  NodeId max_writer_ = kNoNode;
  bool any_ = false;
};

}  // namespace baton::sim
