// The `--set KEY=VALUE` flags of `baton bench failover` and `baton bench idle`, checked as a node
// checks them before any node starts, so a typo is one clear error and not N dead processes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/scenario.hpp"

namespace baton::cli {

struct BenchSettings {
  sim::Scenario scenario;  ///< what the settings make of the defaults (the report shows it)
  std::vector<std::pair<std::string, std::string>> pairs;  ///< passed to every node as --set
};

/// Parses `flags` ("KEY=VALUE" each) for `algorithm`. Throws service::ConfigError naming the
/// flag ("--set heartbeat-ms: ...") on the first bad one.
BenchSettings parse_bench_settings(const std::string& algorithm,
                                   const std::vector<std::string>& flags);

}  // namespace baton::cli
