// Health-driven abdication (docs/run-while-leader.md): a node whose local service is unhealthy
// stops standing for leadership, and if it leads, hands leadership to a healthy-looking peer.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/transfer_choice.hpp"
#include "service/node_control.hpp"

namespace baton::service {

/// What to check and how patiently. Exactly one of `command` and `url` is set.
struct HealthOptions {
  /// Healthy = the command exits 0 within `timeout`.
  std::vector<std::string> command;
  /// Added to the command's environment (the daemon sets BATON_NODE_ID).
  std::vector<std::pair<std::string, std::string>> command_env;
  /// Healthy = GET url answers 2xx within `timeout` (http:// or https://).
  std::string url;
  /// From the start of one check to the start of the next.
  std::chrono::milliseconds interval{1000};
  /// A check running longer fails (a command is killed).
  std::chrono::milliseconds timeout{1000};
  /// Consecutive failures before abdicating.
  unsigned failures_to_abdicate = 3;
  /// Continuous health needed before standing again (hysteresis).
  std::chrono::milliseconds healthy_for_before_standing{10000};
};

/// The peer to hand leadership to; the same rule as the SIGTERM hand-over's.
using runtime::pick_transfer_target;

/// Runs the check every `interval` on its own thread and acts on AbdicationPolicy's decisions:
/// Abdicate = set_standing(false), then, if the node leads, transfer() to pick_transfer_target()
/// or resign() when there is none or the transfer is refused; Stand = set_standing(true). While it
/// does not stand and still leads (it won an election already under way, or the peer it asked
/// did not take over), it hands over again at every check, to a peer not yet asked since it
/// abdicated, and resigns once every candidate was asked. Failed checks, abdications and standing
/// again are logged to stderr.
class HealthMonitor {
 public:
  /// Throws std::invalid_argument unless exactly one of command/url is set (and the URL parses),
  /// or when interval or timeout is not positive.
  HealthMonitor(NodeControl& node, HealthOptions options);
  ~HealthMonitor();  ///< stop()
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  void start();
  /// Ends the thread; a check command still running is killed. Idempotent.
  void stop();

  /// The last check passed (true before the first).
  bool healthy() const;
  /// The monitor lets the node stand for election.
  bool standing() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace baton::service
