// A node's local clock: local_us(t) = skew_us + t * (1 + drift), t = true simulated time.
#pragma once

#include <cmath>
#include <cstdint>

#include "sim/scenario.hpp"

namespace baton::sim {

/// Maps between true time and one node's local time. Periodic local timers (ticks, the writer)
/// fire at local instants k * period; k-th fires at true time (k * period - skew) / (1 + drift).
struct NodeClockModel {
  double skew_us = 0;
  double drift = 0;

  double local_us(Micros t) const { return skew_us + static_cast<double>(t) * (1.0 + drift); }

  /// True time of local instant k * period_us, rounded up to a whole microsecond so a timer never
  /// fires before its local instant.
  Micros instant(std::uint64_t k, Micros period_us) const {
    const double t =
        (static_cast<double>(k) * static_cast<double>(period_us) - skew_us) / (1.0 + drift);
    return static_cast<Micros>(std::ceil(t - 1e-9));
  }

  /// The smallest k whose instant is strictly after `now` (and k >= 1).
  std::uint64_t first_after(Micros now, Micros period_us) const {
    double k0 = std::floor(local_us(now) / static_cast<double>(period_us));
    std::uint64_t k = k0 < 0 ? 1 : static_cast<std::uint64_t>(k0);
    if (k < 1) k = 1;
    while (k > 1 && instant(k - 1, period_us) > now) --k;
    while (instant(k, period_us) <= now) ++k;
    return k;
  }
};

}  // namespace baton::sim
