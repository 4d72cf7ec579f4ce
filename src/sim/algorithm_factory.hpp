// Builds the elector core a scenario asks for: the adapter between the simulator's settings (in
// milliseconds) and each algorithm's config (in ticks).
#pragma once

#include <memory>

#include "core/bully/config.hpp"
#include "core/elector.hpp"
#include "core/lease/config.hpp"
#include "core/messages_store.hpp"
#include "core/paxos/config.hpp"
#include "core/raft/config.hpp"
#include "core/ring/config.hpp"
#include "core/rng.hpp"
#include "core/sequential/config.hpp"
#include "core/store/config.hpp"
#include "core/zab/config.hpp"
#include "sim/scenario.hpp"

namespace baton::sim {

/// ms -> ticks with the scenario's tick length: round(ms / tick_ms).
std::uint32_t ms_to_ticks(double ms, double tick_ms);

/// The Raft config for node `id` of `scenario`: members 1..N, timeouts converted to ticks,
/// priorities, preferred leader and the test-only unsafe switches.
raft::Config raft_config(const Scenario& scenario, NodeId id);
/// Bully settings in ticks.
bully::Config bully_config(const Scenario& scenario, NodeId id);
/// Ring election settings in ticks.
ring::Config ring_config(const Scenario& scenario, NodeId id);

/// Paxos-based election settings in ticks.
paxos::Config paxos_config(const Scenario& scenario, NodeId id);
/// ZAB fast leader election settings in ticks.
zab::Config zab_config(const Scenario& scenario, NodeId id);
/// Lease-based election: the store is node nodes + 1.
lease::Config lease_config(const Scenario& scenario, NodeId id);
/// Ephemeral-sequential election: the store is node nodes + 1.
sequential::Config sequential_config(const Scenario& scenario, NodeId id);

/// True for the recipes that elect through the simulated store (lease, sequential).
bool is_store_based(const std::string& algorithm);
/// The simulated store node (id nodes + 1) of a store-based scenario.
store::Config store_config(const Scenario& scenario, NodeId id);
/// The key (lease) or prefix (sequential) whose entry names the leader.
store::Key store_key(const Scenario& scenario);

/// A fresh core for node `id`, restored from `restored`, with its own random stream. Throws
/// std::invalid_argument for an algorithm the simulator does not know.
std::unique_ptr<Elector> make_elector(const Scenario& scenario, NodeId id,
                                      const HardState& restored, Rng rng);

}  // namespace baton::sim
