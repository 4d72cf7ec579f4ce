// The leader lease (Ongaro thesis 6.4.1): how long a leader may be sure no other leader exists.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/raft/config.hpp"

namespace baton::raft {

/// Lease length L in the leader's ticks, measured from when a heartbeat round was SENT.
///
/// Why this is safe: a follower that received round r refuses every vote for the next
/// election_timeout_ticks_min of its own ticks (leader stickiness, thesis 4.2.3). The first of
/// those ticks may come right after the heartbeat arrived, so the follower's refusal lasts at least
/// (min - 1) full tick periods of real time, and it arrived after the leader sent it. With clock
/// rates off by at most `drift` either way, a fast follower's (min - 1) ticks last at least
/// (min - 1) / (1 + drift) nominal periods and a slow leader's k ticks at most k / (1 - drift), so
/// the leader may count L = floor((min - 1) * (1 - drift) / (1 + drift)) of its ticks. Any new
/// leader needs a vote from a quorum, which shares a member with the quorum that acked round r.
std::uint64_t lease_duration_ticks(const Config& config);

/// Numbers heartbeat rounds, remembers when each was sent and which round each member last acked,
/// and derives lease_until = sent_tick(r) + L for the newest round r a quorum (counting the leader)
/// has acked. Allocates only at construction.
class LeaseTracker {
 public:
  LeaseTracker(std::size_t members, std::size_t self_index, std::uint64_t duration_ticks);

  /// Starts a new heartbeat round sent at `now_ticks`; returns its number (the first is 1).
  std::uint64_t start_round(std::uint64_t now_ticks);
  /// `member_index` acked `round` (and so every earlier one).
  void ack(std::size_t member_index, std::uint64_t round);

  std::uint64_t round() const { return round_; }
  std::uint64_t acked_round(std::size_t member_index) const { return acked_[member_index]; }
  /// The lease holds while now_ticks + 1 <= until_ticks(): at tick granularity the leader may act
  /// on its belief until the next tick arrives, so a belief held at tick t must still be true one
  /// tick later (thesis 6.4.1 asks the lease to be conservative). 0 = never had one.
  std::uint64_t until_ticks() const { return until_ticks_; }
  bool valid_at(std::uint64_t now_ticks) const { return now_ticks + 1 <= until_ticks_; }

 private:
  /// Recomputes the lease from the newest round a quorum has acked.
  void extend_lease();
  /// Rounds older than this are forgotten; a quorum ack that old can only give an expired lease
  /// when heartbeat_interval * kRoundHistory exceeds the lease, and forgetting is conservative.
  static constexpr std::size_t kRoundHistory = 64;
  std::array<std::uint64_t, kRoundHistory> sent_ticks_{};
  std::vector<std::uint64_t> acked_;    ///< newest round acked, by member index
  std::vector<std::uint64_t> scratch_;  ///< reused for the quorum order statistic
  std::size_t self_index_;
  std::uint64_t duration_ticks_;
  std::uint64_t round_ = 0;
  std::uint64_t until_ticks_ = 0;
};

}  // namespace baton::raft
