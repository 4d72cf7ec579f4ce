// The node's tick schedule on the monotonic clock: tick n is due at start + n × tick. It decides
// how many ticks to run when the loop wakes and when the loop should wake next. It owns no timer
// and reads no clock (callers pass `now`), so its rules are tested with made-up instants
// (tests/runtime/tick_schedule_test.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "core/elector.hpp"

namespace baton::runtime {

class TickSchedule {
 public:
  using Clock = std::chrono::steady_clock;

  /// `max_sleep` bounds how long the loop may sleep even when the core has nothing due.
  TickSchedule(Clock::duration tick, Clock::duration max_sleep);

  void start(Clock::time_point start) { start_ = start; }
  /// Runs `one_tick` once for every tick due by `now` that has not run yet, in order. A tick
  /// never runs before its nominal time, so deadlines derived from the tick count (the lease) are
  /// never later than the core believes.
  void run_due(Clock::time_point now, const std::function<void()>& one_tick);
  std::uint64_t ticks_done() const { return done_; }
  Clock::time_point time_of(std::uint64_t tick) const {
    return start_ + tick_ * static_cast<Clock::rep>(tick);
  }

  /// When to wake for a core whose next due tick is `ticks_until_due` ticks after the last one
  /// run (at most max_sleep ahead), or nullopt when the timer is already armed for that tick or an
  /// earlier one (waking early only runs ticks that do nothing, and re-arming costs a syscall).
  std::optional<Clock::time_point> arm(std::uint64_t ticks_until_due);
  /// The armed timer fired; the next arm() arms again.
  void fired() { armed_tick_ = 0; }

 private:
  Clock::duration tick_;
  std::uint64_t max_sleep_ticks_;
  Clock::time_point start_{};
  std::uint64_t done_ = 0;
  std::uint64_t armed_tick_ = 0;  ///< 0 = not armed
};

/// Everything that reaches a core between ticks goes through here: first every tick due at `now`
/// (each followed by `drain` when it produced output), then `fn` (a step or a request). A core
/// stamps what it is handed with its tick count: a follower's stickiness window starts at the
/// tick it heard its leader, and a stale count would end that window — on which the leader's lease
/// relies — early by as long as the loop slept.
template <class Fn>
decltype(auto) with_current_ticks(Elector& core, TickSchedule& schedule,
                                  TickSchedule::Clock::time_point now,
                                  const std::function<void()>& drain, Fn&& fn) {
  schedule.run_due(now, [&] {
    core.tick();
    if (core.has_output()) drain();
  });
  return std::forward<Fn>(fn)();
}

}  // namespace baton::runtime
