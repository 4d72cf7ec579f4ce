// Checks that hold for any core behind the Elector interface: events in an output batch, and
// ticks_until_due()'s promise that the ticks before the due one change nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/elector.hpp"
#include "core/output.hpp"

namespace baton::test {

inline bool has_event(const Output& out, CoreEventKind kind) {
  for (const auto& e : out.events) {
    if (e.kind == kind) return true;
  }
  return false;
}

/// What a skipped tick must not change.
struct Observed {
  Role role;
  Term term;
  NodeId leader;
  NodeId voted_for;
  FenceToken fence;
  bool operator==(const Observed&) const = default;
};

inline Observed observe(const Elector& node) {
  const Status s = node.status();
  return {s.role, s.term, s.leader, s.voted_for, s.fence_token};
}

/// Ticks a clone of `node` through the ticks before its due one; returns what went wrong, or "".
inline std::string quiet_until_due(const Elector& node) {
  const std::unique_ptr<Elector> copy = node.clone();
  Output sink;
  copy->take_output(sink);
  const std::uint64_t due = copy->ticks_until_due();
  if (due == 0) return "ticks_until_due() returned 0";
  const Observed before = observe(*copy);
  for (std::uint64_t k = 1; k < due; ++k) {
    copy->tick();
    if (copy->has_output() || !(observe(*copy) == before)) {
      return std::string(node.algorithm()) + " node " + std::to_string(node.status().id) +
             " acted on tick " + std::to_string(k) + " of " + std::to_string(due) + " (role " +
             std::string(to_string(node.status().role)) + ")";
    }
  }
  return "";
}

}  // namespace baton::test
