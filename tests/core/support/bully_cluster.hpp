// Test support for the Bully elector: config builders, single-node driving helpers, and an
// in-memory cluster (FIFO network, crash/restart, cut/heal, deliver-until-quiet, message counters).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/bully/bully_elector.hpp"
#include "core/message.hpp"
#include "core/output.hpp"
#include "core/rng.hpp"
#include "core_cluster.hpp"
#include "output_helpers.hpp"

// A namespace of its own: raft_cluster.hpp has helpers of the same names in baton::test.
namespace baton::bully_test {

using ConfigTweak = std::function<void(bully::Config&)>;
using core_test::drain;
using core_test::envelope;
using core_test::has_event;
using core_test::receivers_of;
using core_test::sent_of;

/// Small, fast timings for tests: leader timeout [20, 40], Alive every 5 ticks, Answer wait 3,
/// Coordinator wait 10. The tweak sees `c.id`, so it can give nodes different timings.
inline bully::Config test_config(NodeId id, std::size_t members) {
  bully::Config c;
  c.id = id;
  for (std::size_t i = 1; i <= members; ++i) c.members.push_back(static_cast<NodeId>(i));
  c.heartbeat_interval_ticks = 5;
  c.leader_timeout_ticks_min = 20;
  c.leader_timeout_ticks_max = 40;
  c.answer_timeout_ticks = 3;
  c.coordinator_timeout_ticks = 10;
  return c;
}

inline bully::BullyElector make_node(NodeId id, std::size_t members, const ConfigTweak& tweak = {},
                                     HardState restored = {}, std::uint64_t seed = 7) {
  bully::Config c = test_config(id, members);
  if (tweak) tweak(c);
  return bully::BullyElector(c, restored, Rng(seed * 1000 + id));
}

/// Ticks `node` until its role leaves Follower (or `max_ticks` pass); returns the ticks taken.
/// Output is left in the node.
inline std::uint32_t tick_until_election(bully::BullyElector& node,
                                         std::uint32_t max_ticks = 10'000) {
  for (std::uint32_t t = 1; t <= max_ticks; ++t) {
    node.tick();
    if (node.role() != Role::Follower) return t;
  }
  return max_ticks;
}

/// Node `id` of an `members`-node group made leader by hand: its start-up wait runs out, and every
/// higher node (if any) stays silent for the Answer wait. Output drained.
inline bully::BullyElector make_leader(NodeId id, std::size_t members,
                                       const ConfigTweak& tweak = {}, HardState restored = {}) {
  auto node = make_node(id, members, tweak, restored);
  tick_until_election(node);
  for (std::uint32_t t = 0; t < 1000 && node.role() != Role::Leader; ++t) node.tick();
  drain(node);
  return node;
}

/// A follower of `leader` (which must be higher than `id`), told by a Coordinator; drained.
inline bully::BullyElector make_follower(NodeId id, std::size_t members, NodeId leader,
                                         std::uint64_t epoch, const ConfigTweak& tweak = {}) {
  auto node = make_node(id, members, tweak);
  node.step(envelope(leader, id, bully::Coordinator{epoch}));
  drain(node);
  return node;
}

/// N Bully electors (ids 1..N), a FIFO network, crashes and link cuts (core_cluster.hpp).
class BullyCluster : public core_test::CoreCluster<bully::BullyElector, bully::Config> {
 public:
  explicit BullyCluster(std::size_t members, std::uint64_t seed = 1, ConfigTweak tweak = {})
      : CoreCluster(members, seed, std::move(tweak), &test_config) {}
};

}  // namespace baton::bully_test
