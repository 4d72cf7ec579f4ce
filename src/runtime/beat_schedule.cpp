#include "runtime/beat_schedule.hpp"

namespace baton::runtime {

void BeatSchedule::follow(const std::optional<LeaderBeat>& beat) {
  const bool same = beat && beat_ && beat->leader == beat_->leader &&
                    beat->interval_ticks == beat_->interval_ticks;
  if (same || (!beat && !beat_)) return;
  beat_ = beat;
  read_at_.reset();
}

void BeatSchedule::arrived(NodeId from, std::uint64_t tick) {
  if (!beat_ || from != beat_->leader) return;
  synced_at_ = tick;
  read_at_ = tick + beat_->interval_ticks + kMarginTicks;
}

void BeatSchedule::read(std::uint64_t tick, bool found) {
  if (!beat_ || !read_at_ || tick < *read_at_) return;
  if (!found) {
    ++misses_;
    read_at_.reset();
    return;
  }
  // Keep the measured phase: the next heartbeat is due one interval after the last expected one,
  // however late this read ran.
  while (*read_at_ <= tick) *read_at_ += beat_->interval_ticks;
  if (*read_at_ - synced_at_ > resync_ticks_) read_at_.reset();
}

}  // namespace baton::runtime
