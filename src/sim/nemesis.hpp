// Generates the random fault schedule of the default fault mix, per seed.
#pragma once

#include <vector>

#include "core/rng.hpp"
#include "sim/scenario.hpp"

namespace baton::sim {

/// A fault schedule for one run: faults at random times during the safety phase (the first
/// 1 - heal_fraction of the run), each undone later (crashed nodes restart, partitions heal, pauses
/// resume, loss returns to the scenario's value), and a Heal of everything when the liveness phase
/// starts. Deterministic in `rng`. Targets are roles ("leader", "follower") resolved at fire time.
std::vector<TimedFault> generate_nemesis(const Scenario& scenario, Rng& rng);

}  // namespace baton::sim
