#include "service/abdication_policy.hpp"

#include <algorithm>

namespace baton::service {

AbdicationPolicy::AbdicationPolicy(unsigned failures_to_abdicate,
                                   std::chrono::milliseconds healthy_for_before_standing)
    // 0 would abdicate before any check failed; the first failure is the earliest sensible point.
    : failures_to_abdicate_(std::max(1u, failures_to_abdicate)),
      healthy_for_before_standing_(healthy_for_before_standing) {}

AbdicationPolicy::Action AbdicationPolicy::observe(Clock::time_point now, bool passed) {
  healthy_ = passed;
  if (!passed) {
    passing_since_set_ = false;
    ++consecutive_failures_;
    if (standing_ && consecutive_failures_ >= failures_to_abdicate_) {
      standing_ = false;
      return Action::Abdicate;
    }
    return Action::None;
  }
  consecutive_failures_ = 0;
  if (!passing_since_set_) {
    passing_since_set_ = true;
    passing_since_ = now;
  }
  if (!standing_ && now - passing_since_ >= healthy_for_before_standing_) {
    standing_ = true;
    return Action::Stand;
  }
  return Action::None;
}

}  // namespace baton::service
