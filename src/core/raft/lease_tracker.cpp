#include "core/raft/lease_tracker.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/raft/quorum.hpp"

namespace baton::raft {

std::uint64_t lease_duration_ticks(const Config& config) {
  const std::uint64_t min_ticks = config.election_timeout_ticks_min;
  // Test-only bug: forget drift and the tick-granularity margin, and add slack on top, so the
  // lease-safety checker has something to catch.
  if (config.unsafe.ignore_drift_in_lease) return min_ticks + min_ticks / 2;
  if (min_ticks == 0) return 0;
  const double drift = std::clamp(config.max_clock_drift, 0.0, 0.999);
  return static_cast<std::uint64_t>(
      std::floor(static_cast<double>(min_ticks - 1) * (1.0 - drift) / (1.0 + drift)));
}

LeaseTracker::LeaseTracker(std::size_t members, std::size_t self_index,
                           std::uint64_t duration_ticks)
    : acked_(members, 0),
      scratch_(members, 0),
      self_index_(self_index),
      duration_ticks_(duration_ticks) {}

std::uint64_t LeaseTracker::start_round(std::uint64_t now_ticks) {
  ++round_;
  sent_ticks_[round_ % kRoundHistory] = now_ticks;
  acked_[self_index_] = round_;  // the leader trivially "acks" its own round
  // A group of one is its own quorum: the round is acknowledged as soon as it starts.
  if (quorum_size(acked_.size()) == 1) extend_lease();
  return round_;
}

void LeaseTracker::ack(std::size_t member_index, std::uint64_t round) {
  if (member_index >= acked_.size() || round == 0 || round > round_) return;
  if (round <= acked_[member_index]) return;
  acked_[member_index] = round;
  extend_lease();
}

void LeaseTracker::extend_lease() {
  // The newest round a quorum has acked is the quorum-th largest acked round.
  std::copy(acked_.begin(), acked_.end(), scratch_.begin());
  const std::size_t k = quorum_size(acked_.size()) - 1;
  std::nth_element(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(k),
                   scratch_.end(), std::greater<>());
  const std::uint64_t quorum_round = scratch_[k];
  if (quorum_round == 0 || round_ - quorum_round >= kRoundHistory) return;
  until_ticks_ =
      std::max(until_ticks_, sent_ticks_[quorum_round % kRoundHistory] + duration_ticks_);
}

}  // namespace baton::raft
