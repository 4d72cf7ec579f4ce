// Exponential restart delay for a supervised command that keeps exiting: min, 2*min, 4*min, ...
// capped at max. Pure (no clock) so it is tested directly.
#pragma once

#include <algorithm>
#include <chrono>

namespace baton::service {

/// The delay before each restart of a crashing child. A child that crashes at once would otherwise
/// be restarted in a tight loop, burning CPU and flooding the log; one that ran for a long time
/// before exiting is not crash-looping, so the caller reset()s it (LeaderExec does when the child
/// ran at least `max`, and at every new leadership).
class RestartBackoff {
 public:
  RestartBackoff(std::chrono::milliseconds min, std::chrono::milliseconds max)
      : min_(min), max_(std::max(min, max)), next_(min) {}

  /// The delay to wait now; the one after it doubles, up to max.
  std::chrono::milliseconds next() {
    const auto delay = next_;
    next_ = next_ >= max_ / 2 ? max_ : next_ * 2;
    return delay;
  }
  void reset() { next_ = min_; }
  std::chrono::milliseconds max() const { return max_; }

 private:
  std::chrono::milliseconds min_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
};

}  // namespace baton::service
