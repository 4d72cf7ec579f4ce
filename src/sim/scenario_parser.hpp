// Reads the scenario text format (docs/scenarios.md).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sim/scenario.hpp"

namespace baton::sim {

/// A scenario that cannot be read. what() is "FILE:LINE: message", naming what was expected.
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses scenario text. `file` is used in error messages and stored in the result.
/// Throws ScenarioError.
Scenario parse_scenario(std::string_view text, const std::string& file = "<scenario>");

/// Checks what single settings cannot: node ids within 1..nodes (fault targets, expectations,
/// clocks, priorities, preferred leader), times within the duration, MIN <= MAX, and that
/// `minority` follows a partition. Returns "line N: message" (or just the message) for the first
/// problem. Call it after command-line overrides; parse_scenario already does.
std::optional<std::string> validate_scenario(const Scenario& scenario);

/// Reads and parses a scenario file. Throws ScenarioError (also for an unreadable file).
Scenario load_scenario(const std::string& path);

/// The default fault mix `baton sim` runs without a scenario: nemesis on, for `nodes` nodes.
Scenario default_scenario(std::uint32_t nodes = 5);

}  // namespace baton::sim
