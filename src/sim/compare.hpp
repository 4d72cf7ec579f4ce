// `baton sim compare`: every algorithm through one fault matrix, and message counts against cluster
// size, so the usual hand-written comparison table is one that baton measures (docs/ALGORITHMS.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/algorithm_factory.hpp"
#include "sim/scenario.hpp"
#include "sim/simulator.hpp"

namespace baton::sim {

/// One fault of the matrix. `text` is a scenario body (docs/scenarios.md) without `algorithm` and
/// `nodes`, which the comparison sets; `store_only` faults run only for the store-based recipes.
struct MatrixFault {
  std::string name;
  std::string description;
  bool store_only = false;
};

/// The fault matrix, in the order the table prints it.
const std::vector<MatrixFault>& fault_matrix();
/// The scenario of fault `name` for `algorithm` on `nodes` nodes. Throws ScenarioError for an
/// unknown name.
Scenario matrix_scenario(const std::string& name, const std::string& algorithm,
                         std::uint32_t nodes);

struct CompareOptions {
  std::vector<std::string> algorithms;  ///< empty = every algorithm the simulator knows
  std::uint32_t nodes = 5;
  std::uint64_t seeds = 100;
  std::uint64_t first_seed = 1;
  /// Cluster sizes for the message-complexity sweep (leader-crash fault); empty = skip it.
  std::vector<std::uint32_t> sizes = {3, 5, 9, 17, 33};
  /// Seeds per size in that sweep (large clusters are slow; the counts vary little).
  std::uint64_t size_seeds = 20;
};

struct ScalingPoint {
  std::uint32_t nodes = 0;
  double messages_per_election_mean = 0;
  double messages_per_election_max = 0;
  Distribution failover_ms;
};

/// One algorithm's row: a sweep per matrix fault, then the aggregates the table prints.
struct AlgorithmComparison {
  std::string algorithm;
  std::vector<SweepReport> scenarios;  ///< in fault_matrix() order, store-only ones skipped
  std::vector<ScalingPoint> scaling;
  // Aggregates over `scenarios`.
  double messages_per_election_mean = 0;  ///< mean of the scenarios' means
  double messages_per_election_max = 0;   ///< worst single run
  Distribution time_to_first_leader_ms;   ///< clean-start fault
  Distribution failover_ms;               ///< every failover of every fault, pooled
  std::vector<double> failover_samples_ms;
  std::uint64_t safety_violations = 0;
  std::vector<std::string> violated_invariants;  ///< distinct, sorted
  std::uint64_t stale_writes_accepted = 0;
  std::uint64_t writes_rejected = 0;
  double wall_seconds = 0;
};

struct CompareReport {
  std::uint32_t nodes = 0;
  std::uint64_t seeds = 0;
  std::uint64_t first_seed = 0;
  std::vector<AlgorithmComparison> algorithms;
  double wall_seconds = 0;
};

/// Runs the comparison. `progress` (may be null) gets one line per finished sweep.
CompareReport compare(const CompareOptions& options,
                      const std::function<void(const std::string&)>& progress = {});

std::string compare_text(const CompareReport& report);
std::string compare_json(const CompareReport& report);

}  // namespace baton::sim
