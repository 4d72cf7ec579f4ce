// The table of scenario settings. One table serves both the scenario file (`key value` lines) and
// the command line (`--key value`), so every setting a file can hold is also a flag, with the same
// name, parser and error messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario.hpp"

namespace baton::sim {

struct SettingInfo {
  std::string key;    ///< e.g. "election-timeout-ms"
  std::string value;  ///< what the value looks like, e.g. "MIN-MAX"
  std::string help;   ///< one line
};

/// The algorithms the simulator can run, in the order comparisons print them.
const std::vector<std::string>& algorithm_names();

/// Every setting key, in documentation order.
const std::vector<SettingInfo>& setting_keys();

/// Applies `key value` to `scenario`. Returns an error message naming the key and what was
/// expected (e.g. "election-timeout-ms: expected MIN-MAX in milliseconds, got 'abc'"), or nullopt.
std::optional<std::string> apply_setting(Scenario& scenario, std::string_view key,
                                         std::string_view value);

/// True for a setting that describes only the simulated world (its network, clocks, disk, faults,
/// resource writer, run length) or breaks a rule on purpose: a real node has no use for it.
bool simulator_only_setting(std::string_view key);

/// Why `campaign-on-leader-reset on` cannot run with the rest of `scenario` (another algorithm,
/// a leader lease, no pre-vote), or nullopt. The simulator and `baton node` refuse the same way.
std::optional<std::string> campaign_on_leader_reset_conflict(const Scenario& scenario);

/// apply_setting() for a real node (`baton node`, `baton bench`): a simulator-only setting is an
/// error naming it, not a value silently ignored.
std::optional<std::string> apply_node_setting(Scenario& scenario, std::string_view key,
                                              std::string_view value);

}  // namespace baton::sim
