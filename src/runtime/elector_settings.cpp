#include "runtime/elector_settings.hpp"

#include "core/owned_epoch.hpp"
#include "core/rng.hpp"
#include "sim/algorithm_factory.hpp"
#include "sim/settings.hpp"

namespace baton::runtime {

bool runtime_supports(const std::string& algorithm) {
  return algorithm == "raft" || algorithm == "bully" || algorithm == "ring" ||
         algorithm == "paxos" || algorithm == "zab";
}

sim::Scenario settings_of(const NodeOptions& options) {
  if (options.id == 0) throw NodeError("node id must be 1 or more");
  if (!runtime_supports(options.algorithm)) {
    throw NodeError("algorithm '" + options.algorithm +
                    "' cannot run on real processes yet: choose raft, bully, ring, paxos or zab "
                    "(lease and sequential need the coordination store)");
  }
  if (options.peers.count(options.id) != 0) {
    throw NodeError("peers: node " + std::to_string(options.id) +
                    " is this node itself; list only the other members");
  }
  // The cores number members 1..N (the simulator's convention); check it rather than guess.
  const auto members = static_cast<std::uint32_t>(options.peers.size() + 1);
  if (members > kMaxEpochOwner) {
    // Paxos ballots and Bully's and Ring's epochs carry the node id in their low 16 bits.
    throw NodeError("peers: " + std::to_string(members) + " members; at most " +
                    std::to_string(kMaxEpochOwner) +
                    " (fence tokens carry the node id in 16 bits)");
  }
  for (NodeId id = 1; id <= members; ++id) {
    if (id != options.id && options.peers.count(id) == 0) {
      throw NodeError("peers: member ids must be 1.." + std::to_string(members) + "; " +
                      std::to_string(id) + " is missing");
    }
  }
  sim::Scenario scenario;
  scenario.algorithm = options.algorithm;
  scenario.nodes = members;
  bool defer_input_given = false;
  for (const auto& [key, value] : options.settings) {
    if (key == "algorithm" || key == "nodes") {
      throw NodeError("setting '" + key + "' is set by the node's own options, not a setting");
    }
    if (auto error = sim::apply_node_setting(scenario, key, value)) {
      throw NodeError("setting " + *error);
    }
    defer_input_given |= key == "defer-input";
  }
  // A node defers input unless told not to; the simulator does not by default, so that the runs
  // of a seed recorded before deferral existed replay unchanged.
  if (!defer_input_given) scenario.defer_input = true;
  // The flag and `--set campaign-on-leader-reset=on` are the same switch.
  if (options.campaign_on_leader_reset) scenario.raft.campaign_on_leader_reset = true;
  if (auto conflict = sim::campaign_on_leader_reset_conflict(scenario)) throw NodeError(*conflict);
  return scenario;
}

std::unique_ptr<Elector> make_runtime_elector(const sim::Scenario& settings, NodeId id,
                                              const HardState& restored, std::uint64_t seed) {
  return sim::make_elector(settings, id, restored, Rng(seed));
}

}  // namespace baton::runtime
