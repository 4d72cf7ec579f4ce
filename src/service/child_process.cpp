#include "service/child_process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <thread>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace baton::service {

namespace {

/// How often wait_for() looks at the child. Short enough that a health check's timeout and the
/// supervisor's grace period are kept to within a couple of milliseconds.
constexpr auto kWaitPollInterval = std::chrono::milliseconds(2);

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

/// Where execvp would find `program`, or "" if it would not: checked before fork so a missing
/// program is an error of spawn(), not a child that exits 127.
std::string find_program(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return ::access(program.c_str(), X_OK) == 0 ? program : std::string();
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    const std::size_t colon = dirs.find(':');
    std::string candidate(colon == 0 ? std::string_view(".") : dirs.substr(0, colon));
    candidate.push_back('/');
    candidate.append(program);
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) {
      return candidate;
    }
    if (colon == std::string_view::npos) return {};
    dirs.remove_prefix(colon + 1);
  }
}

/// The guardian's handler for its parent's death: SIGKILL the whole group, itself included.
void kill_own_group(int) {
  ::kill(0, SIGKILL);
}

/// Runs in the forked guardian (async-signal-safe calls only: the parent has threads). The
/// guardian leads the child's process group and asks the kernel for SIGUSR1 when the thread that
/// forked it dies, so a node killed with SIGKILL takes its command (and whatever the command
/// started) with it: a survivor would run beside the next leader's copy.
[[noreturn]] void run_guardian(pid_t parent, char* program, char** argv, char** envp) {
  // Everything stays blocked until the command's child has its default dispositions: a SIGTERM
  // that arrives in between stays pending instead of meeting the guardian's SIG_IGN (and one
  // that arrives before the command exists is passed on to it).
  sigset_t all;
  sigfillset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);
  ::setpgid(0, 0);
  struct sigaction action {};
  action.sa_handler = kill_own_group;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGUSR1, &action, nullptr);
  ::prctl(PR_SET_PDEATHSIG, SIGUSR1);
  if (::getppid() != parent) kill_own_group(0);  // the parent died before prctl
  ::close_range(3, ~0U, 0);
  sigset_t none;
  sigemptyset(&none);
  const pid_t command = ::fork();
  if (command < 0) ::_exit(126);
  if (command == 0) {
    for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(program, argv, envp);
    ::_exit(127);
  }
  // A group-wide signal sent before the command existed reached only the guardian, where it is
  // still pending (blocked), and ignoring it below would discard it: pass it on. One sent since
  // the fork reached the command too, which then gets it twice, close together; losing a SIGTERM
  // would instead leave the command running until the supervisor's SIGKILL.
  sigset_t pending;
  sigemptyset(&pending);
  ::sigpending(&pending);
  for (const int sig : {SIGTERM, SIGINT, SIGHUP}) {
    if (sigismember(&pending, sig) == 1) ::kill(command, sig);
  }
  // A group-wide SIGTERM is for the command; the guardian stays to report how it ended.
  ::signal(SIGTERM, SIG_IGN);
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGHUP, SIG_IGN);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  int status = 0;
  while (::waitpid(command, &status, 0) < 0) {
    if (errno != EINTR) ::_exit(126);
  }
  if (WIFSIGNALED(status)) {
    ::signal(WTERMSIG(status), SIG_DFL);
    ::kill(::getpid(), WTERMSIG(status));
  }
  ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 126);
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
  std::string program = find_program(argv[0]);
  if (program.empty()) return {std::nullopt, argv[0] + ": " + std::strerror(ENOENT)};
  std::vector<std::string> args = argv;
  std::vector<std::string> environment = build_environment(env);
  std::vector<char*> arg_ptrs = pointers(args);
  std::vector<char*> env_ptrs = pointers(environment);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return {std::nullopt, std::string("fork: ") + std::strerror(errno)};
  if (pid == 0) run_guardian(parent, program.data(), arg_ptrs.data(), env_ptrs.data());
  // Also from here, so the group exists before anyone signals it.
  ::setpgid(pid, pid);
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
