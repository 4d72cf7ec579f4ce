// The JSON form of a SweepReport as a value, so that reports made of several sweeps (`baton sim
// compare`) nest the same fields `baton sim --json` prints.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/simulator.hpp"

namespace baton::sim {

nlohmann::json sweep_json(const SweepReport& report);
nlohmann::json distribution_json(const Distribution& distribution);

}  // namespace baton::sim
