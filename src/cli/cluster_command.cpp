#include "cli/cluster_command.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "service/cluster_client.hpp"
#include "service/local_cluster.hpp"
#include "service/node_config.hpp"

namespace baton::cli {
namespace {

using Clock = std::chrono::steady_clock;
std::atomic<bool> g_interrupted{false};

void on_interrupt(int) {
  g_interrupted = true;
}

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

std::vector<service::RemoteStatus> fetch_all(const std::vector<std::string>& urls) {
  std::vector<service::RemoteStatus> out;
  for (const auto& url : urls)
    out.push_back(service::fetch_status(url, std::chrono::milliseconds(300)));
  return out;
}

std::string table(const std::vector<service::RemoteStatus>& statuses) {
  std::ostringstream out;
  out << std::left << std::setw(5) << "id" << std::setw(15) << "role" << std::setw(8) << "term"
      << std::setw(8) << "leader" << std::setw(8) << "fence"
      << "url\n";
  for (const auto& s : statuses) {
    if (!s.reachable) {
      out << std::setw(5) << "?" << std::setw(39) << ("down (" + s.error + ")") << s.url << "\n";
      continue;
    }
    out << std::setw(5) << s.id << std::setw(15) << s.role << std::setw(8) << s.term << std::setw(8)
        << (s.leader ? std::to_string(s.leader) : "-") << std::setw(8) << s.fence_token << s.url
        << "\n";
  }
  return out.str();
}

/// The leader a majority of the listed nodes agree on (the leader itself included), or 0.
NodeId agreed_leader(const std::vector<service::RemoteStatus>& statuses, std::size_t members) {
  std::map<NodeId, std::size_t> votes;
  bool leader_says_so = false;
  for (const auto& s : statuses) {
    if (s.reachable && s.leader != 0) ++votes[s.leader];
  }
  for (const auto& [leader, count] : votes) {
    if (count < members / 2 + 1) continue;
    for (const auto& s : statuses) {
      if (s.reachable && s.id == leader && s.role == "leader") leader_says_so = true;
    }
    if (leader_says_so) return leader;
  }
  return 0;
}

struct UpFlags {
  unsigned nodes = 5;
  std::string algorithm = "raft";
  std::string dir;
  std::vector<std::string> settings;
  bool crash_leader = false;
  double duration_s = 0;
  unsigned refresh_ms = 500;
};

int run_cluster_up(const UpFlags& flags) {
  service::LocalClusterOptions options;
  options.baton_binary = self_executable();
  options.nodes = flags.nodes;
  options.algorithm = flags.algorithm;
  options.dir = flags.dir.empty() ? std::filesystem::temp_directory_path().string() +
                                        "/baton-cluster-" + std::to_string(::getpid())
                                  : flags.dir;
  try {
    for (const auto& s : flags.settings) options.settings.push_back(service::parse_setting(s));
  } catch (const service::ConfigError& error) {
    std::cerr << "baton cluster up: " << error.what() << "\n";
    return 2;
  }
  catch_interrupts();
  service::LocalCluster cluster(options);
  try {
    cluster.start();
  } catch (const std::exception& error) {
    std::cerr << "baton cluster up: " << error.what() << "\n";
    return 1;
  }
  std::vector<std::string> urls;
  for (const auto& m : cluster.members()) urls.push_back(m.url());
  std::cout << "started " << flags.nodes << " " << flags.algorithm << " nodes; "
            << cluster.manifest_path() << " lists them (logs beside it). Ctrl-C stops them.\n"
            << std::flush;

  const auto started = Clock::now();
  std::string last_table;
  enum class Demo {
    WaitLeader,
    WaitFailover,
    WaitRejoin,
    Done
  } demo = flags.crash_leader ? Demo::WaitLeader : Demo::Done;
  NodeId crashed = 0;
  Clock::time_point crashed_at{};
  bool printed_first_leader = false;
  int exit_code = 0;
  while (!g_interrupted) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    if (flags.duration_s > 0 && elapsed >= flags.duration_s) break;
    const auto statuses = fetch_all(urls);
    const std::string now_table = table(statuses);
    if (now_table != last_table) {
      std::cout << "\n[" << std::fixed << std::setprecision(2) << elapsed << " s]\n"
                << now_table << std::flush;
      last_table = now_table;
    }
    const NodeId leader = agreed_leader(statuses, flags.nodes);
    if (leader != 0 && !printed_first_leader) {
      printed_first_leader = true;
      std::cout << "leader elected: node " << leader << " after " << std::setprecision(0)
                << elapsed * 1000 << " ms\n"
                << std::flush;
    }
    if (demo == Demo::WaitLeader && leader != 0) {
      crashed = leader;
      std::cout << "\n>>> crashing the leader, node " << leader << " (SIGKILL, pid "
                << cluster.member(leader).pid << ")\n"
                << std::flush;
      crashed_at = Clock::now();
      cluster.signal(leader, SIGKILL);
      demo = Demo::WaitFailover;
    } else if (demo == Demo::WaitFailover && leader != 0 && leader != crashed) {
      const double ms =
          std::chrono::duration<double, std::milli>(Clock::now() - crashed_at).count();
      std::cout << ">>> failover: node " << leader << " leads after " << std::setprecision(0) << ms
                << " ms (seen by polling every 10 ms; `baton bench failover` measures it "
                   "from the event streams)\n>>> restarting node "
                << crashed << "\n"
                << std::flush;
      cluster.restart(crashed);
      demo = Demo::WaitRejoin;
    } else if (demo == Demo::WaitRejoin) {
      for (const auto& s : statuses) {
        if (s.reachable && s.id == crashed && s.leader != 0) {
          std::cout << ">>> node " << crashed << " is back and follows node " << s.leader << "\n"
                    << std::flush;
          demo = Demo::Done;
        }
      }
    }
    // In slices: sleep_for resumes after the signal handler runs, so one long sleep would keep
    // Ctrl-C (and --duration) waiting for a whole --refresh-ms.
    const auto next_refresh =
        Clock::now() +
        std::chrono::milliseconds(demo == Demo::WaitFailover ? 10 : flags.refresh_ms);
    while (!g_interrupted && Clock::now() < next_refresh) {
      if (flags.duration_s > 0 &&
          std::chrono::duration<double>(Clock::now() - started).count() >= flags.duration_s) {
        break;
      }
      std::this_thread::sleep_for(
          std::min<Clock::duration>(std::chrono::milliseconds(20), next_refresh - Clock::now()));
    }
  }
  if (flags.crash_leader && demo != Demo::Done) {
    std::cerr << "baton cluster up: the crash demo did not complete (stuck waiting for "
              << (demo == Demo::WaitLeader     ? "a leader"
                  : demo == Demo::WaitFailover ? "a failover"
                                               : "the restarted node")
              << ")\n";
    exit_code = 1;
  }
  std::cout << "stopping the nodes\n";
  cluster.stop_all();
  return exit_code;
}

struct ClientFlags {
  std::string cluster_dir;
  std::string endpoints;
  bool json = false;
  NodeId to = 0;
};

std::vector<std::string> urls_of(const ClientFlags& flags) {
  std::vector<std::string> urls;
  if (!flags.cluster_dir.empty()) {
    for (const auto& m : service::read_manifest(flags.cluster_dir)) urls.push_back(m.url());
  } else {
    std::stringstream in(flags.endpoints);
    std::string url;
    while (std::getline(in, url, ',')) {
      if (!url.empty()) urls.push_back(url);
    }
  }
  if (urls.empty()) throw std::runtime_error("give --cluster DIR or --endpoints URL,...");
  return urls;
}

int run_status(const ClientFlags& flags) {
  std::vector<std::string> urls;
  try {
    urls = urls_of(flags);
  } catch (const std::exception& error) {
    std::cerr << "baton status: " << error.what() << "\n";
    return 2;
  }
  const auto statuses = fetch_all(urls);
  bool all_up = true;
  for (const auto& s : statuses) all_up = all_up && s.reachable;
  if (flags.json) {
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& s : statuses) {
      if (s.reachable) {
        nodes.push_back(nlohmann::json::parse(s.json));
      } else {
        nodes.push_back({{"url", s.url}, {"error", s.error}});
      }
    }
    std::cout << nlohmann::json{{"nodes", nodes}}.dump(2) << "\n";
  } else {
    std::cout << table(statuses);
  }
  return all_up ? 0 : 1;
}

/// Sends the request to whichever node leads (asking each until one accepts).
int run_leader_request(const ClientFlags& flags, bool transfer) {
  const char* name = transfer ? "baton transfer" : "baton resign";
  std::vector<std::string> urls;
  try {
    urls = urls_of(flags);
  } catch (const std::exception& error) {
    std::cerr << name << ": " << error.what() << "\n";
    return 2;
  }
  for (const auto& s : fetch_all(urls)) {
    if (!s.reachable || s.role != "leader") continue;
    const auto [code, body] =
        transfer ? service::post_transfer(s.url, flags.to) : service::post_resign(s.url);
    std::cout << "node " << s.id << ": HTTP " << code << " " << body << "\n";
    return code == 200 ? 0 : 1;
  }
  std::cerr << name << ": no reachable node is leader right now\n";
  return 1;
}

}  // namespace

std::string self_executable() {
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("baton") : path.string();
}

void add_cluster_commands(CLI::App& app, int& exit_code) {
  CLI::App* cluster = app.add_subcommand("cluster", "Local clusters of node processes");
  cluster->require_subcommand(1);
  auto up_flags = std::make_shared<UpFlags>();
  CLI::App* up =
      cluster->add_subcommand("up", "Start N nodes on 127.0.0.1 and show them live until Ctrl-C");
  up->add_option("--nodes", up_flags->nodes, "cluster size")->check(CLI::Range(1, 99));
  up->add_option("--algorithm", up_flags->algorithm, "raft, bully, ring, paxos or zab");
  up->add_option("--dir", up_flags->dir, "data dirs, logs and cluster.json (default: a temp dir)");
  up->add_option("--set", up_flags->settings, "KEY=VALUE setting for every node (repeatable)");
  up->add_flag("--crash-leader", up_flags->crash_leader,
               "once a leader is elected, SIGKILL it, show the failover, restart it");
  up->add_option("--duration", up_flags->duration_s, "stop after this many seconds (0 = Ctrl-C)");
  up->add_option("--refresh-ms", up_flags->refresh_ms, "how often the table is refreshed")
      ->check(CLI::Range(10, 60000));
  up->callback([up_flags, &exit_code] { exit_code = run_cluster_up(*up_flags); });

  const auto add_client = [&](const char* name, const char* help, bool with_to, auto run) {
    auto flags = std::make_shared<ClientFlags>();
    CLI::App* cmd = app.add_subcommand(name, help);
    auto* dir = cmd->add_option("--cluster", flags->cluster_dir, "a `cluster up` directory");
    auto* endpoints =
        cmd->add_option("--endpoints", flags->endpoints, "HTTP URLs of the nodes, comma-separated");
    dir->excludes(endpoints);
    if (with_to) cmd->add_option("--to", flags->to, "the node to hand leadership to")->required();
    cmd->add_flag("--json", flags->json, "print JSON");
    cmd->callback([flags, &exit_code, run] { exit_code = run(*flags); });
  };
  add_client("status", "Show what every node reports", false,
             [](const ClientFlags& f) { return run_status(f); });
  add_client("resign", "Ask the leader to step down", false,
             [](const ClientFlags& f) { return run_leader_request(f, false); });
  add_client("transfer", "Ask the leader to hand over to --to ID", true,
             [](const ClientFlags& f) { return run_leader_request(f, true); });
}

}  // namespace baton::cli
