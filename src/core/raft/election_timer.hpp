// The randomized election timer of one node (Raft paper 5.2), with MongoDB-style priority offsets
// and election-storm backoff.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/raft/config.hpp"
#include "core/rng.hpp"

namespace baton::raft {

/// Counts ticks since the last reset and fires after a timeout drawn uniformly from an inclusive
/// range. Randomization is what breaks split votes (paper 5.2); every draw comes from the caller's
/// Rng so runs replay exactly.
///
/// Drawn timeout = uniform([min * factor, max * factor]) + priority offset, where
/// - [min, max] is the election range, or the candidate range while campaigning if configured;
/// - factor is the storm-control backoff (1, 2, 4, ... up to backoff_max_factor);
/// - the priority offset is (max_priority - my_priority) * priority_step_ticks, so higher
///   priorities time out first and usually win (MongoDB's "priority takeover" without the
///   takeover).
class ElectionTimer {
 public:
  ElectionTimer(const Config& config, std::size_t self_index);

  /// Restarts the count and draws a new timeout. `campaigning` selects the candidate range.
  void reset(Rng& rng, bool campaigning);
  /// Restarts the count keeping the drawn timeout (leader contact, thesis 3.4: "a follower remains
  /// a follower as long as it receives valid RPCs").
  void restart() { elapsed_ticks_ = 0; }
  /// Fires after exactly `ticks` more ticks (>= 1), until the next reset().
  void fire_in(std::uint32_t ticks) {
    elapsed_ticks_ = 0;
    timeout_ticks_ = ticks;
  }
  /// Advances one tick; true when the timeout has been reached.
  bool tick() { return ++elapsed_ticks_ >= timeout_ticks_; }

  /// Notes one election that elected nobody. Returns true when this widened the range.
  bool note_failed_election();
  /// A leader was seen: back to the base range. Returns true if the range had been widened.
  bool reset_backoff();

  std::uint32_t timeout_ticks() const { return timeout_ticks_; }
  std::uint32_t elapsed_ticks() const { return elapsed_ticks_; }
  std::uint32_t backoff_factor() const { return backoff_factor_; }
  /// Upper end of the current (backed-off) election timeout range, in ticks.
  std::uint32_t election_max_ticks() const {
    return election_max_ticks_ * backoff_factor_ + priority_offset_ticks_;
  }
  std::uint32_t priority_offset_ticks() const { return priority_offset_ticks_; }

 private:
  std::uint32_t election_min_ticks_;
  std::uint32_t election_max_ticks_;
  std::uint32_t candidate_min_ticks_;
  std::uint32_t candidate_max_ticks_;
  std::uint32_t priority_offset_ticks_ = 0;
  std::uint32_t backoff_after_failed_ = 0;  ///< 0 disables storm control
  std::uint32_t backoff_max_factor_ = 1;
  std::uint32_t backoff_factor_ = 1;
  std::uint32_t failed_elections_ = 0;
  std::uint32_t timeout_ticks_ = 0;
  std::uint32_t elapsed_ticks_ = 0;
};

/// priorities[i] for members[i]; an empty list means everybody has priority 1.
std::uint32_t priority_of(const Config& config, std::size_t member_index);

}  // namespace baton::raft
