// Run-while-leader (`baton run -- cmd`, docs/run-while-leader.md): a command that runs on this node
// exactly while it leads and holds a valid lease, and is dead before that lease runs out.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "service/node_control.hpp"

namespace baton::service {

/// How LeaderExec runs its command.
struct LeaderExecOptions {
  /// argv of the command; argv[0] is looked up in PATH. Must not be empty.
  std::vector<std::string> command;
  /// Time between SIGTERM and SIGKILL when the child is stopped, unless the lease deadline comes
  /// first (then SIGKILL lands at lease deadline - safety_margin).
  std::chrono::milliseconds grace{2000};
  /// What to do when the child exits on its own while this node still leads.
  enum class OnExit {
    Restart,  ///< start it again after an exponential backoff
    Resign    ///< the command is the reason to lead: give leadership up (node.resign())
  };
  OnExit on_exit = OnExit::Restart;
  /// Restart delays: min after the first exit, doubling up to max.
  std::chrono::milliseconds restart_backoff_min{100};
  std::chrono::milliseconds restart_backoff_max{10000};
  /// SIGKILL is sent no later than lease deadline - safety_margin. It covers what lies between our
  /// decision and the process being gone: the supervisor's wake-up latency on a loaded host (it
  /// polls every 5 ms), signal delivery and the kernel tearing the process down. The node's lease
  /// deadline already allows for clock drift, so this is about our own latency only.
  std::chrono::milliseconds safety_margin{50};
};

/// Supervises one child process that must only run while this node leads (see
/// docs/run-while-leader.md). On its own thread it follows the node's event stream and polls
/// lease_valid_until() every few milliseconds:
///
/// - starts the command when the node leads (event is_leader) and its lease still has more than
///   grace + safety_margin to run, with BATON_FENCE_TOKEN, BATON_NODE_ID and BATON_TERM added to
///   the inherited environment;
/// - stops it (SIGTERM to its process group, wait up to `grace`, SIGKILL, reap) the moment
///   leadership is lost, the lease is no longer valid, the fence token changes, or the remaining
///   lease falls below grace + safety_margin;
/// - HARD DEADLINE: SIGKILL is never later than the last lease deadline seen - safety_margin,
///   whatever the child does with SIGTERM. Without it the child outlives the lease it was started
///   under and two leaders' children act at once (consul lock killed its child 90 s late,
///   hashicorp/consul#9788);
/// - when the child exits on its own while leading: restarts it with backoff, or resigns.
///
/// One line per start, stop and exit goes to stderr.
class LeaderExec {
 public:
  /// Throws std::invalid_argument for an empty command, a negative grace or margin, or a restart
  /// backoff min of zero or above max.
  LeaderExec(NodeControl& node, LeaderExecOptions options);
  ~LeaderExec();  ///< stop()
  LeaderExec(const LeaderExec&) = delete;
  LeaderExec& operator=(const LeaderExec&) = delete;

  /// Subscribes to the node's events and starts the supervisor thread.
  void start();
  /// Stops the child (SIGTERM, grace bounded by the lease deadline, SIGKILL, reap) and the thread.
  /// Idempotent.
  void stop();

  bool child_running() const;
  /// The running child's pid (also its process group id), 0 when none.
  int child_pid() const;
  /// How many times the command was started.
  std::uint64_t starts() const;
  /// When the last child was reaped (stopped or exited), taken right after waitpid() returned;
  /// nullopt before the first. Lets a test check the hard deadline on the supervisor's own
  /// timeline rather than on when the test got round to looking.
  std::optional<std::chrono::steady_clock::time_point> last_reaped_at() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace baton::service
