#include "core/paxos/lease.hpp"

#include <algorithm>
#include <cmath>

namespace baton::paxos {

std::uint64_t lease_duration_ticks(const Config& config) {
  const std::uint64_t window_ticks = effective_lease_ticks(config);
  if (window_ticks == 0) return 0;
  const double drift = std::clamp(config.max_clock_drift, 0.0, 0.999);
  return static_cast<std::uint64_t>(
      std::floor(static_cast<double>(window_ticks - 1) * (1.0 - drift) / (1.0 + drift)));
}

}  // namespace baton::paxos
