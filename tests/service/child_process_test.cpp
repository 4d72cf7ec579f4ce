// One child process: environment, exit statuses, a failed start, its process group, and that a
// dropped ChildProcess leaves nothing running.
#include "service/child_process.hpp"

#include <csignal>

#include <gtest/gtest.h>

#include "exec_test_support.hpp"

namespace baton::service::exec_test {
namespace {

using std::chrono::milliseconds;

TEST(ChildProcess, OverridesAndAddsEnvironmentVariables) {
  TempDir dir;
  ::setenv("BATON_CHILD_TEST_KEEP", "kept", 1);
  ::setenv("BATON_CHILD_TEST_REPLACE", "old", 1);
  const auto out = dir.file("env");
  auto spawned = ChildProcess::spawn(
      {"sh", "-c",
       "echo \"$BATON_CHILD_TEST_KEEP $BATON_CHILD_TEST_REPLACE $BATON_CHILD_TEST_NEW\" > " + out},
      {{"BATON_CHILD_TEST_REPLACE", "new"}, {"BATON_CHILD_TEST_NEW", "added"}});
  ASSERT_TRUE(spawned.child) << spawned.error;
  const auto status = spawned.child->wait_for(milliseconds(2000));
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->exited());
  EXPECT_EQ(status->code(), 0);
  EXPECT_EQ(read_file(out), "kept new added\n");
}

TEST(ChildProcess, DescribesHowItEnded) {
  auto exited = ChildProcess::spawn({"sh", "-c", "exit 7"});
  ASSERT_TRUE(exited.child);
  EXPECT_EQ(exited.child->wait_for(milliseconds(2000)).value().describe(), "exit status 7");
  EXPECT_FALSE(exited.child->running());

  auto killed = ChildProcess::spawn({"sleep", "30"});
  ASSERT_TRUE(killed.child);
  EXPECT_FALSE(killed.child->wait_for(milliseconds(20)));
  EXPECT_TRUE(killed.child->running());
  EXPECT_EQ(killed.child->kill_and_reap().describe(), "killed by signal 9 (SIGKILL)");
  EXPECT_EQ(killed.child->poll().value().describe(), "killed by signal 9 (SIGKILL)");
}

TEST(ChildProcess, AMissingProgramIsAnErrorNotAChild) {
  auto spawned = ChildProcess::spawn({"/nonexistent/program"});
  EXPECT_FALSE(spawned.child);
  EXPECT_EQ(spawned.error, "/nonexistent/program: No such file or directory");
  EXPECT_FALSE(ChildProcess::spawn({}).child);
}

TEST(ChildProcess, RunsInItsOwnProcessGroup) {
  auto spawned = ChildProcess::spawn({"sleep", "30"});
  ASSERT_TRUE(spawned.child);
  const int pid = spawned.child->pid();
  EXPECT_EQ(::getpgid(pid), pid);
  EXPECT_NE(::getpgid(pid), ::getpgrp());
  spawned.child->signal_group(SIGTERM);
  const auto status = spawned.child->wait_for(milliseconds(2000));
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->signaled());
  EXPECT_EQ(status->signal(), SIGTERM);
}

TEST(ChildProcess, ASignalSentAsItStartsStillReachesTheCommand) {
  // A node that loses leadership the moment it started its command signals the group before the
  // guardian has forked the command: the signal must not die with the guardian's SIG_IGN (the
  // command would run on until the supervisor's SIGKILL).
  for (int i = 0; i < 20; ++i) {
    SCOPED_TRACE(i);
    auto spawned = ChildProcess::spawn({"sleep", "30"});
    ASSERT_TRUE(spawned.child);
    spawned.child->signal_group(SIGTERM);
    const auto status = spawned.child->wait_for(milliseconds(5000));
    ASSERT_TRUE(status) << "the command outlived a SIGTERM sent as it started";
    EXPECT_TRUE(status->signaled());
    EXPECT_EQ(status->signal(), SIGTERM);
  }
}

TEST(ChildProcess, StragglersOfAnExitedChildAreKilled) {
  TempDir dir;
  const auto pid_file = dir.file("straggler");
  // The shell leaves a background sleep behind and exits at once.
  auto spawned = ChildProcess::spawn(
      {"sh", "-c",
       "sleep 30 & echo $! > " + pid_file + ".tmp && mv " + pid_file + ".tmp " + pid_file});
  ASSERT_TRUE(spawned.child);
  const int pid = spawned.child->pid();
  ASSERT_TRUE(spawned.child->wait_for(milliseconds(2000)));
  const int straggler = std::stoi(read_file(pid_file));
  EXPECT_TRUE(eventually([&] { return !process_alive(straggler); }, milliseconds(500)));
  EXPECT_TRUE(eventually([&] { return !group_alive(pid); }, milliseconds(500)));
}

TEST(ChildProcess, DroppingARunningChildKillsAndReapsIt) {
  int pid = 0;
  {
    auto spawned = ChildProcess::spawn({"sleep", "30"});
    ASSERT_TRUE(spawned.child);
    pid = spawned.child->pid();
    ChildProcess moved = std::move(*spawned.child);
    EXPECT_EQ(moved.pid(), pid);
  }
  EXPECT_FALSE(process_alive(pid));
  siginfo_t info{};
  EXPECT_NE(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG), 0) << "not reaped";
}

TEST(ChildProcess, DescribeCommandQuotesWhatNeedsIt) {
  EXPECT_EQ(describe_command({"sh", "-c", "echo 'hi' $X"}), "sh -c 'echo '\\''hi'\\'' $X'");
  EXPECT_EQ(describe_command({"true", ""}), "true ''");
}

}  // namespace
}  // namespace baton::service::exec_test
