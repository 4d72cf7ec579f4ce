// Test support for the ZAB elector: config builders, single-node driving helpers, and an
// in-memory cluster (FIFO links with a fixed latency in ticks, crash/restart, cut/heal, message
// counters).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/message.hpp"
#include "core/output.hpp"
#include "core/rng.hpp"
#include "core/zab/zab_elector.hpp"
#include "core_cluster.hpp"
#include "output_helpers.hpp"

// A namespace of its own: the other cluster headers have helpers of the same names.
namespace baton::zab_test {

using ConfigTweak = std::function<void(zab::Config&)>;
using core_test::drain;
using core_test::envelope;
using core_test::has_event;
using core_test::receivers_of;
using core_test::sent_of;

/// Small, fast timings for tests: finalize wait 10, notification resend 20..160, epoch timeout
/// 60, Ping every 5, leader timeout [20, 40], resign hold 60. The tweak sees `c.id`.
inline zab::Config test_config(NodeId id, std::size_t members) {
  zab::Config c;
  c.id = id;
  for (std::size_t i = 1; i <= members; ++i) c.members.push_back(static_cast<NodeId>(i));
  c.finalize_wait_ticks = 10;
  c.notification_timeout_ticks_min = 20;
  c.notification_timeout_ticks_max = 160;
  c.epoch_timeout_ticks = 60;
  c.heartbeat_interval_ticks = 5;
  c.leader_timeout_ticks_min = 20;
  c.leader_timeout_ticks_max = 40;
  c.resign_hold_ticks = 60;
  return c;
}

inline zab::ZabElector make_node(NodeId id, std::size_t members, const ConfigTweak& tweak = {},
                                 HardState restored = {}, std::uint64_t seed = 7) {
  zab::Config c = test_config(id, members);
  if (tweak) tweak(c);
  return zab::ZabElector(c, restored, Rng(seed * 1000 + id));
}

// ---- single-node driving helpers for the rule tests -------------------------------------------

using zab::AckEpoch;
using zab::FollowerInfo;
using zab::NewEpoch;
using zab::Notification;
using zab::PeerState;
using zab::Ping;
using zab::PingAck;
using zab::Vote;

/// Node ids, for comparing receivers.
using Ids = std::vector<NodeId>;

inline Ids sorted(Ids ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

inline Vote vote_for(NodeId leader, std::uint64_t epoch = 0, std::uint64_t zxid = 0) {
  return Vote{epoch, zxid, leader};
}

inline Notification looking(Vote vote, std::uint64_t round = 1) {
  return Notification{vote, round, PeerState::Looking};
}

inline Notification claim(Vote vote, std::uint64_t round, PeerState state) {
  return Notification{vote, round, state};
}

/// A fresh node after its first tick (its first notifications sent and drained).
inline zab::ZabElector started(NodeId id, std::size_t members, const ConfigTweak& tweak = {},
                               HardState restored = {}) {
  auto node = make_node(id, members, tweak, restored);
  node.tick();
  drain(node);
  return node;
}

inline void tick_n(zab::ZabElector& node, std::uint64_t ticks) {
  for (std::uint64_t t = 0; t < ticks; ++t) node.tick();
}

/// Node `id` of a 3-node ensemble, decided for itself (peer 1 or 2 voted for it) and waiting
/// for FollowerInfo. Output drained.
inline zab::ZabElector prospective_leader(NodeId id, std::size_t members, HardState restored = {}) {
  auto node = started(id, members, {}, restored);
  const Vote mine = node.current_vote();
  std::size_t voted = 0;
  for (NodeId peer = 1; peer <= members && voted < members / 2; ++peer) {
    if (peer == id) continue;
    node.step(envelope(peer, id, looking(mine)));
    ++voted;
  }
  tick_n(node, node.config().finalize_wait_ticks);
  drain(node);
  EXPECT_EQ(node.peer_state(), PeerState::Leading);
  return node;
}

/// Node 3 of 3 as established leader of epoch 1 with follower 1. Output drained.
inline zab::ZabElector leader3() {
  auto node = prospective_leader(3, 3);
  node.step(envelope(1, 3, FollowerInfo{0}));
  node.step(envelope(1, 3, AckEpoch{1}));
  drain(node);
  EXPECT_EQ(node.role(), Role::Leader);
  return node;
}

/// Node `id` following `leader` (of a 3-node ensemble): decided, sent FollowerInfo. If `epoch`
/// is non-zero it also accepted NewEpoch(epoch) and got the first Ping. Output drained.
inline zab::ZabElector follower(NodeId id, NodeId leader, std::uint64_t epoch,
                                HardState restored = {}, const ConfigTweak& tweak = {}) {
  auto node = started(id, 3, tweak, restored);
  const Vote theirs = vote_for(leader, restored.term);
  node.step(envelope(leader, id, looking(theirs)));
  tick_n(node, node.config().finalize_wait_ticks);
  EXPECT_EQ(node.peer_state(), PeerState::Following);
  if (epoch != 0) {
    node.step(envelope(leader, id, NewEpoch{epoch}));
    node.step(envelope(leader, id, Ping{epoch}));
  }
  drain(node);
  return node;
}

/// N ZAB electors (ids 1..N) on FIFO links that deliver `latency_ticks` after sending (0: within
/// the same tick, until the network is quiet); core_cluster.hpp.
class ZabCluster : public core_test::CoreCluster<zab::ZabElector, zab::Config> {
 public:
  explicit ZabCluster(std::size_t members, std::uint64_t seed = 1, ConfigTweak tweak = {},
                      std::uint32_t latency_ticks = 0)
      : CoreCluster(members, seed, std::move(tweak), &test_config, latency_ticks) {}
};

}  // namespace baton::zab_test
