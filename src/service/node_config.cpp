#include "service/node_config.hpp"

#include <toml++/toml.h>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

namespace baton::service {
namespace {

std::string where(const std::string& source, const toml::source_region& region) {
  return source + ":" + std::to_string(region.begin.line) + ":" +
         std::to_string(region.begin.column);
}

[[noreturn]] void fail_at(const std::string& source, const toml::node& node,
                          const std::string& message) {
  throw ConfigError(where(source, node.source()) + ": " + message);
}

void check_keys(const toml::table& table, const std::set<std::string>& known,
                const std::string& section, const std::string& source) {
  for (const auto& [key, value] : table) {
    if (known.count(std::string(key.str())) == 0) {
      fail_at(source, value,
              "unknown key '" + std::string(key.str()) + "'" +
                  (section.empty() ? "" : " in [" + section + "]"));
    }
  }
}

std::string get_string(const toml::node& node, const std::string& key, const std::string& source) {
  if (auto value = node.value<std::string>()) return *value;
  fail_at(source, node, key + ": expected a string");
}

std::int64_t get_int(const toml::node& node, const std::string& key, const std::string& source,
                     std::int64_t min, std::int64_t max) {
  // The type first: toml++ converts a float to an integer unchecked, which is undefined behaviour
  // for 1e30 (the config fuzzer found `id = 89009009990990E9`).
  if (!node.is_integer()) fail_at(source, node, key + ": expected an integer");
  const std::int64_t value = *node.value<std::int64_t>();
  if (value < min || value > max) {
    fail_at(source, node,
            key + ": " + std::to_string(value) + " is out of range " + std::to_string(min) + ".." +
                std::to_string(max));
  }
  return value;
}

bool get_bool(const toml::node& node, const std::string& key, const std::string& source) {
  if (node.is_boolean()) return *node.value<bool>();
  fail_at(source, node, key + ": expected true or false");
}

std::vector<std::string> get_command(const toml::node& node, const std::string& key,
                                     const std::string& source) {
  const auto* array = node.as_array();
  if (array == nullptr || array->empty()) {
    fail_at(source, node, key + ": expected a non-empty array of strings");
  }
  std::vector<std::string> out;
  for (const auto& item : *array) out.push_back(get_string(item, key, source));
  return out;
}

std::chrono::milliseconds get_ms(const toml::node& node, const std::string& key,
                                 const std::string& source) {
  return std::chrono::milliseconds(get_int(node, key, source, 0, 24LL * 3600 * 1000));
}

/// A setting value as `baton sim` expects it: strings as they are, numbers and booleans spelled.
std::string setting_text(const toml::node& node, const std::string& key,
                         const std::string& source) {
  if (auto s = node.value_exact<std::string>()) return *s;
  if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
  if (node.is_floating_point()) {
    std::ostringstream out;
    out << *node.value<double>();
    return out.str();
  }
  if (node.is_boolean()) return *node.value<bool>() ? "on" : "off";
  fail_at(source, node, "settings." + key + ": expected a string, number or boolean");
}

NodeId parse_id(std::string_view text, const std::string& what) {
  unsigned long long value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || value == 0 || value > 0xFFFFFFFFull) {
    throw ConfigError(what + ": '" + std::string(text) + "' is not a node id (1 or more)");
  }
  return static_cast<NodeId>(value);
}

void parse_exec(const toml::table& table, ExecConfig& exec, const std::string& source) {
  check_keys(table, {"command", "grace-ms", "on-exit"}, "exec", source);
  for (const auto& [k, v] : table) {
    const std::string key(k.str());
    if (key == "command") exec.command = get_command(v, "exec.command", source);
    if (key == "grace-ms") exec.grace = get_ms(v, "exec.grace-ms", source);
    if (key == "on-exit") {
      const std::string mode = get_string(v, "exec.on-exit", source);
      if (mode != "restart" && mode != "resign") {
        fail_at(source, v, "exec.on-exit: expected restart or resign, got '" + mode + "'");
      }
      exec.resign_on_exit = mode == "resign";
    }
  }
}

void parse_health(const toml::table& table, HealthConfig& health, const std::string& source) {
  check_keys(table, {"command", "url", "interval-ms", "timeout-ms", "failures", "healthy-for-ms"},
             "health", source);
  for (const auto& [k, v] : table) {
    const std::string key(k.str());
    if (key == "command") health.command = get_command(v, "health.command", source);
    if (key == "url") health.url = get_string(v, "health.url", source);
    if (key == "interval-ms") health.interval = get_ms(v, "health.interval-ms", source);
    if (key == "timeout-ms") health.timeout = get_ms(v, "health.timeout-ms", source);
    if (key == "failures") {
      health.failures = static_cast<unsigned>(get_int(v, "health.failures", source, 1, 1000));
    }
    if (key == "healthy-for-ms") health.healthy_for = get_ms(v, "health.healthy-for-ms", source);
  }
}

}  // namespace

DaemonConfig parse_config(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& error) {
    throw ConfigError(where(source, error.source()) + ": " + std::string(error.description()));
  }
  check_keys(
      root,
      {"id", "cluster-id", "listen", "http", "data-dir", "algorithm", "log-format",
       "campaign-on-leader-reset", "shutdown-handover-ms", "peers", "settings", "exec", "health"},
      "", source);
  DaemonConfig config;
  for (const auto& [k, v] : root) {
    const std::string key(k.str());
    if (key == "id") config.node.id = static_cast<NodeId>(get_int(v, key, source, 1, 0xFFFFFFFF));
    if (key == "cluster-id") config.node.cluster_id = get_string(v, key, source);
    if (key == "listen") config.node.listen = get_string(v, key, source);
    if (key == "http") config.http_listen = get_string(v, key, source);
    if (key == "data-dir") config.node.data_dir = get_string(v, key, source);
    if (key == "algorithm") config.node.algorithm = get_string(v, key, source);
    if (key == "log-format") config.log_format = get_string(v, key, source);
    if (key == "campaign-on-leader-reset") {
      config.node.campaign_on_leader_reset = get_bool(v, key, source);
    }
    if (key == "shutdown-handover-ms") config.shutdown_handover = get_ms(v, key, source);
    if (key == "peers") {
      const auto* peers = v.as_table();
      if (peers == nullptr) fail_at(source, v, "peers: expected a table of id = \"host:port\"");
      for (const auto& [id, address] : *peers) {
        const NodeId peer = parse_id(id.str(), where(source, address.source()) + ": peers");
        config.node.peers[peer] = get_string(address, "peers." + std::string(id.str()), source);
      }
    }
    if (key == "settings") {
      const auto* settings = v.as_table();
      if (settings == nullptr) fail_at(source, v, "settings: expected a table");
      for (const auto& [name, value] : *settings) {
        config.node.settings.emplace_back(std::string(name.str()),
                                          setting_text(value, std::string(name.str()), source));
      }
    }
    if (key == "exec") {
      const auto* exec = v.as_table();
      if (exec == nullptr) fail_at(source, v, "exec: expected a table");
      parse_exec(*exec, config.exec, source);
    }
    if (key == "health") {
      const auto* health = v.as_table();
      if (health == nullptr) fail_at(source, v, "health: expected a table");
      parse_health(*health, config.health, source);
    }
  }
  return config;
}

DaemonConfig load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot read the config file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

std::map<NodeId, std::string> parse_peers(std::string_view text, const std::string& what) {
  std::map<NodeId, std::string> peers;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const std::size_t comma = text.find(',', start);
    const std::string_view item =
        text.substr(start, comma == std::string_view::npos ? text.size() - start : comma - start);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq + 1 >= item.size()) {
      throw ConfigError(what + ": expected ID=HOST:PORT, got '" + std::string(item) + "'");
    }
    const NodeId id = parse_id(item.substr(0, eq), what);
    if (!peers.emplace(id, std::string(item.substr(eq + 1))).second) {
      throw ConfigError(what + ": node " + std::to_string(id) + " is listed twice");
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return peers;
}

std::pair<std::string, std::string> parse_setting(std::string_view text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw ConfigError("--set: expected KEY=VALUE, got '" + std::string(text) + "'");
  }
  return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

void validate(const DaemonConfig& config) {
  if (config.node.id == 0) throw ConfigError("id: not set (--id or `id = N` in the config file)");
  if (config.node.data_dir.empty()) {
    throw ConfigError("data-dir: not set (--data-dir or `data-dir = \"...\"`)");
  }
  if (config.log_format != "text" && config.log_format != "json") {
    throw ConfigError("log-format: expected text or json, got '" + config.log_format + "'");
  }
  if (!config.health.command.empty() && !config.health.url.empty()) {
    throw ConfigError("health: set command or url, not both");
  }
}

}  // namespace baton::service
