#include "runtime/rtt_tracker.hpp"

namespace baton::runtime {

const std::vector<double>& RttTracker::bounds_seconds() {
  static const std::vector<double> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                          0.01,   0.025,   0.05,   0.1,   0.25,   1.0};
  return bounds;
}

bool RttTracker::sample(std::uint64_t round, Clock::time_point at) {
  if (round == 0) return false;  // 0 marks an empty slot
  if (sampled_round_ == round) return true;
  if (sampled_round_ && at - sampled_at_ < sample_interval_) return false;
  sampled_round_ = round;
  sampled_at_ = at;
  ++sampled_count_;
  return true;
}

void RttTracker::sent(NodeId peer, std::uint64_t round, Clock::time_point at) {
  if (sampled_round_ != round || round == 0) return;
  slots_[peer][sampled_count_ % kRemembered] = Slot{round, at};
}

std::optional<double> RttTracker::answered(NodeId peer, std::uint64_t round, Clock::time_point at) {
  auto it = slots_.find(peer);
  if (it == slots_.end() || round == 0) return std::nullopt;
  for (Slot& slot : it->second) {
    if (slot.round != round) continue;
    slot.round = 0;  // a duplicated response does not count twice
    return std::chrono::duration<double>(at - slot.at).count();
  }
  return std::nullopt;
}

}  // namespace baton::runtime
