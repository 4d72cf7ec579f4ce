#include "runtime/tick_schedule.hpp"

#include <algorithm>

namespace baton::runtime {

TickSchedule::TickSchedule(Clock::duration tick, Clock::duration max_sleep)
    : tick_(tick),
      max_sleep_ticks_(std::max<std::uint64_t>(1, static_cast<std::uint64_t>(max_sleep / tick))) {}

void TickSchedule::run_due(Clock::time_point now, const std::function<void()>& one_tick) {
  if (now < start_) return;
  const auto due = static_cast<std::uint64_t>((now - start_) / tick_);
  while (done_ < due) {
    ++done_;
    one_tick();
  }
}

std::optional<TickSchedule::Clock::time_point> TickSchedule::arm(std::uint64_t ticks_until_due) {
  const std::uint64_t want =
      done_ + std::clamp<std::uint64_t>(ticks_until_due, 1, max_sleep_ticks_);
  if (armed_tick_ != 0 && armed_tick_ <= want) return std::nullopt;
  armed_tick_ = want;
  return time_of(want);
}

}  // namespace baton::runtime
