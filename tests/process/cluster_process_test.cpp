// Real `baton node` processes on 127.0.0.1: election at start, failover after SIGKILL, a paused
// leader that wakes up, restarts of every node in turn, planned hand-over, health abdication,
// run-while-leader, and malformed frames thrown at a node. Every process is started by the test and
// stopped by PID.
#include <gtest/gtest.h>
#include <signal.h>

#include <sys/wait.h>
#include <asio.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "baton/fence.hpp"
#include "service/cluster_client.hpp"
#include "service/local_cluster.hpp"
#include "service/with_httplib.hpp"

namespace baton::service {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

LocalClusterOptions fast_cluster(const std::string& name, unsigned nodes) {
  LocalClusterOptions o;
  o.baton_binary = BATON_BINARY;
  o.nodes = nodes;
  o.dir = (fs::temp_directory_path() / ("baton-process-" + name + "-" + std::to_string(::getpid())))
              .string();
  fs::remove_all(o.dir);
  o.settings = {{"election-timeout-ms", "100-200"}, {"heartbeat-ms", "20"}};
  return o;
}

/// Ends a test's cluster directory: after a failed check it first prints every member's log, so
/// that a failure seen only in CI can be read from CI's output; then removes the directory.
/// Declared after the cluster, it runs on every way out of the test, an ASSERT's early return
/// included.
class ClusterDirectory {
 public:
  ClusterDirectory(const LocalCluster& cluster, std::string dir)
      : cluster_(cluster), dir_(std::move(dir)) {}
  ClusterDirectory(const ClusterDirectory&) = delete;
  ClusterDirectory& operator=(const ClusterDirectory&) = delete;
  ~ClusterDirectory() {
    if (::testing::Test::HasFailure()) {
      for (const auto& m : cluster_.members()) {
        std::ifstream in(m.log_file);
        std::cerr << "---- log of node " << m.id << " (" << m.log_file << ")\n"
                  << in.rdbuf() << "\n";
      }
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

 private:
  const LocalCluster& cluster_;
  std::string dir_;
};

/// Every elected event any node reported: (term -> nodes that led it).
struct LeaderLog {
  std::mutex mu;
  std::map<Term, std::set<NodeId>> leaders_of_term;
  void on_event(const RemoteEvent& e) {
    if (!e.is_leader) return;
    std::lock_guard lock(mu);
    leaders_of_term[e.term].insert(e.node);
  }
  void expect_one_leader_per_term() {
    std::lock_guard lock(mu);
    for (const auto& [term, nodes] : leaders_of_term) {
      EXPECT_EQ(nodes.size(), 1u) << "term " << term << " had " << nodes.size() << " leaders";
    }
  }
};

/// The leader a majority of the cluster reports (itself included, as leader), polling
/// /v1/status; 0 on timeout. Paused or exited nodes simply do not answer.
NodeId wait_agreed_leader(const LocalCluster& cluster, Clock::duration timeout,
                          NodeId not_this = 0) {
  const auto deadline = Clock::now() + timeout;
  const std::size_t majority = cluster.members().size() / 2 + 1;
  while (Clock::now() < deadline) {
    std::map<NodeId, std::size_t> reports;
    std::set<NodeId> self_leaders;
    for (const auto& m : cluster.members()) {
      if (m.pid <= 0) continue;
      const auto s = fetch_status(m.url(), 200ms);
      if (!s.reachable || s.leader == 0 || s.leader == not_this) continue;
      ++reports[s.leader];
      if (s.role == "leader") self_leaders.insert(s.id);
    }
    for (const auto& [leader, count] : reports) {
      if (count >= majority && self_leaders.count(leader) != 0) return leader;
    }
    std::this_thread::sleep_for(20ms);
  }
  return 0;
}

TEST(ClusterProcess, ElectsAtStartAndFailsOverAfterSigkill) {
  const auto options = fast_cluster("failover", 3);
  LocalCluster cluster(options);
  const ClusterDirectory directory(cluster, options.dir);
  cluster.start();
  const NodeId first = wait_agreed_leader(cluster, 10s);
  ASSERT_NE(first, 0u);
  const auto before = fetch_status(cluster.member(first).url(), 1s);
  cluster.signal(first, SIGKILL);
  const NodeId second = wait_agreed_leader(cluster, 10s, first);
  ASSERT_NE(second, 0u);
  const auto after = fetch_status(cluster.member(second).url(), 1s);
  EXPECT_GT(after.fence_token, before.fence_token) << "the new leader's token is larger";
  cluster.restart(first);
  EXPECT_NE(wait_agreed_leader(cluster, 10s), 0u) << "the restarted node rejoins";
}

// A paused leader must not act when it wakes: its lease lapsed on the monotonic clock while it
// slept, and its token is older than its successor's.
TEST(ClusterProcess, PausedLeaderWakesWithoutALeaseAndWithAStaleToken) {
  const auto options = fast_cluster("pause", 3);
  LocalCluster cluster(options);
  const ClusterDirectory directory(cluster, options.dir);
  cluster.start();
  const NodeId first = wait_agreed_leader(cluster, 10s);
  ASSERT_NE(first, 0u);
  const auto old_status = fetch_status(cluster.member(first).url(), 1s);
  cluster.signal(first, SIGSTOP);
  const NodeId second = wait_agreed_leader(cluster, 10s, first);
  ASSERT_NE(second, 0u);
  const auto new_status = fetch_status(cluster.member(second).url(), 1s);
  cluster.signal(first, SIGCONT);
  // The first answer after waking is already judged on the monotonic clock.
  const auto woke = fetch_status(cluster.member(first).url(), 2s);
  ASSERT_TRUE(woke.reachable);
  EXPECT_FALSE(woke.lease_valid) << woke.json;
  EXPECT_LT(old_status.fence_token, new_status.fence_token);
  // The resource: the new leader writes, then the woken old leader's late write is refused.
  FencedFile journal(cluster.member(first).data_dir + "/../journal.txt");
  EXPECT_TRUE(journal.append(new_status.fence_token, "new leader"));
  EXPECT_FALSE(journal.append(old_status.fence_token, "old leader, late"));
  EXPECT_EQ(wait_agreed_leader(cluster, 10s), second) << "the woken node follows";
}

TEST(ClusterProcess, RestartingEveryNodeInTurnNeverGivesATermTwoLeaders) {
  const auto options = fast_cluster("restarts", 3);
  LocalCluster cluster(options);
  const ClusterDirectory directory(cluster, options.dir);
  cluster.start();
  LeaderLog log;
  std::vector<std::unique_ptr<EventWatcher>> watchers;
  for (const auto& m : cluster.members()) {
    watchers.push_back(
        std::make_unique<EventWatcher>(m.url(), [&](const RemoteEvent& e) { log.on_event(e); }));
  }
  ASSERT_NE(wait_agreed_leader(cluster, 10s), 0u);
  for (NodeId id = 1; id <= 3; ++id) {
    cluster.signal(id, SIGKILL);
    ASSERT_NE(wait_agreed_leader(cluster, 10s), 0u) << "after killing " << id;
    cluster.restart(id);
    ASSERT_NE(wait_agreed_leader(cluster, 10s), 0u) << "after restarting " << id;
  }
  for (auto& w : watchers) w->stop();
  log.expect_one_leader_per_term();
  std::lock_guard lock(log.mu);
  EXPECT_GE(log.leaders_of_term.size(), 2u);
}

TEST(ClusterProcess, SigtermOnTheLeaderHandsLeadershipOver) {
  const auto options = fast_cluster("planned", 3);
  LocalCluster cluster(options);
  const ClusterDirectory directory(cluster, options.dir);
  cluster.start();
  const NodeId first = wait_agreed_leader(cluster, 10s);
  ASSERT_NE(first, 0u);
  std::this_thread::sleep_for(300ms);
  cluster.signal(first, SIGTERM);
  const NodeId second = wait_agreed_leader(cluster, 10s, first);
  EXPECT_NE(second, 0u);
  for (int i = 0; i < 300 && cluster.running(first); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(cluster.running(first)) << "the node exits after the hand-over";
  std::ifstream in(cluster.member(first).log_file);
  const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find("handed leadership over"), std::string::npos) << log;
}

// Health-driven abdication with real processes: a leader whose check fails hands leadership over,
// never leads while sick, stays out for the hysteresis after it recovers, then may lead again.
TEST(ClusterProcess, UnhealthyLeaderAbdicatesAndStandsAgainOnlyAfterHysteresis) {
  auto options = fast_cluster("health", 3);
  const auto sick_file = [&](NodeId id) { return options.dir + "/sick-" + std::to_string(id); };
  options.extra_args = {"--health-cmd",
                        "test ! -e " + options.dir + "/sick-$BATON_NODE_ID",
                        "--health-interval-ms",
                        "50",
                        "--health-failures",
                        "2",
                        "--health-healthy-for-ms",
                        "1500"};
  LocalCluster cluster(options);
  const ClusterDirectory directory(cluster, options.dir);
  cluster.start();
  const NodeId sick = wait_agreed_leader(cluster, 10s);
  ASSERT_NE(sick, 0u);
  std::this_thread::sleep_for(300ms);  // every peer has acked a heartbeat: a transfer target
  std::ofstream(sick_file(sick)) << "down\n";
  const NodeId successor = wait_agreed_leader(cluster, 10s, sick);
  ASSERT_NE(successor, 0u) << "the unhealthy leader handed leadership over";
  EXPECT_FALSE(fetch_status(cluster.member(sick).url(), 1s).standing);

  // While sick it never leads, even when it is the lowest id left: the third node takes over.
  cluster.signal(successor, SIGKILL);
  const NodeId third = wait_agreed_leader(cluster, 10s, successor);
  ASSERT_NE(third, 0u);
  EXPECT_NE(third, sick) << "a node that is not standing was elected";

  // Healthy again, but out of elections until it has stayed healthy for the hysteresis period.
  const auto recovered_at = Clock::now();
  fs::remove(sick_file(sick));
  std::this_thread::sleep_for(400ms);
  const auto early = fetch_status(cluster.member(sick).url(), 1s);
  if (Clock::now() - recovered_at < 1500ms) {
    EXPECT_FALSE(early.standing) << "hysteresis ignored";
  }
  bool standing = false;
  for (int i = 0; i < 100 && !standing; ++i) {
    std::this_thread::sleep_for(100ms);
    standing = fetch_status(cluster.member(sick).url(), 1s).standing;
  }
  ASSERT_TRUE(standing) << "it stands again after the hysteresis";
  EXPECT_GE(Clock::now() - recovered_at, 1500ms);
  const auto [code, body] = post_transfer(cluster.member(third).url(), sick);
  EXPECT_EQ(code, 200) << body;
  EXPECT_EQ(wait_agreed_leader(cluster, 10s, third), sick) << "and can lead again";

  std::ifstream in(cluster.member(sick).log_file);
  const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(log.find("not standing for election"), std::string::npos) << log;
  EXPECT_NE(log.find("standing for election again"), std::string::npos) << log;
  cluster.stop_all();
}

/// Runs a shell command line, returning (exit status, stdout and stderr).
std::pair<int, std::string> run_command(const std::string& line) {
  const std::string command = "(" + line + ") 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string out;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof(buffer), pipe)) out.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

/// Runs `baton ARGS`, returning (exit status, stdout and stderr).
std::pair<int, std::string> run_baton(const std::string& args) {
  return run_command(std::string(BATON_BINARY) + " " + args);
}

/// promtool: $BATON_PROMTOOL, else the one scripts/install-deps.sh unpacked, else PATH.
std::string promtool() {
  if (const char* path = std::getenv("BATON_PROMTOOL")) return path;
  const std::string unpacked = std::string(BATON_SOURCE_DIR) + "/.deps/bin/promtool";
  return fs::exists(unpacked) ? unpacked : "promtool";
}

// The real /metrics of a leader and a follower that have been talking, judged by the tool the
// issue names: `promtool check metrics` exits 1 on any problem it finds and prints it.
TEST(ClusterProcess, MetricsOfRunningNodesPassPromtoolCheckMetrics) {
  auto options = fast_cluster("metrics", 3);
  LocalCluster cluster(options);
  const ClusterDirectory directory(cluster, options.dir);
  cluster.start();
  const NodeId leader = wait_agreed_leader(cluster, 10s);
  ASSERT_NE(leader, 0u);
  std::this_thread::sleep_for(300ms);  // heartbeats, answers and RTT samples on every node
  for (const NodeId id : {leader, leader == 1 ? NodeId{2} : NodeId{1}}) {
    httplib::Client client("127.0.0.1", cluster.member(id).http_port);
    const auto response = client.Get("/metrics");
    ASSERT_TRUE(response) << "GET /metrics of node " << id;
    ASSERT_EQ(response->status, 200);
    EXPECT_NE(response->body.find("baton_heartbeat_rtt_seconds_bucket"), std::string::npos);
    const std::string file = options.dir + "/metrics-" + std::to_string(id) + ".txt";
    std::ofstream(file) << response->body;
    const auto [code, out] = run_command(promtool() + " check metrics < " + file);
    EXPECT_EQ(code, 0) << "promtool check metrics on node " << id << " (" << promtool()
                       << "; scripts/install-deps.sh unpacks it into .deps/bin):\n"
                       << out << "\n"
                       << response->body;
  }
  cluster.stop_all();
}

TEST(ClusterProcess, StatusTransferAndResignCommands) {
  const auto options = fast_cluster("client", 3);
  LocalCluster cluster(options);
  const ClusterDirectory directory(cluster, options.dir);
  cluster.start();
  const NodeId leader = wait_agreed_leader(cluster, 10s);
  ASSERT_NE(leader, 0u);
  const std::string dir = "--cluster " + fs::path(cluster.manifest_path()).parent_path().string();
  auto [code, out] = run_baton("status " + dir + " --json");
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("\"role\": \"leader\""), std::string::npos) << out;
  std::tie(code, out) = run_baton("status " + dir);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("leader"), std::string::npos);

  std::this_thread::sleep_for(200ms);
  const NodeId target = leader == 3 ? 1 : leader + 1;
  std::tie(code, out) = run_baton("transfer " + dir + " --to " + std::to_string(target));
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(wait_agreed_leader(cluster, 10s, leader), target);

  std::tie(code, out) = run_baton("resign " + dir);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(wait_agreed_leader(cluster, 10s, target), 0u) << "someone else leads after resign";

  std::tie(code, out) = run_baton("status --endpoints http://127.0.0.1:1");
  EXPECT_EQ(code, 1) << "an unreachable node is reported: " << out;
  std::tie(code, out) = run_baton("status");
  EXPECT_EQ(code, 2) << out;
}

TEST(ClusterProcess, MalformedFramesLeaveTheNodeHealthy) {
  const auto options = fast_cluster("malformed", 3);
  LocalCluster cluster(options);
  const ClusterDirectory directory(cluster, options.dir);
  cluster.start();
  ASSERT_NE(wait_agreed_leader(cluster, 10s), 0u);
  const auto& target = cluster.member(2);
  std::mt19937 rng(42);
  const std::vector<std::string> attacks = {
      std::string("\xff\xff\xff\xff", 4),     // a 4 GiB length
      std::string("\0\0\0\0", 4),             // zero length
      std::string("\0\0\0\x10garbage", 11),   // truncated, then closed
      std::string("GET / HTTP/1.1\r\n\r\n"),  // not our protocol at all
  };
  std::vector<std::string> all = attacks;
  for (int i = 0; i < 20; ++i) {
    std::string noise(1 + rng() % 200, '\0');
    for (auto& c : noise) c = static_cast<char>(rng());
    all.push_back(noise);
  }
  asio::io_context io;
  for (const auto& bytes : all) {
    asio::ip::tcp::socket socket(io);
    asio::error_code ec;
    socket.connect({asio::ip::make_address("127.0.0.1"), target.peer_port}, ec);
    ASSERT_FALSE(ec) << ec.message();
    asio::write(socket, asio::buffer(bytes), ec);
    socket.close();
  }
  std::this_thread::sleep_for(200ms);
  const auto status = fetch_status(target.url(), 1s);
  ASSERT_TRUE(status.reachable) << "the node survived";
  EXPECT_NE(status.leader, 0u);
  EXPECT_TRUE(cluster.running(2));
  EXPECT_NE(wait_agreed_leader(cluster, 10s), 0u);
}

// Two copies of the command must never run at once across failovers: each copy takes an exclusive
// lock on a shared file with flock -n and records a failure to get it.
TEST(ClusterProcess, RunWhileLeaderNeverRunsTwoCopies) {
  auto options = fast_cluster("exec", 3);
  const std::string lock = options.dir + "/lock";
  const std::string starts = options.dir + "/starts";
  const std::string overlap = options.dir + "/overlap";
  options.extra_args = {"--exec", "--", "sh", "-c",
                        "echo $BATON_NODE_ID:$BATON_FENCE_TOKEN >> " + starts + "; exec flock -n " +
                            lock + " sleep 1000 || echo overlap >> " + overlap};
  LocalCluster cluster(options);
  const ClusterDirectory directory(cluster, options.dir);
  cluster.start();
  for (int round = 0; round < 3; ++round) {
    const NodeId leader = wait_agreed_leader(cluster, 10s);
    ASSERT_NE(leader, 0u);
    std::this_thread::sleep_for(300ms);
    cluster.signal(leader, SIGKILL);
    ASSERT_NE(wait_agreed_leader(cluster, 10s, leader), 0u);
    std::this_thread::sleep_for(300ms);
    cluster.restart(leader);
  }
  std::this_thread::sleep_for(300ms);
  cluster.stop_all();
  EXPECT_FALSE(fs::exists(overlap)) << "two copies ran at once";
  std::ifstream in(starts);
  int count = 0;
  for (std::string line; std::getline(in, line);) ++count;
  EXPECT_GE(count, 3) << "the command ran on each new leader";
}

}  // namespace
}  // namespace baton::service
