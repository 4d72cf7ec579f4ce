#include "cli/bench_idle_command.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "cli/bench_settings.hpp"
#include "cli/cluster_command.hpp"
#include "service/cluster_client.hpp"
#include "service/local_cluster.hpp"
#include "service/node_config.hpp"

namespace baton::cli {
namespace {

struct IdleFlags {
  unsigned nodes = 5;
  double seconds = 30;
  double warmup_seconds = 3;
  std::string algorithm = "raft";
  std::vector<std::string> settings;
  bool json = false;
  std::string dir;
};

/// CPU time the process's threads have run, in ns: the scheduler's own count
/// (/proc/PID/task/TID/schedstat), exact where utime/stime in /proc/PID/stat are sampled at the
/// 100 Hz clock tick and can miss a process that wakes briefly between ticks. The node's threads
/// (event loop, HTTP server) live as long as it does, so none is lost between two readings.
std::optional<std::uint64_t> cpu_ns(pid_t pid) {
  std::error_code error;
  std::filesystem::directory_iterator tasks("/proc/" + std::to_string(pid) + "/task", error);
  if (error) return std::nullopt;
  std::uint64_t total = 0;
  for (const auto& task : tasks) {
    std::ifstream in(task.path() / "schedstat");
    std::uint64_t ns = 0;
    if (in >> ns) total += ns;
  }
  return total;
}

/// Resident memory in kB (VmRSS of /proc/PID/status).
std::uint64_t rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

struct NodeCost {
  NodeId id = 0;
  std::string role;
  double cpu_percent = 0;
  std::uint64_t rss_kb = 0;
};

int run_idle(const IdleFlags& flags) {
  sim::Scenario settings;
  service::LocalClusterOptions options;
  try {
    BenchSettings parsed = parse_bench_settings(flags.algorithm, flags.settings);
    settings = std::move(parsed.scenario);
    options.settings = std::move(parsed.pairs);
  } catch (const service::ConfigError& error) {
    std::cerr << "baton bench idle: " << error.what() << "\n";
    return 2;
  }
  options.baton_binary = self_executable();
  options.nodes = flags.nodes;
  options.algorithm = flags.algorithm;
  options.cluster_id = "bench-idle";
  const bool own_dir = flags.dir.empty();
  options.dir = own_dir ? std::filesystem::temp_directory_path().string() + "/baton-bench-idle-" +
                              std::to_string(::getpid())
                        : flags.dir;
  service::LocalCluster cluster(options);
  try {
    cluster.start();
  } catch (const std::exception& error) {
    std::cerr << "baton bench idle: " << error.what() << "\n";
    return 1;
  }
  // Measure a settled cluster: elected, connections up, start-up work done.
  NodeId leader = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (leader == 0 && std::chrono::steady_clock::now() < give_up) {
    const auto status = service::fetch_status(cluster.member(1).url(), std::chrono::seconds(1));
    if (status.reachable) leader = status.leader;
    if (leader == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (leader == 0) {
    std::cerr << "baton bench idle: no leader within 20 s (logs in " << options.dir << ")\n";
    cluster.stop_all();
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(flags.warmup_seconds));

  // Nothing polls the nodes while they are measured: the HTTP API is idle too.
  std::vector<std::optional<std::uint64_t>> before;
  for (const auto& m : cluster.members()) before.push_back(cpu_ns(m.pid));
  const auto began = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(flags.seconds));
  const double elapsed_ns = static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - began)
          .count());
  std::vector<NodeCost> costs;
  int exit_code = 0;
  for (std::size_t i = 0; i < cluster.members().size(); ++i) {
    const auto& m = cluster.members()[i];
    const auto after = cpu_ns(m.pid);
    if (!before[i] || !after) {
      std::cerr << "baton bench idle: node " << m.id << " (pid " << m.pid
                << ") is gone or /proc/PID/schedstat is unreadable\n";
      exit_code = 1;
      continue;
    }
    NodeCost cost;
    cost.id = m.id;
    cost.cpu_percent = 100.0 * static_cast<double>(*after - *before[i]) / elapsed_ns;
    cost.rss_kb = rss_kb(m.pid);
    cost.role = service::fetch_status(m.url(), std::chrono::seconds(1)).role;
    costs.push_back(cost);
  }
  cluster.stop_all();
  if (own_dir && exit_code == 0) std::filesystem::remove_all(options.dir);

  const nlohmann::json settings_json{
      {"election_timeout_ms",
       {settings.raft.election_timeout_ms_min, settings.raft.election_timeout_ms_max}},
      {"heartbeat_ms", settings.raft.heartbeat_ms},
      {"tick_ms", settings.tick_ms}};
  if (flags.json) {
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& c : costs) {
      nodes.push_back(
          {{"id", c.id}, {"role", c.role}, {"cpu_percent", c.cpu_percent}, {"rss_kb", c.rss_kb}});
    }
    std::cout << nlohmann::json{{"algorithm", flags.algorithm},
                                {"nodes", flags.nodes},
                                {"seconds", flags.seconds},
                                {"settings", settings_json},
                                {"per_node", nodes}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "idle " << flags.algorithm << " cluster of " << flags.nodes << " nodes, "
              << flags.seconds << " s, settings " << settings_json.dump() << "\n";
    for (const auto& c : costs) {
      std::cout << "node " << c.id << " " << std::setw(9) << std::left << c.role << std::right
                << std::fixed << std::setprecision(2) << std::setw(6) << c.cpu_percent
                << " % of a core, RSS " << std::setprecision(1)
                << static_cast<double>(c.rss_kb) / 1024.0 << " MB\n";
    }
  }
  return exit_code;
}

}  // namespace

void add_bench_idle_command(CLI::App& bench, int& exit_code) {
  auto flags = std::make_shared<IdleFlags>();
  CLI::App* idle = bench.add_subcommand(
      "idle", "Start an idle cluster and measure each node's CPU time and memory");
  idle->add_option("--nodes", flags->nodes, "cluster size")->check(CLI::Range(1, 33));
  idle->add_option("--seconds", flags->seconds, "how long to measure")
      ->check(CLI::Range(0.1, 3600.0));
  idle->add_option("--warmup-seconds", flags->warmup_seconds,
                   "wait this long after the election before measuring")
      ->check(CLI::Range(0.0, 600.0));
  idle->add_option("--algorithm", flags->algorithm, "raft, bully, ring, paxos or zab");
  idle->add_option("--set", flags->settings,
                   "KEY=VALUE timing setting, same keys as baton sim (repeatable)");
  idle->add_flag("--json", flags->json, "print the result as JSON");
  idle->add_option("--dir", flags->dir, "keep data dirs and logs here");
  idle->callback([flags, &exit_code] { exit_code = run_idle(*flags); });
}

}  // namespace baton::cli
