// Shared helpers for tests that sweep scenarios over many seeds.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "sim/scenario_parser.hpp"
#include "sim/simulator.hpp"

namespace baton::sim::testing {

/// Seeds per scenario sweep: BATON_SWEEP_SEEDS (scripts/test.sh sets 500), else `fallback`.
inline std::uint64_t sweep_seeds(std::uint64_t fallback = 100) {
  const char* text = std::getenv("BATON_SWEEP_SEEDS");
  if (text == nullptr || *text == '\0') return fallback;
  const std::uint64_t seeds = std::strtoull(text, nullptr, 10);
  return seeds > 0 ? seeds : fallback;
}

inline Scenario load_test_scenario(const std::string& name) {
  return load_scenario(std::string(BATON_SCENARIO_DIR) + "/" + name + ".scn");
}

/// What went wrong in a sweep, with everything needed to replay it.
inline std::string explain(const SweepReport& report) {
  std::ostringstream out;
  out << report.scenario << ": " << report.violations.size() << " violations, "
      << report.failed_expectations.size() << " failed expectations\n";
  std::size_t shown = 0;
  for (const auto& v : report.violations) {
    if (++shown > 5) break;
    out << "  seed " << v.seed << " at " << static_cast<double>(v.time) / 1000.0
        << "ms: " << v.invariant << ": " << v.detail << "  (replay: baton sim --scenario "
        << report.scenario << ".scn --seed " << v.seed << " --trace)\n";
  }
  shown = 0;
  for (const auto& [seed, result] : report.failed_expectations) {
    if (++shown > 5) break;
    out << "  seed " << seed << ": line " << result.expectation.line << " '"
        << result.expectation.text << "': " << result.detail << "\n";
  }
  for (const auto& result : report.sweep_expectations) {
    if (!result.held)
      out << "  sweep expectation '" << result.expectation.text << "' did not hold\n";
  }
  return out.str();
}

}  // namespace baton::sim::testing
