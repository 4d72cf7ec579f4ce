// Heartbeat round trips for the metrics histogram: the leader notes when it sent heartbeat round r
// to a peer and matches the peer's response carrying r. Only about one round a second is sampled:
// the node reads that round's answers as they arrive, and may leave the others' unread until its
// next heartbeat (Elector::input_can_wait()), which would stretch their round trips. A sampled
// round costs the leader a wake-up per answer, so sampling by time keeps that cost the same at any
// heartbeat interval.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/types.hpp"

namespace baton::runtime {

class RttTracker {
 public:
  using Clock = std::chrono::steady_clock;
  /// Histogram bucket upper bounds in seconds (Prometheus `le`).
  static const std::vector<double>& bounds_seconds();

  static constexpr std::chrono::milliseconds kDefaultSampleInterval{1000};
  explicit RttTracker(Clock::duration sample_interval = kDefaultSampleInterval)
      : sample_interval_(sample_interval) {}

  /// Whether heartbeat round `round`, sent at `at`, is measured: the first round, and then the
  /// first one sent at least the sample interval after the last measured round. Every peer of one
  /// round gets the same answer.
  bool sample(std::uint64_t round, Clock::time_point at);

  /// Notes when `round` went to `peer`; ignored for a round that is not sampled.
  void sent(NodeId peer, std::uint64_t round, Clock::time_point at);
  /// The round trip if `round` to `peer` is a sampled one we remember; each round counts once.
  std::optional<double> answered(NodeId peer, std::uint64_t round, Clock::time_point at);

 private:
  static constexpr std::size_t kRemembered = 8;  ///< outstanding sampled rounds per peer
  struct Slot {
    std::uint64_t round = 0;
    Clock::time_point at{};
  };
  Clock::duration sample_interval_;
  std::optional<std::uint64_t> sampled_round_;
  Clock::time_point sampled_at_{};
  std::uint64_t sampled_count_ = 0;  ///< picks the slot: sampled rounds are not consecutive
  std::map<NodeId, std::array<Slot, kRemembered>> slots_;
};

}  // namespace baton::runtime
