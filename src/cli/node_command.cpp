#include "cli/node_command.hpp"

#include <signal.h>

#include <chrono>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "baton/node.hpp"
#include "service/health_monitor.hpp"
#include "service/http_api.hpp"
#include "service/leader_exec.hpp"
#include "service/node_config.hpp"

namespace baton::cli {
namespace {

struct NodeFlags {
  std::string config_file;
  std::optional<NodeId> id;
  std::optional<std::string> cluster_id, listen, http, data_dir, algorithm, log_format, peers;
  std::vector<std::string> settings;
  bool campaign_on_leader_reset = false;
  bool exec = false;
  std::vector<std::string> command;
  std::optional<std::string> health_url;
  std::optional<std::string> health_cmd;
  std::optional<unsigned> health_interval_ms, health_timeout_ms, health_failures,
      health_healthy_for_ms;
};

std::function<void(const char*, const std::string&)> make_logger(const std::string& format,
                                                                 NodeId id) {
  auto mu = std::make_shared<std::mutex>();
  if (format == "json") {
    return [mu, id](const char* level, const std::string& message) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
      nlohmann::json line{{"ts_ms", ms}, {"level", level}, {"node", id}, {"msg", message}};
      std::lock_guard lock(*mu);
      std::cerr << line.dump() << "\n";
    };
  }
  return [mu, id](const char* level, const std::string& message) {
    std::lock_guard lock(*mu);
    std::cerr << "node " << id << " " << level << ": " << message << "\n";
  };
}

service::DaemonConfig config_of(const NodeFlags& flags) {
  service::DaemonConfig config;
  if (!flags.config_file.empty()) config = service::load_config_file(flags.config_file);
  if (flags.id) config.node.id = *flags.id;
  if (flags.cluster_id) config.node.cluster_id = *flags.cluster_id;
  if (flags.listen) config.node.listen = *flags.listen;
  if (flags.http) config.http_listen = *flags.http;
  if (flags.data_dir) config.node.data_dir = *flags.data_dir;
  if (flags.algorithm) config.node.algorithm = *flags.algorithm;
  if (flags.log_format) config.log_format = *flags.log_format;
  if (flags.peers) config.node.peers = service::parse_peers(*flags.peers, "--peers");
  for (const auto& setting : flags.settings) {
    config.node.settings.push_back(service::parse_setting(setting));
  }
  if (flags.campaign_on_leader_reset) config.node.campaign_on_leader_reset = true;
  if (flags.exec) {
    if (flags.command.empty()) throw service::ConfigError("--exec: give the command after --");
    config.exec.command = flags.command;
  } else if (!flags.command.empty()) {
    throw service::ConfigError("a command after -- needs --exec");
  }
  if (flags.health_url) config.health.url = *flags.health_url;
  if (flags.health_cmd) config.health.command = {"sh", "-c", *flags.health_cmd};
  if (flags.health_interval_ms)
    config.health.interval = std::chrono::milliseconds(*flags.health_interval_ms);
  if (flags.health_timeout_ms)
    config.health.timeout = std::chrono::milliseconds(*flags.health_timeout_ms);
  if (flags.health_failures) config.health.failures = *flags.health_failures;
  if (flags.health_healthy_for_ms) {
    config.health.healthy_for = std::chrono::milliseconds(*flags.health_healthy_for_ms);
  }
  service::validate(config);
  return config;
}

int run_node(const NodeFlags& flags) {
  service::DaemonConfig config;
  try {
    config = config_of(flags);
  } catch (const service::ConfigError& error) {
    std::cerr << "baton node: " << error.what() << "\n";
    return 2;
  }
  // Block the shutdown signals in every thread (threads inherit the mask) and wait for them here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  config.node.log = make_logger(config.log_format, config.node.id);
  const auto log = config.node.log;
  std::unique_ptr<Node> node;
  try {
    node = std::make_unique<Node>(config.node);
  } catch (const NodeError& error) {
    std::cerr << "baton node: " << error.what() << "\n";
    return 2;
  }
  service::NodeControlAdapter control(*node);
  std::unique_ptr<service::HttpApi> http;
  std::unique_ptr<service::LeaderExec> exec;
  std::unique_ptr<service::HealthMonitor> health;
  try {
    node->start();
    if (!config.http_listen.empty()) {
      http =
          std::make_unique<service::HttpApi>(control, service::HttpApiOptions{config.http_listen});
      http->start();
      log("info", "HTTP API on " + config.http_listen.substr(0, config.http_listen.rfind(':')) +
                      ":" + std::to_string(http->port()));
    }
    if (!config.exec.command.empty()) {
      service::LeaderExecOptions options;
      options.command = config.exec.command;
      options.grace = config.exec.grace;
      options.on_exit = config.exec.resign_on_exit ? service::LeaderExecOptions::OnExit::Resign
                                                   : service::LeaderExecOptions::OnExit::Restart;
      exec = std::make_unique<service::LeaderExec>(control, options);
      exec->start();
    }
    if (!config.health.command.empty() || !config.health.url.empty()) {
      service::HealthOptions options;
      options.command = config.health.command;
      options.command_env = {{"BATON_NODE_ID", std::to_string(config.node.id)}};
      options.url = config.health.url;
      options.interval = config.health.interval;
      options.timeout = config.health.timeout;
      options.failures_to_abdicate = config.health.failures;
      options.healthy_for_before_standing = config.health.healthy_for;
      health = std::make_unique<service::HealthMonitor>(control, options);
      health->start();
    }
  } catch (const std::exception& error) {
    std::cerr << "baton node: " << error.what() << "\n";
    return 1;
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  log("info", std::string("received ") + (signal_number == SIGTERM ? "SIGTERM" : "SIGINT") +
                  "; shutting down");
  if (health) health->stop();
  // A planned stop hands leadership over first: about a round trip instead of an election timeout.
  if (node->is_leader()) {
    const auto started = std::chrono::steady_clock::now();
    const bool handed = node->hand_over(config.shutdown_handover);
    const auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    log("info", handed ? "handed leadership over in " + std::to_string(ms) + " ms"
                       : "hand-over did not complete; exiting anyway");
  }
  if (exec) exec->stop();
  if (http) http->stop();
  node->stop();
  return 0;
}

}  // namespace

void add_node_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<NodeFlags>();
  CLI::App* cmd = app.add_subcommand("node", "Run one election member (the daemon)");
  cmd->add_option("--config", flags->config_file, "TOML config file (docs/node.md)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--id", flags->id, "this node's id (1..N)");
  cmd->add_option("--cluster-id", flags->cluster_id, "refuse peers of other clusters");
  cmd->add_option("--listen", flags->listen, "HOST:PORT for peer connections");
  cmd->add_option("--peers", flags->peers, "the other members: ID=HOST:PORT,...");
  cmd->add_option("--http", flags->http, "HOST:PORT of the HTTP API (empty: none)");
  cmd->add_option("--data-dir", flags->data_dir, "where the durable term and vote live");
  cmd->add_option("--algorithm", flags->algorithm, "raft, bully, ring, paxos or zab");
  cmd->add_option("--log-format", flags->log_format, "text or json (JSON lines)");
  cmd->add_option("--set", flags->settings,
                  "KEY=VALUE algorithm/timing setting, same keys as baton sim (repeatable)");
  cmd->add_flag("--campaign-on-leader-reset", flags->campaign_on_leader_reset,
                "raft: campaign at once when the leader's connection resets (needs "
                "leader-lease off)");
  cmd->add_flag("--exec", flags->exec, "run the command after -- only while this node leads");
  cmd->add_option("command", flags->command, "the command for --exec (after --)");
  cmd->add_option("--health-url", flags->health_url, "abdicate when this URL fails");
  cmd->add_option("--health-cmd", flags->health_cmd,
                  "abdicate when this shell command fails (it gets BATON_NODE_ID)");
  cmd->add_option("--health-interval-ms", flags->health_interval_ms, "time between checks")
      ->check(CLI::Range(1u, 3'600'000u));
  cmd->add_option("--health-timeout-ms", flags->health_timeout_ms, "a slower check fails")
      ->check(CLI::Range(1u, 3'600'000u));
  cmd->add_option("--health-failures", flags->health_failures,
                  "failed checks in a row before abdicating")
      ->check(CLI::Range(1u, 1000u));
  cmd->add_option("--health-healthy-for-ms", flags->health_healthy_for_ms,
                  "healthy this long before standing again (hysteresis)")
      ->check(CLI::Range(0u, 86'400'000u));
  cmd->callback([flags, &exit_code] { exit_code = run_node(*flags); });
}

}  // namespace baton::cli
