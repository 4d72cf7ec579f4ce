// TcpTransport::set_input_deferred(): frames that arrive while input is deferred wait in the
// kernel until read_deferred_input() or until deferring ends, without waking the loop; closes and
// floods still get through at once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "net/frame.hpp"
#include "net/tcp_transport.hpp"
#include "transport_harness.hpp"

namespace baton::net {
namespace {

using harness::Harness;
using ::testing::ElementsAre;
using namespace std::chrono_literals;

/// Long enough for a frame on loopback to arrive many times over.
constexpr auto kWouldHaveArrived = 150ms;

TEST(TcpDeferredInput, FramesWaitUntilReadAndArriveInOrder) {
  Harness h({1, 2});
  auto& a = h.start(h.config(1, {2}));
  auto& b = h.start(h.config(2, {1}));
  ASSERT_TRUE(h.run_until([&] { return h.linked(1, 2); }));
  a.transport->set_input_deferred(true);
  b.transport->send(1, "one");
  b.transport->send(1, "two");
  h.run_for(kWouldHaveArrived);
  EXPECT_TRUE(a.frames.empty()) << "deferred input was delivered before it was read";

  a.transport->read_deferred_input();
  ASSERT_TRUE(h.run_until([&] { return a.frames.size() == 2; }, 1000ms));
  EXPECT_THAT(a.payloads_from(2), ElementsAre("one", "two"));

  // Still deferred after that read: the next frame waits again.
  b.transport->send(1, "three");
  h.run_for(kWouldHaveArrived);
  EXPECT_EQ(a.frames.size(), 2u) << "deferring ended after one read";

  // Ending the deferral reads what waits, at once.
  a.transport->set_input_deferred(false);
  ASSERT_TRUE(h.run_until([&] { return a.frames.size() == 3; }, 1000ms));
  b.transport->send(1, "four");
  ASSERT_TRUE(h.run_until([&] { return a.frames.size() == 4; }, 1000ms));
  EXPECT_THAT(a.payloads_from(2), ElementsAre("one", "two", "three", "four"));
  EXPECT_TRUE(a.malformed.empty());
}

TEST(TcpDeferredInput, ReadingWithNothingWaitingKeepsDeferring) {
  // An empty socket must not be left reading as frames arrive: that would cost the wake-up that
  // deferring saves.
  Harness h({1, 2});
  auto& a = h.start(h.config(1, {2}));
  auto& b = h.start(h.config(2, {1}));
  ASSERT_TRUE(h.run_until([&] { return h.linked(1, 2); }));
  a.transport->set_input_deferred(true);
  a.transport->read_deferred_input();
  h.run_for(20ms);
  b.transport->send(1, "late");
  h.run_for(kWouldHaveArrived);
  EXPECT_TRUE(a.frames.empty());
  a.transport->read_deferred_input();
  ASSERT_TRUE(h.run_until([&] { return a.frames.size() == 1; }, 1000ms));
}

TEST(TcpDeferredInput, AConnectionMadeWhileDeferringIsDeferredToo) {
  Harness h({1, 2});
  auto& a = h.start(h.config(1, {2}));
  a.transport->set_input_deferred(true);
  auto& b = h.start(h.config(2, {1}));
  ASSERT_TRUE(h.run_until([&] { return h.linked(1, 2); }));
  b.transport->send(1, "after the handshake");
  h.run_for(kWouldHaveArrived);
  EXPECT_TRUE(a.frames.empty());
  a.transport->read_deferred_input();
  ASSERT_TRUE(h.run_until([&] { return a.frames.size() == 1; }, 1000ms));
}

TEST(TcpDeferredInput, APeerThatStopsIsStillSeenAtOnce) {
  Harness h({1, 2});
  auto& a = h.start(h.config(1, {2}));
  h.start(h.config(2, {1}));
  ASSERT_TRUE(h.run_until([&] { return h.linked(1, 2); }));
  a.transport->set_input_deferred(true);
  h.kill(2);
  ASSERT_TRUE(h.run_until([&] { return !a.lost.empty(); }, 1000ms));
  EXPECT_THAT(a.lost, ElementsAre(2u));
}

class PeerThatStops : public ::testing::TestWithParam<NodeId> {};

TEST_P(PeerThatStops, WhatItSentBeforeStoppingIsHandedOverBeforeItsLoss) {
  // A follower holds its leader's heartbeats until its beat; if the leader crashes meanwhile,
  // they must still come before the loss, or they would make the dead node its leader again
  // right after the loss started a campaign. With a lower id than ours the peer's frames arrive
  // on the connection it dialed; with a higher id, on the one we dialed, while the connection
  // it dialed (idle) closes too, and may close first.
  const NodeId peer = GetParam();
  Harness h({2, peer});
  auto& a = h.start(h.config(2, {peer}));
  auto& b = h.start(h.config(peer, {2}));
  ASSERT_TRUE(h.run_until([&] { return h.linked(2, peer) && a.stats(peer).shared_connection; }));
  a.transport->set_input_deferred(true, peer);
  b.transport->send(2, "held one");
  b.transport->send(2, "held two");
  h.run_for(kWouldHaveArrived);
  ASSERT_TRUE(a.frames.empty());
  h.kill(peer);
  ASSERT_TRUE(h.run_until([&] { return !a.lost.empty() && a.frames.size() == 2; }, 1000ms));
  h.run_for(50ms);  // a second report, if any, has had its chance
  const std::string id = std::to_string(peer);
  EXPECT_THAT(a.log, ElementsAre(id + ": held one", id + ": held two", id + " lost"));
}

INSTANTIATE_TEST_SUITE_P(LowerOrHigherId, PeerThatStops, ::testing::Values(NodeId{1}, NodeId{3}),
                         [](const auto& info) { return "Peer" + std::to_string(info.param); });

TEST(TcpDeferredInput, AFloodIsReadWithoutWaiting) {
  // What waits is bounded: past the low-water mark the kernel wakes the loop as usual.
  Harness h({1, 2});
  auto& a = h.start(h.config(1, {2}));
  auto& b = h.start(h.config(2, {1}));
  ASSERT_TRUE(h.run_until([&] { return h.linked(1, 2); }));
  a.transport->set_input_deferred(true);
  const std::string big(kMaxFramePayloadBytes, 'x');
  b.transport->send(1, big);
  b.transport->send(1, big);
  ASSERT_TRUE(h.run_until([&] { return !a.frames.empty(); }, 2000ms));
  EXPECT_EQ(a.frames.front().second.size(), big.size());
}

TEST(TcpDeferredInput, AWakeSizedFrameIsReadAtOnceWithWhatWaitsBeforeIt) {
  // A message that must not wait (a hand-over, a vote request) is padded to the wake size by its
  // sender; it brings along, in order, the routine frames that waited before it.
  Harness h({1, 2});
  auto& a = h.start(h.config(1, {2}));
  auto& b = h.start(h.config(2, {1}));
  ASSERT_TRUE(h.run_until([&] { return h.linked(1, 2); }));
  a.transport->set_input_deferred(true);
  b.transport->send(1, "routine");
  const std::string urgent(kWakeFrameBytes - kFrameHeaderBytes, 'u');
  b.transport->send(1, urgent);
  ASSERT_TRUE(h.run_until([&] { return a.frames.size() == 2; }, 1000ms));
  EXPECT_THAT(a.payloads_from(2), ElementsAre("routine", urgent));

  // One byte short of the wake size, it waits like any routine frame.
  b.transport->send(1, std::string(kWakeFrameBytes - kFrameHeaderBytes - 1, 's'));
  h.run_for(kWouldHaveArrived);
  EXPECT_EQ(a.frames.size(), 2u) << "a frame below the wake size woke the reader";
  a.transport->read_deferred_input();
  ASSERT_TRUE(h.run_until([&] { return a.frames.size() == 3; }, 1000ms));

  // Alone, with nothing waiting before it, a frame of exactly the wake size still wakes it.
  b.transport->send(1, urgent);
  ASSERT_TRUE(h.run_until([&] { return a.frames.size() == 4; }, 1000ms));
}

TEST(TcpDeferredInput, DeferringOnePeerLeavesTheOthersReadingAtOnce) {
  // A follower defers only its leader's heartbeats; a candidate's requests arrive as sent.
  Harness h({1, 2, 3});
  auto& a = h.start(h.config(1, {2, 3}));
  auto& b = h.start(h.config(2, {1, 3}));
  auto& c = h.start(h.config(3, {1, 2}));
  ASSERT_TRUE(h.run_until([&] { return h.linked(2, 1) && h.linked(3, 1); }));
  a.transport->set_input_deferred(true, 2);
  b.transport->send(1, "from the leader");
  c.transport->send(1, "from someone else");
  ASSERT_TRUE(h.run_until([&] { return a.frames.size() == 1; }, 1000ms));
  h.run_for(kWouldHaveArrived);
  EXPECT_THAT(a.payloads_from(3), ElementsAre("from someone else"));
  EXPECT_TRUE(a.payloads_from(2).empty()) << "the deferred peer's frame was read before its time";

  a.transport->read_deferred_input();
  ASSERT_TRUE(h.run_until([&] { return a.frames.size() == 2; }, 1000ms));
  EXPECT_THAT(a.payloads_from(2), ElementsAre("from the leader"));

  // Deferring another peer instead reads what waits from the first at once.
  b.transport->send(1, "again");
  h.run_for(kWouldHaveArrived);
  ASSERT_EQ(a.frames.size(), 2u) << "the deferred peer's frame was read before its time";
  a.transport->set_input_deferred(true, 3);
  ASSERT_TRUE(h.run_until([&] { return a.frames.size() == 3; }, 1000ms));
  c.transport->send(1, "now deferred");
  h.run_for(kWouldHaveArrived);
  EXPECT_EQ(a.frames.size(), 3u);
}

}  // namespace
}  // namespace baton::net
