// Run-while-leader against a FakeNode: the command runs only while the node leads with a lease
// long enough to honour, is stopped on demotion (SIGTERM, then SIGKILL after grace), is dead before
// the lease deadline whatever it does, and is restarted or makes the node resign when it exits.
#include "service/leader_exec.hpp"

#include <cstdlib>
#include <stdexcept>

#include <gtest/gtest.h>

#include "exec_fake_node.hpp"
#include "exec_test_support.hpp"

namespace baton::service::exec_test {
namespace {

using std::chrono::milliseconds;
constexpr auto kLongLease = std::chrono::seconds(60);

class LeaderExecTest : public ::testing::Test {
 protected:
  LeaderExecOptions options(const std::string& script) const {
    LeaderExecOptions o;
    o.command = {"sh", "-c", script};
    o.grace = milliseconds(300);
    o.safety_margin = milliseconds(100);
    o.restart_backoff_min = milliseconds(20);
    o.restart_backoff_max = milliseconds(100);
    return o;
  }

  /// Waits for a child to run and remembers its pid for the teardown reaper.
  int running_child(const LeaderExec& exec) {
    EXPECT_TRUE(eventually([&] { return exec.child_running(); }, milliseconds(2000)));
    const int pid = exec.child_pid();
    reaper_.track(pid);
    return pid;
  }

  /// Shell that ignores SIGTERM (as its `sleep` does, inheriting the disposition), and says it is
  /// ready once the trap is in place, so the test does not signal it too early.
  std::string ignores_term() const {
    return "trap '' TERM; touch " + dir_.file("ready") + "; sleep 30";
  }
  bool ready() const { return std::filesystem::exists(dir_.file("ready")); }
  /// The rest of the group (the shell's `sleep`) got the same SIGKILL or SIGTERM as the leader we
  /// reaped, but is torn down by the kernel on its own schedule, so allow it a moment.
  static bool group_dies(int pgid) {
    return eventually([&] { return !group_alive(pgid); }, milliseconds(500));
  }

  // Declared before the reaper so the reaper outlives nothing it should clean up.
  TempDir dir_;
  FakeNode node_{7};
  ChildReaper reaper_;
};

TEST_F(LeaderExecTest, RejectsBadOptions) {
  EXPECT_THROW(LeaderExec(node_, LeaderExecOptions{}), std::invalid_argument);
  auto o = options("true");
  o.restart_backoff_min = milliseconds(0);
  EXPECT_THROW(LeaderExec(node_, o), std::invalid_argument);
  o = options("true");
  o.restart_backoff_max = milliseconds(10);
  EXPECT_THROW(LeaderExec(node_, o), std::invalid_argument);
}

TEST_F(LeaderExecTest, StartsOnElectionWithFenceTokenNodeIdAndTerm) {
  ::setenv("BATON_TEST_INHERITED", "yes", 1);
  const auto out = dir_.file("env");
  LeaderExec exec(node_, options("echo \"$BATON_FENCE_TOKEN $BATON_NODE_ID $BATON_TERM "
                                 "$BATON_TEST_INHERITED\" > " +
                                 out + ".tmp && mv " + out + ".tmp " + out + "; sleep 30"));
  exec.start();
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(exec.starts(), 0u) << "started while not leading";
  EXPECT_FALSE(exec.last_reaped_at());

  node_.elect(/*term=*/3, /*token=*/42, Clock::now() + kLongLease);
  running_child(exec);
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(out); }, milliseconds(2000)));
  EXPECT_EQ(read_file(out), "42 7 3 yes\n");
  EXPECT_EQ(exec.starts(), 1u);
  EXPECT_TRUE(exec.child_running());
}

// A lease shorter than the grace is normal (Raft's is one election timeout, renewed every
// heartbeat): the grace is cut to fit. Only a lease that leaves no room for the margin is refused.
TEST_F(LeaderExecTest, NeedsALeaseLongerThanTheMargin) {
  LeaderExec exec(node_, options("sleep 30"));
  exec.start();
  node_.elect(1, 5, std::nullopt);  // leads, but holds no lease
  std::this_thread::sleep_for(milliseconds(60));
  EXPECT_EQ(exec.starts(), 0u);
  node_.set_lease(Clock::now() + milliseconds(80));  // < margin 100
  std::this_thread::sleep_for(milliseconds(60));
  EXPECT_EQ(exec.starts(), 0u);
  node_.set_lease(Clock::now() + kLongLease);
  running_child(exec);
  EXPECT_EQ(exec.starts(), 1u);
}

// A new Raft leader holds no lease until its first heartbeat round is acked, a few ms after every
// election: that is not worth the "leads without a lease" line, which says the settings grant
// none. It appears only once a leader has gone a second without one.
TEST_F(LeaderExecTest, NoLeaseLineOnlyAfterASecondWithoutOne) {
  LeaderExec exec(node_, options("sleep 30"));
  ::testing::internal::CaptureStderr();
  exec.start();
  node_.elect(1, 5, std::nullopt);
  std::this_thread::sleep_for(milliseconds(100));
  node_.set_lease(Clock::now() + kLongLease);
  running_child(exec);
  node_.demote();
  node_.elect(2, 6, std::nullopt);
  std::this_thread::sleep_for(milliseconds(1600));  // a second, and the stop of the first child
  exec.stop();
  const std::string log = ::testing::internal::GetCapturedStderr();
  const auto first = log.find("without a lease");
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("without a lease", first + 1), std::string::npos)
      << "logged for the first election too:\n"
      << log;
}

// Raft's lease is about one election timeout, renewed by every heartbeat round: far shorter than
// the grace. While renewals keep coming the command keeps running; once they stop it is dead
// before the last deadline.
TEST_F(LeaderExecTest, ShortLeaseKeptRenewedKeepsTheChildUntilRenewalsStop) {
  LeaderExec exec(node_, options(ignores_term()));
  exec.start();
  node_.elect(1, 5, Clock::now() + milliseconds(250));
  const int pid = running_child(exec);
  for (int i = 0; i < 20; ++i) {
    node_.set_lease(Clock::now() + milliseconds(250));
    std::this_thread::sleep_for(milliseconds(40));
  }
  EXPECT_TRUE(exec.child_running()) << "a renewed lease must not stop the command";
  EXPECT_EQ(exec.starts(), 1u);
  const auto deadline = Clock::now() + milliseconds(250);
  node_.set_lease(deadline);
  ASSERT_TRUE(eventually([&] { return !exec.child_running(); }, milliseconds(1000)));
  const auto reaped_at = exec.last_reaped_at();
  ASSERT_TRUE(reaped_at);
  EXPECT_LT(*reaped_at, deadline);
  EXPECT_FALSE(process_alive(pid));
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(exec.starts(), 1u) << "not restarted on a lease that is running out";
}

TEST_F(LeaderExecTest, StopsTheChildOnDemotion) {
  auto o = options("sleep 30");
  o.grace = milliseconds(2000);
  LeaderExec exec(node_, o);
  exec.start();
  node_.elect(1, 5, Clock::now() + kLongLease);
  const int pid = running_child(exec);
  node_.demote();
  // Well inside the 2 s grace: SIGTERM ended it, not the SIGKILL.
  EXPECT_TRUE(eventually([&] { return !exec.child_running(); }, milliseconds(1500)));
  EXPECT_FALSE(process_alive(pid));
  EXPECT_TRUE(group_dies(pid));
  EXPECT_EQ(exec.starts(), 1u);
}

TEST_F(LeaderExecTest, SignalsTheWholeProcessGroup) {
  const auto grandchild_file = dir_.file("grandchild");
  LeaderExec exec(node_, options("sleep 30 & echo $! > " + grandchild_file + ".tmp && mv " +
                                 grandchild_file + ".tmp " + grandchild_file + "; wait"));
  exec.start();
  node_.elect(1, 5, Clock::now() + kLongLease);
  const int pid = running_child(exec);
  ASSERT_TRUE(
      eventually([&] { return std::filesystem::exists(grandchild_file); }, milliseconds(2000)));
  const int grandchild = std::stoi(read_file(grandchild_file));
  EXPECT_TRUE(process_alive(grandchild));
  node_.demote();
  EXPECT_TRUE(eventually([&] { return !exec.child_running(); }, milliseconds(2000)));
  EXPECT_TRUE(eventually([&] { return !process_alive(grandchild); }, milliseconds(500)))
      << "the shell's background sleep outlived the stop";
  EXPECT_TRUE(group_dies(pid));
}

TEST_F(LeaderExecTest, SigkillsAChildThatIgnoresSigtermAfterGrace) {
  LeaderExec exec(node_, options(ignores_term()));
  exec.start();
  node_.elect(1, 5, Clock::now() + kLongLease);
  const int pid = running_child(exec);
  ASSERT_TRUE(eventually([&] { return ready(); }, milliseconds(2000)));

  const auto demoted_at = Clock::now();
  node_.demote();
  ASSERT_TRUE(eventually([&] { return !exec.child_running(); }, milliseconds(2000)));
  // It ignores SIGTERM, so only the SIGKILL at the end of the 300 ms grace can have ended it.
  EXPECT_GE(Clock::now() - demoted_at, milliseconds(300));
  EXPECT_FALSE(process_alive(pid));
  EXPECT_TRUE(group_dies(pid));
}

// The hard deadline. The node still says it leads and nothing is demoted; only the lease runs out.
// Ordering assertion, not a performance one: the child must be reaped before the deadline instant.
TEST_F(LeaderExecTest, ChildIsDeadBeforeTheLeaseDeadlineEvenIfItIgnoresSigterm) {
  LeaderExec exec(node_, options(ignores_term()));
  exec.start();
  const auto deadline = Clock::now() + milliseconds(1500);
  node_.elect(1, 5, deadline);
  const int pid = running_child(exec);
  // Ready well before the stop begins (at deadline - 400 ms), so SIGTERM meets the trap.
  ASSERT_TRUE(eventually([&] { return ready(); }, milliseconds(1000)));

  ASSERT_TRUE(eventually([&] { return !exec.child_running(); }, milliseconds(2000)));
  const auto reaped_at = exec.last_reaped_at();
  ASSERT_TRUE(reaped_at);
  EXPECT_LT(*reaped_at, deadline)
      << "child outlived the lease by "
      << std::chrono::duration_cast<milliseconds>(*reaped_at - deadline).count() << " ms";
  EXPECT_FALSE(process_alive(pid));
  EXPECT_TRUE(group_dies(pid));
  EXPECT_TRUE(node_.is_leader()) << "the test meant the lease alone to end it";
  // Too little lease left to start it again.
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(exec.starts(), 1u);
}

TEST_F(LeaderExecTest, LeaseCutShortLeavesNoTimeForGrace) {
  LeaderExec exec(node_, options(ignores_term()));
  exec.start();
  node_.elect(1, 5, Clock::now() + kLongLease);
  const int pid = running_child(exec);
  ASSERT_TRUE(eventually([&] { return ready(); }, milliseconds(2000)));

  // 150 ms left: less than the 300 ms grace, so SIGKILL must come at deadline - margin, not after
  // the grace.
  const auto deadline = Clock::now() + milliseconds(150);
  node_.set_lease(deadline);
  ASSERT_TRUE(eventually([&] { return !exec.child_running(); }, milliseconds(2000)));
  ASSERT_TRUE(exec.last_reaped_at());
  EXPECT_LT(*exec.last_reaped_at(), deadline);
  EXPECT_FALSE(process_alive(pid));
  EXPECT_TRUE(group_dies(pid));
}

TEST_F(LeaderExecTest, RestartsAChildThatExitsWithBackoff) {
  const auto runs = dir_.file("runs");
  LeaderExec exec(node_, options("echo run >> " + runs + "; exit 3"));
  exec.start();
  node_.elect(1, 5, Clock::now() + kLongLease);
  ASSERT_TRUE(eventually([&] { return exec.starts() >= 3; }, milliseconds(2000)));
  EXPECT_TRUE(eventually([&] { return read_file(runs).size() >= 3 * 4; }, milliseconds(1000)));
  EXPECT_EQ(node_.resign_calls(), 0);
  node_.demote();
  EXPECT_TRUE(eventually([&] { return !exec.child_running(); }, milliseconds(1000)));
  const auto starts = exec.starts();
  std::this_thread::sleep_for(milliseconds(150));  // > the 100 ms backoff max
  EXPECT_EQ(exec.starts(), starts) << "restarted while not leading";
}

TEST_F(LeaderExecTest, ResignsWhenTheChildExitsAndOnExitIsResign) {
  auto o = options("exit 0");
  o.on_exit = LeaderExecOptions::OnExit::Resign;
  LeaderExec exec(node_, o);
  exec.start();
  node_.elect(1, 5, Clock::now() + kLongLease);
  ASSERT_TRUE(eventually([&] { return node_.resign_calls() == 1; }, milliseconds(2000)));
  // The fake keeps leading after resign(); the supervisor must not start the command again in
  // this leadership.
  std::this_thread::sleep_for(milliseconds(150));
  EXPECT_EQ(exec.starts(), 1u);
  EXPECT_EQ(node_.resign_calls(), 1);

  // A new leadership starts it again.
  node_.elect(2, 6, Clock::now() + kLongLease);
  ASSERT_TRUE(eventually([&] { return node_.resign_calls() == 2; }, milliseconds(2000)));
  EXPECT_EQ(exec.starts(), 2u);
}

TEST_F(LeaderExecTest, NewFenceTokenRestartsTheChildWithIt) {
  const auto out = dir_.file("token");
  LeaderExec exec(node_, options("echo $BATON_FENCE_TOKEN > " + out + ".tmp && mv " + out +
                                 ".tmp " + out + "; sleep 30"));
  exec.start();
  node_.elect(1, 5, Clock::now() + kLongLease);
  running_child(exec);
  ASSERT_TRUE(eventually([&] { return read_file(out) == "5\n"; }, milliseconds(2000)));
  node_.elect(2, 9, Clock::now() + kLongLease);  // re-elected without a Demoted in between
  ASSERT_TRUE(eventually([&] { return read_file(out) == "9\n"; }, milliseconds(2000)));
  reaper_.track(exec.child_pid());
  EXPECT_EQ(exec.starts(), 2u);
}

TEST_F(LeaderExecTest, StopKillsTheChild) {
  LeaderExec exec(node_, options(ignores_term()));
  exec.start();
  node_.elect(1, 5, Clock::now() + kLongLease);
  const int pid = running_child(exec);
  ASSERT_TRUE(eventually([&] { return ready(); }, milliseconds(2000)));
  exec.stop();
  EXPECT_FALSE(exec.child_running());
  EXPECT_EQ(exec.child_pid(), 0);
  EXPECT_FALSE(process_alive(pid));
  EXPECT_TRUE(group_dies(pid));
  exec.stop();  // idempotent
}

}  // namespace
}  // namespace baton::service::exec_test
