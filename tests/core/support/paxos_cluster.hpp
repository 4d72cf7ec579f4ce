// Test support for the Paxos elector: config builders, single-node driving helpers, and an
// in-memory cluster (FIFO network, crash/restart, cut/heal, deliver-until-quiet, message counters).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/message.hpp"
#include "core/output.hpp"
#include "core/paxos/paxos_elector.hpp"
#include "core/rng.hpp"
#include "core_cluster.hpp"
#include "output_helpers.hpp"

// A namespace of its own: the other cores' cluster headers have helpers of the same names.
namespace baton::paxos_test {

using ConfigTweak = std::function<void(paxos::Config&)>;
using core_test::drain;
using core_test::envelope;
using core_test::has_event;
using core_test::receivers_of;
using core_test::sent_in;
using core_test::sent_of;

/// Small, fast timings for tests: leader timeout [20, 40] (so lease_ticks 20, leader lease 18),
/// renewals every 5 ticks, phase timeout 10, backoff [5, 15] up to x4, resign hold 100. The tweak
/// sees `c.id`, so it can give nodes different timings.
inline paxos::Config test_config(NodeId id, std::size_t members) {
  paxos::Config c;
  c.id = id;
  for (std::size_t i = 1; i <= members; ++i) c.members.push_back(static_cast<NodeId>(i));
  c.heartbeat_interval_ticks = 5;
  c.leader_timeout_ticks_min = 20;
  c.leader_timeout_ticks_max = 40;
  c.phase_timeout_ticks = 10;
  c.backoff_ticks_min = 5;
  c.backoff_ticks_max = 15;
  c.backoff_max_factor = 4;
  c.resign_hold_ticks = 100;
  return c;
}

inline paxos::PaxosElector make_node(NodeId id, std::size_t members, const ConfigTweak& tweak = {},
                                     HardState restored = {}, std::uint64_t seed = 7) {
  paxos::Config c = test_config(id, members);
  if (tweak) tweak(c);
  return paxos::PaxosElector(c, restored, Rng(seed * 1000 + id));
}

/// The one message of kind M in `out` (test fails if not exactly one).
template <class M>
M only(const Output& out) {
  const auto found = sent_of<M>(out);
  EXPECT_EQ(found.size(), 1u);
  return found.empty() ? M{} : found.front().second;
}

/// Ticks `node` until it leaves Follower (or `max_ticks` pass); returns the ticks taken. Output is
/// left in the node.
inline std::uint32_t tick_until_proposal(paxos::PaxosElector& node,
                                         std::uint32_t max_ticks = 10'000) {
  for (std::uint32_t t = 1; t <= max_ticks; ++t) {
    node.tick();
    if (node.role() != Role::Follower) return t;
  }
  return max_ticks;
}

/// Node `id` made leader by hand: it proposes when its timer fires, and the first `members / 2`
/// other nodes promise and accept. Output drained.
inline paxos::PaxosElector make_leader(NodeId id, std::size_t members,
                                       const ConfigTweak& tweak = {}, HardState restored = {}) {
  auto node = make_node(id, members, tweak, restored);
  tick_until_proposal(node);
  const paxos::Ballot b = node.own_ballot();
  drain(node);
  std::size_t needed = members / 2;
  for (NodeId peer = 1; peer <= members && needed > 0; ++peer) {
    if (peer == id) continue;
    node.step(envelope(peer, id, paxos::Promise{b, true, b, {}, kNoNode}));
    --needed;
  }
  drain(node);
  needed = members / 2;
  for (NodeId peer = 1; peer <= members && needed > 0; ++peer) {
    if (peer == id) continue;
    node.step(envelope(peer, id, paxos::Accepted{b, true, b}));
    --needed;
  }
  drain(node);
  return node;
}

/// N Paxos electors (ids 1..N), a FIFO network, crashes and link cuts (core_cluster.hpp).
class PaxosCluster : public core_test::CoreCluster<paxos::PaxosElector, paxos::Config> {
 public:
  explicit PaxosCluster(std::size_t members, std::uint64_t seed = 1, ConfigTweak tweak = {})
      : CoreCluster(members, seed, std::move(tweak), &test_config) {}
};

}  // namespace baton::paxos_test
