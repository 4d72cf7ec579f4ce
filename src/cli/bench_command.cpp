#include "cli/bench_command.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "cli/bench_idle_command.hpp"
#include "cli/bench_settings.hpp"
#include "cli/cluster_command.hpp"
#include "service/cluster_client.hpp"
#include "service/local_cluster.hpp"
#include "service/node_config.hpp"

namespace baton::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchFlags {
  unsigned nodes = 3;
  unsigned trials = 20;
  std::string algorithm = "raft";
  std::vector<std::string> settings;
  bool campaign_on_leader_reset = false;
  bool planned = false;
  bool json = false;
  std::string dir;
};

/// What every node last said about the leader, fed by the event watchers.
class ClusterView {
 public:
  explicit ClusterView(unsigned nodes) : nodes_(nodes) {}

  void on_event(const service::RemoteEvent& event) {
    std::lock_guard lock(mu_);
    if (event.kind == "fell_behind" || event.node == 0) return;
    auto& view = views_[event.node];
    view = event;
    if (!quorum_at_ && wanted_excluding_ != 0) {
      if (const NodeId leader = quorum_leader_locked(); leader != 0) {
        quorum_at_ = event.received;  // the acknowledgement that completed the quorum
        quorum_leader_ = leader;
      }
    }
    cv_.notify_all();
  }

  /// Arms detection of a quorum-acknowledged leader other than `old_leader`.
  void expect_new_leader(NodeId old_leader) {
    std::lock_guard lock(mu_);
    wanted_excluding_ = old_leader;
    quorum_at_.reset();
    views_.erase(old_leader);  // the killed node's last word no longer counts
  }

  std::optional<std::pair<NodeId, Clock::time_point>> wait_new_leader(Clock::duration timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return quorum_at_.has_value(); });
    if (!quorum_at_) return std::nullopt;
    wanted_excluding_ = 0;
    return std::make_pair(quorum_leader_, *quorum_at_);
  }

  /// Waits until every node reports the same leader; returns it (0 on timeout).
  NodeId wait_all_agree(Clock::duration timeout) {
    std::unique_lock lock(mu_);
    NodeId agreed = 0;
    cv_.wait_for(lock, timeout, [&] {
      if (views_.size() < nodes_) return false;
      const NodeId leader = views_.begin()->second.leader;
      if (leader == 0) return false;
      for (const auto& [id, view] : views_) {
        if (view.leader != leader) return false;
        if (id == leader && !view.is_leader) return false;
      }
      agreed = leader;
      return true;
    });
    return agreed;
  }

 private:
  NodeId quorum_leader_locked() const {
    std::map<NodeId, unsigned> acks;
    for (const auto& [id, view] : views_) {
      if (view.leader != 0 && view.leader != wanted_excluding_) ++acks[view.leader];
    }
    for (const auto& [leader, count] : acks) {
      const auto self = views_.find(leader);
      if (count >= nodes_ / 2 + 1 && self != views_.end() && self->second.is_leader) return leader;
    }
    return 0;
  }

  const unsigned nodes_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<NodeId, service::RemoteEvent> views_;
  NodeId wanted_excluding_ = 0;
  std::optional<Clock::time_point> quorum_at_;
  NodeId quorum_leader_ = 0;
};

double percentile(std::vector<double> sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = p / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(rank);
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - static_cast<double>(lo));
}

int run_bench(const BenchFlags& flags) {
  sim::Scenario settings;
  service::LocalClusterOptions options;
  try {
    BenchSettings parsed = parse_bench_settings(flags.algorithm, flags.settings);
    settings = std::move(parsed.scenario);
    options.settings = std::move(parsed.pairs);
  } catch (const service::ConfigError& error) {
    std::cerr << "baton bench failover: " << error.what() << "\n";
    return 2;
  }
  if (flags.campaign_on_leader_reset) options.extra_args.push_back("--campaign-on-leader-reset");
  // The flag and `--set campaign-on-leader-reset=on` are one switch; the report says which ran.
  const bool campaign_on_reset =
      flags.campaign_on_leader_reset || settings.raft.campaign_on_leader_reset;
  options.baton_binary = self_executable();
  options.nodes = flags.nodes;
  options.algorithm = flags.algorithm;
  options.cluster_id = "bench";
  const bool own_dir = flags.dir.empty();
  options.dir = own_dir ? std::filesystem::temp_directory_path().string() + "/baton-bench-" +
                              std::to_string(::getpid())
                        : flags.dir;

  service::LocalCluster cluster(options);
  try {
    cluster.start();
  } catch (const std::exception& error) {
    std::cerr << "baton bench failover: " << error.what() << "\n";
    return 1;
  }
  ClusterView view(flags.nodes);
  std::vector<std::unique_ptr<service::EventWatcher>> watchers;
  for (const auto& m : cluster.members()) {
    watchers.push_back(std::make_unique<service::EventWatcher>(
        m.url(), [&view](const service::RemoteEvent& e) { view.on_event(e); }));
  }
  std::vector<double> samples;
  int exit_code = 0;
  for (unsigned trial = 0; trial < flags.trials; ++trial) {
    const NodeId leader = view.wait_all_agree(std::chrono::seconds(20));
    if (leader == 0) {
      std::cerr << "baton bench failover: trial " << trial + 1
                << ": the cluster did not agree on a leader within 20 s (logs in " << options.dir
                << ")\n";
      exit_code = 1;
      break;
    }
    // Let the leader's lease and heartbeats settle so every trial starts from a steady state.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    view.expect_new_leader(leader);
    const auto killed_at = Clock::now();
    cluster.signal(leader, flags.planned ? SIGTERM : SIGKILL);
    const auto result = view.wait_new_leader(std::chrono::seconds(20));
    if (!result) {
      std::cerr << "baton bench failover: trial " << trial + 1 << ": no new leader within 20 s\n";
      exit_code = 1;
      break;
    }
    const double ms = std::chrono::duration<double, std::milli>(result->second - killed_at).count();
    samples.push_back(ms);
    if (!flags.json) {
      std::cout << "trial " << trial + 1 << ": node " << leader << " -> node " << result->first
                << " in " << std::fixed << std::setprecision(1) << ms << " ms\n"
                << std::flush;
    }
    if (flags.planned) {
      for (int i = 0; i < 500 && cluster.running(leader); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    cluster.restart(leader);
  }
  for (auto& watcher : watchers) watcher->stop();
  cluster.stop_all();
  if (own_dir && exit_code == 0) std::filesystem::remove_all(options.dir);

  std::sort(samples.begin(), samples.end());
  double mean = 0;
  for (double s : samples) mean += s;
  if (!samples.empty()) mean /= static_cast<double>(samples.size());
  // Detection cannot beat the timing: a follower waits at least election-timeout-min since the
  // last heartbeat it got, which left at most one heartbeat interval before the kill.
  double lower_bound = 0;
  if (!flags.planned && !campaign_on_reset) {
    lower_bound = std::max(0.0, settings.raft.election_timeout_ms_min - settings.raft.heartbeat_ms);
  }
  nlohmann::json settings_json{
      {"election_timeout_ms",
       {settings.raft.election_timeout_ms_min, settings.raft.election_timeout_ms_max}},
      {"heartbeat_ms", settings.raft.heartbeat_ms},
      {"tick_ms", settings.tick_ms},
      {"pre_vote", settings.raft.pre_vote},
      {"leader_lease", settings.raft.leader_lease},
      {"campaign_on_leader_reset", campaign_on_reset},
      {"planned", flags.planned}};
  const nlohmann::json failover{{"p50", percentile(samples, 50)},
                                {"p90", percentile(samples, 90)},
                                {"p99", percentile(samples, 99)},
                                {"max", samples.empty() ? 0 : samples.back()},
                                {"mean", mean}};
  if (flags.json) {
    std::cout << nlohmann::json{{"algorithm", flags.algorithm}, {"nodes", flags.nodes},
                                {"trials", samples.size()},     {"settings", settings_json},
                                {"failover_ms", failover},      {"lower_bound_ms", lower_bound}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << std::fixed << std::setprecision(1) << "\n"
              << (flags.planned ? "planned hand-over" : "failover after SIGKILL") << ", "
              << flags.algorithm << ", " << flags.nodes << " nodes, " << samples.size()
              << " trials: p50 " << failover["p50"].get<double>() << " ms, p90 "
              << failover["p90"].get<double>() << ", p99 " << failover["p99"].get<double>()
              << ", max " << failover["max"].get<double>() << ", mean " << mean
              << " (lower bound from the settings: " << lower_bound
              << " ms)\nsettings: " << settings_json.dump() << "\n";
  }
  return exit_code;
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  CLI::App* bench = app.add_subcommand("bench", "Benchmarks on real processes");
  bench->require_subcommand(1);
  auto flags = std::make_shared<BenchFlags>();
  CLI::App* failover = bench->add_subcommand(
      "failover", "Kill the leader K times; time until a survivor leads with a quorum");
  failover->add_option("--nodes", flags->nodes, "cluster size")->check(CLI::Range(1, 33));
  failover->add_option("--trials", flags->trials, "how many leader kills")
      ->check(CLI::Range(1, 10000));
  failover->add_option("--algorithm", flags->algorithm, "raft, bully, ring, paxos or zab");
  failover->add_option("--set", flags->settings,
                       "KEY=VALUE timing setting, same keys as baton sim (repeatable)");
  failover->add_flag("--campaign-on-leader-reset", flags->campaign_on_leader_reset,
                     "followers campaign when the leader's connection resets");
  failover->add_flag("--planned", flags->planned, "SIGTERM (hand-over) instead of SIGKILL");
  failover->add_flag("--json", flags->json, "print the result as JSON");
  failover->add_option("--dir", flags->dir, "keep data dirs and logs here");
  failover->callback([flags, &exit_code] { exit_code = run_bench(*flags); });
  add_bench_idle_command(*bench, exit_code);
}

}  // namespace baton::cli
