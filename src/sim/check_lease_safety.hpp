// Invariant 2, lease safety (thesis 6.4.1): at no instant of true simulated time do two live,
// unpaused nodes both hold a leadership lease they believe valid. A paused node is excluded: it
// cannot act on its belief until it resumes, and on resume it first catches up its clock.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/elector.hpp"

namespace baton::sim {

class LeaseSafetyChecker {
 public:
  /// `statuses[i]` / `active[i]` for node i (index 0 unused); active = live and not paused.
  std::optional<std::string> check(std::span<const Status> statuses,
                                   std::span<const std::uint8_t> active) const;
};

}  // namespace baton::sim
