#include "core/beat_schedule.hpp"

#include <algorithm>
#include <cmath>

namespace baton {

BeatSchedule BeatSchedule::for_tick_ms(double tick_ms) {
  return BeatSchedule(
      static_cast<std::uint64_t>(kResyncMs / tick_ms),
      std::max<std::uint64_t>(2, static_cast<std::uint64_t>(std::ceil(kGuardMs / tick_ms))));
}

void BeatSchedule::follow(const std::optional<LeaderBeat>& beat) {
  const bool same = beat && beat_ && beat->leader == beat_->leader &&
                    beat->interval_ticks == beat_->interval_ticks;
  if (same || (!beat && !beat_)) return;
  beat_ = beat;
  interval_ = beat ? beat->interval_ticks : 0;
  read_at_.reset();
  prompt_at_.reset();
  prompt_gap_.reset();
  misses_in_a_row_ = 0;
  backed_off_until_ = 0;
}

void BeatSchedule::arrived(NodeId from, std::uint64_t tick) {
  if (!beat_ || from != beat_->leader || beat_->interval_ticks == 0) return;
  if (!prompt_at_) {
    interval_ = beat_->interval_ticks;  // the first heartbeat, or a resync: start from the setting
  } else {
    // Consecutive heartbeats, all read as they arrived. Two gaps that agree to a tick and are
    // clearly longer than our setting are the leader's own, longer interval (a single long gap
    // is a lost or late heartbeat).
    const std::uint64_t gap = tick - *prompt_at_;
    if (prompt_gap_ && gap + kMarginTicks >= *prompt_gap_ && gap <= *prompt_gap_ + kMarginTicks &&
        gap > beat_->interval_ticks + kMarginTicks) {
      interval_ = gap;
    }
    prompt_gap_ = gap;
  }
  prompt_at_ = tick;
  synced_at_ = tick;
  read_at_.reset();
  if (tick >= backed_off_until_) read_at_ = tick + interval_ + kMarginTicks;
}

bool BeatSchedule::holds(std::uint64_t done, std::uint64_t ticks_until_due) const {
  if (!read_at_ || leader() == kNoNode || *read_at_ <= done) return false;
  return *read_at_ + guard_ticks_ < done + ticks_until_due;
}

void BeatSchedule::read(std::uint64_t tick, bool found) {
  if (!beat_ || !read_at_ || tick < *read_at_) return;
  if (!found) {
    ++misses_;
    read_at_.reset();
    if (++misses_in_a_row_ >= kMissesBeforeBackOff) {
      misses_in_a_row_ = 0;
      backed_off_until_ = tick + resync_ticks_;
    }
    return;
  }
  misses_in_a_row_ = 0;
  prompt_at_.reset();
  prompt_gap_.reset();
  // Keep the measured phase: the next heartbeat is due one interval after the last expected one,
  // however late this read ran.
  while (*read_at_ <= tick) *read_at_ += interval_;
  if (*read_at_ - synced_at_ > resync_ticks_) read_at_.reset();
}

}  // namespace baton
