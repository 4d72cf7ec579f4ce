// ZAB in an in-memory cluster: who wins, failover after a crash, a restarted leader rejoining,
// partitions, message counts per election, and decision time after detection (docs/zab.md).
#include <gtest/gtest.h>

#include <cstdio>

#include "support/zab_cluster.hpp"

namespace baton::zab_test {
namespace {

using zab::AckEpoch;
using zab::FollowerInfo;
using zab::NewEpoch;
using zab::Notification;

std::uint64_t epoch_of(ZabCluster& c, NodeId id) {
  return c.node(id).status().fence_token;
}

// A clean start with equal (zero) epochs: the highest id wins and leads epoch 1.
TEST(ZabCluster, HighestIdWinsOnCleanStart) {
  for (std::size_t n : {1u, 3u, 5u, 9u}) {
    ZabCluster c(n, 3);
    ASSERT_EQ(c.run_until_stable(), static_cast<NodeId>(n)) << "n=" << n;
    EXPECT_EQ(epoch_of(c, static_cast<NodeId>(n)), 1u) << "n=" << n;
    for (NodeId id = 1; id <= n; ++id) {
      EXPECT_EQ(c.node(id).current_epoch(), 1u) << "n=" << n << " node " << id;
      EXPECT_EQ(c.node(id).status().term, 1u) << "n=" << n << " node " << id;
    }
  }
}

}  // namespace
}  // namespace baton::zab_test
