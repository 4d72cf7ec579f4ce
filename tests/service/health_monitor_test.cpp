// Health checks (command and URL), the choice of the peer to hand over to, and one threaded run of
// HealthMonitor against a FakeNode with a command check on a flag file.
#include "service/health_monitor.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

#include "exec_fake_node.hpp"
#include "exec_test_support.hpp"
#include "service/health_check.hpp"
#include "service/with_httplib.hpp"

namespace baton::service::exec_test {
namespace {

using std::chrono::milliseconds;

PeerStatus peer(NodeId id, bool connected, std::int64_t last_contact_ms_ago) {
  PeerStatus p;
  p.id = id;
  p.connected = connected;
  p.last_contact_ms_ago = last_contact_ms_ago;
  return p;
}

TEST(PickTransferTarget, TakesTheConnectedPeerHeardFromMostRecently) {
  NodeStatus status;
  status.peers = {peer(2, true, 40), peer(3, true, 12), peer(4, false, 1), peer(5, true, -1)};
  EXPECT_EQ(pick_transfer_target(status), NodeId{3});
}

TEST(PickTransferTarget, TieGoesToTheLowerId) {
  NodeStatus status;
  status.peers = {peer(5, true, 10), peer(2, true, 10)};
  EXPECT_EQ(pick_transfer_target(status), NodeId{2});
}

TEST(PickTransferTarget, LeavesOutPeersAlreadyTried) {
  NodeStatus status;
  status.peers = {peer(2, true, 40), peer(3, true, 12)};
  EXPECT_EQ(pick_transfer_target(status, {3}), NodeId{2});
  EXPECT_EQ(pick_transfer_target(status, {2, 3}), std::nullopt);
}

TEST(PickTransferTarget, NoneWhenNoPeerIsConnectedAndHeardFrom) {
  NodeStatus status;
  EXPECT_EQ(pick_transfer_target(status), std::nullopt);
  status.peers = {peer(2, false, 5), peer(3, true, -1)};
  EXPECT_EQ(pick_transfer_target(status), std::nullopt);
}

TEST(SplitUrl, SplitsSchemeHostPortFromThePath) {
  auto s = split_url("http://127.0.0.1:8080/health?deep=1");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->scheme_host_port, "http://127.0.0.1:8080");
  EXPECT_EQ(s->path, "/health?deep=1");
  s = split_url("https://example.com");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->path, "/");
  s = split_url("http://h:1?x");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->path, "/?x");
  EXPECT_FALSE(split_url("ftp://h/x"));
  EXPECT_FALSE(split_url("127.0.0.1:80/health"));
  EXPECT_FALSE(split_url("http:///health"));
}

TEST(CommandCheck, ExitStatusZeroPassesAnythingElseFails) {
  EXPECT_TRUE(run_command_check({"true"}, milliseconds(1000)).passed);
  const auto failed = run_command_check({"sh", "-c", "exit 4"}, milliseconds(1000));
  EXPECT_FALSE(failed.passed);
  EXPECT_EQ(failed.detail, "exit status 4");
  const auto missing = run_command_check({"/nonexistent/check"}, milliseconds(1000));
  EXPECT_FALSE(missing.passed);
  EXPECT_NE(missing.detail.find("could not start"), std::string::npos) << missing.detail;
}

TEST(CommandCheck, ACheckThatHangsFailsAtTheTimeoutAndIsKilled) {
  TempDir dir;
  const auto pid_file = dir.file("pid");
  const auto began = Clock::now();
  const auto result = run_command_check({"sh", "-c", "echo $$ > " + pid_file + "; exec sleep 30"},
                                        milliseconds(200));
  const auto took = Clock::now() - began;
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(result.detail, "timed out after 200 ms");
  EXPECT_GE(took, milliseconds(200));
  EXPECT_LT(took, milliseconds(2000));
  const int pid = std::stoi(read_file(pid_file));
  // SIGKILL was sent to the group before the check returned, but on a loaded machine the command
  // may not have been scheduled to die yet (and is only a zombie once it has).
  EXPECT_TRUE(eventually([&] { return !process_alive(pid); }, milliseconds(2000)));
  EXPECT_TRUE(eventually([&] { return !group_alive(pid); }, milliseconds(2000)));
}

/// A local HTTP server with a healthy and an unhealthy endpoint.
class UrlCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/ok", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok", "text/plain");
    });
    server_.Get("/sick", [](const httplib::Request&, httplib::Response& res) { res.status = 503; });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    ASSERT_TRUE(eventually([&] { return server_.is_running(); }, milliseconds(2000)));
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(UrlCheckTest, TwoHundredPassesOthersFail) {
  const auto ok = run_url_check(url("/ok"), milliseconds(1000));
  EXPECT_TRUE(ok.passed) << ok.detail;
  EXPECT_EQ(ok.detail, "HTTP 200");
  const auto sick = run_url_check(url("/sick"), milliseconds(1000));
  EXPECT_FALSE(sick.passed);
  EXPECT_EQ(sick.detail, "HTTP 503");
  const auto missing = run_url_check(url("/nope"), milliseconds(1000));
  EXPECT_FALSE(missing.passed);
  EXPECT_EQ(missing.detail, "HTTP 404");
}

TEST_F(UrlCheckTest, NobodyListeningFails) {
  const int port = port_;
  server_.stop();
  thread_.join();
  const auto result =
      run_url_check("http://127.0.0.1:" + std::to_string(port) + "/ok", milliseconds(500));
  EXPECT_FALSE(result.passed);
  EXPECT_NE(result.detail.find("GET failed"), std::string::npos) << result.detail;
}

TEST(HealthMonitor, RejectsBadOptions) {
  FakeNode node;
  EXPECT_THROW(HealthMonitor(node, HealthOptions{}), std::invalid_argument);
  HealthOptions both;
  both.command = {"true"};
  both.url = "http://127.0.0.1:1/";
  EXPECT_THROW(HealthMonitor(node, both), std::invalid_argument);
  HealthOptions bad_url;
  bad_url.url = "localhost:80";
  EXPECT_THROW(HealthMonitor(node, bad_url), std::invalid_argument);
}

HealthOptions flag_check(const std::string& flag) {
  HealthOptions o;
  o.command = {"sh", "-c", "test -f " + flag};
  o.interval = milliseconds(20);
  o.timeout = milliseconds(1000);
  o.failures_to_abdicate = 3;
  o.healthy_for_before_standing = milliseconds(300);
  return o;
}

void touch(const std::string& path) {
  std::ofstream(path).put('x');
}

// The whole loop on real threads and a real command: healthy, sick (abdicate and hand over to the
// best peer), healthy again (stand again, but only after the hysteresis).
TEST(HealthMonitor, AbdicatesWhenTheCheckFailsAndStandsAgainAfterHysteresis) {
  TempDir dir;
  const auto flag = dir.file("FLAG");
  touch(flag);
  FakeNode node;
  node.set_peers({peer(2, true, 40), peer(3, true, 12), peer(4, false, 1)});
  node.set_requests_demote(true);
  node.elect(1, 5, Clock::now() + std::chrono::seconds(60));

  HealthMonitor monitor(node, flag_check(flag));
  monitor.start();
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_TRUE(monitor.healthy());
  EXPECT_TRUE(monitor.standing());
  EXPECT_TRUE(node.standing_calls().empty());

  std::filesystem::remove(flag);
  ASSERT_TRUE(eventually([&] { return !monitor.standing(); }, milliseconds(2000)));
  EXPECT_FALSE(monitor.healthy());
  EXPECT_EQ(node.standing_calls(), std::vector<bool>{false});
  EXPECT_EQ(node.transfers(), std::vector<NodeId>{3});
  EXPECT_FALSE(node.is_leader());
  EXPECT_EQ(node.resign_calls(), 0);

  const auto healthy_again_at = Clock::now();
  touch(flag);
  ASSERT_TRUE(eventually([&] { return monitor.standing(); }, milliseconds(2000)));
  EXPECT_GE(Clock::now() - healthy_again_at, milliseconds(300));
  EXPECT_EQ(node.standing_calls(), (std::vector<bool>{false, true}));
  EXPECT_TRUE(monitor.healthy());
  monitor.stop();
}

TEST(HealthMonitor, ResignsWhenNoPeerCanTakeOver) {
  TempDir dir;
  FakeNode node;
  node.set_peers({peer(2, false, 5)});
  node.elect(1, 5, Clock::now() + std::chrono::seconds(60));
  HealthMonitor monitor(node, flag_check(dir.file("missing")));
  monitor.start();
  ASSERT_TRUE(eventually([&] { return node.resign_calls() >= 1; }, milliseconds(2000)));
  EXPECT_TRUE(node.transfers().empty());
  EXPECT_EQ(node.standing_calls(), std::vector<bool>{false});
  monitor.stop();
}

// A peer that accepts the transfer but never takes over (it stopped answering, or its campaign
// failed) must not be asked forever: the next check asks the next peer, and once every one was
// asked the leader resigns, so the others elect without it.
TEST(HealthMonitor, AsksTheNextPeerWhenTheFirstDoesNotTakeOverThenResigns) {
  TempDir dir;
  FakeNode node;
  node.set_peers({peer(2, true, 40), peer(3, true, 12), peer(4, false, 1)});
  node.elect(1, 5, Clock::now() + std::chrono::seconds(60));  // transfers leave it leading
  HealthMonitor monitor(node, flag_check(dir.file("missing")));
  monitor.start();
  ASSERT_TRUE(eventually([&] { return node.resign_calls() >= 1; }, milliseconds(2000)));
  monitor.stop();
  EXPECT_EQ(node.transfers(), (std::vector<NodeId>{3, 2}))
      << "each connected peer once, best first";
}

}  // namespace
}  // namespace baton::service::exec_test
