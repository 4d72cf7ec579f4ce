// Helpers for the tests of child processes: proving through /proc that a child and everything in
// its process group is gone, reaping leftovers, a scratch directory, and polling with a limit.
#pragma once

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

namespace baton::service::exec_test {

/// State letter and process group of a pid from /proc/<pid>/stat, nullopt if there is none.
struct ProcStat {
  char state = '?';
  int pgrp = 0;
};

inline std::optional<ProcStat> read_proc_stat(const std::string& pid_dir) {
  std::ifstream in(pid_dir + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so parse after the
  // last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  ProcStat stat;
  int ppid = 0;
  rest >> stat.state >> ppid >> stat.pgrp;
  if (!rest) return std::nullopt;
  return stat;
}

/// The pid exists and is not a zombie. A zombie counts as gone: it runs nothing, and where PID 1
/// does not reap orphans (some containers) a killed grandchild stays a zombie for good.
inline bool process_alive(int pid) {
  const auto stat = read_proc_stat("/proc/" + std::to_string(pid));
  return stat && stat->state != 'Z';
}

/// Some process of group `pgid` exists and is not a zombie.
inline bool group_alive(int pgid) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto stat = read_proc_stat(entry.path().string());
    if (stat && stat->pgrp == pgid && stat->state != 'Z') return true;
  }
  return false;
}

/// A fresh directory under the system temp dir, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("baton-exec-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// The whole content of a file, "" if it cannot be read.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

/// Kills and reaps, at the end of a test, every child pid it was shown that is still ours, so a
/// failing test cannot leave a `sleep 30` behind. "Still ours" is checked with WNOWAIT first: a
/// pid already reaped may belong to an unrelated process by now.
class ChildReaper {
 public:
  void track(int pid) {
    if (pid > 0) pids_.insert(pid);
  }
  ~ChildReaper() {
    for (int pid : pids_) {
      siginfo_t info{};
      if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
        continue;  // not our child any more
      }
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }

 private:
  std::set<int> pids_;
};

/// Polls `condition` every millisecond until it holds or `limit` passed; returns whether it held.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace baton::service::exec_test
