// RaftElector::input_can_wait(): when a leader's incoming messages may wait for its next due tick.
// The runtime leaves its sockets unread while this holds (one wake-up per heartbeat instead of
// one per answer), so each clause below guards something a late answer would otherwise cost.
#include <gtest/gtest.h>

#include "support/raft_cluster.hpp"

namespace baton::test {
namespace {

using raft::HeartbeatResponse;

/// Heartbeat every 5 ticks, election timeout min 10: the lease (8 ticks) is shorter than two
/// heartbeat intervals, so answers read a heartbeat late could not keep it.
void slow_heartbeat(raft::Config& c) {
  c.heartbeat_interval_ticks = 5;
}

TEST(RaftInputCanWait, OnlyALeaderDefersInput) {
  auto follower = make_node(1, 3);
  EXPECT_FALSE(follower.input_can_wait());
  tick_until_campaign(follower);
  EXPECT_FALSE(follower.input_can_wait()) << "a candidate counts votes as they come";
}

TEST(RaftInputCanWait, SteadyLeaderWithALeaseDefers) {
  auto leader = make_leader(1, 3);
  EXPECT_FALSE(leader.input_can_wait()) << "no lease yet: the first acks are read at once";
  leader.step(envelope(2, 1, HeartbeatResponse{1, 1, true}));
  drain(leader);
  ASSERT_TRUE(leader.status().lease_valid);
  EXPECT_TRUE(leader.input_can_wait());
}

// The lease runs from the round's send tick for 8 ticks. Round 1 (tick s) is acked; round 2 goes
// out at s + 5 and its answers would be read at s + 10, when the lease from round 1 is gone.
TEST(RaftInputCanWait, ALeaseThatWouldLapseBeforeTheNextHeartbeatIsRenewedAtOnce) {
  auto leader = make_leader(1, 3, slow_heartbeat);
  const std::uint64_t sent = leader.now_ticks();
  leader.step(envelope(2, 1, HeartbeatResponse{1, 1, true}));
  drain(leader);
  EXPECT_TRUE(leader.input_can_wait()) << "the lease holds until the heartbeat at s + 5";
  while (leader.now_ticks() < sent + 5) leader.tick();
  drain(leader);
  ASSERT_TRUE(leader.status().lease_valid);
  EXPECT_FALSE(leader.input_can_wait()) << "the lease lapses before the heartbeat at s + 10";

  auto no_lease = make_leader(1, 3, [](raft::Config& c) {
    slow_heartbeat(c);
    c.leader_lease = false;
  });
  no_lease.step(envelope(2, 1, HeartbeatResponse{1, 1, true}));
  for (int t = 0; t < 5; ++t) no_lease.tick();
  drain(no_lease);
  EXPECT_TRUE(no_lease.input_can_wait()) << "without a lease there is nothing to keep";
}

// Nobody answers: check-quorum first judges the members stale at s + 11. With heartbeats at s + 5,
// s + 10, s + 15, the answers read at s + 15 would come after that verdict.
TEST(RaftInputCanWait, ACheckQuorumVerdictBeforeTheNextHeartbeatIsNotJudgedOnUnreadAnswers) {
  auto leader = make_leader(1, 3, [](raft::Config& c) {
    slow_heartbeat(c);
    c.leader_lease = false;
  });
  const std::uint64_t elected = leader.now_ticks();
  EXPECT_TRUE(leader.input_can_wait()) << "next heartbeat s + 5, verdict s + 11";
  while (leader.now_ticks() < elected + 10) {
    leader.tick();
    drain(leader);
    if (leader.now_ticks() < elected + 10) {
      EXPECT_TRUE(leader.input_can_wait()) << "at s + " << leader.now_ticks() - elected;
    }
  }
  EXPECT_FALSE(leader.input_can_wait()) << "verdict s + 11 comes before the heartbeat at s + 15";
}

TEST(RaftInputCanWait, ATransferReadsTheTargetsAnswerAtOnce) {
  auto leader = make_leader(1, 3, [](raft::Config& c) { c.leader_lease = false; });
  leader.step(envelope(2, 1, HeartbeatResponse{1, 1, true}));
  drain(leader);
  ASSERT_TRUE(leader.input_can_wait());
  ASSERT_EQ(leader.transfer(3), RequestResult::Ok);
  drain(leader);
  EXPECT_FALSE(leader.input_can_wait()) << "TimeoutNow waits for the target's ack";
}

}  // namespace
}  // namespace baton::test
