#include "service/child_process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string_view>
#include <thread>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace baton::service {

namespace {

/// How often wait_for() looks at the child. Short enough that a health check's timeout and the
/// supervisor's grace period are kept to within a couple of milliseconds.
constexpr auto kWaitPollInterval = std::chrono::milliseconds(2);

/// RAII for the posix_spawn attribute objects, so every return path destroys them.
class SpawnSetup {
 public:
  SpawnSetup() {
    posix_spawnattr_init(&attr_);
    posix_spawn_file_actions_init(&actions_);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attr_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  posix_spawnattr_t attr_;
  posix_spawn_file_actions_t actions_;
};

bool overridden(std::string_view entry,
                const std::vector<std::pair<std::string, std::string>>& env) {
  for (const auto& [name, value] : env) {
    if (entry.size() > name.size() && entry.substr(0, name.size()) == name &&
        entry[name.size()] == '=') {
      return true;
    }
  }
  return false;
}

std::vector<std::string> build_environment(
    const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (!overridden(*e, env)) out.emplace_back(*e);
  }
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

bool ExitStatus::exited() const {
  return !unknown && WIFEXITED(raw);
}
int ExitStatus::code() const {
  return WEXITSTATUS(raw);
}
bool ExitStatus::signaled() const {
  return !unknown && WIFSIGNALED(raw);
}
int ExitStatus::signal() const {
  return WTERMSIG(raw);
}

std::string ExitStatus::describe() const {
  if (exited()) return "exit status " + std::to_string(code());
  if (signaled()) {
    const char* abbrev = sigabbrev_np(signal());
    return "killed by signal " + std::to_string(signal()) +
           (abbrev != nullptr ? std::string(" (SIG") + abbrev + ")" : std::string());
  }
  return "status unknown";
}

ChildProcess::Spawned ChildProcess::spawn(
    const std::vector<std::string>& argv,
    const std::vector<std::pair<std::string, std::string>>& env) {
  if (argv.empty()) return {std::nullopt, "empty command"};
  SpawnSetup setup;
  sigset_t none;
  sigemptyset(&none);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigmask(&setup.attr_, &none);
  posix_spawnattr_setsigdefault(&setup.attr_, &all);
  posix_spawnattr_setpgroup(&setup.attr_, 0);
  posix_spawnattr_setflags(&setup.attr_,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  posix_spawn_file_actions_addclosefrom_np(&setup.actions_, 3);
#endif

  std::vector<std::string> args = argv;
  std::vector<std::string> environment = build_environment(env);
  std::vector<char*> arg_ptrs = pointers(args);
  std::vector<char*> env_ptrs = pointers(environment);
  pid_t pid = -1;
  // glibc's posix_spawnp reports a failed exec (missing program, no permission) as its return
  // value, so "command not found" is an error here rather than a child that exits 127.
  const int rc = posix_spawnp(&pid, arg_ptrs[0], &setup.actions_, &setup.attr_, arg_ptrs.data(),
                              env_ptrs.data());
  if (rc != 0) return {std::nullopt, argv[0] + ": " + std::strerror(rc)};
  return {ChildProcess(pid), {}};
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), status_(other.status_) {
  other.pid_ = -1;
  other.status_ = ExitStatus{};
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0 && running()) kill_and_reap();
    pid_ = other.pid_;
    status_ = other.status_;
    other.pid_ = -1;
    other.status_ = ExitStatus{};
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && running()) kill_and_reap();
}

std::optional<ExitStatus> ChildProcess::poll() {
  if (status_) return status_;
  siginfo_t info{};
  // WNOWAIT: look without reaping, so the pid (and with it the group id) stays ours while we
  // SIGKILL whatever the child left behind in its group.
  if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    if (errno == EINTR) return std::nullopt;
    status_ = ExitStatus{0, true};  // ECHILD: not ours to wait for any more
    return status_;
  }
  if (info.si_pid == 0) return std::nullopt;  // still running
  ::kill(-pid_, SIGKILL);
  return reap_blocking();
}

std::optional<ExitStatus> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (auto status = poll()) return status;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::nullopt;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(kWaitPollInterval, deadline - now));
  }
}

void ChildProcess::signal_group(int signal) {
  if (pid_ > 0 && running()) ::kill(-pid_, signal);
}

ExitStatus ChildProcess::kill_and_reap() {
  if (status_) return *status_;
  ::kill(-pid_, SIGKILL);
  return reap_blocking();
}

ExitStatus ChildProcess::reap_blocking() {
  int raw = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &raw, 0);
  } while (r < 0 && errno == EINTR);
  status_ = r == pid_ ? ExitStatus{raw, false} : ExitStatus{0, true};
  return *status_;
}

std::string describe_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out += ' ';
    const bool plain =
        !arg.empty() && arg.find_first_of(" \t\n'\"$\\;&|<>*?()") == std::string::npos;
    if (plain) {
      out += arg;
    } else {
      out += '\'';
      for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    }
  }
  return out;
}

}  // namespace baton::service
