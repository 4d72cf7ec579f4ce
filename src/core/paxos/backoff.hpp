// Retry waits of a proposer whose ballots keep failing: livelock control for duelling proposers.
#pragma once

#include <cstdint>

#include "core/rng.hpp"

namespace baton::paxos {

/// Two proposers that retry at once pre-empt each other forever (the duelling proposers of "Paxos
/// Made Simple", 2.4). A random wait separates them; doubling it after each consecutive failure
/// (bounded by max_factor) keeps a crowd of proposers from colliding again, like Ethernet's
/// exponential backoff. A leader seen means contention is over: back to the base range.
class Backoff {
 public:
  Backoff(std::uint32_t ticks_min, std::uint32_t ticks_max, std::uint32_t max_factor)
      : ticks_min_(ticks_min),
        ticks_max_(ticks_max),
        max_factor_(max_factor < 1 ? 1 : max_factor) {}

  /// A ballot failed. Returns true when this widened the range.
  bool note_failure() {
    ++failures_;
    // The first failure waits the base range; each further one doubles it, up to max_factor.
    if (failures_ > 1 && factor_ < max_factor_) {
      factor_ = factor_ * 2 > max_factor_ ? max_factor_ : factor_ * 2;
      return true;
    }
    return false;
  }
  /// A leader was seen. Returns true if the range had been widened.
  bool reset() {
    const bool widened = factor_ > 1;
    failures_ = 0;
    factor_ = 1;
    return widened;
  }
  /// A wait drawn uniformly from the current range.
  std::uint64_t draw_ticks(Rng& rng) const {
    return rng.uniform(std::uint64_t{ticks_min_} * factor_, std::uint64_t{ticks_max_} * factor_);
  }

  std::uint32_t factor() const { return factor_; }
  std::uint32_t failures() const { return failures_; }

 private:
  std::uint32_t ticks_min_;
  std::uint32_t ticks_max_;
  std::uint32_t max_factor_;
  std::uint32_t factor_ = 1;
  std::uint32_t failures_ = 0;
};

}  // namespace baton::paxos
