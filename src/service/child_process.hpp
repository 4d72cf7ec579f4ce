// One child process started from an argv, in its own process group, that is signalled as a group
// and always reaped. The run-while-leader supervisor (leader_exec.hpp) and the command health
// check (health_check.hpp) both use it; neither may leave a child behind.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace baton::service {

/// How a child ended, as waitpid() reported it.
struct ExitStatus {
  int raw = 0;  ///< the wait status word
  /// True when waitpid() could not tell (ECHILD: someone else reaped it, e.g. SIGCHLD ignored).
  bool unknown = false;

  bool exited() const;
  int code() const;  ///< exit code; only meaningful when exited()
  bool signaled() const;
  int signal() const;  ///< terminating signal; only meaningful when signaled()
  /// For logs: "exit status 3", "killed by signal 9 (SIGKILL)", "status unknown".
  std::string describe() const;
};

/// A started child process. Move-only; destroying one that still runs SIGKILLs its group and reaps
/// it, so an exception or an early return cannot leak a process.
///
/// Why a process group: a command is often `sh -c '...'` whose real work runs in a grandchild;
/// signalling only the shell would leave the worker running after we believe it stopped (the very
/// thing a leader's child must never do). The child calls setpgid(0, 0) via POSIX_SPAWN_SETPGROUP,
/// so its pid is also the group id, and every signal goes to -pid.
///
/// Why the group id stays safe to signal: we never reap the leader before the last group signal.
/// When the leader has exited, poll() first sees it with WNOWAIT (a zombie keeps its pid, hence the
/// group id, reserved), SIGKILLs any stragglers in the group, and only then reaps.
class ChildProcess {
 public:
  /// Result of spawn(): a running child, or why it could not start.
  struct Spawned;

  /// Starts argv[0] (looked up in PATH) with the inherited environment, where each of `env`
  /// replaces a variable of the same name or is added. The child gets default signal dispositions
  /// and an empty signal mask (the parent may block SIGTERM for its own handling; the child must
  /// not inherit that) and no file descriptors above stderr (it must not hold the node's sockets).
  /// The child is a small guardian that leads a new process group and runs the command in it;
  /// if the thread that spawned it dies (the node was SIGKILLed) the kernel tells the guardian,
  /// which SIGKILLs the whole group. pid() is the guardian's, which is also the group id; it exits
  /// the way the command did.
  static Spawned spawn(const std::vector<std::string>& argv,
                       const std::vector<std::pair<std::string, std::string>>& env = {});

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  /// Not yet reaped.
  bool running() const { return !status_.has_value(); }

  /// Non-blocking: if the child has exited, kills what is left of its group, reaps it and returns
  /// how it ended (the same status on every later call); nullopt while it runs.
  std::optional<ExitStatus> poll();
  /// Polls until the child has exited or `timeout` passed.
  std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout);
  /// Sends `signal` to the whole group; does nothing once reaped.
  void signal_group(int signal);
  /// SIGKILLs the group and blocks until the child is reaped (SIGKILL cannot be caught, so this
  /// ends as soon as the kernel has torn the process down).
  ExitStatus kill_and_reap();

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  ExitStatus reap_blocking();

  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

struct ChildProcess::Spawned {
  std::optional<ChildProcess> child;
  std::string error;  ///< "sh: No such file or directory"-style reason when child is empty
};

/// "a b 'c d'": argv joined for log lines.
std::string describe_command(const std::vector<std::string>& argv);

}  // namespace baton::service
