// Heartbeat round trips for the metrics histogram: the leader notes when it sent heartbeat round r
// to a peer and matches the peer's response carrying r. Only one round in kSampleEveryRounds is
// sampled: the node reads that round's answers as they arrive, and may leave the others' unread
// until its next heartbeat (Elector::input_can_wait()), which would stretch their round trips.
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

  static constexpr std::uint64_t kSampleEveryRounds = 10;
  /// Whether round trips of heartbeat round `round` are measured.
  static bool sampled(std::uint64_t round) { return round % kSampleEveryRounds == 0; }

  /// Notes when `round` went to `peer`; ignored for a round that is not sampled.
  void sent(NodeId peer, std::uint64_t round, Clock::time_point at);
  /// The round trip if `round` to `peer` is a sampled one we remember; each round counts once.
  std::optional<double> answered(NodeId peer, std::uint64_t round, Clock::time_point at);

 private:
  static constexpr std::size_t kRemembered = 8;  ///< outstanding rounds per peer
  struct Slot {
    std::uint64_t round = 0;
    Clock::time_point at{};
  };
  std::map<NodeId, std::array<Slot, kRemembered>> slots_;
};

}  // namespace baton::runtime
