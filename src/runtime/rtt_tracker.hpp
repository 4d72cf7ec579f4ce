// Heartbeat round trips for the metrics histogram: the leader notes when it sent heartbeat round r
// to a peer and matches the peer's response carrying r.
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

  void sent(NodeId peer, std::uint64_t round, Clock::time_point at);
  /// The round trip if `round` to `peer` is one we remember; each round counts once.
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
