// Configuration of the `baton node` daemon: a TOML file (docs/node.md has the reference and an
// example) that command-line flags override. Every error names the file, line and key, or the flag.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "baton/node.hpp"

namespace baton::service {

/// A configuration error; what() names the file and line, or the flag.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Run-while-leader (docs/run-while-leader.md).
struct ExecConfig {
  std::vector<std::string> command;  ///< empty = off
  std::chrono::milliseconds grace{2000};
  bool resign_on_exit = false;  ///< false: restart with backoff
};

/// Health-driven abdication (docs/run-while-leader.md).
struct HealthConfig {
  std::vector<std::string> command;  ///< or url; both empty = off
  std::string url;
  std::chrono::milliseconds interval{1000};
  std::chrono::milliseconds timeout{1000};
  unsigned failures = 3;
  std::chrono::milliseconds healthy_for{10000};
};

struct DaemonConfig {
  NodeOptions node;
  std::string http_listen = "127.0.0.1:0";  ///< "" = no HTTP API
  std::string log_format = "text";          ///< text or json
  ExecConfig exec;
  HealthConfig health;
  /// SIGTERM on a leader: how long to wait for the hand-over before exiting anyway.
  std::chrono::milliseconds shutdown_handover{2000};
};

/// Parses TOML text (`source` names it in errors). Throws ConfigError "FILE:LINE:COL: ...".
DaemonConfig parse_config(std::string_view toml, const std::string& source);
/// Reads and parses a file. Throws ConfigError naming the file if it cannot be read.
DaemonConfig load_config_file(const std::string& path);

/// Parses "2=127.0.0.1:7002,3=127.0.0.1:7003". Throws ConfigError naming `what` (e.g. "--peers").
std::map<NodeId, std::string> parse_peers(std::string_view text, const std::string& what);
/// Parses "key=value" of --set. Throws ConfigError naming the flag.
std::pair<std::string, std::string> parse_setting(std::string_view text);

/// Checks what the node will need: an id, a data dir, a known log format. Throws ConfigError.
void validate(const DaemonConfig& config);

}  // namespace baton::service
