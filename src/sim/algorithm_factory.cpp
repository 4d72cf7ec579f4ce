#include "sim/algorithm_factory.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/bully/bully_elector.hpp"
#include "core/lease/lease_elector.hpp"
#include "core/paxos/paxos_elector.hpp"
#include "core/raft/raft_elector.hpp"
#include "core/ring/ring_elector.hpp"
#include "core/sequential/sequential_elector.hpp"
#include "core/zab/zab_elector.hpp"

namespace baton::sim {

std::uint32_t ms_to_ticks(double ms, double tick_ms) {
  if (ms <= 0 || tick_ms <= 0) return 0;
  return static_cast<std::uint32_t>(std::llround(ms / tick_ms));
}

namespace {

std::vector<NodeId> all_members(const Scenario& scenario) {
  std::vector<NodeId> members;
  for (NodeId m = 1; m <= scenario.nodes; ++m) members.push_back(m);
  return members;
}

/// The shared timing keys every non-Raft core reads: `heartbeat-ms` is its heartbeat (Alive,
/// Ping, lease renewal) and `election-timeout-ms` its randomized leader timeout.
template <class Config>
void set_shared_timing(Config& c, const Scenario& scenario) {
  const double tick = scenario.tick_ms;
  c.heartbeat_interval_ticks =
      std::max<std::uint32_t>(1, ms_to_ticks(scenario.raft.heartbeat_ms, tick));
  c.leader_timeout_ticks_min = ms_to_ticks(scenario.raft.election_timeout_ms_min, tick);
  c.leader_timeout_ticks_max = ms_to_ticks(scenario.raft.election_timeout_ms_max, tick);
}

}  // namespace

raft::Config raft_config(const Scenario& scenario, NodeId id) {
  const RaftSettings& r = scenario.raft;
  const double tick = scenario.tick_ms;
  raft::Config c;
  c.id = id;
  c.members = all_members(scenario);
  c.election_timeout_ticks_min = ms_to_ticks(r.election_timeout_ms_min, tick);
  c.election_timeout_ticks_max = ms_to_ticks(r.election_timeout_ms_max, tick);
  c.candidate_timeout_ticks_min = ms_to_ticks(r.candidate_timeout_ms_min, tick);
  c.candidate_timeout_ticks_max = ms_to_ticks(r.candidate_timeout_ms_max, tick);
  c.heartbeat_interval_ticks = std::max<std::uint32_t>(1, ms_to_ticks(r.heartbeat_ms, tick));
  c.pre_vote = r.pre_vote;
  c.check_quorum = r.check_quorum;
  c.leader_lease = r.leader_lease;
  c.max_clock_drift = r.max_clock_drift;
  c.backoff_after_failed_elections = r.backoff_after_failed_elections;
  c.backoff_max_factor = r.backoff_max_factor;
  c.resign_hold_ticks = ms_to_ticks(r.resign_hold_ms, tick);
  if (!r.priorities.empty()) {
    c.priorities.assign(scenario.nodes, 1);
    for (std::size_t i = 0; i < r.priorities.size() && i < c.priorities.size(); ++i)
      c.priorities[i] = r.priorities[i];
  }
  c.priority_step_ticks = ms_to_ticks(r.priority_step_ms, tick);
  c.preferred_leader = r.preferred_leader;
  c.unsafe.grant_multiple_votes_per_term = r.unsafe_multiple_votes;
  c.unsafe.ignore_drift_in_lease = r.unsafe_lease_ignores_drift;
  c.unsafe.reset_campaign_with_lease = r.unsafe_reset_campaign_with_lease;
  return c;
}

ring::Config ring_config(const Scenario& scenario, NodeId id) {
  const double tick = scenario.tick_ms;
  ring::Config c;
  c.id = id;
  c.members = all_members(scenario);
  set_shared_timing(c, scenario);
  c.ack_timeout_ticks = std::max<std::uint32_t>(1, ms_to_ticks(scenario.ring.ack_timeout_ms, tick));
  return c;
}

bully::Config bully_config(const Scenario& scenario, NodeId id) {
  const double tick = scenario.tick_ms;
  bully::Config c;
  c.id = id;
  c.members = all_members(scenario);
  set_shared_timing(c, scenario);
  c.answer_timeout_ticks =
      std::max<std::uint32_t>(1, ms_to_ticks(scenario.bully.answer_timeout_ms, tick));
  c.coordinator_timeout_ticks =
      std::max<std::uint32_t>(1, ms_to_ticks(scenario.bully.coordinator_timeout_ms, tick));
  return c;
}

paxos::Config paxos_config(const Scenario& scenario, NodeId id) {
  const double tick = scenario.tick_ms;
  paxos::Config c;
  c.id = id;
  c.members = all_members(scenario);
  set_shared_timing(c, scenario);
  c.max_clock_drift = scenario.raft.max_clock_drift;
  c.resign_hold_ticks = ms_to_ticks(scenario.raft.resign_hold_ms, tick);
  return c;
}

zab::Config zab_config(const Scenario& scenario, NodeId id) {
  const double tick = scenario.tick_ms;
  zab::Config c;
  c.id = id;
  c.members = all_members(scenario);
  c.finalize_wait_ticks = ms_to_ticks(scenario.zab.finalize_wait_ms, tick);
  set_shared_timing(c, scenario);
  c.resign_hold_ticks = ms_to_ticks(scenario.raft.resign_hold_ms, tick);
  return c;
}

bool is_store_based(const std::string& algorithm) {
  return algorithm == "lease" || algorithm == "sequential";
}

store::Config store_config(const Scenario& scenario, NodeId id) {
  store::Config c;
  c.id = id;
  c.tick_ms = scenario.tick_ms;
  return c;
}

store::Key store_key(const Scenario& scenario) {
  return scenario.algorithm == "sequential" ? store::Key{2} : store::Key{1};
}

lease::Config lease_config(const Scenario& scenario, NodeId id) {
  lease::Config c;
  c.id = id;
  c.store = scenario.nodes + 1;
  c.key = store_key(scenario);
  c.tick_ms = scenario.tick_ms;
  c.ttl_ms = static_cast<std::uint64_t>(std::llround(scenario.store.ttl_ms));
  c.max_clock_drift = scenario.raft.max_clock_drift;
  c.resign_hold_ticks = ms_to_ticks(scenario.raft.resign_hold_ms, scenario.tick_ms);
  c.unsafe_ignore_drift = scenario.raft.unsafe_lease_ignores_drift;
  return c;
}

sequential::Config sequential_config(const Scenario& scenario, NodeId id) {
  sequential::Config c;
  c.id = id;
  c.store = scenario.nodes + 1;
  c.prefix = store_key(scenario);
  c.tick_ms = scenario.tick_ms;
  c.session_ttl_ms = static_cast<std::uint64_t>(std::llround(scenario.store.ttl_ms));
  c.max_clock_drift = scenario.raft.max_clock_drift;
  c.resign_hold_ticks = ms_to_ticks(scenario.raft.resign_hold_ms, scenario.tick_ms);
  c.unsafe_ignore_drift = scenario.raft.unsafe_lease_ignores_drift;
  return c;
}

std::unique_ptr<Elector> make_elector(const Scenario& scenario, NodeId id,
                                      const HardState& restored, Rng rng) {
  if (scenario.algorithm == "raft") {
    return std::make_unique<raft::RaftElector>(raft_config(scenario, id), restored, rng);
  }
  if (scenario.algorithm == "bully") {
    return std::make_unique<bully::BullyElector>(bully_config(scenario, id), restored, rng);
  }
  if (scenario.algorithm == "ring") {
    return std::make_unique<ring::RingElector>(ring_config(scenario, id), restored, rng);
  }
  if (scenario.algorithm == "paxos") {
    return std::make_unique<paxos::PaxosElector>(paxos_config(scenario, id), restored, rng);
  }
  if (scenario.algorithm == "zab") {
    return std::make_unique<zab::ZabElector>(zab_config(scenario, id), restored, rng);
  }
  if (scenario.algorithm == "lease") {
    return std::make_unique<lease::LeaseElector>(lease_config(scenario, id), restored, rng);
  }
  if (scenario.algorithm == "sequential") {
    return std::make_unique<sequential::SequentialElector>(sequential_config(scenario, id),
                                                           restored, rng);
  }
  throw std::invalid_argument("simulator: algorithm '" + scenario.algorithm + "' is not available");
}

}  // namespace baton::sim
