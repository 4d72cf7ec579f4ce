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

}  // namespace baton::sim
