#include "core/raft/election_timer.hpp"

#include <algorithm>

namespace baton::raft {

std::uint32_t priority_of(const Config& config, std::size_t member_index) {
  if (config.priorities.empty()) return 1;
  return member_index < config.priorities.size() ? config.priorities[member_index] : 1;
}

ElectionTimer::ElectionTimer(const Config& config, std::size_t self_index)
    : election_min_ticks_(config.election_timeout_ticks_min),
      election_max_ticks_(
          std::max(config.election_timeout_ticks_min, config.election_timeout_ticks_max)),
      candidate_min_ticks_(config.candidate_timeout_ticks_min),
      candidate_max_ticks_(
          std::max(config.candidate_timeout_ticks_min, config.candidate_timeout_ticks_max)),
      backoff_after_failed_(config.backoff_after_failed_elections),
      backoff_max_factor_(std::max<std::uint32_t>(1, config.backoff_max_factor)) {
  if (candidate_min_ticks_ == 0 && config.candidate_timeout_ticks_max == 0) {
    candidate_min_ticks_ = election_min_ticks_;
    candidate_max_ticks_ = election_max_ticks_;
  }
  std::uint32_t max_priority = 0;
  for (std::size_t i = 0; i < config.members.size(); ++i) {
    max_priority = std::max(max_priority, priority_of(config, i));
  }
  const std::uint32_t mine = priority_of(config, self_index);
  const std::uint32_t step = config.priority_step_ticks != 0
                                 ? config.priority_step_ticks
                                 : (election_max_ticks_ - election_min_ticks_) / 2;
  priority_offset_ticks_ = mine < max_priority ? (max_priority - mine) * step : 0;
}

void ElectionTimer::reset(Rng& rng, bool campaigning) {
  const std::uint64_t lo =
      std::uint64_t{campaigning ? candidate_min_ticks_ : election_min_ticks_} * backoff_factor_;
  const std::uint64_t hi =
      std::uint64_t{campaigning ? candidate_max_ticks_ : election_max_ticks_} * backoff_factor_;
  timeout_ticks_ = static_cast<std::uint32_t>(rng.uniform(lo, hi) + priority_offset_ticks_);
  elapsed_ticks_ = 0;
}

bool ElectionTimer::note_failed_election() {
  if (backoff_after_failed_ == 0) return false;
  if (++failed_elections_ < backoff_after_failed_) return false;
  failed_elections_ = 0;  // widen again only after another run of failures
  const std::uint32_t widened = std::min(backoff_factor_ * 2, backoff_max_factor_);
  if (widened == backoff_factor_) return false;
  backoff_factor_ = widened;
  return true;
}

bool ElectionTimer::reset_backoff() {
  failed_elections_ = 0;
  const bool was_widened = backoff_factor_ != 1;
  backoff_factor_ = 1;
  return was_widened;
}

}  // namespace baton::raft
