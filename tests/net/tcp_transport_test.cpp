// TcpTransport between real transports on 127.0.0.1: exchange, order, refusals, reconnects, the
// queue limit, loss notification and lifetime. Malformed input is in tcp_malformed_test.cpp.
#include "net/tcp_transport.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <thread>

#include "net/frame.hpp"
#include "net/handshake.hpp"
#include "transport_harness.hpp"

namespace baton::net {
namespace {

using harness::Harness;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(TcpTransport, TwoTransportsExchangeFramesBothWays) {
  Harness h({1, 2});
  auto& a = h.start(h.config(1, {2}));
  auto& b = h.start(h.config(2, {1}));
  a.transport->send(2, "hello from 1");
  b.transport->send(1, "hello from 2");
  ASSERT_TRUE(h.run_until([&] { return !a.frames.empty() && !b.frames.empty(); }));
  EXPECT_THAT(b.payloads_from(1), ElementsAre("hello from 1"));
  EXPECT_THAT(a.payloads_from(2), ElementsAre("hello from 2"));
  ASSERT_TRUE(h.run_until([&] { return h.linked(1, 2); }));
  EXPECT_EQ(a.stats(2).frames_sent, 1u);
  EXPECT_EQ(a.stats(2).frames_received, 1u);
  EXPECT_NE(a.stats(2).last_received, std::chrono::steady_clock::time_point{});
  EXPECT_TRUE(a.malformed.empty());
  EXPECT_TRUE(b.malformed.empty());
}

TEST(TcpTransport, ThreeTransportsExchangeFramesBetweenEveryPair) {
  Harness h({1, 2, 3});
  for (NodeId id : {1u, 2u, 3u}) {
    std::vector<NodeId> peers;
    for (NodeId other : {1u, 2u, 3u}) {
      if (other != id) peers.push_back(other);
    }
    h.start(h.config(id, peers));
  }
  for (NodeId from : {1u, 2u, 3u}) {
    for (NodeId to : {1u, 2u, 3u}) {
      if (from != to)
        h.nodes[from]->transport->send(to, std::to_string(from) + "->" + std::to_string(to));
    }
  }
  ASSERT_TRUE(h.run_until([&] {
    for (auto& [id, node] : h.nodes) {
      if (node->frames.size() < 2) return false;
    }
    return true;
  }));
  for (NodeId to : {1u, 2u, 3u}) {
    for (NodeId from : {1u, 2u, 3u}) {
      if (from == to) continue;
      EXPECT_THAT(h.nodes[to]->payloads_from(from),
                  ElementsAre(std::to_string(from) + "->" + std::to_string(to)));
    }
  }
}

TEST(TcpTransport, FramesArriveInOrder) {
  Harness h({1, 2});
  auto config = h.config(1, {2});
  config.queue_limit_frames = 5000;
  auto& a = h.start(config);
  auto& b = h.start(h.config(2, {1}));
  // Sent before the connection is up, so some wait in the queue and some are written in batches.
  constexpr int kFrames = 3000;
  std::vector<std::string> expected;
  for (int i = 0; i < kFrames; ++i) {
    expected.push_back("frame " + std::to_string(i) +
                       std::string(static_cast<std::size_t>(i % 97), 'x'));
    a.transport->send(2, expected.back());
  }
  ASSERT_TRUE(h.run_until([&] { return b.frames.size() == kFrames; }));
  EXPECT_EQ(b.payloads_from(1), expected);
  EXPECT_EQ(a.stats(2).frames_sent, static_cast<std::uint64_t>(kFrames));
  EXPECT_EQ(b.stats(1).frames_received, static_cast<std::uint64_t>(kFrames));
  EXPECT_EQ(a.stats(2).frames_dropped_queue_full, 0u);
}

TEST(TcpTransport, OtherClusterIsRefusedWithBothIdsAndNothingIsDelivered) {
  Harness h({1, 2});
  auto& a = h.start(h.config(1, {2}, "alpha"));
  auto& b = h.start(h.config(2, {1}, "beta"));
  a.transport->send(2, "to beta");
  b.transport->send(1, "to alpha");
  ASSERT_TRUE(h.run_until(
      [&] { return a.stats(2).handshakes_refused >= 2 && b.stats(1).handshakes_refused >= 2; }));
  // The dialer hears the reason from the node it dialed; the refusing node reports it too.
  ASSERT_FALSE(b.malformed.empty());
  EXPECT_EQ(b.malformed.front().first, 1u);
  EXPECT_THAT(b.malformed.front().second, HasSubstr("refused the handshake"));
  EXPECT_THAT(b.malformed.front().second, HasSubstr("'alpha'"));
  EXPECT_THAT(b.malformed.front().second, HasSubstr("'beta'"));
  bool refusing_side_reported = false;
  for (const auto& [peer, what] : a.malformed) {
    if (what.find("refused hello: cluster id 'beta' does not match node 1's cluster id 'alpha'") !=
        std::string::npos) {
      refusing_side_reported = true;
    }
  }
  EXPECT_TRUE(refusing_side_reported);
  EXPECT_GE(a.transport->anonymous_malformed_frames(), 1u);
  EXPECT_TRUE(a.frames.empty());
  EXPECT_TRUE(b.frames.empty());
  EXPECT_FALSE(a.stats(2).outgoing_connected);
  EXPECT_FALSE(a.stats(2).incoming_connected);
  EXPECT_EQ(a.stats(2).frames_sent, 0u);
}

TEST(TcpTransport, UnknownNodeIdIsRefused) {
  Harness h({1, 2, 3});
  auto& a = h.start(h.config(1, {2}));
  auto& stranger = h.start(h.config(3, {1}));
  stranger.transport->send(1, "let me in");
  ASSERT_TRUE(h.run_until([&] { return stranger.stats(1).handshakes_refused >= 1; }));
  ASSERT_FALSE(stranger.malformed.empty());
  EXPECT_THAT(stranger.malformed.front().second,
              HasSubstr("node 3 is not a member of cluster 'test'"));
  EXPECT_TRUE(a.frames.empty());
  EXPECT_GE(a.transport->anonymous_malformed_frames(), 1u);
  EXPECT_EQ(a.stats(3).malformed_frames, 0u);  // not a peer: nothing is kept per unknown id
}

TEST(TcpTransport, ReconnectsToAPeerRestartedOnTheSamePort) {
  Harness h({1, 2});
  auto& a = h.start(h.config(1, {2}));
  h.start(h.config(2, {1}));
  ASSERT_TRUE(h.exchange(1, 2, "before"));
  h.kill(2);
  ASSERT_TRUE(h.run_until([&] { return !a.stats(2).outgoing_connected; }));
  h.run_for(30ms);  // a few failed redials, so the backoff has grown
  auto& b = h.start(h.config(2, {1}));
  ASSERT_TRUE(h.exchange(1, 2, "after"));
  EXPECT_THAT(b.payloads_from(1), ElementsAre("after a->b"));
  EXPECT_TRUE(h.run_until([&] { return h.linked(1, 2); }));
}

TEST(TcpTransport, APeerThatDialsUsEndsOurBackoffTowardsIt) {
  Harness h({1, 2});
  auto config = h.config(1, {2});
  // After its first failed dial, node 1 would wait 10-20 s before dialing node 2 again.
  config.reconnect_backoff_min = 20s;
  config.reconnect_backoff_max = 20s;
  auto& a = h.start(config);
  h.run_for(50ms);  // node 2 is not running: the first dial fails and the backoff starts
  ASSERT_FALSE(a.stats(2).outgoing_connected);
  auto& b = h.start(h.config(2, {1}));
  // Node 2's handshake with node 1 shows it is up; node 1 dials it at once, not in 10-20 s.
  ASSERT_TRUE(h.run_until([&] { return a.stats(2).outgoing_connected; }, 3000ms));
  a.transport->send(2, "soon after the restart");
  ASSERT_TRUE(h.run_until([&] { return !b.frames.empty(); }, 3000ms));
  EXPECT_THAT(b.payloads_from(1), ElementsAre("soon after the restart"));
}

TEST(TcpTransport, QueueLimitDropsTheOldestFramesWhileThePeerIsDown) {
  Harness h({1, 2});
  auto config = h.config(1, {2});
  config.queue_limit_frames = 5;
  auto& a = h.start(config);
  for (int i = 1; i <= 20; ++i) {
    // Appended rather than "m" + to_string(i): GCC 12 warns falsely (-Wrestrict) on the latter.
    std::string payload = "m";
    payload += std::to_string(i);
    a.transport->send(2, std::move(payload));
  }
  h.run_for(20ms);  // node 2 is not running: every dial fails
  EXPECT_EQ(a.stats(2).frames_dropped_queue_full, 15u);
  EXPECT_EQ(a.stats(2).frames_sent, 0u);
  auto& b = h.start(h.config(2, {1}));
  ASSERT_TRUE(h.run_until([&] { return b.frames.size() == 5; }));
  h.run_for(20ms);  // nothing else arrives
  EXPECT_THAT(b.payloads_from(1), ElementsAre("m16", "m17", "m18", "m19", "m20"));
  EXPECT_EQ(a.stats(2).frames_sent, 5u);
}

TEST(TcpTransport, IncomingLostFiresWhenThePeerStops) {
  Harness h({1, 2, 3});
  auto& a = h.start(h.config(1, {2, 3}));
  h.start(h.config(2, {1, 3}));
  h.start(h.config(3, {1, 2}));
  ASSERT_TRUE(h.run_until([&] { return h.linked(1, 2) && h.linked(1, 3); }));
  h.kill(2);
  ASSERT_TRUE(h.run_until([&] { return !a.lost.empty(); }, 1000ms));
  EXPECT_THAT(a.lost, ElementsAre(2u));
  EXPECT_FALSE(a.stats(2).incoming_connected);
  EXPECT_TRUE(a.stats(3).incoming_connected);
  EXPECT_TRUE(a.malformed.empty());  // a clean close is not malformed
  EXPECT_TRUE(h.exchange(1, 3, "still"));
}

TEST(TcpTransport, StopThenDestroyWithHandlersPendingIsSafe) {
  {
    Harness h({1, 2});
    h.start(h.config(1, {2}));
    h.start(h.config(2, {1}));
    ASSERT_TRUE(h.exchange(1, 2, "warm"));
    for (int i = 0; i < 100; ++i) h.nodes[1]->transport->send(2, "pending " + std::to_string(i));
    h.nodes[1]->transport->stop();
    h.nodes[1]->transport->stop();  // idempotent
    h.nodes[1]->transport.reset();  // destroyed with writes, reads and timers still queued
    h.nodes[2]->transport.reset();  // destroyed without stop(): the destructor stops
    h.nodes.clear();
    h.run_for(50ms);  // the aborted handlers run against destroyed transports
  }
  SUCCEED();
}

TEST(TcpTransport, SendAfterStopIsIgnoredAndStartAfterStopIsAnError) {
  Harness h({1, 2});
  auto& a = h.start(h.config(1, {2}));
  a.transport->stop();
  a.transport->send(2, "into the void");
  a.transport->send(9, "unknown peer");
  EXPECT_EQ(a.stats(2).frames_dropped_queue_full, 0u);
  EXPECT_THROW(a.transport->start(), std::logic_error);
  EXPECT_EQ(a.transport->local_port(), 0u);
}

TEST(TcpTransport, EmptyOrOversizedPayloadIsRejected) {
  Harness h({1, 2});
  auto& a = h.start(h.config(1, {2}));
  EXPECT_THROW(a.transport->send(2, ""), std::invalid_argument);
  EXPECT_THROW(a.transport->send(2, std::string(kMaxFramePayloadBytes + 1, 'x')),
               std::invalid_argument);
  a.transport->send(2, std::string(kMaxFramePayloadBytes, 'x'));  // the largest frame is fine
}

TEST(TcpTransport, LargestFrameArrives) {
  Harness h({1, 2});
  auto& a = h.start(h.config(1, {2}));
  auto& b = h.start(h.config(2, {1}));
  a.transport->send(2, std::string(kMaxFramePayloadBytes, 'y'));
  a.transport->send(2, "after");
  ASSERT_TRUE(h.run_until([&] { return b.frames.size() == 2; }));
  EXPECT_EQ(b.frames[0].second, std::string(kMaxFramePayloadBytes, 'y'));
  EXPECT_EQ(b.frames[1].second, "after");
}

TEST(TcpTransport, PeerGivenByHostNameIsResolved) {
  Harness h({1, 2});
  auto config = h.config(1, {2});
  config.peers[2] = "localhost:" + std::to_string(h.port(2));
  auto& a = h.start(config);
  auto& b = h.start(h.config(2, {1}));
  a.transport->send(2, "via dns");
  ASSERT_TRUE(h.run_until([&] { return !b.frames.empty(); }));
  EXPECT_EQ(b.frames.front().second, "via dns");
}

TEST(TcpTransport, LocalPortReportsThePortPicked) {
  asio::io_context io;
  TransportConfig config;
  config.self = 1;
  config.cluster_id = "test";
  config.listen = "127.0.0.1:0";
  TcpTransport transport(io, config, {});
  EXPECT_EQ(transport.local_port(), 0u);
  transport.start();
  EXPECT_NE(transport.local_port(), 0u);
}

TEST(TcpTransport, BadAddressesAreNamedInTheError) {
  asio::io_context io;
  const auto error_of = [&](TransportConfig config) -> std::string {
    try {
      TcpTransport transport(io, std::move(config), {});
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no error";
  };
  TransportConfig config;
  config.self = 1;
  config.cluster_id = "test";
  auto peer_foo = config;
  peer_foo.peers[3] = "foo";
  EXPECT_EQ(error_of(peer_foo), "peer 3 address 'foo' is not host:port");
  auto bad_port = config;
  bad_port.peers[2] = "127.0.0.1:70000";
  EXPECT_EQ(error_of(bad_port), "peer 2 address '127.0.0.1:70000' has no valid port (0-65535)");
  auto zero_port = config;
  zero_port.peers[2] = "127.0.0.1:0";
  EXPECT_EQ(error_of(zero_port), "peer 2 address '127.0.0.1:0' has port 0");
  auto bad_listen = config;
  bad_listen.listen = ":7000";
  EXPECT_EQ(error_of(bad_listen), "listen address ':7000' is not host:port");
  auto no_cluster = config;
  no_cluster.cluster_id.clear();
  EXPECT_EQ(error_of(no_cluster), "transport: cluster id is empty");
  auto self_peer = config;
  self_peer.peers[1] = "127.0.0.1:1";
  EXPECT_EQ(error_of(self_peer), "transport: node 1 lists itself as a peer");
}

TEST(TcpTransport, ListeningOnATakenPortNamesTheAddress) {
  Harness h({1, 2});
  h.start(h.config(1, {2}));
  auto config = h.config(2, {1});
  config.listen = h.address(1);
  TcpTransport second(h.io, config, {});
  try {
    second.start();
    FAIL() << "start() should throw";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot listen on '" + h.address(1) + "'"));
  }
}

// write_next() writes on the spot while the kernel takes the bytes; a peer that stops reading
// fills the socket buffers, and the rest must wait for an asynchronous write (a frame cut in two
// by a partial write continues exactly where it stopped) without blocking the loop.
TEST(TcpTransport, APeerThatStopsReadingGetsEveryFrameIntactOnceItReads) {
  Harness h({1, 2});
  auto config = h.config(1, {2});
  config.queue_limit_frames = 1000;
  // Peer 2 is a plain socket on this thread: it answers the Hello, then reads nothing until told.
  asio::io_context raw_io;
  asio::ip::tcp::acceptor acceptor(
      raw_io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port(2)));
  auto& a = h.start(config);
  asio::ip::tcp::socket peer(raw_io);
  acceptor.non_blocking(true);
  ASSERT_TRUE(h.run_until([&] {
    asio::error_code error;
    acceptor.accept(peer, error);
    return !error;
  }));
  FrameDecoder decoder;
  std::array<char, 64 * 1024> buffer{};
  // Blocking reads, for the reader thread; `error` ends them when the test closes the socket.
  const auto read_frame = [&]() -> std::optional<std::string> {
    while (true) {
      if (auto frame = decoder.next()) return frame;
      if (decoder.error()) return std::nullopt;
      asio::error_code error;
      const std::size_t n = peer.read_some(asio::buffer(buffer), error);
      if (error) return std::nullopt;
      decoder.feed(std::string_view(buffer.data(), n));
    }
  };
  // The Hello is written by the transport's loop, so read it while that loop runs.
  peer.non_blocking(true);
  std::optional<std::string> hello;
  ASSERT_TRUE(h.run_until([&] {
    asio::error_code error;
    const std::size_t n = peer.read_some(asio::buffer(buffer), error);
    if (!error) decoder.feed(std::string_view(buffer.data(), n));
    hello = decoder.next();
    return hello.has_value();
  }));
  peer.non_blocking(false);
  ASSERT_TRUE(decode_hello(*hello)) << "the first frame is not a Hello";
  std::string reply;
  append_frame(reply, encode_hello_reply(HelloReply{.accepted = true, .reason = {}}));
  asio::write(peer, asio::buffer(reply));
  ASSERT_TRUE(h.run_until([&] { return a.stats(2).outgoing_connected; }));

  // Far more than loopback's socket buffers hold: 400 frames of 60,000 bytes is 24 MB.
  constexpr int kFrames = 400;
  const auto payload = [](int i) {
    return std::to_string(i) + std::string(60000, static_cast<char>('a' + i % 26));
  };
  for (int i = 0; i < kFrames; ++i) a.transport->send(2, payload(i));
  h.run_for(100ms);
  const std::uint64_t before_reading = a.stats(2).frames_sent;
  EXPECT_LT(before_reading, static_cast<std::uint64_t>(kFrames))
      << "the buffers never filled: this test no longer exercises the asynchronous write";

  // Read everything on another thread while the transport's loop keeps writing.
  std::vector<std::string> received;
  std::thread reader([&] {
    while (received.size() < kFrames) {
      auto frame = read_frame();
      if (!frame) return;
      received.push_back(std::move(*frame));
    }
  });
  const bool all_sent = h.run_until([&] { return a.stats(2).frames_sent == kFrames; },
                                    std::chrono::milliseconds(10000));
  if (!all_sent) peer.close();  // ends the reader rather than leaving it blocked
  reader.join();
  ASSERT_TRUE(all_sent);
  ASSERT_EQ(received.size(), static_cast<std::size_t>(kFrames));
  for (int i = 0; i < kFrames; ++i) ASSERT_EQ(received[i], payload(i)) << "frame " << i;
  EXPECT_EQ(a.stats(2).frames_dropped_queue_full, 0u);
}

}  // namespace
}  // namespace baton::net
