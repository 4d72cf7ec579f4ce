// Turns NodeOptions into a ready election core: the same setting keys and parsers as `baton sim`
// (sim/settings.hpp), so a timing tried in the simulator runs unchanged on real processes.
#pragma once

#include <memory>

#include "baton/node.hpp"
#include "core/elector.hpp"
#include "sim/scenario.hpp"

namespace baton::runtime {

/// The algorithms the runtime can run. The store-based recipes need a coordination store, which
/// comes with a later issue.
bool runtime_supports(const std::string& algorithm);

/// Validates `options` and returns the settings as a scenario (algorithm, nodes, timings). Throws
/// NodeError naming what is wrong: ids not 1..N, own id among the peers, an unknown algorithm, a
/// bad setting, or campaign-on-leader-reset together with leader leases.
sim::Scenario settings_of(const NodeOptions& options);

/// A fresh core for this node, restored from `restored`, with jitter from `seed`.
std::unique_ptr<Elector> make_runtime_elector(const sim::Scenario& settings, NodeId id,
                                              const HardState& restored, std::uint64_t seed);

}  // namespace baton::runtime
