// `baton cluster up`, the README's first command, as a user runs it: the crash demo elects, fails
// over and takes the killed node back; Ctrl-C stops every node at once, however long the refresh
// interval. The test starts `baton cluster up` and stops only that process, by PID; the nodes it
// starts die with it (PR_SET_PDEATHSIG).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "service/local_cluster.hpp"

namespace baton::service {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

/// One `baton cluster up` process, its output in a file; killed and reaped if the test leaves
/// before it exits.
class ClusterUp {
 public:
  ClusterUp(const std::string& name, std::vector<std::string> args)
      : dir_((fs::temp_directory_path() / ("baton-up-" + name + "-" + std::to_string(::getpid())))
                 .string()),
        output_(dir_ + ".out") {
    fs::remove_all(dir_);
    std::vector<std::string> argv{BATON_BINARY, "cluster", "up", "--dir", dir_};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> raw;
      for (auto& arg : argv) raw.push_back(arg.data());
      raw.push_back(nullptr);
      if (!std::freopen(output_.c_str(), "w", stdout)) ::_exit(126);
      ::dup2(STDOUT_FILENO, STDERR_FILENO);
      ::execv(raw[0], raw.data());
      ::_exit(127);
    }
  }
  ~ClusterUp() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (::testing::Test::HasFailure()) std::cerr << "---- output:\n" << output() << "\n";
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    fs::remove(output_, ignored);
  }
  ClusterUp(const ClusterUp&) = delete;
  ClusterUp& operator=(const ClusterUp&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }

  /// The exit status once it exits within `timeout`; nullopt if it is still running.
  std::optional<int> wait_exit(Clock::duration timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(10ms);
    }
    return std::nullopt;
  }

  std::string output() const {
    std::ifstream in(output_);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

 private:
  std::string dir_;
  std::string output_;
  pid_t pid_ = -1;
};

const std::vector<std::string> kFast = {"--set", "election-timeout-ms=100-200", "--set",
                                        "heartbeat-ms=20"};

std::vector<std::string> with_fast(std::vector<std::string> args) {
  args.insert(args.end(), kFast.begin(), kFast.end());
  return args;
}

TEST(ClusterUp, CrashDemoElectsFailsOverAndTakesTheKilledNodeBack) {
  ClusterUp up("demo", with_fast({"--nodes", "3", "--crash-leader", "--duration", "5",
                                  "--refresh-ms", "100"}));
  const auto status = up.wait_exit(60s);
  ASSERT_TRUE(status.has_value()) << "still running long after --duration";
  EXPECT_EQ(*status, 0) << "exit 1 means the demo got stuck";
  const std::string out = up.output();
  for (const char* line :
       {"leader elected: node", ">>> crashing the leader", ">>> failover: node",
        ">>> restarting node", "is back and follows node", "stopping the nodes"}) {
    EXPECT_NE(out.find(line), std::string::npos) << "missing: " << line;
  }
}

// A long refresh interval must not hold Ctrl-C up: before the fix, `cluster up` slept out a whole
// --refresh-ms after SIGINT before stopping anything.
TEST(ClusterUp, InterruptStopsEveryNodeWithoutWaitingForTheRefresh) {
  ClusterUp up("interrupt", with_fast({"--nodes", "3", "--refresh-ms", "60000"}));
  std::vector<ClusterMember> members;
  for (int i = 0; i < 500 && members.size() != 3; ++i) {
    std::this_thread::sleep_for(20ms);
    try {
      members = read_manifest(up.dir());
    } catch (const std::exception&) {
      members.clear();  // not written yet
    }
  }
  ASSERT_EQ(members.size(), 3u) << "no cluster.json in " << up.dir();
  std::this_thread::sleep_for(500ms);  // into the 60 s sleep between two refreshes
  ASSERT_EQ(::kill(up.pid(), SIGINT), 0);
  const auto status = up.wait_exit(15s);
  ASSERT_TRUE(status.has_value()) << "SIGINT did not stop `cluster up` within 15 s";
  EXPECT_EQ(*status, 0);
  for (const auto& member : members) {
    EXPECT_NE(::kill(member.pid, 0), 0)
        << "node " << member.id << " (pid " << member.pid << ") outlived `cluster up`";
  }
}

}  // namespace
}  // namespace baton::service
