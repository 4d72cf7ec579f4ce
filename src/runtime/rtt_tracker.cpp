#include "runtime/rtt_tracker.hpp"

namespace baton::runtime {

const std::vector<double>& RttTracker::bounds_seconds() {
  static const std::vector<double> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                          0.01,   0.025,   0.05,   0.1,   0.25,   1.0};
  return bounds;
}

void RttTracker::sent(NodeId peer, std::uint64_t round, Clock::time_point at) {
  if (!sampled(round)) return;
  slots_[peer][round % kRemembered] = Slot{round, at};
}

std::optional<double> RttTracker::answered(NodeId peer, std::uint64_t round, Clock::time_point at) {
  auto it = slots_.find(peer);
  if (it == slots_.end()) return std::nullopt;
  Slot& slot = it->second[round % kRemembered];
  if (slot.round != round || round == 0) return std::nullopt;
  slot.round = 0;  // a duplicated response does not count twice
  return std::chrono::duration<double>(at - slot.at).count();
}

}  // namespace baton::runtime
