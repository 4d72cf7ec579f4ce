// The decision half of health-driven abdication (health_monitor.hpp): fed with check results and
// the time they were taken, it says when to stop standing for leadership and when to stand again.
// Pure: no clock, thread or node, so every rule is tested with made-up instants.
#pragma once

#include <chrono>

namespace baton::service {

/// Turns a stream of (now, passed/failed) check results into abdicate / stand decisions.
///
/// - Abdicate after `failures_to_abdicate` consecutive failures: one failed check is often a
///   blip (a slow disk, a GC pause), and handing leadership over costs the cluster an election.
/// - Stand again only after the check has passed continuously for `healthy_for_before_standing`
///   (hysteresis). Without it a flapping check would flap leadership: every recovery would make
///   the node eligible, it could win, then fail again and abdicate again.
///
/// Starts standing and healthy: the node stands by default, and nothing says otherwise yet.
class AbdicationPolicy {
 public:
  using Clock = std::chrono::steady_clock;

  enum class Action {
    None,
    Abdicate,  ///< stop standing; a leader hands leadership over
    Stand      ///< stand for election again
  };

  AbdicationPolicy(unsigned failures_to_abdicate,
                   std::chrono::milliseconds healthy_for_before_standing);

  /// One check result taken at `now` (instants must not go backwards).
  Action observe(Clock::time_point now, bool passed);

  bool standing() const { return standing_; }
  /// The last check passed (true before the first check).
  bool healthy() const { return healthy_; }
  unsigned consecutive_failures() const { return consecutive_failures_; }

 private:
  unsigned failures_to_abdicate_;
  std::chrono::milliseconds healthy_for_before_standing_;
  bool standing_ = true;
  bool healthy_ = true;
  unsigned consecutive_failures_ = 0;
  /// Start of the current unbroken run of passes; unset after a failure.
  bool passing_since_set_ = false;
  Clock::time_point passing_since_{};
};

}  // namespace baton::service
